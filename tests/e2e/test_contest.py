"""Contests end to end, on a clock the test moves: a coordinator creates one in the guided
chat, residents take it once against the clock (across a restart of the bot), the close is
announced with the leaderboard through the broadcast engine and the results exported; a
volunteer runs a round in a group, where members answer for themselves."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import openpyxl

from content.loader import Library
from content.search import SearchIndex
from handlers.quiz.contests import announce_closed
from scheduler.timeparse import examples
from storage import quiz as repo
from storage.models import QuizContest, Volunteer
from storage.subscriptions import set_town
from tests.clock import local
from tests.e2e.conftest import ADMIN_ID, Harness, restartable_bot
from tests.e2e.contest_steps import answer, join, open_contest
from tests.quizzing import option_data, shown, wrong_option

AMING, XIAOHONG, LATE = 8401, 8402, 8403
LEADER, QIANG, ZHEN, RESIDENT, LONER = 8501, 8502, 8503, 8504, 8505
GROUP = -100_850
EAST, WEST, CENTRE = "示例县东山镇", "示例县西河镇", "示例县城关镇"


async def create_contest(bot: Harness) -> QuizContest:
    """The coordinator's guided chat, with a few wrong answers on the way."""
    ui = bot.ui.quiz
    admin = bot.api.user(ADMIN_ID, "协调员")
    listing = await bot.ask(admin, "/contest")
    assert ui.no_contests in listing.content
    ask = await bot.tap(admin, listing, ui.new_button)
    label = next(x for x in ask.button_labels() if x.startswith("宪法宣传周"))
    assert "2 " not in label
    assert (await bot.ask(admin, "<b>春节</b>")).content == ui.unknown_campaign
    example = examples(bot.services.local_now())
    # the campaign chosen, its list loses its buttons
    assert (await bot.answer(admin, ask, label)).content == ui.ask_opens.format(**example)
    assert (await bot.ask(admin, "🎉" * 3000)).content == ui.bad_time
    assert (await bot.ask(admin, "每周一 09:00")).content == ui.bad_time
    assert (await bot.ask(admin, "明天上午9点")).content == ui.ask_closes.format(**example)
    assert "晚于开始时间" in (await bot.ask(admin, "明天上午8点")).content
    assert (await bot.ask(admin, "3月13日 18:00")).content.startswith("第4步")
    assert (await bot.ask(admin, "100")).content.startswith("请输入")
    assert (await bot.ask(admin, "3")).content.startswith("第5步")
    confirm = await bot.ask(admin, "30")
    assert "宪法宣传周普法知识竞赛" in confirm.content and "30 秒" in confirm.content
    done = await bot.tap(admin, confirm, ui.confirm_button)
    assert done.content.startswith("已创建竞赛 #1")
    again = await bot.press(
        admin, confirm, confirm.find_button(ui.confirm_button)["callback_data"]
    )
    assert again["text"] == ui.already_created
    async with bot.services.db.session() as session:
        [contest] = await repo.recent_contests(session=session)
    return contest


async def test_a_contest_from_creation_to_the_leaderboard_across_a_restart(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with restartable_bot(tmp_path, library, index, user_rate_per_minute=10_000) as server:
        bot = server.harness  # at QUIET, 2026-03-10: no campaign reminder falls due in the test
        assert bot is not None
        ui = bot.ui.quiz
        contest = await create_contest(bot)
        assert all(
            "constitution-week" in q.campaigns
            for q in library.quiz
            if q.id in contest.question_ids.split(",")
        )
        aming, xiaohong = bot.api.user(AMING, "阿明"), bot.api.user(XIAOHONG, "小红")
        late = bot.api.user(LATE, "迟到")
        async with bot.services.db.session() as session:
            await set_town(session=session, chat_id=AMING, town=EAST)
            session.add(Volunteer(telegram_id=XIAOHONG, name="王小红", town=WEST))
        # Not open yet.
        assert ui.no_contests in (await bot.ask(aming, "/contest")).content

        server.clock.set(local(2026, 3, 11, 9, 1))
        listing, question = await join(bot, aming)
        for _ in range(3):
            edited, question = await answer(bot, aming, question, right=True)
        assert "3/3" in question.content
        refused = await bot.press(aming, listing, listing.find_button("🏆 参加")["callback_data"])
        assert refused["text"] == ui.contest_once.format(title=contest.title)

        _, first = await join(bot, xiaohong)
        _, second = await answer(bot, xiaohong, first, right=True)
        # The bot restarts mid-attempt; the question's clock keeps running on the server.
        bot = await server.restart()
        server.clock.advance(timedelta(seconds=31))
        edited, third = await answer(bot, xiaohong, second, right=True)
        assert ui.late.format(seconds=30) in edited.content
        _, done = await answer(bot, xiaohong, third, right=False)
        assert "1/3" in done.content
        replay = await bot.press(xiaohong, first, option_data(first, 0))
        assert replay["text"] == ui.already_answered

        late_listing, late_question = await join(bot, late)
        server.clock.set(local(2026, 3, 13, 18, 1))
        after = await bot.press(late, late_question, option_data(late_question, 0))
        assert after["text"] == ui.contest_ended_score.format(
            title=contest.title, score=0, total=3
        )
        rejoin = late_listing.find_button("🏆 参加")["callback_data"]
        assert (await bot.press(late, late_listing, rejoin))["text"] == ui.contest_not_open

        # The close: the leaderboard goes out once, through the broadcast engine (the bot's
        # own periodic check may be first; either way there is one announcement).
        bot = await server.restart()
        assert await announce_closed(bot.app.bot, bot.services) in ([contest.id], [])
        assert await announce_closed(bot.app.bot, bot.services) == []

        def announced(chat_id: int) -> bool:
            return any("结果揭晓" in m.content for m in bot.sent_to(chat_id))

        await bot.api.wait_until(lambda: all(announced(c) for c in (AMING, XIAOHONG, LATE)))
        await bot.settle()
        [board] = [m for m in bot.sent_to(AMING) if "结果揭晓" in m.content]
        text = board.content
        assert "共 3 人参加" in text
        assert text.index("阿明") < text.index("小红") < text.index("迟到")
        assert f"迟到（{bot.ui.unknown_town}）" in text
        assert "王小红" not in text and str(XIAOHONG) not in text
        assert text.index(f"{EAST}：1 人参加，平均 3.0 分") < text.index(f"{WEST}：1 人")
        assert board.buttons() == []  # nothing to unsubscribe from

        admin = bot.api.user(ADMIN_ID, "协调员")
        listing = await bot.ask(admin, "/contest")
        bot.api.press_button(admin, listing, ui.export_button.format(id=contest.id))
        [document] = await bot.api.wait_for_messages(ADMIN_ID)
        assert document.file is not None and "3 人" in document.content
        sheet = openpyxl.load_workbook(io.BytesIO(document.file)).active
        assert sheet is not None
        table = list(sheet.iter_rows(values_only=True))
        assert list(table[0]) == ui.export_headers
        assert [row[2:5] for row in table[1:]] == [
            ("阿明", EAST, 3),
            ("小红", WEST, 1),
            ("迟到", bot.ui.unknown_town, 0),  # no town: said so, as everywhere
        ]
        bot.api.press_button(admin, listing, ui.export_csv_button)
        [csv_file] = await bot.api.wait_for_messages(ADMIN_ID)
        assert csv_file.file is not None
        rows = list(csv.reader(io.StringIO(csv_file.file.decode("utf-8-sig"))))
        assert rows[0] == ui.export_headers
        assert [r[:5] for r in rows[1:]] == [
            ["1", "1", "阿明", EAST, "3"],
            ["2", "1", "小红", WEST, "1"],
            ["3", "1", "迟到", bot.ui.unknown_town, "0"],
        ]


async def test_a_group_round_counts_for_the_groups_town(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with restartable_bot(tmp_path, library, index, user_rate_per_minute=10_000) as server:
        bot = server.harness
        assert bot is not None
        ui = bot.ui.quiz
        async with bot.services.db.session() as session:
            session.add(Volunteer(telegram_id=LEADER, name="李志愿", town=CENTRE))
        contest = await open_contest(bot, 3)
        group = bot.api.group(GROUP)
        leader, resident = bot.api.user(LEADER, "李"), bot.api.user(RESIDENT, "路人")
        qiang, zhen = bot.api.user(QIANG, "阿强"), bot.api.user(ZHEN, "阿珍")
        loner = bot.api.user(LONER, "独行")
        await join(bot, loner)  # took part alone first

        refused = await bot.ask(resident, "/contest", chat=group)
        assert refused.content == bot.ui.volunteers.not_volunteer
        start = await bot.ask(leader, "/contest", chat=group)
        assert CENTRE in start.content
        question = await bot.tap(leader, start, "▶️ 在本群开始")
        asked = shown(library, question)
        right, wrong = asked.answer[0], wrong_option(asked)

        assert (await bot.press(qiang, question, option_data(question, right)))[
            "text"
        ] == ui.recorded_right
        again = await bot.press(qiang, question, option_data(question, wrong))
        assert again["text"] == ui.group_twice
        assert (await bot.press(zhen, question, option_data(question, wrong)))[
            "text"
        ] == ui.recorded_wrong
        elsewhere = await bot.press(loner, question, option_data(question, right))
        assert elsewhere["text"] == ui.group_elsewhere
        next_data = question.find_button(ui.next_button)["callback_data"]
        assert (await bot.press(resident, question, next_data))[
            "text"
        ] == bot.ui.volunteers.not_volunteer

        bot.api.press(leader, question, next_data)
        closed, second = await bot.api.wait_for_messages(GROUP, 2)
        assert "2 人作答" in closed.content and asked.explanation in closed.content
        old = await bot.press(qiang, question, option_data(question, right))
        assert old["text"] == ui.question_over
        assert (await bot.press(leader, question, next_data))["text"] == ui.question_over

        server.clock.advance(timedelta(seconds=31))
        late = shown(library, second).answer[0]
        assert (await bot.press(zhen, second, option_data(second, late)))[
            "text"
        ] == ui.recorded_late
        bot.api.press_button(leader, second, ui.next_button)
        _, third = await bot.api.wait_for_messages(GROUP, 2)
        bot.api.press_button(leader, third, ui.finish_button)
        _, scores = await bot.api.wait_for_messages(GROUP, 2)
        assert scores.content.startswith(f"🏁 本轮结束，成绩计入{CENTRE}")
        assert scores.content.index("阿强 1 分") < scores.content.index("阿珍 0 分")
        for message in bot.sent_to(GROUP):
            assert "李志愿" not in message.content and str(QIANG) not in message.content

        async with bot.services.db.session() as session:
            board = await repo.board(session=session, contest_id=contest.id or 0, limit=10)
        towns = {t.town: (t.people, t.points) for t in board.towns}
        assert towns[CENTRE] == (2, 1)

        # After the close nobody starts a round or answers one.
        server.clock.advance(timedelta(days=2))
        assert (await bot.ask(leader, "/contest", chat=group)).content == ui.no_contests
        again = start.find_button("▶️ 在本群开始")["callback_data"]
        assert (await bot.press(leader, start, again))["text"] == ui.contest_not_open


async def test_an_older_contest_card_cannot_create_the_contest_changed_since(
    bot_with_admins: Harness,
) -> None:
    """确认 pressed once the close had passed asks for a new close; after the new card, the
    first card's 确认 creates nothing and draws the card as it is now, which creates it."""
    bot, ui = bot_with_admins, bot_with_admins.ui.quiz
    bot.clock.set(local(2026, 3, 10, 17, 0))
    admin = bot.api.user(ADMIN_ID, "协调员")
    listing = await bot.ask(admin, "/contest")
    ask = await bot.tap(admin, listing, ui.new_button)
    week = next(x for x in ask.button_labels() if x.startswith("宪法宣传周"))
    await bot.answer(admin, ask, week)
    for typed in ("3月10日 17:30", "3月10日 17:40", "3"):
        await bot.ask(admin, typed)
    old = await bot.ask(admin, "30")
    bot.clock.set(local(2026, 3, 10, 17, 41))
    confirm = old.find_button(ui.confirm_button)["callback_data"]
    # the card asked before the close again loses its buttons
    assert (await bot.answer(admin, old, ui.confirm_button)).content == ui.bad_time
    for typed in ("3月20日 18:00", "3"):
        await bot.ask(admin, typed)
    latest = await bot.ask(admin, "60")
    answer = await bot.press(admin, old, confirm)  # as from a client that kept the buttons
    assert answer["text"] == bot.ui.chat.outdated_card and answer["show_alert"]
    [redrawn] = await bot.next_question(admin, latest)  # only the card drawn now is live
    assert redrawn.content == latest.content and "60 秒" in redrawn.content
    async with bot.services.db.session() as session:
        assert await repo.recent_contests(session=session) == []
    done = await bot.tap(admin, redrawn, ui.confirm_button)
    assert done.content.startswith("已创建竞赛")
    async with bot.services.db.session() as session:
        [contest] = await repo.recent_contests(session=session)
    assert contest.seconds == 60 and contest.closes_at == local(2026, 3, 20, 18, 0)
