"""Inline mode: `@bot 离婚` in any chat lists cards to share."""

from typing import Any

import pytest

from handlers.residents.inline import RESULTS_PER_PAGE
from tests.e2e.conftest import Harness


async def inline(bot: Harness, query: str, offset: str = "") -> dict[str, Any]:
    update = bot.api.inline_query(bot.api.user(1601), query, offset)
    return await bot.api.wait_for_answer(update)


async def test_divorce_query_lists_divorce_cards(bot: Harness) -> None:
    answer = await inline(bot, "离婚")
    ids = [r["id"] for r in answer["results"]]
    assert ids and set(ids) <= set(bot.services.library.cards)
    assert {"divorce-agreement", "divorce-litigation"} & set(ids)
    first = answer["results"][0]
    card = bot.services.library.cards[first["id"]]
    assert first["type"] == "article" and first["title"] == card.title
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["message_text"].startswith(f"<b>{card.title}</b>")
    [[button]] = first["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"https://t.me/pufa_demo_bot?start=card_{card.id}"
    assert answer["next_offset"] == ""


async def test_empty_query_pages_through_all_cards(bot: Harness) -> None:
    cards = list(bot.services.library.cards)
    first = await inline(bot, "")
    assert [r["id"] for r in first["results"]] == cards[:RESULTS_PER_PAGE]
    assert first["next_offset"] == str(RESULTS_PER_PAGE)
    second = await inline(bot, "", first["next_offset"])
    assert [r["id"] for r in second["results"]] == cards[RESULTS_PER_PAGE : 2 * RESULTS_PER_PAGE]
    last_start = (len(cards) - 1) // RESULTS_PER_PAGE * RESULTS_PER_PAGE
    last = await inline(bot, "", str(last_start))
    assert [r["id"] for r in last["results"]] == cards[last_start:]
    assert last["next_offset"] == ""


@pytest.mark.parametrize("offset", ["abc", "-5", "999999", "１０", "²", "9" * 5000])
async def test_odd_offsets_do_not_break_paging(bot: Harness, offset: str) -> None:
    answer = await inline(bot, "", offset)
    assert len(answer["results"]) <= RESULTS_PER_PAGE


@pytest.mark.parametrize("query", ["劳动" * 150, "🙂🙂🙂", "😀" * 300, "<b>离婚</b>&", "   "])
async def test_odd_queries_are_answered(bot: Harness, query: str) -> None:
    answer = await inline(bot, query)
    assert len(answer["results"]) <= RESULTS_PER_PAGE
    assert {r["id"] for r in answer["results"]} <= set(bot.services.library.cards)


async def test_unrelated_query_gets_no_results(bot: Harness) -> None:
    answer = await inline(bot, "今天天气怎么样")
    assert answer["results"] == []
