"""The dashboard's second QA pass: what coordinators saw go wrong, over HTTP, on a real bot
and database. A gap decision changed to another takes back what the first one wrote; a
synonym that cannot be one is refused in words; erased volunteers are nobody's page; and
the pages say what happened in the coordinator's terms."""

import json
import re

import aiohttp

from tests.dashboard.conftest import ALICE, BOB, Board, seed
from tests.e2e.volunteer_steps import answer_question

RESIDENT = 7_300_061
QUESTION = "共享单车押金退不回来找谁"
CARD = "consumer-rights"


async def _ask(board: Board, text: str) -> None:
    await board.harness.ask(board.harness.api.user(RESIDENT), text)


async def test_second_thoughts_about_a_gap_take_back_what_the_first_decision_wrote(
    editable_board: Board, client: aiohttp.ClientSession
) -> None:
    """作为示例问题, then 不属于普法范围 for the same question, then 忽略: each later decision
    replaces the one before, and what that one wrote (the sample question, the label) is
    taken back out, so the content holds only what the decision standing wrote; its undo
    leaves the content as it was before any of them."""
    board = editable_board
    services = board.harness.services
    content = services.dashboard.content_dir
    assert content is not None
    card_file, asked = content / "cards" / f"{CARD}.md", content / "asked-questions.jsonl"
    before = [card_file.read_bytes(), asked.read_bytes()]
    await _ask(board, QUESTION)
    await services.question_log.flush()
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/gaps")
    form = {"csrf": csrf, "question": QUESTION, "card_id": CARD}

    async def decide(action: str) -> None:
        async with client.post(
            f"{board.base}/dashboard/gaps", data=form | {"action": action}
        ) as response:
            assert response.status == 200, await response.text()

    def labels() -> list[str]:
        rows = [json.loads(line) for line in asked.read_text(encoding="utf-8").splitlines()]
        return [row["expected"] for row in rows if row.get("q") == QUESTION]

    await decide("sample")
    assert QUESTION in card_file.read_text(encoding="utf-8")
    await decide("out_of_scope")
    assert card_file.read_bytes() == before[0]  # the sample question went with its decision
    assert labels() == ["none"]
    await decide("ignore")
    assert [card_file.read_bytes(), asked.read_bytes()] == before
    assert services.library.cards[CARD].title not in (
        (await board.harness.ask(board.harness.api.user(RESIDENT), QUESTION)).text or ""
    )
    async with client.get(f"{board.base}/dashboard/gaps/decided") as response:
        page = await response.text()
    assert page.count('action="/dashboard/gaps/undo"') == 1 and "忽略" in page
    undo = {"csrf": csrf, "question": re.findall(r'name="question" value="([^"]+)"', page)[0]}
    async with client.post(f"{board.base}/dashboard/gaps/undo", data=undo) as response:
        assert response.status == 200
    assert [card_file.read_bytes(), asked.read_bytes()] == before


async def test_a_synonym_that_cannot_be_one_is_refused_in_words(
    editable_board: Board, client: aiohttp.ClientSession
) -> None:
    """加为同义词 with an emoji, a word the question does not have, the keyword itself or a word
    already in the keyword's group: refused, saying why in one line, nothing written; a word
    of the question the group lacks is still added."""
    board = editable_board
    services = board.harness.services
    content = services.dashboard.content_dir
    assert content is not None
    lexicon = content / "lexicon.yaml"
    before = lexicon.read_bytes()
    question = "网上买的电器坏了不给退😡找谁"
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/gaps")
    form = {"csrf": csrf, "question": question, "card_id": CARD, "action": "synonym"}
    for word, same_as, said in (
        ("😡", "质量问题", "“😡”不是词"),
        ("外星人", "质量问题", "问题里没有“外星人”"),
        ("质量问题", "质量问题", "“质量问题”就是所选的关键词本身"),
        ("坏了", "质量问题", "“坏了”在这一组同义词里已经有了"),
    ):
        async with client.post(
            f"{board.base}/dashboard/gaps", data=form | {"word": word, "same_as": same_as}
        ) as response:
            page = await response.text()
            assert response.status == 400, word
        [line] = re.findall(r"<li>([^<]*)</li>", page.split('id="problems"', 1)[1])
        assert line.startswith(said), line
        assert lexicon.read_bytes() == before
    async with client.post(
        f"{board.base}/dashboard/gaps", data=form | {"word": "电器", "same_as": "质量问题"}
    ) as response:
        assert response.status == 200
    assert any({"电器", "质量问题"} <= set(g) for g in services.library.lexicon.synonyms)


async def test_erased_volunteers_are_nobodys_page(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """Two volunteers who used /deleteme: their reports stay and say 已退出的志愿者, with no
    link to a page that would pool both under one made-up person; that page is not there."""
    await seed(board)
    harness = board.harness
    for volunteer in (ALICE, BOB):
        user = harness.api.user(volunteer)
        question = await harness.ask(user, "/deleteme")
        await answer_question(harness, user, question, harness.ui.volunteers.confirm_yes)
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/reports") as response:
        page = await response.text()
    rows = re.findall(r"<tr>\s*<td>2026-03-0\d</td>.*?</tr>", page, re.S)
    assert len(rows) == 3 and all("<td>已退出的志愿者</td>" in row for row in rows), rows
    assert "/dashboard/volunteers/0" not in page
    for report_id in re.findall(r'href="/dashboard/reports/(\d+)">详情', page):
        async with client.get(f"{board.base}/dashboard/reports/{report_id}") as response:
            shown = await response.text()
        assert '<span id="volunteer">已退出的志愿者</span>' in shown
        assert "/dashboard/volunteers/0" not in shown
    async with client.get(f"{board.base}/dashboard/volunteers/0") as response:
        assert response.status == 404 and "已退出的志愿者" not in await response.text()
