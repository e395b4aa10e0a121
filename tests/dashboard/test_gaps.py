"""Content gaps close the loop: a question the bot could not answer is added to a card from
the dashboard, checked like `pufa content check`, written to the content folder, and the
running bot answers it with that card at once. Also the legal service directory import."""

import json
import re

import aiohttp
from sqlmodel import select

from storage.models import QuestionLog
from tests.dashboard.conftest import Board

QUESTION = "共享单车押金退不回来找谁"
CARD = "consumer-rights"
RESIDENT = 7_300_001


async def _ask(board: Board, text: str) -> str:
    reply = await board.harness.ask(board.harness.api.user(RESIDENT), text)
    return reply.text or ""


async def test_unanswered_question_added_to_a_card_is_answered_at_once(
    editable_board: Board, client: aiohttp.ClientSession
) -> None:
    board = editable_board
    services = board.harness.services
    title = services.library.cards[CARD].title
    assert title not in await _ask(board, QUESTION)
    assert title not in await _ask(board, QUESTION + "？")
    await _ask(board, "随便问问天气怎么样")
    await services.question_log.flush()
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/gaps") as response:
        page = await response.text()
    assert page.count(f"<h2>{QUESTION}") == 1 and "问了 2 次" in page  # grouped
    assert all(edit in page for edit in CONTENT_EDITS) and 'id="edits-off"' not in page
    csrf = await board.csrf(client, "/dashboard/gaps")
    bad = {"csrf": csrf, "question": "x" * 80, "card_id": CARD, "action": "sample"}
    async with client.post(f"{board.base}/dashboard/gaps", data=bad) as response:
        assert response.status == 400  # too long: refused, nothing written
    form = {"csrf": csrf, "question": QUESTION, "card_id": CARD, "action": "sample"}
    async with client.post(f"{board.base}/dashboard/gaps", data=form) as response:
        page = await response.text()
    answers = re.search(r'id="answers">(\d+)<', page)
    assert answers and int(answers[1]) >= 2
    assert f"<h2>{QUESTION}" not in page
    card_file = services.dashboard.content_dir / "cards" / f"{CARD}.md"  # type: ignore[operator]
    assert QUESTION in card_file.read_text(encoding="utf-8")
    assert title in await _ask(board, QUESTION)
    ignore = {"csrf": csrf, "question": "随便问问天气怎么样", "action": "ignore"}
    async with client.post(f"{board.base}/dashboard/gaps", data=ignore) as response:
        assert "随便问问天气怎么样" not in await response.text()
    await _ask(board, "随便问问天气怎么样")
    await services.question_log.flush()
    async with client.get(f"{board.base}/dashboard/gaps") as response:
        assert "随便问问天气怎么样" not in await response.text()  # ignored stays ignored
    keyword = services.library.cards[CARD].keywords[0]
    synonym = {"csrf": csrf, "question": "押金不退", "card_id": CARD, "action": "synonym"}
    async with client.post(
        f"{board.base}/dashboard/gaps",
        data=synonym | {"word": "押金不退", "same_as": "不是关键词"},
    ) as response:
        assert response.status == 400
    async with client.post(
        f"{board.base}/dashboard/gaps", data=synonym | {"word": "押金不退", "same_as": keyword}
    ) as response:
        assert 'id="answers"' in await response.text()
    assert any({"押金不退", keyword} <= set(g) for g in services.library.lexicon.synonyms)
    async with client.get(f"{board.base}/dashboard/audit") as response:
        assert "网页：修改内容" in await response.text()


async def test_directory_import_all_or_nothing(
    board: Board, client: aiohttp.ClientSession
) -> None:
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/directory")
    good = "名称,类型,乡镇,地址,电话\n示例法律服务站,司法所,示例县东山镇,东山路1号,12348\n"
    bad = good + "没有地址的站,司法所,示例县东山镇,,\n"

    async def upload(text: str) -> tuple[int, str]:
        data = aiohttp.FormData()
        data.add_field("csrf", csrf)
        data.add_field("file", text.encode(), filename="points.csv", content_type="text/csv")
        async with client.post(f"{board.base}/dashboard/directory", data=data) as response:
            return response.status, await response.text()

    status, page = await upload(bad)
    assert status == 400 and "points.csv:3" in page and "示例法律服务站" not in page
    status, page = await upload(good)
    assert status == 200 and 'id="imported"' in page and "示例法律服务站" in page


async def test_no_edit_without_a_content_folder_of_ones_own(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """Without PUFA_CONTENT_DIR an edit would go into the packaged content (and be lost with
    the next upgrade): it is refused, saying that is why (not a failed content check) and what
    the operator must set."""
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/gaps")
    form = {"csrf": csrf, "question": QUESTION, "card_id": CARD, "action": "sample"}
    said = board.harness.services.ui.dashboard
    for action in ("sample", "learn"):
        async with client.post(
            f"{board.base}/dashboard/gaps", data=form | {"action": action}
        ) as response:
            assert response.status == 400
            page = await response.text()
        assert "内容检查" not in page and f'id="lead">{said.edit_refused}<' in page
        assert f"<li>{said.no_content_dir}</li>" in page and "PUFA_CONTENT_DIR" in page


CONTENT_EDITS = ('value="learn"', 'value="sample"', 'value="synonym"', "加为同义词")


async def test_without_a_content_folder_the_page_offers_no_edit_and_says_how_to_enable_it(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """Buttons that write to the content could only be refused without PUFA_CONTENT_DIR:
    the page leaves them out and says in one line what to set; deciding without an edit
    (ignore, out of scope) stays. (With a content folder of its own: the test above.)"""
    said = board.harness.services.ui.dashboard
    assert board.harness.services.library.cards[CARD].title not in await _ask(board, QUESTION)
    await board.harness.services.question_log.flush()
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/gaps") as response:
        page = await response.text()
    assert f"<h2>{QUESTION}" in page
    assert not [edit for edit in CONTENT_EDITS if edit in page], page
    assert 'value="out_of_scope"' in page and 'value="ignore"' in page
    [line] = [line for line in page.splitlines() if "PUFA_CONTENT_DIR" in line]
    assert line.strip() == f'<p class="notice" id="edits-off">{said.edits_off}</p>'
    assert "cp -r content" in said.edits_off


async def test_a_question_marked_unsolved_counts_once_it_gets_another_card(
    editable_board: Board, client: aiohttp.ClientSession
) -> None:
    """没解决 questions had a card, the wrong one: moving them to the right one answers them."""
    board = editable_board
    services = board.harness.services
    question, wanted = "在超市买到过期的牛奶怎么办", "consumer-rights"
    resident = board.harness.api.user(RESIDENT)
    card = await board.harness.ask(resident, question)
    first = services.index.search(question)
    assert first.matched and first.best is not None and first.best.card_id != wanted
    await services.question_log.flush()
    await board.harness.tap(resident, card, "🙋 没解决？")
    await services.question_log.flush()
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/gaps")
    form = {"csrf": csrf, "question": question, "card_id": wanted, "action": "sample"}
    async with client.post(f"{board.base}/dashboard/gaps", data=form) as response:
        page = await response.text()
    answers = re.search(r'id="answers">(\d+)<', page)
    assert answers and int(answers[1]) == 1
    assert (services.index.search(question).best or first.best).card_id == wanted


async def test_a_coordinator_teaches_the_bot_a_card_or_that_no_card_is_for_a_question(
    editable_board: Board, client: aiohttp.ClientSession
) -> None:
    """The labelled questions the search learns from grow from the dashboard: the question
    is answered as labelled at once, and the label is kept in the content folder."""
    board = editable_board
    services = board.harness.services
    taught, outside = "宠物店卖的狗三天就死了", "广场舞音响买多大的"
    title = services.library.cards["consumer-rights"].title
    assert title not in await _ask(board, taught)
    await _ask(board, outside)
    await services.question_log.flush()
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/gaps") as response:
        page = await response.text()
    assert f"<h2>{taught}" in page and f"<h2>{outside}" in page
    assert "让机器人学会" in page
    csrf = await board.csrf(client, "/dashboard/gaps")
    learn = {"csrf": csrf, "question": taught, "card_id": "consumer-rights", "action": "learn"}
    async with client.post(f"{board.base}/dashboard/gaps", data=learn) as response:
        page = await response.text()
    answers = re.search(r'id="answers">(\d+)<', page)
    assert "已记下，机器人已经在用" in page and answers and int(answers[1]) >= 1
    assert f"<h2>{taught}" not in page
    assert title in await _ask(board, taught + "？")
    none = {"csrf": csrf, "question": outside, "card_id": "", "action": "out_of_scope"}
    async with client.post(f"{board.base}/dashboard/gaps", data=none) as response:
        page = await response.text()
    assert "机器人已记下" in page and f"<h2>{outside}" not in page
    asked = services.dashboard.content_dir / "asked-questions.jsonl"  # type: ignore[operator]
    rows = [json.loads(line) for line in asked.read_text(encoding="utf-8").splitlines()]
    assert rows[-2:] == [
        {"q": taught, "expected": "consumer-rights", "note": "dashboard"},
        {"q": outside, "expected": "none", "note": "dashboard"},
    ]
    forged = learn | {"question": "别的问题", "card_id": "no-such-card"}
    async with client.post(f"{board.base}/dashboard/gaps", data=forged) as response:
        assert response.status == 400
    assert len(asked.read_text(encoding="utf-8").splitlines()) == len(rows)


async def test_taught_questions_with_numbers_long_ones_and_second_thoughts(
    editable_board: Board, client: aiohttp.ClientSession
) -> None:
    """A question with a phone number is written masked and still answered as taught; a
    question longer than the gap key is taught whole and leaves the list; a coordinator who
    changes their mind is obeyed (the latest label counts)."""
    board = editable_board
    services = board.harness.services
    with_phone = "宠物店卖的狗三天就死了 我电话13912345678"
    long_one = "宠物店卖的狗三天就死了，" + "店家一直不接电话，" * 40
    assert len(long_one) > 300
    for question in (with_phone, long_one):
        await _ask(board, question)
    await services.question_log.flush()
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/gaps")
    for question in (with_phone, long_one):
        form = {"csrf": csrf, "question": question, "card_id": "consumer-rights"}
        async with client.post(
            f"{board.base}/dashboard/gaps", data=form | {"action": "learn"}
        ) as response:
            page = await response.text()
            assert response.status == 200 and "已记下，机器人已经在用" in page
    async with client.get(f"{board.base}/dashboard/gaps") as response:
        page = await response.text()
    assert "宠物店卖的狗三天就死了" not in page  # both left the list
    asked = services.dashboard.content_dir / "asked-questions.jsonl"  # type: ignore[operator]
    text = asked.read_text(encoding="utf-8")
    assert "13912345678" not in text and f"我电话{'*' * 11}" in text
    consumer = services.library.cards["consumer-rights"].title
    assert consumer in await _ask(board, "宠物店卖的狗三天就死了 我电话13800001111")
    assert consumer in await _ask(board, long_one)
    only_number = {"csrf": csrf, "question": "13912345678", "card_id": "consumer-rights"}
    async with client.post(
        f"{board.base}/dashboard/gaps", data=only_number | {"action": "learn"}
    ) as response:
        assert response.status == 400 and "号码" in await response.text()
    second = {"csrf": csrf, "question": with_phone, "card_id": "", "action": "out_of_scope"}
    async with client.post(f"{board.base}/dashboard/gaps", data=second) as response:
        assert "机器人已记下" in await response.text()
    assert consumer not in await _ask(board, with_phone)


async def test_every_decision_can_be_undone_and_takes_back_what_it_wrote(
    editable_board: Board, client: aiohttp.ClientSession
) -> None:
    """A coordinator who decided wrongly undoes it on the decided page: the question is back on
    the list, the content files are byte for byte as before the decision, and the bot answers
    as it did. Undoing twice, or a question never decided, is refused and changes nothing."""
    board = editable_board
    services = board.harness.services
    content = services.dashboard.content_dir
    assert content is not None
    files = [content / "asked-questions.jsonl", content / "lexicon.yaml"]
    files.append(content / "cards" / f"{CARD}.md")
    before = [path.read_bytes() for path in files]
    taught, outside, sample, ignored = (
        "宠物店卖的狗三天就死了",
        "广场舞音响买多大的",
        QUESTION,
        "随便问问天气怎么样",
    )
    title = services.library.cards[CARD].title
    answered_before = title in await _ask(board, taught)
    for question in (outside, sample, ignored, "押金不退"):
        await _ask(board, question)
    await services.question_log.flush()
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/gaps")
    keyword = services.library.cards[CARD].keywords[0]
    for form in (
        {"question": taught, "card_id": CARD, "action": "learn"},
        {"question": outside, "card_id": "", "action": "out_of_scope"},
        {"question": sample, "card_id": CARD, "action": "sample"},
        {"question": ignored, "action": "ignore"},
        {"question": "押金不退", "card_id": CARD, "action": "synonym"}
        | {"word": "押金不退", "same_as": keyword},
    ):
        async with client.post(f"{board.base}/dashboard/gaps", data=form | {"csrf": csrf}) as r:
            assert r.status == 200, await r.text()
    assert title in await _ask(board, taught + "？")
    assert [path.read_bytes() for path in files] != before
    async with client.get(f"{board.base}/dashboard/gaps") as response:
        page = await response.text()
    assert 'id="decided-link"' in page
    assert not any(f"<h2>{q}" in page for q in (taught, outside, sample, ignored))
    async with client.get(f"{board.base}/dashboard/gaps/decided") as response:
        page = await response.text()
    for shown in (taught, outside, sample, "同义词：押金不退", "忽略", "不属于普法范围"):
        assert shown in page
    keys = re.findall(r'name="question" value="([^"]+)"', page)
    assert len(keys) == 5
    for key in keys:
        form = {"csrf": csrf, "question": key}
        async with client.post(f"{board.base}/dashboard/gaps/undo", data=form) as response:
            assert response.status == 200 and 'id="done"' in await response.text()
    assert [path.read_bytes() for path in files] == before  # all taken back, nothing else
    assert (title in await _ask(board, taught + "？")) == answered_before
    assert not any({"押金不退", keyword} <= set(g) for g in services.library.lexicon.synonyms)
    async with client.get(f"{board.base}/dashboard/gaps") as response:
        page = await response.text()
    assert all(f"<h2>{q}" in page for q in (taught, outside, sample, ignored))
    async with client.get(f"{board.base}/dashboard/gaps/decided") as response:
        assert "还没有处理过的问题" in await response.text()
    for forged in (keys[0], "从来没处理过的问题", "", "x" * 5000):
        form = {"csrf": csrf, "question": forged}
        async with client.post(f"{board.base}/dashboard/gaps/undo", data=form) as response:
            assert response.status == 404 and "没有处理记录" in await response.text()
    assert [path.read_bytes() for path in files] == before
    async with client.get(f"{board.base}/dashboard/audit") as response:
        assert "撤销对未答问题的处理" in await response.text()


async def test_undo_is_refused_whole_when_the_content_cannot_change(
    editable_board: Board, client: aiohttp.ClientSession
) -> None:
    """With the content folder gone the label cannot be taken back: the undo is refused, the
    decision stays, and the question stays off the list."""
    board = editable_board
    services = board.harness.services
    content = services.dashboard.content_dir
    assert content is not None
    question = "宠物店卖的狗三天就死了"
    await _ask(board, question)
    await services.question_log.flush()
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/gaps")
    learn = {"csrf": csrf, "question": question, "card_id": CARD, "action": "learn"}
    async with client.post(f"{board.base}/dashboard/gaps", data=learn) as response:
        assert response.status == 200
    content.rename(content.with_name("moved-away"))
    undo = {"csrf": csrf, "question": question}
    async with client.post(f"{board.base}/dashboard/gaps/undo", data=undo) as response:
        assert response.status == 400
        page = await response.text()
    assert "内容检查" not in page and f"PUFA_CONTENT_DIR 指向的内容目录 {content} 找不到了" in page
    async with client.get(f"{board.base}/dashboard/gaps/decided") as response:
        assert question in await response.text()
    content.with_name("moved-away").rename(content)
    async with client.post(f"{board.base}/dashboard/gaps/undo", data=undo) as response:
        assert response.status == 200
    async with client.get(f"{board.base}/dashboard/gaps") as response:
        assert f"<h2>{question}" in await response.text()


async def test_the_card_a_resident_chose_is_offered_first(
    editable_board: Board, client: aiohttp.ClientSession
) -> None:
    """Under a fallback the bot suggests cards; the one the asker opens is recorded with their
    question (only the asker's own press counts) and shown on the gaps page, chosen in advance,
    so that a coordinator labels the question with one click."""
    board = editable_board
    harness, services = board.harness, board.harness.services
    resident, other = harness.api.user(RESIDENT), harness.api.user(RESIDENT + 1)
    reply = await harness.ask(resident, QUESTION)
    suggested = [b.get("callback_data", "") for row in reply.buttons() for b in row]
    picked = services.index.search(QUESTION).suggestions[-1]
    [data] = [d for d in suggested if d.startswith(f"1:c:{picked.card_id}:")]
    shown = await harness.tap(resident, reply, picked.title)
    assert picked.title in (shown.text or "")
    first = services.index.search(QUESTION).suggestions[0]
    forged = data.replace(f":{picked.card_id}:", f":{first.card_id}:")
    await harness.press(other, reply, forged)  # someone else's question: not theirs to label
    await harness.press(resident, reply, data[:-1] + "g")  # a malformed reference
    await harness.press(resident, reply, "1:c:no-such-card:" + data.rsplit(":", 1)[1])
    await harness.settle()
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/gaps") as response:
        page = await response.text()
    section = page.split(f"<h2>{QUESTION}", 1)[1].split("</section>", 1)[0]
    chosen = re.search(r'<p class="chosen">(.*?)</p>', section)
    assert chosen and chosen[1] == f"提问的居民自己点开了：<b>{picked.title}</b>（1 次）"
    options = re.findall(r'<option value="([^"]+)"', section)
    assert options[0] == picked.card_id
    csrf = await board.csrf(client, "/dashboard/gaps")
    learn = {"csrf": csrf, "question": QUESTION, "card_id": options[0], "action": "learn"}
    async with client.post(f"{board.base}/dashboard/gaps", data=learn) as response:
        assert response.status == 200
    assert picked.title in ((await harness.ask(resident, QUESTION)).text or "")


async def test_numbers_in_questions_neither_reach_the_dashboard_nor_throw_the_search_off(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """A resident's ID-card and phone numbers are kept masked in the question log, so the
    coordinators' 未解答问题 page never shows them, and the search reads the question as if
    they were not there."""
    services = board.harness.services
    leaked = services.library.cards["personal-info-protection"].title
    with_numbers = "我的身份证号320102198001011234和手机13911112222被人拿去注册了网店怎么办"
    assert leaked in await _ask(board, with_numbers)
    unanswered = "我想开奶茶店，身份证320102198001011234，电话13911112222，要办啥证"
    await _ask(board, unanswered)
    await services.question_log.flush()
    async with services.db.session() as session:
        logged = (await session.exec(select(QuestionLog.text))).all()
    assert len(logged) == 2
    assert not any(digit in text for text in logged for digit in ("3201021980", "139111"))
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/gaps") as response:
        page = await response.text()
    assert f"身份证{'*' * 18}" in page and f"电话{'*' * 11}" in page
    assert "320102198001011234" not in page and "13911112222" not in page
