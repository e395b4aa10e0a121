"""Messages that signal danger to life or self-harm (content/safety.yaml): a caring notice
with the right numbers before anything else, the cards that help, 留言给工作人员, and
never "换个说法" nor a rating prompt."""

import pytest

from domain.answers import plain_text
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from local_api import SentMessage
from tests.e2e.conftest import Harness

DV_STORY = (
    "我老公天天打我，我想离婚但是他不同意，孩子才三岁，我没有工作，娘家也很远，"
    "我该怎么办啊，能不能把孩子判给我"
)


def kinds_of(message: SentMessage) -> list[tuple[Kind, tuple[str, ...]]]:
    """The kind and arguments of every button with callback data, in order."""
    found = []
    for row in message.buttons():
        for button in row:
            if (parsed := callbacks.parse(button.get("callback_data"))) is not None:
                found.append((parsed.kind, parsed.args))
    return found


def number_order(bot: Harness, message: SentMessage) -> list[str]:
    """The hotline numbers listed in the message, in the order they appear."""
    shown = [h for h in bot.services.library.hotlines if f"{h.number} {h.name}" in message.content]
    return [h.number for h in sorted(shown, key=lambda h: message.content.index(h.name))]


def assert_safety_reply(bot: Harness, reply: SentMessage, notice: str) -> None:
    """The notice first, no fallback wording, no 👍 / 👎 and no 没解决, 留言给工作人员 there."""
    assert reply.content.startswith(plain_text(bot.ui.residents.safety_notices[notice]))
    assert "换个说法" not in reply.content
    kinds = [kind for kind, _ in kinds_of(reply)]
    assert Kind.VOTE not in kinds and Kind.FEEDBACK not in kinds
    assert bot.ui.engagement.fallback_up_button not in reply.button_labels()
    assert bot.ui.tickets.leave_button in reply.button_labels()


@pytest.mark.parametrize(
    ("user_id", "message", "notice", "numbers"),
    [
        (3101, "我想自杀", "self_harm", ["120", "12356", "110"]),
        (3102, "活着没意思，不想活了", "self_harm", ["120", "12356", "110"]),
        (3103, "他说要杀了我全家", "threat_to_life", ["110"]),
        (3104, DV_STORY, "violence_at_home", ["110", "12338"]),
        (3105, "他又打我了", "violence_at_home", ["110", "12338"]),
        (3106, "男朋友打我", "violence_at_home", ["110", "12338"]),
        (3107, "我爸喝醉就打我", "violence_at_home", ["110", "12338"]),
    ],
)
async def test_each_kind_of_danger_gets_its_notice_and_numbers(
    bot: Harness, user_id: int, message: str, notice: str, numbers: list[str]
) -> None:
    user = bot.api.user(user_id)
    reply = await bot.ask(user, message)
    assert_safety_reply(bot, reply, notice)
    assert number_order(bot, reply) == numbers


async def test_self_harm_offers_no_unrelated_near_misses(bot: Harness) -> None:
    user = bot.api.user(3105)
    reply = await bot.ask(user, "活着没意思，不想活了")  # near misses: mediation and others
    assert [args for kind, args in kinds_of(reply) if kind is Kind.CARD] == []


async def test_the_domestic_violence_story_gets_the_dv_card_first(bot: Harness) -> None:
    user = bot.api.user(3106)
    reply = await bot.ask(user, DV_STORY)
    cards = [args[0] for kind, args in kinds_of(reply) if kind is Kind.CARD]
    assert cards[0] == "domestic-violence" and len(cards) == len(set(cards)) > 1
    assert "人身安全保护令" in reply.content
    dv = bot.services.library.cards["domestic-violence"]
    opened = await bot.tap(user, reply, dv.title)
    assert opened.content.startswith(dv.title)


async def test_a_short_dv_question_gets_its_card_once(bot: Harness) -> None:
    user = bot.api.user(3107)
    reply = await bot.ask(user, "老公喝了酒就打我怎么办")
    assert_safety_reply(bot, reply, "violence_at_home")
    cards = [args[0] for kind, args in kinds_of(reply) if kind is Kind.CARD]
    assert cards == ["domestic-violence"]


async def test_a_threat_inside_a_dv_story_gets_110_first_and_the_dv_card(bot: Harness) -> None:
    user = bot.api.user(3108)
    reply = await bot.ask(user, "他天天打我还威胁要杀我全家")
    assert_safety_reply(bot, reply, "threat_to_life")
    assert number_order(bot, reply) == ["110", "12338"]
    cards = [args[0] for kind, args in kinds_of(reply) if kind is Kind.CARD]
    assert cards[0] == "domestic-violence"


async def test_an_ordinary_question_gets_no_notice(bot: Harness) -> None:
    user = bot.api.user(3109)
    for message in ("老板拖欠工资三个月了怎么办", "自杀式袭击的新闻", "今天天气怎么样"):
        reply = await bot.ask(user, message)
        notices = bot.ui.residents.safety_notices.values()
        assert not any(plain_text(n) in reply.content for n in notices), message


async def test_a_cue_late_in_a_long_story_still_gets_the_notice_first(bot: Harness) -> None:
    user = bot.api.user(3110)
    story = "我家的事说来话长，" * 60 + "我真的不想活了"  # the search reads the first 500
    reply = await bot.ask(user, story)  # the only reply: no "question too long" before it
    assert_safety_reply(bot, reply, "self_harm")


async def test_a_danger_that_asks_for_a_case_gets_the_cases_too(bot: Harness) -> None:
    user = bot.api.user(3111)
    reply = await bot.ask(user, "被家暴的真实案例")
    assert_safety_reply(bot, reply, "violence_at_home")
    buttons = kinds_of(reply)
    assert buttons[0] == (Kind.CARD, ("domestic-violence", buttons[0][1][1]))
    assert any(kind is Kind.CASE for kind, _ in buttons)


@pytest.mark.parametrize(
    ("user_id", "message"),
    [(3121, "昨天在路上被一个陌生人打了，能要赔偿吗"), (3122, "我在路上被打了，能要赔偿吗")],
)
async def test_a_street_assault_gets_the_injury_card_and_no_dv_notice(
    bot: Harness, user_id: int, message: str
) -> None:
    reply = await bot.ask(bot.api.user(user_id), message)
    injury = bot.services.library.cards["personal-injury"]
    assert reply.content.startswith(injury.title)
    notices = bot.ui.residents.safety_notices.values()
    assert not any(plain_text(notice).splitlines()[0] in reply.content for notice in notices)
