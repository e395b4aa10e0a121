"""Registration, bad invite codes, profile corrections, /leave, /deleteme, /cancel, and
/myreports' edit and withdraw, through the local Bot API."""

from datetime import timedelta

from local_api import FakeUser, SentMessage
from storage.models import Invite, Person, Volunteer
from storage.reports import own_reports
from tests.clock import local
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.test_guided_chats import sweep_now
from tests.e2e.test_questions import WAGES
from tests.e2e.volunteer_steps import (
    answer_question,
    invite,
    phone_questions,
    press,
    register,
    report_to_card,
    report_to_place,
    say,
)


async def test_bad_codes_are_explained(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    user = bot.api.user(811)
    for payload in ("join_nonsense", "join_" + "a" * 10, "join_'%3B--"):
        bot.api.send_command(user, f"/start {payload}")
        [reply] = await bot.api.wait_for_messages(user.id)
        assert "无效" in (reply.text or ""), reply.text
    code = await invite(bot, "单次")
    async with bot.services.db.session() as session:
        row = await session.get(Invite, code)
        assert row is not None
        row.expires_at -= timedelta(days=365)
        session.add(row)
    bot.api.send_command(user, f"/join {code}")
    [reply] = await bot.api.wait_for_messages(user.id)
    assert "过期" in (reply.text or "")
    used = await invite(bot, "城关镇", "单次")
    await register(bot, bot.api.user(812), used)
    bot.api.send_command(user, f"/join {used}")
    [reply] = await bot.api.wait_for_messages(user.id)
    assert "已经被使用" in (reply.text or "")


async def test_a_single_use_invite_taken_meanwhile_is_said_at_the_end(
    bot_with_admins: Harness,
) -> None:
    """Two people open one single-use invite: the second to finish is told it was used, and
    is not registered (a third, opening it once used, was told at once: above)."""
    bot = bot_with_admins
    code = await invite(bot, "城关镇", "单次")
    late = bot.api.user(816)
    bot.api.send_command(late, f"/start join_{code}")
    await bot.api.wait_for_messages(late.id)
    await register(bot, bot.api.user(817), code)
    [ask_place] = await say(bot, late, "周志愿")
    ask_org = await bot.answer(late, ask_place, "城关社区")
    bot.api.press_button(late, ask_org, "跳过")
    await phone_questions(bot, late, ask_org)
    [told] = await say(bot, late, "13800138001")
    assert told.source_text == bot.ui.volunteers.invite_problems.used_up
    async with bot.services.db.session() as session:
        assert await session.get(Volunteer, late.id) is None
    assert await bot.services.chats.open(late.id) == []


async def test_join_asks_for_code_then_town_and_checks_answers(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    code = await invite(bot)  # any town: the volunteer picks one
    user = bot.api.user(813)
    bot.api.send_command(user, "/join")
    [ask] = await bot.api.wait_for_messages(user.id)
    assert "邀请码" in (ask.text or "")
    [reply] = await say(bot, user, "wrongcode1")
    assert "无效" in (reply.text or "")
    [_ask_name] = await say(bot, user, code.upper())
    [reply] = await say(bot, user, "🙂🙂")
    assert "文字" in (reply.text or "")
    [ask_town] = await say(bot, user, "刘志愿")
    assert "示例县东山镇" in ask_town.button_labels()
    bot.api.send_text(user, "火星")  # not a listed town: asked again, buttons only below
    [again] = await bot.next_question(user, ask_town)
    assert "没找到" in (again.text or "") and again.buttons() == ask_town.buttons()
    ask_place = await bot.answer(user, again, "示例县东山镇")
    assert "桃园村" in ask_place.button_labels()
    bot.api.send_text(user, "自己输入的小区")  # typed: the place list loses its buttons too
    [ask_org] = await bot.next_question(user, ask_place)
    bot.api.send_text(user, "东山司法所")
    await phone_questions(bot, user, ask_org)
    [reply] = await say(bot, user, "打我电话")
    assert "电话号码" in (reply.text or "")
    bot.api.send_contact(user, "+86 139 0000 1111", own=False)
    [reply] = await bot.api.wait_for_messages(user.id)
    assert "自己" in (reply.text or "")
    bot.api.send_contact(user, "+86 139 0000 1111")
    [done] = await bot.replies(user.id, 1)
    assert "示例县东山镇" in (done.text or "")
    async with bot.services.db.session() as session:
        volunteer = await session.get(Volunteer, user.id)
    assert volunteer is not None
    assert (volunteer.name, volunteer.place, volunteer.organisation, volunteer.phone) == (
        "刘志愿",
        "自己输入的小区",
        "东山司法所",
        "+8613900001111",
    )
    bot.api.send_command(user, f"/join {code}")
    [reply] = await bot.api.wait_for_messages(user.id)
    assert "已经登记" in (reply.text or "")


async def test_profile_dates_are_local_and_a_mistyped_mobile_is_refused(
    bot_with_admins: Harness,
) -> None:
    bot = bot_with_admins
    bot.clock.set(local(2027, 3, 2, 1, 30))  # still 1 March in UTC
    code = await invite(bot, "城关镇")
    user = bot.api.user(815)
    bot.api.send_command(user, f"/join {code}")
    await bot.api.wait_for_messages(user.id)
    [refused] = await say(bot, user, "王志愿😀")
    assert refused.source_text == bot.ui.volunteers.errors.name_symbols
    [ask_place] = await say(bot, user, "王志愿")  # the invite names the town
    bot.api.send_text(user, "自己输入的小区")
    [ask_org] = await bot.next_question(user, ask_place)
    bot.api.send_text(user, "城关司法所")
    await phone_questions(bot, user, ask_org)
    [reply] = await say(bot, user, "1381234567")  # a digit short
    assert reply.text == bot.services.ui.volunteers.errors.phone_format
    [done] = await say(bot, user, "13812345678")
    assert "示例县城关镇" in (done.text or "")
    bot.api.send_command(user, "/profile")
    [profile] = await bot.api.wait_for_messages(user.id)
    assert "2027-03-02" in (profile.text or "") and "13812345678" in (profile.text or "")


async def test_profile_correction_leave_and_report_refused_after(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    user = bot.api.user(814)
    await register(bot, user, await invite(bot, "城关镇"))
    await bot.settle()
    menu = [c["command"] for c in bot.api.commands[f"chat:{user.id}"]]
    assert "report" in menu and "broadcast" not in menu
    bot.api.send_command(user, "/profile")
    [profile] = await bot.api.wait_for_messages(user.id)
    assert "13800138000" in (profile.text or "")  # their own phone, shown to them
    [_ask] = await press(bot, user, profile, "姓名")
    [refused] = await say(bot, user, "张三丰😀")  # names are printed on certificates
    assert refused.source_text == bot.ui.volunteers.errors.name_symbols
    updated, shown = await say(bot, user, "张三丰", 2)
    assert "已更新" in (updated.text or "") and "张三丰" in (shown.text or "")
    again = await bot.ask(user, "/profile")  # the redrawn profile is /profile's, 星级 and all
    assert "星级" in shown.content and shown.content == again.content
    shown = again
    [ask_town] = await press(bot, user, shown, "乡镇/街道")
    ask_place = await bot.answer(user, ask_town, "示例县西河镇")
    updated, shown = await press(bot, user, ask_place, "柳湾村", 2)
    assert "示例县西河镇" in (shown.text or "") and "柳湾村" in (shown.text or "")
    bot.api.send_command(user, "/leave")
    [confirm] = await bot.api.wait_for_messages(user.id)
    kept = await answer_question(bot, user, confirm, "不了")
    assert "没有改变" in (kept.text or "")
    bot.api.send_command(user, "/leave")
    [confirm] = await bot.api.wait_for_messages(user.id)
    left = await answer_question(bot, user, confirm, "确定")
    assert "已退出" in (left.text or "")
    await bot.settle()
    assert f"chat:{user.id}" not in bot.api.commands  # back to the residents' menu
    bot.api.send_command(user, "/report")
    [reply] = await bot.api.wait_for_messages(user.id)
    assert "已登记的普法志愿者" in (reply.text or "")
    async with bot.services.db.session() as session:
        row = await session.get(Volunteer, user.id)
    assert row is not None and (row.name, row.phone, row.active) == ("", "", False)


async def test_cancel_and_deleteme_mid_report(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    user = bot.api.user(815)
    bot.api.send_command(user, "/cancel")
    [reply] = await bot.api.wait_for_messages(user.id)
    assert "没有需要取消" in (reply.text or "")
    await register(bot, user, await invite(bot, "城关镇"))
    bot.api.send_command(user, "/report")
    [types] = await bot.api.wait_for_messages(user.id)
    bot.api.send_command(user, "/report")
    [resumed] = await bot.next_question(user, types)  # only the copy below is live
    assert "还没提交" in (resumed.text or "")
    bot.api.send_command(user, "/cancel")
    [reply] = await bot.replies(user.id, 1)
    assert "已取消" in (reply.text or "")
    assert bot.as_now(resumed).buttons() == []
    [question] = await say(bot, user, "老板拖欠工资怎么办")  # free text is a question again
    assert "工资" in (question.text or "")
    bot.api.send_command(user, "/report")
    await bot.api.wait_for_messages(user.id)
    bot.api.send_command(user, "/deleteme")
    [confirm] = await bot.api.wait_for_messages(user.id)
    deleted = await answer_question(bot, user, confirm, "确定")
    assert "已删除：1 条提问记录" in (deleted.text or ""), deleted.text
    async with bot.services.db.session() as session:
        assert await session.get(Volunteer, user.id) is None
        assert await session.get(Person, user.id) is None
    pressed = await bot.press(user, types, types.find_button("宪法宣传")["callback_data"])
    assert pressed["text"] == bot.ui.stale_button  # the open draft went too, and the role


async def test_myreports_edit_and_withdraw(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    user = bot.api.user(816)
    await register(bot, user, await invite(bot, "城关镇"))
    card = await report_to_card(bot, user)
    bot.api.press_button(user, card, "提交")
    await bot.api.wait_for_messages(user.id, 2)
    bot.api.send_command(user, "/myreports")
    [mine] = await bot.api.wait_for_messages(user.id)
    [edit_card] = await press(bot, user, mine, "修改 #1")
    assert "修改报告 #1" in (edit_card.text or "")
    [fields] = await press(bot, user, edit_card, "修改")
    [_ask] = await press(bot, user, fields, "服务时长")
    [card] = await say(bot, user, "3")
    _removed, done = await press(bot, user, card, "提交", 2)
    assert "已更新" in (done.text or "")
    [confirm] = await press(bot, user, mine, "撤回 #1")
    withdrawn = await answer_question(bot, user, confirm, "确定")
    assert "已撤回" in (withdrawn.text or "")
    pressed = await bot.press(user, mine, "1:mr:withdraw:999")  # someone else's / forged
    assert pressed.get("text") == bot.ui.stale_button
    async with bot.services.db.session() as session:
        [report] = await own_reports(session=session, volunteer_id=user.id)
    assert report.status == "withdrawn" and report.data.hours == 3.0
    bot.api.send_command(bot.api.user(ADMIN_ID), "/stats")
    [stats] = await bot.api.wait_for_messages(ADMIN_ID)
    assert "还没有活动报告" in (stats.text or "")  # withdrawn reports do not count


async def test_cancelling_a_correction_says_the_report_stays_as_it_was(
    bot_with_admins: Harness,
) -> None:
    """/cancel (or ❌ 取消) while correcting a submitted report from /myreports drops the
    changes only: it is said so (it said 这份报告没有保存, as of a new report)."""
    bot = bot_with_admins
    texts = bot.ui.volunteers
    user = bot.api.user(820)
    await register(bot, user, await invite(bot, "城关镇"))
    card = await report_to_card(bot, user)
    await press(bot, user, card, "提交", 2)
    mine = await bot.ask(user, "/myreports")
    [edit_card] = await press(bot, user, mine, "修改 #1")
    [fields] = await press(bot, user, edit_card, "修改")
    await press(bot, user, fields, texts.report_fields["hours"])
    await say(bot, user, "3")
    cancelled = await bot.ask(user, "/cancel")
    assert cancelled.source_text == texts.report_edit_cancelled.format(id=1)
    [edit_card] = await press(bot, user, mine, "修改 #1")
    [cancelled] = await press(bot, user, edit_card, "取消")
    assert cancelled.source_text == texts.report_edit_cancelled.format(id=1)
    async with bot.services.db.session() as session:
        [report] = await own_reports(session=session, volunteer_id=user.id)
    assert report.status == "submitted" and report.data.hours == 2.0
    card = await report_to_card(bot, user)  # a new report's cancel is as before
    [cancelled] = await press(bot, user, card, "取消")
    assert cancelled.source_text == texts.report_cancelled


async def test_a_correction_given_up_or_timed_out_says_the_report_stays_as_it_was(
    bot_with_admins: Harness,
) -> None:
    """While correcting a submitted report from /myreports, /start's question before giving
    it up and the word that it timed out say the changes only are lost and the report
    stays as it was (they said 已填的内容不会保存 and 草稿已作废, as of a new report); a new
    report's are as before."""
    bot = bot_with_admins
    ui = bot.ui
    user = bot.api.user(821)
    await register(bot, user, await invite(bot, "城关镇"))
    card = await report_to_card(bot, user)
    await press(bot, user, card, "提交", 2)
    mine = await bot.ask(user, "/myreports")
    await press(bot, user, mine, "修改 #1")
    asked = await bot.ask(user, "/start")
    named = ui.volunteers.report_named.format(id=1)
    assert asked.source_text == ui.chat.unfinished_correction.format(what=named)
    assert await _kept_then_timed_out(bot, user, asked) == [
        ui.chat.correction_timed_out.format(what=named)
    ]
    async with bot.services.db.session() as session:
        [report] = await own_reports(session=session, volunteer_id=user.id)
    assert report.status == "submitted"
    await report_to_place(bot, user)  # a new report's words are as before
    asked = await bot.ask(user, "/start")
    assert (asked.source_text or "").startswith(ui.chat.unfinished.split("{", 1)[0])
    assert await _kept_then_timed_out(bot, user, asked) == [ui.volunteers.report_timed_out]


async def _kept_then_timed_out(bot: Harness, user: FakeUser, asked: SentMessage) -> list[str]:
    """继续填写 on /start's question about the open report, then the draft left idle: what
    the sweep tells the volunteer."""
    await answer_question(bot, user, asked, bot.ui.chat.keep_button)
    [chat] = await bot.services.chats.open(user.id)
    bot.clock.advance(chat.flow.idle + timedelta(minutes=1))
    before = len(bot.sent_to(user.id))
    await sweep_now(bot)
    return [m.source_text or "" for m in bot.sent_to(user.id)[before:]]


async def test_withdraw_on_an_old_list_says_what_became_of_the_report(
    bot_with_admins: Harness,
) -> None:
    """撤回 on a /myreports list drawn before the report was withdrawn, or before its edit
    window closed, answers so at once: no question to withdraw what cannot be."""
    bot = bot_with_admins
    texts = bot.ui.volunteers
    user = bot.api.user(817)
    await register(bot, user, await invite(bot, "城关镇"))
    for _ in range(2):
        card = await report_to_card(bot, user)
        await press(bot, user, card, "提交", 2)
    mine = await bot.ask(user, "/myreports")
    [confirm] = await press(bot, user, mine, "撤回 #1")
    await answer_question(bot, user, confirm, texts.confirm_yes)
    sent = len(bot.sent_to(user.id))
    withdrawn = mine.find_button("撤回 #1")["callback_data"]
    assert (await bot.press(user, mine, withdrawn))["text"] == texts.withdrawn.format(id=1)
    bot.clock.advance(timedelta(days=bot.services.volunteering.edit_window_days, hours=1))
    late = mine.find_button("撤回 #2")["callback_data"]
    assert (await bot.press(user, mine, late))["text"] == texts.report_locked.format(id=2)
    await bot.settle()
    assert len(bot.sent_to(user.id)) == sent  # no question asked
    async with bot.services.db.session() as session:
        reports = await own_reports(session=session, volunteer_id=user.id)
    assert sorted(r.status for r in reports) == ["submitted", "withdrawn"]


async def test_leave_ends_an_open_report_and_the_next_message_is_a_question(
    bot_with_admins: Harness,
) -> None:
    """/leave with a report half-way: the draft goes with the role, so what they type next is
    answered as anyone's question (it was swallowed by the draft's "只对志愿者开放")."""
    bot = bot_with_admins
    user, bystander = bot.api.user(818), bot.api.user(819)
    await register(bot, user, await invite(bot, "城关镇"))
    await report_to_place(bot, user)
    confirm = await bot.ask(user, "/leave")
    left = await answer_question(bot, user, confirm, bot.ui.volunteers.confirm_yes)
    assert left.source_text == bot.ui.volunteers.left
    assert (await bot.ask(user, WAGES)).content == (await bot.ask(bystander, WAGES)).content
    assert await bot.services.chats.open(user.id) == []


async def test_volunteer_commands_tell_a_resident_how_to_join(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    user = bot.api.user(899)
    for command in ("/report", "/profile", "/leave", "/myreports"):
        bot.api.send_command(user, command)
        [reply] = await bot.api.wait_for_messages(user.id)
        assert "只对已登记的普法志愿者开放" in (reply.text or ""), command
