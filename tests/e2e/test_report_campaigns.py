"""The campaigns the /report chat offers follow the activity's date, not the day the report is
written (domain.reports.offered_campaigns: from a campaign's first day to 14 days after its
last), through the real bot: the date is asked before the topics; a date corrected from the
summary card checks the campaigns again (one that no longer fits is said so, to be kept or
unticked; one that now fits is offered); the summary card of a draft or a reopened report
points out a campaign that does not fit; a draft saved when the topics came first is asked
its date first."""

from datetime import date

from local_api import FakeUser, SentMessage
from storage.drafts import save_draft
from storage.reports import get_report, own_reports
from tests.clock import local
from tests.e2e.conftest import Harness
from tests.e2e.volunteer_steps import (
    answers_to_card,
    invite,
    press,
    register,
    report_to_topics,
    say,
    tick_topic,
)
from tests.reporting import add_report

WEEK, DAY = "📅 宪法宣传周", "📅 12·4国家宪法日"  # 12-01 to 12-07, and 12-04 (campaigns.yaml)
FRAUD = "反诈与个人信息保护"


async def volunteer(bot: Harness, user_id: int) -> FakeUser:
    user = bot.api.user(user_id, "张三")
    await register(bot, user, await invite(bot, "城关镇"))
    return user


def campaigns(message: SentMessage) -> list[str]:
    """The campaigns a topics step offers (ticked or not)."""
    labels = (label.removeprefix("✅ ") for label in message.button_labels())
    return [label for label in labels if label.startswith("📅")]


def unfitting(bot: Harness, names: str, day: str) -> str:
    """What the topics step says of chosen campaigns that do not fit the date."""
    return bot.ui.volunteers.report_campaign_unfitting.format(names=names, date=day, days=14)


def card_warning(bot: Harness, names: str) -> str:
    return bot.ui.volunteers.report_card_campaign_unfitting.format(names=names, days=14)


async def to_date(bot: Harness, user: FakeUser) -> SentMessage:
    """/report of type 宪法宣传, up to the date question (it comes before the topics)."""
    bot.api.send_command(user, "/report")
    [types] = await bot.api.wait_for_messages(user.id)
    [question] = await press(bot, user, types, "宪法宣传")
    assert "日期" in question.content, question.content
    return question


async def correct_date(bot: Harness, user: FakeUser, card: SentMessage, typed: str) -> SentMessage:
    """修改 → 日期 on the summary card, and the date typed: what comes next."""
    [fields] = await press(bot, user, card, "修改")
    await press(bot, user, fields, bot.ui.volunteers.report_fields["date"])
    [following] = await say(bot, user, typed)
    return following


async def test_a_report_written_weeks_later_is_offered_the_campaign_of_its_date(
    bot_with_admins: Harness,
) -> None:
    """On 12-30 宪法宣传周 is long over: an activity of that day is offered no campaign, but
    one held on 12-05 is offered the campaigns of 12-05, and is stored naming one."""
    bot = bot_with_admins
    user = await volunteer(bot, 8_710_001)
    bot.clock.set(local(2026, 12, 30, 10))
    topics = await report_to_topics(bot, user)  # 今天
    assert campaigns(topics) == []
    await say(bot, user, "/cancel")

    await to_date(bot, user)
    [topics] = await say(bot, user, "12月5日")
    assert campaigns(topics) == [WEEK, DAY], topics.button_labels()
    await tick_topic(bot, user, topics, WEEK)
    [place] = await press(bot, user, topics, "完成")
    assert "地点" in place.content
    card = await answers_to_card(bot, user)
    assert "主题：宪法宣传周" in card.content and "⚠️" not in card.content, card.content
    _submitted, done = await press(bot, user, card, "提交", 2)
    assert "提交成功" in done.content
    async with bot.services.db.session() as session:
        [stored] = await own_reports(session=session, volunteer_id=user.id)
    assert stored.data.topics == ("constitution-week",)
    assert stored.data.activity_date == date(2026, 12, 5)


async def test_a_report_written_during_a_campaign_of_an_earlier_activity_is_not_offered_it(
    bot_with_admins: Harness,
) -> None:
    """On 12-03, in 宪法宣传周: an activity of that day is offered it, one of 11-02 is not."""
    bot = bot_with_admins
    user = await volunteer(bot, 8_710_002)
    bot.clock.set(local(2026, 12, 3, 10))
    topics = await report_to_topics(bot, user)
    assert campaigns(topics) == [WEEK], topics.button_labels()
    await say(bot, user, "/cancel")

    await to_date(bot, user)
    [topics] = await say(bot, user, "11月2日")
    assert campaigns(topics) == [], topics.button_labels()
    assert "主题" in topics.content and "📅" not in topics.content


async def test_a_corrected_date_checks_the_campaigns_again(bot_with_admins: Harness) -> None:
    """From the summary card, 修改 → 日期: a date the ticked campaign does not fit shows the
    topics step saying so (kept: the card points it out); a date in the week again offers
    the campaign that fits it now (ticked: both stored); a date with the same campaigns goes
    straight back to the card; a date none fit, with the campaigns unticked and a category
    ticked, is stored so."""
    bot = bot_with_admins
    user = await volunteer(bot, 8_710_003)
    bot.clock.set(local(2026, 12, 9, 10))  # 宪法宣传周 fits, 12·4国家宪法日 too
    topics = await report_to_topics(bot, user)
    assert campaigns(topics) == [WEEK, DAY]
    await tick_topic(bot, user, topics, WEEK)
    await press(bot, user, topics, "完成")
    card = await answers_to_card(bot, user)

    topics = await correct_date(bot, user, card, "11月2日")
    assert unfitting(bot, "“宪法宣传周”", "11月2日") in topics.content, topics.content
    assert f"✅ {WEEK}" in topics.button_labels() and campaigns(topics) == [WEEK]
    [card] = await press(bot, user, topics, "完成")  # kept
    assert "日期：2026-11-02" in card.content and "主题：宪法宣传周" in card.content
    assert card_warning(bot, "“宪法宣传周”") in card.content, card.content

    topics = await correct_date(bot, user, card, "12月4日")
    fits = bot.ui.volunteers.report_campaign_fits.format(names="“12·4国家宪法日”", date="12月4日")
    assert fits in topics.content and "不在活动日期" not in topics.content, topics.content
    assert campaigns(topics) == [WEEK, DAY]
    await tick_topic(bot, user, topics, DAY)
    [card] = await press(bot, user, topics, "完成")
    assert "主题：宪法宣传周、12·4国家宪法日" in card.content and "⚠️" not in card.content

    card = await correct_date(bot, user, card, "12月6日")  # the same campaigns fit
    assert "请核对" in card.content and "日期：2026-12-06" in card.content, card.content
    assert "⚠️" not in card.content

    topics = await correct_date(bot, user, card, "11月20日")
    both = "“宪法宣传周”、“12·4国家宪法日”"
    assert unfitting(bot, both, "11月20日") in topics.content, topics.content
    await press(bot, user, topics, f"✅ {WEEK}")
    await press(bot, user, topics, f"✅ {DAY}")
    await tick_topic(bot, user, topics, FRAUD)
    [card] = await press(bot, user, topics, "完成")
    assert f"主题：{FRAUD}" in card.content and "⚠️" not in card.content, card.content
    _submitted, done = await press(bot, user, card, "提交", 2)
    assert "提交成功" in done.content
    async with bot.services.db.session() as session:
        [stored] = await own_reports(session=session, volunteer_id=user.id)
    assert stored.data.topics == ("fraud",)
    assert stored.data.activity_date == date(2026, 11, 20)


async def test_a_reopened_report_naming_a_campaign_off_its_date_says_so(
    bot_with_admins: Harness,
) -> None:
    """A report written in 宪法宣传周 for an activity of 11-20, naming the week (the topics
    step offered the campaigns of the day it was written): /myreports → 修改 opens its card
    pointing this out; kept, the correction of its audience is stored with it; its date
    corrected into the week, the card no longer says so."""
    bot = bot_with_admins
    user = await volunteer(bot, 8_710_004)
    bot.clock.set(local(2026, 12, 3, 10))
    report_id = await add_report(
        bot.services.db, user.id, now=bot.clock(), activity_date=date(2026, 11, 20),
        topics=("constitution-week",),
    )  # fmt: skip
    mine = await bot.ask(user, "/myreports")
    [card] = await press(bot, user, mine, f"修改 #{report_id}")
    assert card_warning(bot, "“宪法宣传周”") in card.content, card.content
    [fields] = await press(bot, user, card, "修改")
    await press(bot, user, fields, bot.ui.volunteers.report_fields["audience"])
    [card] = await say(bot, user, "121")
    assert card_warning(bot, "“宪法宣传周”") in card.content, card.content
    card = await correct_date(bot, user, card, "12月2日")  # 12·4国家宪法日 not yet
    assert "请核对" not in card.content and "⚠️" not in card.content, card.content
    _submitted, updated = await press(bot, user, card, "提交", 2)
    assert "已更新" in updated.content
    async with bot.services.db.session() as session:
        stored = await get_report(session=session, report_id=report_id)
    assert stored is not None and stored.data.topics == ("constitution-week",)
    assert stored.data.audience == 121 and stored.data.activity_date == date(2026, 12, 2)


async def test_a_draft_saved_when_the_topics_came_first_is_asked_its_date_first(
    bot_with_admins: Harness,
) -> None:
    """Drafts saved before the date came first, resumed with /report: one at the topics
    step (no date yet) is asked the date, then offered the campaigns of that date; one at the
    date step, naming the campaign the day it was written offered, is told after its date
    that the campaign does not fit it, and goes on when it is kept."""
    bot = bot_with_admins
    texts = bot.ui.volunteers
    user = await volunteer(bot, 8_710_005)
    bot.clock.set(local(2026, 12, 30, 10))
    async with bot.services.db.session() as session:
        await save_draft(
            session=session, flow="report", telegram_id=user.id, step="topics",
            token="0a1b2c3d", data={"type": "constitution"}, now=bot.clock(),
        )  # fmt: skip
    bot.api.send_command(user, "/report")
    [question] = await bot.api.wait_for_messages(user.id)
    assert (question.source_text or "").startswith(texts.report_in_progress), question.content
    assert "日期" in question.content, question.content
    [topics] = await say(bot, user, "12月5日")
    assert campaigns(topics) == [WEEK, DAY], topics.button_labels()
    await tick_topic(bot, user, topics, WEEK)
    [place] = await press(bot, user, topics, "完成")
    assert "地点" in place.content, place.content
    await say(bot, user, "/cancel")

    async with bot.services.db.session() as session:
        await save_draft(
            session=session, flow="report", telegram_id=user.id, step="date",
            token="1a2b3c4d", now=bot.clock(),
            data={"type": "constitution", "topics": ["constitution-week"],
                  "campaigns": ["constitution-week"]},
        )  # fmt: skip
    bot.api.send_command(user, "/report")
    [question] = await bot.api.wait_for_messages(user.id)
    assert "日期" in question.content, question.content
    [topics] = await say(bot, user, "12月29日")
    assert unfitting(bot, "“宪法宣传周”", "12月29日") in topics.content, topics.content
    assert f"✅ {WEEK}" in topics.button_labels()
    [place] = await press(bot, user, topics, "完成")
    assert "地点" in place.content, place.content
    card = await answers_to_card(bot, user)
    assert card_warning(bot, "“宪法宣传周”") in card.content, card.content
