"""Ranks as people read them: equal in what the ranking is by, as shown, is the same rank
(standard competition ranking, 1, 1, 3), in a contest's announcement and export, a group
round's scores, and the coordinators' hours lists."""

import csv
import io
from datetime import date, timedelta

from handlers.quiz.contests import announce_closed
from local_api import SentMessage
from storage.models import Volunteer
from storage.subscriptions import set_town
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.contest_steps import answer, join, open_contest
from tests.quizzing import option_data, shown, wrong_option
from tests.reporting import add_report, add_volunteer

EAST, WEST = "示例县东山镇", "示例县西河镇"
MEMBERS = [(8612, "阿强", True), (8613, "阿珍", True), (8614, "阿明", False)]  # of a group
# (user id, first name, town, right answers of 2, seconds taken for the last answer)
PEOPLE = [
    (8601, "阿甲", EAST, 2, 0),
    (8602, "阿乙", WEST, 2, 0),
    (8603, "阿丙", EAST, 1, 0),
    (8604, "阿丁", WEST, 1, 0),
    (8605, "阿戊", EAST, 1, 0),
    (8606, "阿己", WEST, 1, 5),  # as many points, but slower: ties are broken by time
]


async def take_part(bot: Harness, user_id: int, name: str, right: int, seconds: int) -> None:
    user = bot.api.user(user_id, name)
    _, question = await join(bot, user)
    for n in range(2):
        bot.clock.advance(timedelta(seconds=seconds if n == 1 else 0))
        _, question = await answer(bot, user, question, right=n < right)


async def announcement(bot: Harness, user_id: int) -> SentMessage:
    await bot.api.wait_until(lambda: any("结果揭晓" in m.content for m in bot.sent_to(user_id)))
    [board] = [m for m in bot.sent_to(user_id) if "结果揭晓" in m.content]
    return board


async def test_equal_scores_and_times_share_a_rank_in_a_contest(bot_with_admins: Harness) -> None:
    bot, ui = bot_with_admins, bot_with_admins.ui.quiz
    bot.clock.flowing = False  # everyone answers in no time, but 阿己
    contest = await open_contest(bot, 2)
    async with bot.services.db.session() as session:
        for user_id, _, town, _, _ in PEOPLE:
            await set_town(session=session, chat_id=user_id, town=town)
    for user_id, name, _, right, seconds in PEOPLE:
        await take_part(bot, user_id, name, right, seconds)

    bot.clock.advance(timedelta(days=2))
    await announce_closed(bot.app.bot, bot.services)
    text = (await announcement(bot, PEOPLE[0][0])).content
    ranks = [1, 1, 3, 3, 3, 6]
    for rank, (_, name, town, score, seconds) in zip(ranks, PEOPLE, strict=True):
        line = ui.board_person.format(
            rank=rank, name=name, town=town, score=score, questions=2, seconds=f"{seconds}.0"
        )
        assert line in text, (line, text)
    for town in (EAST, WEST):  # 4 points of 3 people each
        assert f"1. {town}：3 人参加，平均 1.3 分" in text, text

    admin = bot.api.user(ADMIN_ID, "协调员")
    listing = await bot.ask(admin, "/contest")
    bot.api.press(admin, listing, f"1:q:x:{contest.id}:csv")
    [document] = await bot.api.wait_for_messages(ADMIN_ID)
    assert document.file is not None
    rows = list(csv.reader(io.StringIO(document.file.decode("utf-8-sig"))))[1:]
    assert [(r[2], r[0], r[1]) for r in rows] == [
        ("阿甲", "1", "1"),
        ("阿乙", "1", "1"),
        ("阿丙", "3", "2"),
        ("阿丁", "3", "2"),
        ("阿戊", "3", "2"),
        ("阿己", "6", "3"),
    ]


async def test_equal_scores_and_times_share_a_rank_in_a_group_round(
    bot_with_admins: Harness,
) -> None:
    bot, ui = bot_with_admins, bot_with_admins.ui.quiz
    bot.clock.flowing = False
    async with bot.services.db.session() as session:
        session.add(Volunteer(telegram_id=8611, name="李志愿", town=EAST))
    await open_contest(bot, 1)
    group = bot.api.group(-100_861)
    leader = bot.api.user(8611, "李")
    start = await bot.ask(leader, "/contest", chat=group)
    question = await bot.tap(leader, start, "▶️ 在本群开始")
    asked = shown(bot.services.library, question)
    for user_id, name, right in (
        (8612, "阿强", True),
        (8613, "阿珍", True),
        (8614, "阿明", False),
    ):
        option = asked.answer[0] if right else wrong_option(asked)
        await bot.press(bot.api.user(user_id, name), question, option_data(question, option))
    bot.api.press_button(leader, question, ui.finish_button)
    _, scores = await bot.api.wait_for_messages(group.id, 2)
    lines = scores.content.splitlines()[1:]
    assert lines == [
        ui.round_board_line.format(rank=rank, name=name, score=score, seconds="0.0")
        for rank, name, score in ((1, "阿强", 1), (1, "阿珍", 1), (3, "阿明", 0))
    ], scores.content


async def test_equal_hours_share_a_rank(bot_with_admins: Harness) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.volunteers
    bot.clock.flowing = False
    for user_id, name, worked in ((8621, "张甲", 2.5), (8622, "张乙", 2.5), (8623, "张丙", 1.0)):
        await add_volunteer(bot.services.db, user_id, name=name)
        await add_report(bot.services.db, user_id, activity_date=date(2026, 3, 2), hours=worked)
    admin = bot.api.user(ADMIN_ID)
    bot.api.send_command(admin, "/hours")
    listing, _ = await bot.api.wait_for_messages(ADMIN_ID, 2)
    bot.api.send_command(admin, "/stats")
    stats = await bot.api.wait_for_call(
        "sendMessage", predicate=lambda c: "普法活动统计" in str(c.params.get("text"))
    )
    for rank, name, hours in ((1, "张甲", "2.5"), (1, "张乙", "2.5"), (3, "张丙", "1")):
        line = {"rank": rank, "name": name, "town": "示例县城关镇", "activities": 1}
        assert texts.hours_line.format(**line, hours=hours) in listing.content, listing.content
        assert texts.stats_volunteer.format(**line, hours=hours) in stats.params["text"]
