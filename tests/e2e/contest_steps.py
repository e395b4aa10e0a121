"""Steps the contest e2e tests share: a contest open now, taking part in a private chat."""

from datetime import timedelta

from domain.quiz import join_ids
from local_api import FakeUser, SentMessage
from storage import quiz as repo
from storage.models import QuizContest
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.quizzing import option_data, shown, wrong_option


async def open_contest(bot: Harness, questions: int, *, hours: int = 24) -> QuizContest:
    """A contest of `questions` single-choice questions, 30 seconds each, open from a minute
    ago for `hours`."""
    singles = [q.id for q in bot.services.library.quiz if q.kind == "single"][:questions]
    now = bot.services.now()
    async with bot.services.db.session() as session:
        return await repo.add_contest(
            session=session,
            contest=QuizContest(
                campaign_id="constitution-week",
                title="宪法宣传周普法知识竞赛",
                opens_at=now - timedelta(minutes=1),
                closes_at=now + timedelta(hours=hours),
                seconds=30,
                question_ids=join_ids(singles),
                created_by=ADMIN_ID,
            ),
        )


async def join(bot: Harness, user: FakeUser) -> tuple[SentMessage, SentMessage]:
    """/contest, then 参加: (the listing, the first question)."""
    listing = await bot.ask(user, "/contest")
    bot.api.press_button(user, listing, "🏆 参加")
    intro, first = await bot.api.wait_for_messages(user.id, 2)
    assert "每题限时 30 秒" in intro.content
    return listing, first


async def answer(
    bot: Harness, user: FakeUser, message: SentMessage, *, right: bool
) -> tuple[SentMessage, SentMessage]:
    """Answers the question `message` shows: (the question as edited, what follows it)."""
    question = shown(bot.services.library, message)
    option = question.answer[0] if right else wrong_option(question)
    bot.api.press(user, message, option_data(message, option))
    edited, following = await bot.api.wait_for_messages(user.id, 2)
    return edited, following
