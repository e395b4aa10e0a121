"""The 普法 quiz without Telegram: drawing questions, marking an answer against the clock,
reading a coordinator's numbers, and the leaderboard as text."""

import html
import random
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from content.campaigns import Campaign
from content.quiz import QuizQuestion
from content.ui_quiz import QuizTexts
from documents.tables import Cell, Format, TableWriter
from domain.ranking import ranks
from storage.models import QuizAttempt, QuizContest
from storage.quiz import Board, Entry, Given, Press, TownLine

PRACTICE_QUESTIONS = 5
MIN_QUESTIONS, MAX_QUESTIONS = 3, 20
MIN_SECONDS, MAX_SECONDS = 10, 120
BOARD_LINES = 10  # people on the overall board of an announcement


def draw(
    bank: Sequence[QuizQuestion],
    count: int,
    rng: random.Random,
    *,
    campaign: str | None = None,
    single_only: bool = False,
) -> list[str]:
    """`count` different question ids: those tagged for `campaign` first, then any others
    (a campaign with few questions still gets a full contest). Group rounds take single
    choice only: ticking several options would show everyone's picks in one shared message."""
    pool = [q for q in bank if not single_only or q.kind == "single"]
    tagged = [q.id for q in pool if campaign is not None and campaign in q.campaigns]
    others = [q.id for q in pool if q.id not in set(tagged)]
    rng.shuffle(tagged)
    rng.shuffle(others)
    return (tagged + others)[:count]


def join_ids(ids: Sequence[str]) -> str:
    return ",".join(ids)


def split_ids(value: str) -> list[str]:
    return [part for part in value.split(",") if part]


@dataclass(frozen=True)
class Marked:
    correct: bool
    points: int
    elapsed_ms: int
    late: bool


def mark(
    question: QuizQuestion,
    chosen: Sequence[int],
    *,
    asked_at: datetime,
    now: datetime,
    limit: timedelta | None,
) -> Marked:
    """An answer is right when exactly the correct options are chosen; it scores a point only
    within the time limit (the server's clock decides, never the client)."""
    elapsed = max(now - asked_at, timedelta(0))
    late = limit is not None and elapsed > limit
    correct = sorted(set(chosen)) == question.answer
    counted = min(elapsed, limit) if limit is not None else elapsed
    return Marked(
        correct, int(correct and not late), int(counted / timedelta(milliseconds=1)), late
    )


def question_at(
    bank: Sequence[QuizQuestion], question_ids: str, position: int
) -> QuizQuestion | None:
    """The question at `position` of an attempt or round (None if the bank lost it)."""
    ids = split_ids(question_ids)
    if position >= len(ids):
        return None
    return next((q for q in bank if q.id == ids[position]), None)


class Refusal(StrEnum):
    STALE = "stale"  # forged, or an attempt that is gone
    NOT_YOURS = "not_yours"
    ALREADY = "already"  # a question already answered (a replay, a second press)
    ENDED = "ended"  # a practice quiz ended before this question was answered (/cancel, /quiz)
    CLOSED = "closed"  # the contest has closed
    PICK_FIRST = "pick_first"  # 提交 with nothing ticked


@dataclass(frozen=True)
class Tick:
    ticks: str


@dataclass(frozen=True)
class Answer:
    question: QuizQuestion
    chosen: list[int]
    marked: Marked
    total: int

    def given(self) -> Given:
        chosen = ",".join(map(str, self.chosen))
        marked = self.marked
        return Given(self.question.id, chosen, marked.correct, marked.points, marked.elapsed_ms)


def judge(
    press: Press | None,
    bank: Sequence[QuizQuestion],
    *,
    user_id: int,
    position: int,
    token: str,
    option: str | None,
    now: datetime,
) -> Refusal | Tick | Answer:
    """What a press on an attempt's question does: refused (and why), a tick of a multiple
    choice, or an answer marked against the clock. `option` is the pressed option's index as
    the button carries it; None for 提交."""
    if press is None or not secrets.compare_digest(press.token, token):
        return Refusal.STALE
    if press.telegram_id != user_id:
        return Refusal.NOT_YOURS
    question = question_at(bank, press.question_ids, position)
    if press.finished and press.position == position:
        return Refusal.ENDED
    if press.finished or press.position != position or question is None:
        return Refusal.ALREADY
    if press.closes_at is not None and now >= press.closes_at:
        return Refusal.CLOSED
    count = len(question.options)
    if option is None:
        chosen = picked(press.picked, count)
        if not chosen:
            return Refusal.PICK_FIRST
    else:
        index = int(option) if option.isascii() and option.isdigit() and len(option) == 1 else -1
        if not 0 <= index < count:
            return Refusal.STALE
        if question.kind == "multiple":
            return Tick(toggle(press.picked, index, count))
        chosen = [index]
    limit = timedelta(seconds=press.seconds) if press.seconds is not None else None
    marked = mark(question, chosen, asked_at=press.asked_at or now, now=now, limit=limit)
    return Answer(question, chosen, marked, len(split_ids(press.question_ids)))


def picked(value: str, options: int) -> list[int]:
    """Ticked options as stored ("0,2"); anything else is dropped."""
    found = {int(p) for p in value.split(",") if p.isascii() and p.isdigit() and len(p) == 1}
    return sorted(i for i in found if i < options)


def toggle(value: str, option: int, options: int) -> str:
    ticked = set(picked(value, options)) ^ {option}
    return ",".join(str(i) for i in sorted(ticked))


def bounded_number(text: str, low: int, high: int) -> int | None:
    """A whole number typed by a person (ASCII digits, full-width ones normalised), within
    [low, high]; None otherwise."""
    cleaned = text.strip().translate({0xFF10 + d: 0x30 + d for d in range(10)})
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 4:
        return None
    value = int(cleaned)
    return value if low <= value <= high else None


def find_campaign(campaigns: Sequence[Campaign], text: str) -> Campaign | None:
    """The campaign a coordinator named: its id, name or one of its short names."""
    wanted = text.strip().lower()
    for campaign in campaigns:
        if wanted in {campaign.id, campaign.name.lower(), *(a.lower() for a in campaign.aliases)}:
            return campaign
    return None


def rank_towns(lines: Sequence[TownLine]) -> list[TownLine]:
    """Towns by average score (fair to small towns), then by how many took part."""
    return sorted(lines, key=lambda t: (-t.average, -t.people, t.town))


def seconds_text(total_ms: int) -> str:
    return f"{total_ms / 1000:.1f}"


def person_ranks(people: Sequence[Entry | QuizAttempt]) -> list[int]:
    """The ranks of people in board order (score, then less time): the same score in the same
    time, as the board shows it, is the same rank."""
    return ranks([(p.score, seconds_text(p.total_ms)) for p in people])


def town_ranks(towns: Sequence[TownLine]) -> list[int]:
    """The ranks of towns in `rank_towns` order: the same average, as shown, is the same rank."""
    return ranks([_average(t) for t in towns])


def _average(town: TownLine) -> str:
    return f"{town.average:.1f}"


def board_html(
    ui: QuizTexts, title: str, board: Board, questions: int, *, unknown_town: str
) -> str:
    """The leaderboard as the close announcement shows it (`unknown_town` for no town)."""
    lines = [ui.board_title.format(title=html.escape(title), people=board.participants)]
    if not board.participants:
        return "\n".join([*lines, ui.board_empty])
    lines.append(ui.board_people)
    for rank, entry in zip(person_ranks(board.top), board.top, strict=True):
        lines.append(
            ui.board_person.format(
                rank=rank,
                name=html.escape(entry.first_name or ui.someone),
                town=html.escape(entry.town or unknown_town),
                score=entry.score,
                questions=questions,
                seconds=seconds_text(entry.total_ms),
            )
        )
    lines.append(ui.board_towns)
    towns = rank_towns(board.towns)
    for rank, town in zip(town_ranks(towns), towns, strict=True):
        lines.append(
            ui.board_town.format(
                rank=rank,
                town=html.escape(town.town or unknown_town),
                people=town.people,
                average=_average(town),
            )
        )
    return "\n".join(lines)


def contest_table(
    ui: QuizTexts,
    contest: QuizContest,
    attempts: Sequence[QuizAttempt],
    fmt: Format,
    tz: ZoneInfo,
    *,
    unknown_town: str,
) -> bytes:
    """Every attempt, best first (the rank overall and within the town, first name, town,
    score, time, alone or in a group), as XLSX or CSV: the leaderboard of each town is the
    sheet filtered by town."""
    writer = TableWriter(fmt, contest.title, ui.export_headers)
    questions = len(split_ids(contest.question_ids))
    rows: list[list[Cell]] = []
    for rank, town_rank, attempt in zip(
        person_ranks(attempts), _town_ranks(attempts), attempts, strict=True
    ):
        rows.append(
            [
                rank,
                town_rank,
                attempt.first_name,
                attempt.town or unknown_town,
                attempt.score,
                questions,
                round(attempt.total_ms / 1000, 1),
                ui.mode_group if attempt.round_id is not None else ui.mode_alone,
                _local(attempt.started_at, tz),
                _local(attempt.finished_at, tz),
            ]
        )
    writer.add_rows(rows)
    return writer.finish()


def _town_ranks(attempts: Sequence[QuizAttempt]) -> list[int]:
    """Each attempt's rank within its town (`person_ranks` among the town's attempts)."""
    by_town: dict[str, list[int]] = defaultdict(list)
    for n, attempt in enumerate(attempts):
        by_town[attempt.town].append(n)
    found = [0] * len(attempts)
    for positions in by_town.values():
        within = person_ranks([attempts[n] for n in positions])
        for n, rank in zip(positions, within, strict=True):
            found[n] = rank
    return found


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return moment.astimezone(tz).replace(tzinfo=None) if moment is not None else None
