"""满意度测评: 👍 / 👎 under answers, one vote per person per answer, forged data refused,
groups, the fallback, /stats and the satisfaction export."""

import io
from datetime import timedelta

import openpyxl
from sqlmodel import col, select

from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from local_api import FakeUser, SentMessage
from storage.models import Vote
from storage.questions import unanswered
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.test_questions import WAGES, card_ids

OUT_OF_SCOPE = "今天天气怎么样"


def vote_data(message: SentMessage) -> dict[str, str]:
    """Vote button label -> its callback data."""
    return {
        button["text"]: button["callback_data"]
        for row in message.buttons()
        for button in row
        if (parsed := callbacks.parse(button.get("callback_data"))) and parsed.kind == Kind.VOTE
    }


async def votes(bot: Harness) -> list[Vote]:
    async with bot.services.db.session() as session:
        return list((await session.exec(select(Vote).order_by(col(Vote.id)))).all())


async def vote(bot: Harness, user: FakeUser, message: SentMessage, label: str) -> str | None:
    answer = await bot.press(user, message, vote_data(message)[label])
    return answer.get("text")


async def test_votes_sit_beside_unsolved_and_a_change_of_mind_replaces_the_vote(
    bot: Harness,
) -> None:
    texts, user = bot.ui.engagement, bot.api.user(2101)
    card = await bot.ask(user, WAGES)
    *_, votes_row, share_row = card.buttons()
    assert [b["text"] for b in votes_row] == [
        texts.vote_up_button,
        texts.vote_down_button,
        bot.ui.unsolved_button,
    ]
    assert [b["text"] for b in share_row] == [bot.ui.share_button]
    assert await vote(bot, user, card, texts.vote_up_button) == texts.vote_thanks
    assert await vote(bot, user, card, texts.vote_up_button) == texts.vote_same
    assert await vote(bot, user, card, texts.vote_down_button) == texts.vote_changed
    [row] = await votes(bot)
    assert (row.voter_id, row.card_id, row.kind, row.satisfied) == (
        user.id,
        "unpaid-wages",
        "answer",
        False,
    )
    async with bot.services.db.session() as session:  # a 👎 answer is a content gap
        missed = await unanswered(session=session, since=bot.clock() - timedelta(hours=1))
    assert [q.text for q in missed] == [WAGES]
    await bot.settle()
    assert len(bot.sent_to(user.id)) == 1  # votes are thanked with a toast, nothing posted


async def test_each_answer_gets_its_own_vote(bot: Harness) -> None:
    texts, user = bot.ui.engagement, bot.api.user(2102)
    first = await bot.ask(user, WAGES)
    second = await bot.ask(user, WAGES)
    assert await vote(bot, user, first, texts.vote_up_button) == texts.vote_thanks
    assert await vote(bot, user, second, texts.vote_down_button) == texts.vote_thanks
    assert [v.satisfied for v in await votes(bot)] == [True, False]


async def test_forged_and_stale_votes_are_refused(bot: Harness) -> None:
    texts, asker, other = bot.ui.engagement, bot.api.user(2103), bot.api.user(2104)
    card = await bot.ask(asker, WAGES)
    [ref] = card_ids(card, Kind.FEEDBACK)
    own = await bot.ask(other, "借钱不还怎么办")
    stale = {"text": bot.ui.stale_button, "show_alert": True}
    forged = [
        callbacks.make(Kind.VOTE, "up", "q", ref),  # someone else's private answer
        callbacks.make(Kind.VOTE, "up", "q", "0123456789ab"),  # no such question
        callbacks.make(Kind.VOTE, "up", "c", "no-such-card"),
        callbacks.make(Kind.VOTE, "yes", "c", "unpaid-wages"),
        callbacks.make(Kind.VOTE, "up", "x", "unpaid-wages"),
        callbacks.make(Kind.VOTE, "up", "e", "nosuchevent"),
        callbacks.make(Kind.VOTE, "up", "c"),
        callbacks.make(Kind.VOTE, "up", "c", "unpaid-wages", "extra"),
        "1:vo:up:q:" + "f" * 60,
        "1:vo",
    ]
    for data in forged:
        assert await bot.press(other, own, data) == await bot.press(other, own, data) | stale
    assert await votes(bot) == []
    assert await vote(bot, asker, card, texts.vote_up_button) == texts.vote_thanks


async def test_a_card_opened_from_a_button_is_rated_as_the_card(bot: Harness) -> None:
    texts, user = bot.ui.engagement, bot.api.user(2105)
    card = await bot.ask(user, WAGES)
    related = card_ids(card)[0]
    await bot.press(user, card, callbacks.make(Kind.CARD, related))
    [opened] = await bot.api.wait_for_messages(user.id)
    assert bot.ui.unsolved_button not in opened.button_labels()
    assert await vote(bot, user, opened, texts.vote_down_button) == texts.vote_thanks
    [row] = await votes(bot)
    assert (row.card_id, row.satisfied) == (related, False)


async def test_in_a_group_each_member_votes_once(bot: Harness) -> None:
    texts = bot.ui.engagement
    group = bot.api.group(-1002101, "村民群")
    asker, neighbour = bot.api.user(2106), bot.api.user(2107)
    card = await bot.ask(asker, f"@pufa_demo_bot {WAGES}", chat=group)
    assert await vote(bot, neighbour, card, texts.vote_up_button) == texts.vote_thanks
    assert await vote(bot, neighbour, card, texts.vote_up_button) == texts.vote_same
    assert await vote(bot, asker, card, texts.vote_down_button) == texts.vote_thanks
    rows = await votes(bot)
    assert sorted((v.voter_id, v.satisfied) for v in rows) == [
        (asker.id, False),
        (neighbour.id, True),
    ]
    await bot.settle()
    assert len(bot.api.messages_to(group.id)) == 1  # nothing posted to the group


async def test_the_fallback_asks_whether_its_help_was_useful(bot: Harness) -> None:
    texts, user = bot.ui.engagement, bot.api.user(2108)
    reply = await bot.ask(user, OUT_OF_SCOPE)
    assert set(vote_data(reply)) == {texts.fallback_up_button, texts.fallback_down_button}
    assert await vote(bot, user, reply, texts.fallback_up_button) == texts.vote_thanks
    [row] = await votes(bot)
    assert (row.kind, row.card_id, row.satisfied) == ("fallback", None, True)


async def test_stats_and_export_show_satisfaction(bot_with_admins: Harness) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    for uid, label in [(2109, texts.vote_up_button), (2110, texts.vote_down_button)]:
        user = bot.api.user(uid)
        card = await bot.ask(user, WAGES)
        await vote(bot, user, card, label)
    fallback_user = bot.api.user(2111)
    await vote(
        bot, fallback_user, await bot.ask(fallback_user, OUT_OF_SCOPE), texts.fallback_up_button
    )
    admin = bot.api.user(ADMIN_ID)
    bot.api.send_command(admin, "/stats")
    [stats] = await bot.api.wait_for_messages(admin.id)
    title = bot.services.library.cards["unpaid-wages"].title
    assert texts.stats_satisfaction.format(votes=3, share="67%") in (stats.source_text or "")
    assert texts.down_line.format(name=title, down=1, votes=2) in (stats.source_text or "")
    # None of the voters said where they live: one wording for that, in /stats and the file.
    unknown = bot.ui.unknown_town
    by_town = texts.satisfaction_line.format(name=unknown, votes=3, share="67%")
    assert f"{texts.stats_satisfaction_town}\n{by_town}" in (stats.source_text or "")
    bot.api.send_command(admin, "/export 满意度")
    [document] = await bot.api.wait_for_messages(admin.id)
    assert document.kind == "document" and document.file is not None
    sheet = openpyxl.load_workbook(io.BytesIO(document.file)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    names = texts.satisfaction_dimensions
    by_key = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert by_key[(names["total"], None)] == [3, 2, 1, 0.6667]
    assert by_key[(names["card"], title)] == [2, 1, 1, 0.5]
    assert by_key[(names["kind"], names["fallback"])] == [1, 1, 0, 1]
    assert by_key[(names["town"], unknown)] == [3, 2, 1, 0.6667]
    bot.api.send_command(admin, "/export 满意度 下个月")
    [refused] = await bot.api.wait_for_messages(admin.id)
    assert "时间段没看懂" in (refused.text or "")
