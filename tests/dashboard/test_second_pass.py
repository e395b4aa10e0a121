"""The dashboard's second QA pass: what coordinators saw go wrong, over HTTP, on a real bot
and database. A gap decision changed to another takes back what the first one wrote; a
synonym that cannot be one is refused in words; erased volunteers are nobody's page; and
the pages say what happened in the coordinator's terms."""

import html
import json
import re

import aiohttp

from tests.dashboard.conftest import ALICE, BOB, Board, seed
from tests.e2e.conftest import ADMIN_ID
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


async def test_a_volunteer_search_that_finds_nobody_says_so_with_the_words_searched(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """Not "共 0 位在册志愿者" (as if nobody were registered): nobody matched, and what was
    searched; a search that finds some says how many matched it."""
    await seed(board)
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/volunteers?q=张三丰") as response:
        page = await response.text()
    assert "共 0 位" not in page
    said = re.search(r'<p id="count">([^<]*)</p>', page)
    assert said and said[1].startswith("没有和“张三丰”相符的志愿者")
    async with client.get(f"{board.base}/dashboard/volunteers?q=李") as response:
        said = re.search(r'<p id="count">([^<]*)</p>', await response.text())
    assert said and said[1] == "找到 1 位和“李”相符的志愿者。"
    async with client.get(f"{board.base}/dashboard/volunteers") as response:
        assert "共 2 位在册志愿者。" in await response.text()


async def test_the_decided_questions_name_who_decided_never_a_telegram_id(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """已处理的问题's 谁 is the coordinator by the name the bot knows, as the other pages
    name people; one it knows no name of is 协调员, not a number."""
    await board.signed_in(client)
    await board.harness.services.people_seen.flush()
    csrf = await board.csrf(client, "/dashboard/gaps")
    form = {"csrf": csrf, "question": "随便问问天气怎么样", "action": "ignore"}
    async with client.post(f"{board.base}/dashboard/gaps", data=form) as response:
        assert response.status == 200
    async with client.get(f"{board.base}/dashboard/gaps/decided") as response:
        page = await response.text()
    [row] = re.findall(r"<tr><td>随便问问天气怎么样</td>.*?</tr>", page, re.S)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert "测试用户" in cells and str(ADMIN_ID) not in row  # the admin's name in the chat


async def test_a_broadcast_too_long_is_refused_whole_with_its_real_length(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """A text of 6,000 characters is neither cut to 5,000 nor said to be 5,000 long: the
    form comes back with all of it, saying its length and Telegram's limit."""
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/broadcasts") as response:
        page = await response.text()
    assert 'maxlength="5000"' not in page  # a browser would cut a paste there, silently
    key = re.search(r'name="key" value="([^"]+)"', page)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert key and csrf
    typed = "周六普法讲座，欢迎参加。" * 500  # 6,000 characters
    form = {"csrf": csrf[1], "key": key[1], "kind": "text", "target": "all|", "when": ""}
    async with client.post(
        f"{board.base}/dashboard/broadcasts/preview", data=form | {"text": typed}
    ) as response:
        page = await response.text()
    problem = re.search(r'id="problem">([^<]*)<', page)
    assert problem and "6000 字" in problem[1] and "4096 字" in problem[1], problem
    assert "5000" not in problem[1]
    kept = re.search(r'<textarea name="text"[^>]*>([^<]*)</textarea>', page)
    assert kept and html.unescape(kept[1]) == typed


PROMOTED = 7_300_072


async def test_a_demoted_coordinators_open_tab_says_the_role_was_removed(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """The tab a coordinator had open when demoted says, at its next page, that their
    coordinator role was removed (not 请先登录, as if they had never signed in), and works no
    more; promoted again, the old tab still does not, until they sign in afresh."""
    harness, said = board.harness, board.harness.services.ui.dashboard
    promoted, admin = harness.api.user(PROMOTED), harness.api.user(ADMIN_ID)
    await harness.ask(promoted, "你好")
    await harness.services.people_seen.flush()

    async def role(command: str) -> None:
        """/promote or /demote, confirmed, and the word they are sent of it."""
        before = len(harness.api.state.sent)
        question = await harness.ask(admin, f"{command} {PROMOTED}")
        await answer_question(harness, admin, question, harness.ui.volunteers.confirm_yes)
        await harness.api.wait_for_messages(PROMOTED, after=before)

    await role("/promote")
    await board.signed_in(client, PROMOTED)
    csrf = await board.csrf(client, "/dashboard/volunteers")
    await role("/demote")
    assert "协调员身份已被取消" in said.no_longer_coordinator
    for _ in range(2):  # and again at a reload
        async with client.get(f"{board.base}/dashboard/volunteers") as response:
            assert response.status == 403
            page = await response.text()
        assert said.no_longer_coordinator in page and "请先登录" not in page
    await role("/promote")
    form = {"csrf": csrf, "organisation": "示例"}
    async with client.post(f"{board.base}/dashboard/volunteers/invite", data=form) as response:
        assert response.status == 401
    await board.signed_in(client, PROMOTED)
    async with client.get(f"{board.base}/dashboard/volunteers") as response:
        assert response.status == 200
