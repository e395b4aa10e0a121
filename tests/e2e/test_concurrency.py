"""Updates are handled concurrently, yet each chat's and each user's in the order they came:
replies delayed like a real network overlap across users and never reorder within one, a
double press is handled once, and guided chats run side by side undisturbed."""

import asyncio

from bot.ordering import ChatOrderProcessor
from local_api import FakeUser
from storage.reports import own_reports
from tests.e2e.conftest import Harness
from tests.e2e.volunteer_steps import invite, register, report_to_card

QUESTIONS = ["老板拖欠工资怎么办", "哪里可以免费请律师", "借钱不还怎么办"]
LATENCY = 0.5  # seconds added to every sendMessage


def processor(bot: Harness) -> ChatOrderProcessor:
    found = bot.app.update_processor
    assert isinstance(found, ChatOrderProcessor)
    return found


async def answers_alone(bot: Harness, user: FakeUser) -> list[str]:
    """What one user gets for QUESTIONS asked one by one (the expected order)."""
    texts = []
    for question in QUESTIONS:
        texts.append((await bot.ask(user, question)).text or "")
    return texts


async def test_interleaved_users_overlap_and_each_keeps_its_order(bot: Harness) -> None:
    expected = await answers_alone(bot, bot.api.user(500, "对照"))
    assert len(set(expected)) == len(QUESTIONS)
    users = [bot.api.user(600 + i) for i in range(8)]
    bot.api.latency(LATENCY, methods=["sendMessage"])
    start = len(bot.api.sent)
    for question in QUESTIONS:  # interleaved: everyone's first question, then the second...
        for user in users:
            bot.api.send_text(user, question)
    for user in users:
        await bot.api.wait_for_messages(user.id, len(QUESTIONS), after=start, timeout=60)
    for user in users:
        assert [m.text for m in bot.sent_to(user.id)] == expected, user.id
    # Handled one at a time, one reply would be on its way at any moment; the users overlap
    # (counted by the server, not timed: a slow machine takes longer, not fewer at once).
    assert bot.api.most_delayed_at_once > 1
    await bot.settle()
    assert processor(bot).keys_held == 0  # nothing kept for people no longer talking


async def test_one_user_typing_fast_is_answered_in_order(bot: Harness) -> None:
    expected = await answers_alone(bot, bot.api.user(501, "对照"))
    user = bot.api.user(700)
    bot.api.latency(0.2, methods=["sendMessage"])
    for question in QUESTIONS:
        bot.api.send_text(user, question)
    replies = await bot.api.wait_for_messages(user.id, len(QUESTIONS), timeout=60)
    assert [m.text for m in replies] == expected


async def test_reports_side_by_side_and_a_double_press_submits_once(
    bot_with_admins: Harness,
) -> None:
    bot = bot_with_admins
    code = await invite(bot, "城关镇")
    volunteers = [bot.api.user(801 + i, f"志愿者{i}") for i in range(3)]
    for volunteer in volunteers:
        await register(bot, volunteer, code, name=volunteer.first_name)
    bot.api.latency(0.1, methods=["sendMessage", "editMessageText", "answerCallbackQuery"])
    cards = await asyncio.gather(*(report_to_card(bot, v) for v in volunteers))
    for volunteer, card in zip(volunteers, cards, strict=True):
        data = card.find_button("提交")["callback_data"]
        presses = [bot.api.press(volunteer, card, data) for _ in range(2)]
        answers = [await bot.api.wait_for_answer(p) for p in presses]
        assert sum("已经提交过了" in (a.get("text") or "") for a in answers) == 1, answers
    await bot.settle()
    for volunteer in volunteers:
        async with bot.services.db.session() as session:
            reports = await own_reports(session=session, volunteer_id=volunteer.id)
        assert len(reports) == 1, volunteer.id
        done = [m for m in bot.sent_to(volunteer.id) if "提交成功" in (m.text or "")]
        assert len(done) == 1, volunteer.id
