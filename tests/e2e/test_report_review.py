"""Coordinators' review of activity reports through the real bot and the local Bot API: the
notification's ✅ 核实 / ↩️ 退回, the reason asked, the volunteer told, their correction told to
the coordinators field by field, the figures before and after; forged and refused presses."""

import re

from local_api import FakeUser, SentMessage
from storage.audit import recent
from storage.reports import get_report
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.volunteer_steps import (
    answer_question,
    invite,
    press,
    register,
    report_to_card,
    say,
)

SECOND = 7_000_502  # a coordinator promoted in the bot: gets a copy of each notification
VOLUNTEER = 7_000_501
AUDIENCE = re.compile(r"受众 (\d+) 人次")


async def _audience(bot: Harness) -> int:
    """People reached this month, as /stats says (0 when it says there are no reports)."""
    [stats, *_] = await say(bot, bot.api.user(ADMIN_ID), "/stats")
    found = AUDIENCE.search(stats.text or "")
    if found is None:
        assert bot.ui.volunteers.stats_empty in (stats.text or ""), stats.text
        return 0
    if int(found[1]):
        await bot.api.wait_for_messages(ADMIN_ID, 2)  # and the chart, before anything else
    return int(found[1])


def _mark(bot: Harness) -> int:
    """The journal's position now: what the bot does next in any chat comes after it."""
    return len(bot.api.state.sent)


async def _submitted(bot: Harness, volunteer: FakeUser) -> tuple[SentMessage, SentMessage]:
    """The volunteer's report filled in and submitted: its card and the admin's copy of the
    notification."""
    card = await report_to_card(bot, volunteer)
    mark = _mark(bot)
    await press(bot, volunteer, card, "提交", 2)
    [copy] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
    return card, copy


def _one(messages: list[SentMessage], action: str) -> SentMessage:
    [found] = [m for m in messages if m.action == action]
    return found


async def test_return_correct_and_verify(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    texts = bot.ui.review
    admin = bot.api.user(ADMIN_ID, "协调员")
    second = bot.api.user(SECOND, "二号协调员", username="second_c")
    await say(bot, second, "/start")
    [confirm] = await say(bot, admin, "/promote @second_c")
    promoted = await answer_question(bot, admin, confirm, "确定")
    await bot.api.wait_for_messages(SECOND, after=promoted.index)  # told they are a coordinator
    volunteer = bot.api.user(VOLUNTEER, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    card = await report_to_card(bot, volunteer)
    mark = _mark(bot)
    await press(bot, volunteer, card, "提交", 2)
    [copy] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
    [other_copy] = await bot.api.wait_for_messages(SECOND, after=mark)
    assert "新的活动报告" in (copy.text or "") and "80 人" in (copy.text or "")
    assert copy.button_labels() == [texts.verify_button, texts.return_button]
    assert await _audience(bot) == 80  # 待审核 counts

    # A volunteer forging the coordinators' button is refused (and it is audited); forged ids
    # and actions are answered as expired or missing reports.
    [mine] = await say(bot, volunteer, "/myreports")
    refused = await bot.press(volunteer, mine, "1:rv:v:1")
    assert refused.get("text") == bot.ui.not_allowed
    assert (await bot.press(admin, copy, "1:rv:v:999"))["text"] == texts.no_report
    assert (await bot.press(admin, copy, "1:rv:x:1"))["text"] == bot.ui.stale_button
    assert (await bot.press(admin, copy, "1:rv:v:1:2:3"))["text"] == bot.ui.stale_button
    assert (await bot.press(admin, copy, "1:rv:v:1:x"))["text"] == bot.ui.stale_button
    # a forged revision is one the report never had: not decided
    assert (await bot.press(admin, copy, "1:rv:v:1:2"))["text"] == texts.changed.format(id=1)

    # 退回 asks a reason; the volunteer is told; both copies show the decision.
    [ask] = await press(bot, admin, copy, texts.return_button)
    assert "退回报告 #1" in (ask.text or "")
    mark = _mark(bot)
    done = await say(bot, admin, "受众人数写错了，请核对", 2)
    assert _one(done, "send").text == "已退回报告 #1，并告诉了志愿者原因。"
    assert "已退回" in (_one(done, "edit").text or "") and _one(done, "edit").buttons() == []
    [told] = await bot.api.wait_for_messages(VOLUNTEER, after=mark)
    assert "#1" in (told.text or "") and "受众人数写错了" in (told.text or "")
    assert "/myreports" in (told.text or "")
    [edited] = await bot.api.wait_for_messages(SECOND, after=mark)
    async with bot.services.db.session() as session:
        returned = await get_report(session=session, report_id=1)
    assert returned is not None and returned.reviewer  # the admin's Telegram name
    assert f"已退回（{returned.reviewer}）" in (edited.text or ""), edited.text
    # The other coordinator's stale press learns who decided.
    late = await bot.press(second, other_copy, other_copy.find_button("核实")["callback_data"])
    assert late["text"] == texts.already.format(id=1, reviewer=returned.reviewer, state="已退回")
    assert late["text"].startswith("报告 #1 已由")
    assert await _audience(bot) == 0  # 已退回 is out of the figures

    # The volunteer corrects it: the coordinators are told what changed, it is pending again.
    [edit_card] = await press(bot, volunteer, mine, "修改 #1")
    [fields] = await press(bot, volunteer, edit_card, "修改")
    [_ask] = await press(bot, volunteer, fields, "受众人数")
    [card] = await say(bot, volunteer, "800")
    mark = _mark(bot)
    await press(bot, volunteer, card, "提交", 2)
    redrawn: dict[int, SentMessage] = {}
    for coordinator in (ADMIN_ID, SECOND):
        news = await bot.api.wait_for_messages(coordinator, 2, after=mark)
        said = _one(news, "send").text or ""
        assert "报告 #1" in said and "受众人数 80 → 800" in said and "已退回" in said, said
        redrawn[coordinator] = _one(news, "edit")
        assert redrawn[coordinator].button_labels() == [texts.verify_button, texts.return_button]
    assert await _audience(bot) == 800

    # 核实 from the second coordinator's (edited) copy; the admin's copy shows it.
    mark = _mark(bot)
    edited_copy = redrawn[SECOND]
    answer = await bot.press(second, edited_copy, edited_copy.find_button("核实")["callback_data"])
    assert answer["text"] == texts.verified_done.format(id=1)
    [verified] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
    assert "已核实" in (verified.text or "") and "二号协调员" in (verified.text or "")
    async with bot.services.db.session() as session:
        report = await get_report(session=session, report_id=1)
        entries, _ = await recent(session=session, offset=0, limit=50)
    assert report is not None and report.review == "verified" and report.data.audience == 800
    actions = [(e.action, e.allowed) for e in entries]
    assert ("report.verified", True) in actions and ("report.returned", True) in actions
    assert ("report.review", False) in actions
    assert await _audience(bot) == 800


async def _correct_audience(
    bot: Harness, volunteer_id: int, audience: int, *, told: bool = True
) -> list[SentMessage]:
    """The volunteer corrects report #1's audience (/myreports); what the admin got then
    (the copy redrawn, told what changed), if `told`."""
    volunteer = bot.api.user(volunteer_id)
    [mine] = await say(bot, volunteer, "/myreports")
    [edit_card] = await press(bot, volunteer, mine, "修改 #1")
    [fields] = await press(bot, volunteer, edit_card, "修改")
    [_ask] = await press(bot, volunteer, fields, "受众人数")
    [card] = await say(bot, volunteer, str(audience))
    mark = _mark(bot)
    await press(bot, volunteer, card, "提交", 2)
    return await bot.api.wait_for_messages(ADMIN_ID, 2, after=mark) if told else []


async def test_a_press_on_figures_corrected_since_decides_nothing(
    bot_with_admins: Harness,
) -> None:
    """The buttons carry the report's revision: a copy's 核实 pressed after the volunteer
    corrected the report (its copy not yet redrawn: an old press, a failed edit) decides
    nothing and says why, the copy shows the new figures, and its new buttons decide. So does
    a reason typed after 退回 when the report was corrected meanwhile. A button from before
    revisions (no revision) decides a report never corrected, and is refused on one corrected."""
    bot = bot_with_admins
    texts = bot.ui.review
    admin = bot.api.user(ADMIN_ID, "协调员")
    volunteer = bot.api.user(VOLUNTEER, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    _, copy = await _submitted(bot, volunteer)
    verify = copy.find_button("核实")["callback_data"]
    assert verify.startswith("1:rv:v:1:") and len(verify.encode()) <= 64, verify

    # Corrected while the copy cannot be edited (the admin's chat refuses writes for a while).
    bot.api.block(ADMIN_ID)
    await _correct_audience(bot, VOLUNTEER, 800, told=False)
    await bot.settle()
    bot.api.unblock(ADMIN_ID)

    # The copy as it was before the correction: refused, told why, the copy drawn again.
    mark = _mark(bot)
    answer = await bot.press(admin, copy, verify)
    assert answer["text"] == texts.changed.format(id=1) and answer.get("show_alert"), answer
    assert "修改过" in answer["text"] and "修改后的内容" in answer["text"]
    [redrawn] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
    assert (redrawn.action, redrawn.message_id) == ("edit", copy.message_id)
    assert (
        "800 人" in (redrawn.text or "") and redrawn.find_button("核实")["callback_data"] != verify
    )
    # ... as a button from before revisions is, on a corrected report
    assert (await bot.press(admin, copy, "1:rv:v:1"))["text"] == texts.changed.format(id=1)
    async with bot.services.db.session() as session:
        report = await get_report(session=session, report_id=1)
    assert report is not None and report.review == "pending"

    # 退回 from the redrawn copy; the volunteer corrects again before the reason is typed.
    [ask] = await press(bot, admin, redrawn, texts.return_button)
    assert "退回报告 #1" in (ask.text or "")
    news = await _correct_audience(bot, VOLUNTEER, 90)
    latest = _one(news, "edit")
    assert "90 人" in (latest.text or "")
    [said] = await say(bot, admin, "人数不对")
    assert said.text == texts.changed.format(id=1), said.text
    async with bot.services.db.session() as session:
        report = await get_report(session=session, report_id=1)
    assert report is not None and report.review == "pending" and report.data.audience == 90

    # The copy as it is now decides.
    answer = await bot.press(admin, latest, latest.find_button("核实")["callback_data"])
    assert answer["text"] == texts.verified_done.format(id=1)
    async with bot.services.db.session() as session:
        report = await get_report(session=session, report_id=1)
    assert report is not None and report.review == "verified" and report.data.audience == 90

    # A second report, never corrected: a button from before revisions still decides it.
    _, second_copy = await _submitted(bot, volunteer)
    answer = await bot.press(admin, second_copy, "1:rv:v:2")
    assert answer["text"] == texts.verified_done.format(id=2)


async def _returned(bot: Harness, reason: str = "受众人数写错了，请核对") -> SentMessage:
    """A volunteer's report #1, submitted and returned by the admin with `reason`; the card
    as it was submitted."""
    admin = bot.api.user(ADMIN_ID, "协调员")
    volunteer = bot.api.user(VOLUNTEER, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    card = await report_to_card(bot, volunteer)
    mark = _mark(bot)
    await press(bot, volunteer, card, "提交", 2)
    [copy] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
    await press(bot, admin, copy, bot.ui.review.return_button)
    await say(bot, admin, reason, 2)
    await bot.api.wait_for_messages(VOLUNTEER, after=mark)  # told
    return card


async def test_myreports_shows_the_review_and_an_unchanged_correction_is_refused(
    bot_with_admins: Harness,
) -> None:
    """/myreports says where each report's review stands, a returned one's reason (on its
    修改 card too) and that it is out of the month's count; 提交 of its correction with
    nothing changed is refused (the card stays, the coordinators are not told, it stays
    returned); once changed, it is pending again."""
    bot = bot_with_admins
    volunteer = bot.api.user(VOLUNTEER, "志愿者")
    submitted = await _returned(bot)
    # The submitted card reads as submitted, not as a question.
    [card_now] = [
        m for m in bot.api.messages_to(VOLUNTEER) if m.message_id == submitted.message_id
    ][-1:]
    assert "已提交：报告 #1" in (card_now.text or "") and "没问题就点" not in (card_now.text or "")
    assert "简介：在文化广场宣讲宪法" in (card_now.text or ""), card_now.text

    [mine] = await say(bot, volunteer, "/myreports")
    text = mine.text or ""
    assert "本月：0 次活动" in text and "（1 份已退回，修改后重新审核）" in text, text
    assert "#1 " in text and "已退回" in text and "退回原因：受众人数写错了，请核对" in text, text

    [edit_card] = await press(bot, volunteer, mine, "修改 #1")
    assert "退回原因：受众人数写错了，请核对" in (edit_card.text or ""), edit_card.text
    mark = _mark(bot)
    answer = await bot.press(volunteer, edit_card, edit_card.find_button("提交")["callback_data"])
    assert answer["text"] == bot.ui.volunteers.report_unchanged and answer.get("show_alert")
    assert answer["text"].startswith("你还没有修改任何内容")
    await bot.settle()
    assert bot.api.messages_to(ADMIN_ID)[-1].index < mark  # nothing told
    async with bot.services.db.session() as session:
        report = await get_report(session=session, report_id=1)
    assert report is not None and report.review == "returned"

    # Changed, it goes: pending again, and /myreports says so.
    [fields] = await press(bot, volunteer, edit_card, "修改")
    await press(bot, volunteer, fields, "受众人数")
    [card] = await say(bot, volunteer, "60")
    await press(bot, volunteer, card, "提交", 2)
    [mine] = await say(bot, volunteer, "/myreports")
    text = mine.text or ""
    assert "本月：1 次活动，60 人次" in text and "待审核" in text and "退回原因" not in text, text


async def test_a_return_reason_needs_words_within_the_limit(bot_with_admins: Harness) -> None:
    """A 退回 reason too long is told the limit (it was text); one with no words (👎) is
    asked for words; neither returns the report, a proper one then does."""
    bot = bot_with_admins
    texts = bot.ui.review
    admin = bot.api.user(ADMIN_ID, "协调员")
    volunteer = bot.api.user(VOLUNTEER, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    _, copy = await _submitted(bot, volunteer)
    await press(bot, admin, copy, texts.return_button)
    [long] = await say(bot, admin, "太" * 300)
    assert long.text == texts.reason_long.format(max=200, count=300), long.text
    assert "最多 200 字" in (long.text or "") and "300 字" in (long.text or "")
    [emoji] = await say(bot, admin, "👎")
    assert emoji.text == texts.reason_no_letters.format(max=200), emoji.text
    async with bot.services.db.session() as session:
        report = await get_report(session=session, report_id=1)
    assert report is not None and report.review == "pending"
    done = await say(bot, admin, "👎 人数不对", 2)
    assert _one(done, "send").text == texts.returned_done.format(id=1)


async def test_a_tag_redraws_the_copies_and_refuses_a_decision_from_before_it(
    bot_with_admins: Harness,
) -> None:
    """/tag is a change for review: the copy of the notification is redrawn showing what the
    report counts for, with buttons carrying its new revision; 核实 pressed on the copy as it
    was before the tag decides nothing, the redrawn one decides."""
    bot = bot_with_admins
    texts = bot.ui.review
    admin = bot.api.user(ADMIN_ID, "协调员")
    volunteer = bot.api.user(VOLUNTEER, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    _, copy = await _submitted(bot, volunteer)
    assert "民法典宣传" not in (copy.text or "")
    verify = copy.find_button("核实")["callback_data"]

    mark = _mark(bot)
    bot.api.send_text(admin, "/tag 1 民法典")
    said, redrawn = await bot.api.wait_for_messages(ADMIN_ID, 2, after=mark)
    assert said.text == bot.ui.engagement.tag_added.format(id=1, name="民法典宣传")
    assert (redrawn.action, redrawn.message_id) == ("edit", copy.message_id)
    assert texts.tags_line.format(names="民法典宣传") in (redrawn.text or "")
    assert redrawn.find_button("核实")["callback_data"] != verify

    answer = await bot.press(admin, copy, verify)
    assert answer["text"] == texts.changed.format(id=1) and answer.get("show_alert"), answer
    async with bot.services.db.session() as session:
        report = await get_report(session=session, report_id=1)
    assert report is not None and report.review == "pending"
    answer = await bot.press(admin, redrawn, redrawn.find_button("核实")["callback_data"])
    assert answer["text"] == texts.verified_done.format(id=1)
    async with bot.services.db.session() as session:
        report = await get_report(session=session, report_id=1)
    assert report is not None and report.review == "verified"
    assert "civil-code-publicity" in report.data.topics


async def _withdraw(bot: Harness, volunteer: FakeUser, report_id: int) -> None:
    [mine] = await say(bot, volunteer, "/myreports")
    [confirm] = await press(bot, volunteer, mine, f"撤回 #{report_id}")
    withdrawn = await answer_question(bot, volunteer, confirm, "确定")
    assert "已撤回" in (withdrawn.text or "")


async def test_a_withdrawn_reports_copies_lose_their_review_buttons(
    bot_with_admins: Harness,
) -> None:
    """Withdrawn by the volunteer: the coordinators' copies say so, without ✅ 核实 / ↩️ 退回;
    a copy that could not be edited then is edited when its button is pressed."""
    bot = bot_with_admins
    texts = bot.ui.review
    admin = bot.api.user(ADMIN_ID, "协调员")
    volunteer = bot.api.user(VOLUNTEER, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    _, copy = await _submitted(bot, volunteer)
    mark = _mark(bot)
    await _withdraw(bot, volunteer, 1)
    [edited] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
    assert (edited.action, edited.message_id) == ("edit", copy.message_id)
    assert texts.withdrawn_line in (edited.text or "") and edited.buttons() == []

    _, second = await _submitted(bot, volunteer)
    bot.api.block(ADMIN_ID)
    await _withdraw(bot, volunteer, 2)
    await bot.settle()
    bot.api.unblock(ADMIN_ID)
    mark = _mark(bot)
    answer = await bot.press(admin, second, second.find_button("核实")["callback_data"])
    assert answer["text"] == texts.no_report and answer.get("show_alert")
    [redrawn] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
    assert (redrawn.action, redrawn.message_id) == ("edit", second.message_id)
    assert texts.withdrawn_line in (redrawn.text or "") and redrawn.buttons() == []
    async with bot.services.db.session() as session:
        report = await get_report(session=session, report_id=2)
    assert report is not None and report.review == "pending"
