"""以案释法: case cards from topic cards and questions, the weekly case subscription, and the
weekly push (一周一案) reaching its subscribers once, with the clock controlled."""

from datetime import timedelta
from pathlib import Path

from sqlmodel import col, select

from content.loader import Library
from content.search import SearchIndex
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from local_api import FakeUser, SentMessage
from storage.models import Broadcast, Subscription
from storage.subscriptions import has_weekly_case
from tests.clock import ControlledClock, local
from tests.e2e.conftest import Harness, bot_factory, running_bot
from tests.e2e.test_questions import WAGES


def case_buttons(message: SentMessage) -> list[tuple[str, ...]]:
    return [tuple(a) for a in card_args(message, Kind.CASE)]


def card_args(message: SentMessage, kind: str) -> list[tuple[str, ...]]:
    return [
        parsed.args
        for row in message.buttons()
        for button in row
        if (parsed := callbacks.parse(button.get("callback_data"))) and parsed.kind == kind
    ]


async def subscribe(bot: Harness, user: FakeUser) -> tuple[SentMessage, str]:
    """Subscribes with /cases; returns the message and its subscribe button's data."""
    bot.api.send_command(user, "/cases")
    [intro] = await bot.api.wait_for_messages(user.id)
    data = intro.find_button(bot.ui.engagement.case_subscribe_button)["callback_data"]
    answer = await bot.press(user, intro, data)
    assert answer["text"] == bot.ui.engagement.case_subscribed
    return intro, data


async def subscribed(bot: Harness, chat_id: int) -> bool:
    async with bot.services.db.session() as session:
        return await has_weekly_case(session=session, chat_id=chat_id)


async def test_a_topic_card_links_its_real_case(bot: Harness) -> None:
    library, texts, user = bot.services.library, bot.ui.engagement, bot.api.user(2201)
    card = await bot.ask(user, WAGES)
    [(action, case_id)] = case_buttons(card)
    assert action == "show"
    case = library.cases[case_id]
    assert "unpaid-wages" in case.cards
    bot.api.press_button(user, card, texts.case_button)
    [shown] = await bot.api.wait_for_messages(user.id)
    assert shown.content.startswith(case.title)
    for heading in ("案情简介", "处理结果", "典型意义"):
        assert heading in shown.content
    assert case.law in shown.content and case.source in shown.content
    titles = [library.cards[c].title for c in case.cards]
    labels = shown.button_labels()
    assert [texts.case_card_button.format(title=t) for t in titles] == labels[: len(titles)]
    assert labels[-1] == texts.case_subscribe_button


async def test_a_question_asking_for_a_case_gets_cases(bot: Harness) -> None:
    user = bot.api.user(2202)
    cases = bot.services.library.cases
    reply = await bot.ask(user, "有没有拖欠工资的真实案例")
    found = [case_id for _show, case_id in case_buttons(reply)]
    assert 1 < len(found) <= 3
    assert "wage-subcontractor-crime" in found
    assert all(set(cases[c].cards) & {"unpaid-wages", "labor-contract"} for c in found[:1])
    plain = await bot.ask(user, WAGES)  # answered by its card: one linked case, no search
    assert len(case_buttons(plain)) == 1


async def test_forged_case_buttons_are_refused(bot: Harness) -> None:
    user = bot.api.user(2203)
    menu = await bot.ask(user, "/cases")
    stale = {"text": bot.ui.stale_button, "show_alert": True}
    for data in [
        callbacks.make(Kind.CASE, "show", "no-such-case"),
        callbacks.make(Kind.CASE, "show"),
        callbacks.make(Kind.CASE, "sub", "extra"),
        callbacks.make(Kind.CASE, "nothing"),
        "1:cs",
    ]:
        answer = await bot.press(user, menu, data)
        assert answer == answer | stale
    assert not await subscribed(bot, user.id)


async def test_subscribing_in_private_only_and_twice_is_once(bot: Harness) -> None:
    texts, user = bot.ui.engagement, bot.api.user(2204)
    intro, data = await subscribe(bot, user)
    again = await bot.press(user, intro, data)  # pressed twice before the edit shows
    assert again["text"] == texts.case_subscribed
    async with bot.services.db.session() as session:
        rows = await session.exec(select(Subscription).where(Subscription.chat_id == user.id))
        assert len(rows.all()) == 1
    group = bot.api.group(-1002204, "村民群")
    bot.api.send_command(user, "/cases", chat=group)
    [intro] = await bot.api.wait_for_messages(group.id)
    assert intro.buttons() == []
    forged = await bot.press(user, intro, callbacks.make(Kind.CASE, "sub"))
    assert forged["text"] == texts.case_groups_private
    assert not await subscribed(bot, group.id)


async def _weekly_rows(bot: Harness) -> list[Broadcast]:
    async with bot.services.db.session() as session:
        query = select(Broadcast).where(col(Broadcast.origin) == "case")
        return list((await session.exec(query.order_by(col(Broadcast.send_at)))).all())


async def test_the_weekly_case_reaches_its_subscribers_once_and_rotates(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    clock = ControlledClock(local(2026, 3, 10, 10))  # a Tuesday
    async with running_bot(tmp_path, bot_factory(library, index, clock)) as bot:
        first_reader, second_reader = bot.api.user(2205), bot.api.user(2206)
        bystander = bot.api.user(2207)
        await subscribe(bot, first_reader)
        await subscribe(bot, second_reader)
        await bot.ask(bystander, "/start")
        this_week, next_week = await _weekly_rows(bot)
        assert this_week.send_at == local(2026, 3, 13, 19)  # Friday evening
        assert next_week.send_at == this_week.send_at + timedelta(days=7)
        assert this_week.card_id != next_week.card_id
        tick = bot.services.broadcasting.tick
        assert (await tick(this_week.send_at - timedelta(seconds=1))).started == []
        before = len(bot.api.sent)
        assert (await tick(this_week.send_at + timedelta(minutes=1))).started == [this_week.id]
        case = library.cases[this_week.card_id or ""]
        for reader in (first_reader, second_reader):
            [pushed] = await bot.api.wait_for_messages(reader.id, after=before)
            assert "一周一案" in pushed.content and case.title in pushed.content
            assert pushed.button_labels()[-1] == bot.ui.engagement.unsubscribe_cases
        assert (await tick(this_week.send_at + timedelta(minutes=2))).started == []
        await bot.settle()
        assert [m.content for m in bot.sent_to(first_reader.id)].count(pushed.content) == 1
        assert len(bot.sent_to(bystander.id)) == 1  # only the answer to /start
        # The one-tap button under the push ends the subscription.
        [pushed_second] = [m for m in bot.sent_to(second_reader.id) if case.title in m.content]
        unsubscribe = pushed_second.buttons()[-1][0]["callback_data"]
        await bot.press(second_reader, pushed_second, unsubscribe)
        assert not await subscribed(bot, second_reader.id)
        clock.set(next_week.send_at + timedelta(minutes=1))
        await bot.services.broadcasting.sync_calendar()
        before = len(bot.api.sent)
        assert (await tick()).started == [next_week.id]
        other = library.cases[next_week.card_id or ""]
        [again] = await bot.api.wait_for_messages(first_reader.id, after=before)
        assert other.title in again.content and other.id != case.id
        await bot.settle()
        assert not any(other.title in m.content for m in bot.sent_to(second_reader.id))
        rows = await _weekly_rows(bot)
        assert len({row.card_id for row in rows}) == len(rows)  # no case twice yet
