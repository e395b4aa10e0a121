"""A report names at least one 普法 topic (the 考核 export and the review count activities by
topic), through the real bot: 完成 with none ticked is answered and keeps the draft; 提交 of a
draft with none, forged or from before the rule, is refused on the server and the draft asks
for a topic; a topic-less draft saved before the rule, resumed after a restart, asks for one
and goes on where it was; a topic-less report from then, corrected from /myreports, too."""

from pathlib import Path
from typing import Any

from sqlmodel import select

from content.loader import Library
from content.search import SearchIndex
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from local_api import FakeUser
from storage.drafts import drafts_of, save_draft
from storage.models import ActivityReport
from storage.reports import get_report
from tests.e2e.conftest import Harness, restartable_bot
from tests.e2e.volunteer_steps import (
    TOPIC,
    invite,
    press,
    register,
    report_to_card,
    report_to_topics,
    say,
    tick_topic,
)
from tests.reporting import add_report

FRAUD = "反诈与个人信息保护"


async def draft(bot: Harness, user: FakeUser) -> tuple[str, dict[str, Any]]:
    """The step and answers of the volunteer's open report draft."""
    async with bot.services.db.session() as session:
        [row] = await drafts_of(session=session, telegram_id=user.id)
    return row.step, row.data


async def forget_topics(bot: Harness, user: FakeUser) -> None:
    """Makes the open draft one saved before a topic was required: 完成 then stored []."""
    async with bot.services.db.session() as session:
        [row] = await drafts_of(session=session, telegram_id=user.id)
        data = {**row.data, "topics": []}
        await save_draft(
            session=session,
            flow=row.flow,
            telegram_id=user.id,
            step=row.step,
            token=row.token,
            data=data,
            now=bot.clock(),
        )


async def reports(bot: Harness) -> list[ActivityReport]:
    async with bot.services.db.session() as session:
        return list((await session.exec(select(ActivityReport))).all())


async def test_done_with_no_topic_is_answered_and_keeps_the_draft(
    bot_with_admins: Harness,
) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.volunteers
    user = bot.api.user(8_700_001, "张三")
    await register(bot, user, await invite(bot, "城关镇"))
    topics = await report_to_topics(bot, user)
    assert "至少选一个" in topics.content
    done = topics.find_button("完成")["callback_data"]
    sent = len(bot.api.messages_to(user.id))
    answer = await bot.press(user, topics, done)
    assert answer["text"] == texts.topic_needed and answer["show_alert"] is True
    # A forged 提交 at this step is not taken, and stores nothing.
    token = callbacks.parse(done)
    assert token is not None
    forged = callbacks.make(Kind.REPORT, token.args[0], "submit")
    assert (await bot.press(user, topics, forged))["text"] == bot.ui.stale_step
    await bot.settle()
    assert len(bot.api.messages_to(user.id)) == sent  # nothing sent, the keyboard as it was
    today = bot.clock().astimezone(bot.services.tz).date().isoformat()
    answers = {"type": "constitution", "date": today, "campaigns": []}
    assert await draft(bot, user) == ("topics", answers)
    assert await reports(bot) == []

    # Ticked then unticked is none again; ticked, 完成 goes on.
    await tick_topic(bot, user, topics, FRAUD)
    await press(bot, user, topics, FRAUD)  # unticked
    assert (await bot.press(user, topics, done))["text"] == texts.topic_needed
    await tick_topic(bot, user, topics, FRAUD)
    [place] = await press(bot, user, topics, "完成")
    assert "地点" in place.content
    assert (await draft(bot, user))[1]["topics"] == ["fraud"]


async def test_correcting_the_topics_keeps_at_least_one(bot_with_admins: Harness) -> None:
    """From the summary card, 修改 → 主题: unticking every topic cannot be confirmed."""
    bot, texts = bot_with_admins, bot_with_admins.ui.volunteers
    user = bot.api.user(8_700_002, "张三")
    await register(bot, user, await invite(bot, "城关镇"))
    card = await report_to_card(bot, user)
    [fields] = await press(bot, user, card, "修改")
    [topics] = await press(bot, user, fields, texts.report_fields["topics"])
    await press(bot, user, topics, TOPIC)  # unticked
    done = topics.find_button("完成")["callback_data"]
    assert (await bot.press(user, topics, done))["text"] == texts.topic_needed
    await tick_topic(bot, user, topics, FRAUD)
    [card] = await press(bot, user, topics, "完成")
    assert f"主题：{FRAUD}" in card.content and "城关社区文化广场" in card.content
    _removed, submitted = await press(bot, user, card, "提交", 2)
    assert "提交成功" in submitted.content
    [report] = await reports(bot)
    assert report.topics == "fraud"


async def test_submit_of_an_old_topic_less_draft_after_a_restart_asks_for_a_topic(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """提交 pressed on the summary card of a draft saved before topics were required (the
    card sent before the restart): refused on the server, nothing stored, the draft kept and
    asked for a topic; then the same card again."""
    async with restartable_bot(tmp_path, library, index, user_rate_per_minute=1000) as server:
        bot = server.harness
        assert bot is not None
        texts = bot.ui.volunteers
        user = bot.api.user(8_700_003, "张三")
        await register(bot, user, await invite(bot, "城关镇"))
        card = await report_to_card(bot, user)
        await bot.settle()  # the bot notes its question after sending it: not over our edit
        await forget_topics(bot, user)
        bot = await server.restart()

        # The card as sent before buttons carried the draft's revision: none, so taken as
        # revision 0, which the draft saved then has too (nothing changed since).
        version, kind, token, action = card.find_button("提交")["callback_data"].split(":")
        submit = ":".join((version, kind, token.partition("-")[0], action))
        answer = await bot.press(user, card, submit)
        assert answer["text"] == texts.topic_needed and answer["show_alert"] is True
        removed, topics = await bot.api.wait_for_messages(user.id, 2)
        assert removed.action == "edit" and removed.buttons() == []
        assert (topics.source_text or "").startswith(texts.report_topic_needed)
        assert await reports(bot) == []
        step, data = await draft(bot, user)
        assert step == "topics" and data["resume"] == "confirm" and data["place"]
        # Pressed again, the old card's 提交 is no longer taken at this step.
        assert (await bot.press(user, card, submit))["text"] == bot.ui.stale_step

        await tick_topic(bot, user, topics, FRAUD)
        [card] = await press(bot, user, topics, "完成")
        for part in (f"主题：{FRAUD}", "城关社区文化广场", "80 人", "在文化广场宣讲宪法"):
            assert part in card.content, (part, card.content)
        _removed, submitted = await press(bot, user, card, "提交", 2)
        assert "提交成功" in submitted.content
        [report] = await reports(bot)
        assert report.topics == "fraud" and report.audience == 80


async def test_an_old_topic_less_draft_resumed_after_a_restart_asks_for_a_topic_first(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """A draft saved mid-way before topics were required: /report after a restart asks for a
    topic, then the question the draft was at, with every answer kept."""
    async with restartable_bot(tmp_path, library, index, user_rate_per_minute=1000) as server:
        bot = server.harness
        assert bot is not None
        texts = bot.ui.volunteers
        user = bot.api.user(8_700_004, "张三")
        await register(bot, user, await invite(bot, "城关镇"))
        topics = await report_to_topics(bot, user)
        await tick_topic(bot, user, topics)
        await press(bot, user, topics, "完成")
        [audience] = await say(bot, user, "城关社区文化广场")
        assert "多少" in audience.content
        await bot.settle()  # the bot notes its question after sending it: not over our edit
        await forget_topics(bot, user)
        bot = await server.restart()

        bot.api.send_command(user, "/report")
        [topics] = await bot.api.wait_for_messages(user.id)
        assert (topics.source_text or "").startswith(texts.report_topic_needed)
        assert not any(label.startswith("✅") for label in topics.button_labels())
        done = topics.find_button("完成")["callback_data"]
        assert (await bot.press(user, topics, done))["text"] == texts.topic_needed
        await tick_topic(bot, user, topics, FRAUD)
        [audience] = await press(bot, user, topics, "完成")
        assert "多少" in audience.content, audience.content  # where the draft was
        await say(bot, user, "80")
        [materials] = await say(bot, user, "2")
        [photos] = await press(bot, user, materials, "跳过")
        await press(bot, user, photos, "跳过")
        [card] = await say(bot, user, "在文化广场宣讲宪法，群众反响很好。")
        for part in (f"主题：{FRAUD}", "城关社区文化广场", "80 人", "2 小时"):
            assert part in card.content, (part, card.content)
        _removed, submitted = await press(bot, user, card, "提交", 2)
        assert "提交成功" in submitted.content
        [report] = await reports(bot)
        assert report.topics == "fraud" and report.place == "城关社区文化广场"


async def test_correcting_a_topic_less_report_from_before_asks_for_a_topic(
    bot_with_admins: Harness,
) -> None:
    """/myreports → 修改 of a report stored before topics were required: the topics step
    first, then its summary card; the correction is stored with the topic."""
    bot, texts = bot_with_admins, bot_with_admins.ui.volunteers
    user = bot.api.user(8_700_005, "张三")
    await register(bot, user, await invite(bot, "城关镇"))
    today = bot.clock().astimezone(bot.services.tz).date()
    report_id = await add_report(
        bot.services.db, user.id, now=bot.clock(), activity_date=today, topics=()
    )
    mine = await bot.ask(user, "/myreports")
    [topics] = await press(bot, user, mine, f"修改 #{report_id}")
    assert (topics.source_text or "").startswith(texts.report_topic_needed)
    await tick_topic(bot, user, topics, FRAUD)
    [card] = await press(bot, user, topics, "完成")
    assert f"修改报告 #{report_id}" in card.content and f"主题：{FRAUD}" in card.content
    _removed, updated = await press(bot, user, card, "提交", 2)
    assert "已更新" in updated.content
    async with bot.services.db.session() as session:
        stored = await get_report(session=session, report_id=report_id)
    assert stored is not None and stored.data.topics == ("fraud",)


async def test_a_report_naming_only_a_campaign_has_its_topic_everywhere(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """A campaign is a 普法 topic (宪法宣传周 counts for its categories): /myreports → 修改 of a
    report naming only 宪法宣传周 opens its summary card, which names the campaign, and the
    correction (unticked and ticked again, nothing changed: refused; then the audience) is
    stored; so is a draft naming only it, resumed after a restart. At the
    topics step the campaign shows among the topics, to be unticked and ticked again."""
    async with restartable_bot(tmp_path, library, index, user_rate_per_minute=1000) as server:
        bot = server.harness
        assert bot is not None
        texts = bot.ui.volunteers
        user = bot.api.user(8_700_006, "张三")
        await register(bot, user, await invite(bot, "城关镇"))
        today = bot.clock().astimezone(bot.services.tz).date()
        report_id = await add_report(
            bot.services.db, user.id, now=bot.clock(), activity_date=today,
            topics=("constitution-week",),
        )  # fmt: skip
        mine = await bot.ask(user, "/myreports")
        [card] = await press(bot, user, mine, f"修改 #{report_id}")
        assert "主题：宪法宣传周" in card.content, card.content
        bot = await server.restart()  # the draft at its card, naming only the campaign
        bot.api.send_command(user, "/report")
        [card] = await bot.next_question(user, card)  # the card drawn before loses its buttons
        assert "主题：宪法宣传周" in card.content, card.content
        # 修改 → 主题: the campaign shows ticked; unticked it is no topic, ticked again it is.
        [fields] = await press(bot, user, card, "修改")
        [topics] = await press(bot, user, fields, texts.report_fields["topics"])
        week = "📅 宪法宣传周"
        assert f"✅ {week}" in topics.button_labels(), topics.button_labels()
        [edited] = await press(bot, user, topics, f"✅ {week}")
        assert week in edited.button_labels() and "✅" not in " ".join(edited.button_labels())
        done = topics.find_button("完成")["callback_data"]
        assert (await bot.press(user, topics, done))["text"] == texts.topic_needed
        await tick_topic(bot, user, topics, week)
        [card] = await press(bot, user, topics, "完成")
        assert "主题：宪法宣传周" in card.content, card.content
        # ticked again as it was: nothing to store (the card stays)
        answer = await bot.press(user, card, card.find_button("提交")["callback_data"])
        assert answer["text"] == texts.report_unchanged, answer
        [fields] = await press(bot, user, card, "修改")
        await press(bot, user, fields, texts.report_fields["audience"])
        [card] = await say(bot, user, "121")
        _submitted, updated = await press(bot, user, card, "提交", 2)
        assert "已更新" in updated.content
        async with bot.services.db.session() as session:
            stored = await get_report(session=session, report_id=report_id)
        assert stored is not None and stored.data.topics == ("constitution-week",)
