"""The legal-aid pre-check through the local Bot API server: every rule of legal_aid.yaml
reached as a resident would reach it, and the chat's edges (back, typing, /cancel, expired
and forged buttons, a restart mid-chat, groups)."""

import asyncio
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from content.legal_aid import HardshipStandard, LegalAidCriteria, Rule, chat_paths
from content.loader import Library
from content.search import SearchIndex
from domain.answers import plain_text
from handlers.kit.callbacks import name_key
from handlers.residents.keyboards import AID_MENU, AidMenu
from local_api import FakeChat, FakeUser, SentMessage
from storage.directory import replace_points
from storage.residents import precheck_counts
from tests.conftest import sqlite_url
from tests.e2e.conftest import (
    ADMIN_ID,
    Harness,
    bot_factory,
    reply_keyboard,
    restartable_bot,
    running_bot,
)
from tests.e2e.forwarding import forward, press_copy

TOWN = "示例县东山镇"  # has a 司法所, but the district's 法律援助中心 is in 城关镇
MENU_CHECK = f"1:a:{AID_MENU}:{AidMenu.CHECK}"


def criteria_of(bot: Harness) -> LegalAidCriteria:
    criteria = bot.services.library.legal_aid
    assert criteria is not None
    return criteria


def one_path_per_rule(criteria: LegalAidCriteria) -> list[tuple[Rule, dict[str, str]]]:
    """For each rule, the first way through the chat that reaches it (from the YAML, so a
    new rule is covered by the test without editing it)."""
    found: dict[str, dict[str, str]] = {}
    for answers, rule in chat_paths(criteria):
        assert rule is not None, answers  # `pufa content check` guarantees it
        found.setdefault(rule.id, answers)
    return [(rule, found[rule.id]) for rule in criteria.rules]


async def open_check(bot: Harness, user: FakeUser, *, left: bool = False) -> SentMessage:
    """/legalaid, then 我能申请法律援助吗？: returns the first question; `left`: a chat was open,
    which /legalaid ends, saying so (its question loses its buttons)."""
    bot.api.send_command(user, "/legalaid")
    *_left, menu = await bot.replies(user.id, 2 if left else 1)
    bot.api.press_button(user, menu, bot.ui.residents.aid_menu_check)
    intro, question = await bot.api.wait_for_messages(user.id, 2)
    assert intro.content == plain_text(bot.ui.residents.check_intro)
    return question


async def choose(bot: Harness, user: FakeUser, message: SentMessage, label: str) -> SentMessage:
    """Presses an option: the question is edited to show the answer, the next step follows."""
    bot.api.press_button(user, message, label)
    edited, following = await bot.api.wait_for_messages(user.id, 2)
    assert edited.action == "edit" and label in edited.content and not edited.buttons()
    return following


async def go_back(bot: Harness, user: FakeUser, message: SentMessage) -> SentMessage:
    """Presses ⬅️ 上一题: the question gone back from stays without its buttons, and the one
    before is asked again."""
    bot.api.press_button(user, message, bot.ui.residents.back_button)
    [again] = await bot.next_question(user, message)
    return again


async def answer_all(bot: Harness, user: FakeUser, answers: dict[str, str]) -> SentMessage:
    """Answers the questions in the order asked; returns the town question."""
    criteria = criteria_of(bot)
    message = await open_check(bot, user)
    for question_id, option_id in answers.items():
        question = criteria.question(question_id)
        assert question is not None
        assert question.text in message.content, (question_id, message.content)
        option = question.option(option_id)
        assert option is not None
        message = await choose(bot, user, message, option.text)
    assert message.content == bot.ui.residents.check_ask_town
    return message


async def counts(bot: Harness) -> dict[tuple[str, str], int]:
    async with bot.services.db.session() as session:
        return await precheck_counts(session=session, start=date(2000, 1, 1), end=date(2100, 1, 1))


async def test_every_rule_of_the_yaml_is_reached_and_explained(bot: Harness) -> None:
    criteria = criteria_of(bot)
    texts = bot.ui.residents
    paths = one_path_per_rule(criteria)
    assert len(paths) == len(criteria.rules) >= 9
    for n, (rule, answers) in enumerate(paths):
        user = bot.api.user(2200 + n)
        town_question = await answer_all(bot, user, answers)
        result = await bot.last_answer(user, town_question, TOWN)
        text = result.content
        assert text.startswith(plain_text(texts.results[rule.outcome])), rule.id
        assert rule.reason.split("，")[0] in text and rule.article in text, rule.id
        assert all(item in text for item in rule.bring), rule.id
        assert (criteria.hardship_standard.note in text) is rule.hardship_note, rule.id
        # the 承诺制 comes with the local standard, said in its own paragraph only
        promised = criteria.promise.count("承诺制") if rule.hardship_note else 0
        assert text.count("承诺制") == promised, (rule.id, text)
        assert "东山镇司法所" in text and "示例县法律援助中心" in text, rule.id
        no = rule.outcome == "likely_no"  # nothing to apply for: somewhere to ask instead
        where = texts.result_points_ask_title if no else texts.result_points_title
        assert plain_text(where) in text, rule.id
        assert "7日内" in text and "参考，不是决定" in text and "12348" in text, rule.id
        # the sample points' phone is 12348: the reason's 先打12348或 and the last line's
        # 拿不准就打12348 give way to it; the one line saying the standard and the points are
        # samples asks to confirm there, and stays (the points' own line says to phone them)
        said = text.count("电话：12348") + rule.hardship_note
        assert text.count("12348") == said, (rule.id, text)
        assert text.count("不是本地的") == 1, (rule.id, text)
        assert "管理员" not in text and "协调员" not in text, (rule.id, text)
        assert "先打12348或" not in text and plain_text(texts.result_hotline) not in text
        assert texts.again_button in result.button_labels()
        assert await bot.services.chats.open(user.id) == []  # the answers are gone
    found = await counts(bot)
    assert found == {(rule.outcome, rule.id): 1 for rule, _ in paths}


async def test_the_menu_also_leads_to_service_points_and_the_hotlines(bot: Harness) -> None:
    user = bot.api.user(2230)
    bot.api.send_command(user, "/legalaid")
    [menu] = await bot.api.wait_for_messages(user.id)
    texts = bot.ui.residents
    assert menu.button_labels() == [
        texts.aid_menu_check,
        texts.aid_menu_where,
        texts.aid_menu_adviser,
        texts.aid_menu_hotlines,
    ]
    prompt = await bot.tap(user, menu, texts.aid_menu_where)
    assert reply_keyboard(prompt)["keyboard"][0][0]["request_location"] is True
    numbers = await bot.tap(user, menu, texts.aid_menu_hotlines)
    assert numbers.content.startswith("📞")


async def test_back_typing_and_the_location_instead_of_a_town(bot: Harness) -> None:
    criteria, texts = criteria_of(bot), bot.ui.residents
    user = bot.api.user(2231)
    first = await open_check(bot, user)
    second = await choose(bot, user, first, "讨工资、确认劳动关系")
    assert criteria.questions[2].text in second.content  # group: no criminal question
    again = await go_back(bot, user, second)
    assert criteria.questions[0].text in again.content
    bot.api.send_text(user, "老板欠钱不给怎么办")  # typed mid-check: not taken as a question
    hint, repeated = await bot.next_question(user, again, said=1)
    assert hint.content == texts.check_wrong_input
    assert criteria.questions[0].text in repeated.content
    second = await choose(bot, user, repeated, "讨工资、确认劳动关系")
    town = await choose(bot, user, second, "进城务工人员（农民工）")
    bot.api.send_location(user, 30.0450, 110.0800)  # at the 东山镇司法所
    [result] = await bot.replies(user.id, 1)
    assert bot.as_now(town).buttons() == []  # the check ended on it: its 跳过 and towns go
    assert result.content.startswith("✅")
    assert result.content.index("东山镇司法所") < result.content.index("示例县法律援助中心")
    assert "公里" in result.content and "人民调解委员会" not in result.content
    assert town.content == texts.check_ask_town
    assert await counts(bot) == {("likely_yes", "migrant-worker"): 1}


async def test_a_location_far_from_every_point_asks_for_the_town_again(bot: Harness) -> None:
    texts = bot.ui.residents
    user = bot.api.user(2232)
    first = await open_check(bot, user)
    second = await choose(bot, user, first, "讨工资、确认劳动关系")
    town = await choose(bot, user, second, "进城务工人员（农民工）")
    bot.api.send_location(user, 34.5, 110.0)  # about 500 km north of every sample point
    [again] = await bot.next_question(user, town)
    assert again.content.startswith("离你 30 公里以内没有登记的法律服务点（最近的一个约 ")
    assert again.content.endswith(texts.check_ask_town)
    assert "示例县东山镇" in again.button_labels()
    result = await bot.last_answer(user, again, "示例县东山镇")
    assert result.content.startswith("✅") and "东山镇司法所" in result.content
    assert "公里" not in result.content  # picked by town: no distance to claim


async def test_cancel_keeps_nothing_and_expires_the_buttons(bot: Harness) -> None:
    user = bot.api.user(2232)
    first = await open_check(bot, user)
    second = await choose(bot, user, first, "讨工资、确认劳动关系")
    cancelled = await bot.ask(user, "/cancel")
    assert cancelled.content == bot.ui.residents.check_cancelled
    assert bot.as_now(second).buttons() == []  # none left to press
    button = second.find_button("进城务工人员（农民工）")["callback_data"]
    answer = await bot.press(user, second, button)
    assert answer["text"] == bot.ui.stale_button and answer["show_alert"]
    assert await counts(bot) == {}
    assert await bot.services.chats.open(user.id) == []


async def test_a_question_forwarded_into_a_group_is_not_answered_there(bot: Harness) -> None:
    """A guided chat's button on a copy forwarded into a group does nothing there (the next
    question would be asked in the group) and says so; in the private chat it still works."""
    user = bot.api.user(2236)
    group = bot.api.group(-1_002_000_236, "村民群")
    first = await open_check(bot, user)
    copy = forward(bot, user, first, group)
    data = first.find_button("工伤事故赔偿")["callback_data"]
    mark = len(bot.api.state.sent)
    assert await press_copy(bot, user, copy, data) == bot.ui.own_chat_button_only
    await bot.settle()
    assert [m for m in bot.api.state.sent[mark:] if m.chat_id in {group.id, user.id}] == []
    following = await choose(bot, user, first, "工伤事故赔偿")
    assert "第 2 题" in following.content


async def test_a_new_check_expires_the_old_ones_buttons(bot: Harness) -> None:
    user = bot.api.user(2233)
    old = await open_check(bot, user)
    new = await open_check(bot, user, left=True)
    answer = await bot.press(user, old, old.find_button("工伤事故赔偿")["callback_data"])
    assert answer["text"] == bot.ui.stale_step  # the new check is open: go on there
    following = await choose(bot, user, new, "工伤事故赔偿")
    assert "第 2 题" in following.content


async def test_an_idle_check_expires(bot: Harness) -> None:
    user = bot.api.user(2234)
    first = await open_check(bot, user)
    bot.clock.advance(timedelta(minutes=31))
    answer = await bot.press(user, first, first.find_button("工伤事故赔偿")["callback_data"])
    assert answer["text"] == bot.ui.stale_button


async def test_forged_buttons_are_refused_and_the_check_goes_on(bot: Harness) -> None:
    user = bot.api.user(2235)
    first = await open_check(bot, user)
    real = first.find_button("工伤事故赔偿")["callback_data"]
    token = real.split(":")[2]
    forged = [
        f"1:lp:{token}:o:99:0",
        f"1:lp:{token}:o:0:99",
        f"1:lp:{token}:o:2:0",  # a real option of a question not asked now
        f"1:lp:{token}:o:0",
        f"1:lp:{token}:o:0:1:2",
        f"1:lp:{token}:o:00:1",
        f"1:lp:{token}:town:{name_key(TOWN)}",  # a later step's button
        f"1:lp:{token}:back",  # nothing to go back to
        f"1:lp:{token}:zz",
        "1:lp:deadbeef:o:0:1",
        "1:lp",
        "1:a:menu:nope",
    ]
    for data in forged:
        answer = await bot.press(user, first, data)
        assert answer["text"] == bot.ui.stale_step and answer["show_alert"], data
    following = await choose(bot, user, first, "工伤事故赔偿")
    assert "第 2 题" in following.content
    assert await counts(bot) == {}


async def test_a_restart_mid_check_goes_on_where_it_was(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with restartable_bot(tmp_path, library, index) as server:
        bot = server.harness
        assert bot is not None
        user = bot.api.user(2236)
        first = await open_check(bot, user)
        second = await choose(bot, user, first, "受虐待、遗弃或家庭暴力，要维权")
        assert second.content == bot.ui.residents.check_ask_town  # art. 32: nothing more
        bot = await server.restart()
        result = await bot.last_answer(user, second, bot.ui.residents.skip_button)
        assert result.content.startswith("✅") and "第三十二条" in result.content
        assert bot.ui.residents.result_no_points in result.content
        assert await counts(bot) == {("likely_yes", "abuse-no-means-test"): 1}


async def test_in_a_group_the_check_is_offered_in_private_only(bot: Harness) -> None:
    user, group = bot.api.user(2237), FakeChat(-2237, "group", "村民群")
    bot.api.send_command(user, "/legalaid", chat=group)
    [note] = await bot.api.wait_for_messages(group.id)
    assert note.content == bot.ui.residents.private_only
    [[button]] = note.buttons()
    assert button["url"].endswith("?start=legalaid")
    answer = await bot.press(user, note, MENU_CHECK)
    assert answer["text"] is None
    [again] = await bot.api.wait_for_messages(group.id)
    assert again.content == bot.ui.residents.private_only
    assert await bot.services.chats.open(user.id) == []
    bot.api.send_command(user, "/start legalaid")
    [menu] = await bot.api.wait_for_messages(user.id)
    assert bot.ui.residents.aid_menu_check in menu.button_labels()


async def test_coordinators_see_the_anonymous_outcomes_in_stats(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    user = bot.api.user(2238)
    first = await open_check(bot, user)
    town = await choose(bot, user, first, "受虐待、遗弃或家庭暴力，要维权")
    await bot.last_answer(user, town, bot.ui.residents.skip_button)
    bot.api.send_command(bot.api.user(ADMIN_ID), "/stats")
    [stats] = await bot.api.wait_for_messages(ADMIN_ID)
    assert "法律援助自测 1 次：很可能可以 1，要看情况 0，一般不符合 0" in stats.content
    assert "2238" not in stats.content


async def test_a_legal_aid_card_offers_the_check(bot: Harness) -> None:
    user = bot.api.user(2239)
    card = await bot.ask(user, "谁能申请免费的法律援助")
    assert bot.services.library.cards[card_id_of(card)].category == "legal_aid"
    offer = bot.ui.residents.card_offers["aid_check"]
    bot.api.press_button(user, card, offer)
    intro, question = await bot.api.wait_for_messages(user.id, 2)
    assert intro.content == plain_text(bot.ui.residents.check_intro)
    assert "第 1 题" in question.content
    wages = await bot.ask(user, "老板欠了我三个月工资不给怎么办")
    assert offer not in wages.button_labels()


def card_id_of(card: SentMessage) -> str:
    """The card a message shows, from its 📞 button (h:card:<id>)."""
    data = card.find_button("📞")["callback_data"]
    assert data.startswith("1:h:card:"), data
    return str(data.removeprefix("1:h:card:"))


async def test_answers_that_no_longer_fit_the_criteria_end_the_check(bot: Harness) -> None:
    """As after legal_aid.yaml was edited and the bot restarted mid-check."""
    user = bot.api.user(2240)
    first = await open_check(bot, user)
    [chat] = await bot.services.chats.open(user.id)
    chat.data = {"answers": {"matter": "an-option-since-removed"}}
    await chat.save()
    bot.api.press_button(user, first, "工伤事故赔偿")
    [told] = await bot.api.wait_for_messages(user.id)
    assert told.content == bot.ui.residents.check_outdated
    assert await bot.services.chats.open(user.id) == []
    assert await counts(bot) == {}


async def test_the_violence_branch_says_how_to_be_safe_and_brings_only_its_own_papers(
    bot: Harness,
) -> None:
    user = bot.api.user(2238)
    first = await open_check(bot, user)
    town = await choose(bot, user, first, "受虐待、遗弃或家庭暴力，要维权")
    result = await bot.last_answer(user, town, bot.ui.residents.skip_button)
    text = result.content
    assert text.startswith("✅") and "第三十二条" in text
    assert "110" in text and "12338" in text and "人身安全保护令" in text
    rule = next(r for r in criteria_of(bot).rules if r.id == "abuse-no-means-test")
    assert all(item in text for item in rule.bring)
    assert "见义勇为" not in text and "再审" not in text
    dv = bot.services.library.cards["domestic-violence"]
    assert result.button_labels()[0] == bot.ui.related_button.format(title=dv.title)
    opened = await bot.tap(user, result, dv.title)
    assert opened.content.startswith(dv.title)


async def test_the_other_no_means_test_cases_bring_their_own_papers(bot: Harness) -> None:
    for n, (option, absent) in enumerate(
        [("见义勇为，或维护英雄烈士名誉", "再审改判"), ("再审改判无罪，请求国家赔偿", "见义勇为")]
    ):
        user = bot.api.user(2239 + n)
        first = await open_check(bot, user)
        town = await choose(bot, user, first, option)
        result = await bot.last_answer(user, town, bot.ui.residents.skip_button)
        assert absent not in result.content and "告诫书" not in result.content, option
        assert "12338" not in result.content, option


async def test_a_sample_hardship_standard_is_shown_as_an_example_until_it_is_set(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """legal_aid.yaml ships an invented standard (示例：最低生活保障标准的2倍) and the database
    sample points: one short line under the points tells the resident both are examples, not
    the local ones, and to confirm with 12348 (what coordinators should do is for `pufa
    content check`, not residents); once the coordinator sets the standard, the line speaks
    of the points only; with real points too, nothing is said to be a sample."""
    criteria = library.legal_aid
    assert criteria is not None and criteria.hardship_standard.sample
    rule, answers = next((r, a) for r, a in one_path_per_rule(criteria) if r.hardship_note)
    texts = library.ui.residents
    local = HardshipStandard(note="本省标准：家庭人均收入低于当地最低生活保障标准", sample=False)
    own = replace(library, legal_aid=criteria.model_copy(update={"hardship_standard": local}))
    real = {"name": "东山司法所", "kind": "司法所", "town": TOWN, "address": "东山路2号"}
    for content, points, line in (
        (library, [], texts.result_all_sample),
        (own, [], library.ui.sample_notice),
        (library, [real], texts.result_hardship_sample),
        (own, [real], None),
    ):
        async with running_bot(tmp_path / str(line), bot_factory(content, index)) as bot:
            if points:
                async with bot.services.db.session() as session:
                    await replace_points(session=session, entries=points)
            user = bot.api.user(2250)
            result = await bot.last_answer(user, await answer_all(bot, user, answers), TOWN)
            text = result.content
            note = content.legal_aid.hardship_standard.note  # type: ignore[union-attr]
            assert f"💰 {note}" in text, rule.id
            assert text.count("不是本地的") == (line is not None), text
            assert "管理员" not in text and "协调员" not in text, text
            if line is not None:  # after what it says is a sample
                assert plain_text(line) in text
                assert text.index(plain_text(line)) > text.index(note), text


async def test_imported_points_show_where_to_apply_and_files_that_would_hide_them_are_refused(
    bot: Harness,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`pufa directory import` on the running bot's database: a kind written in desks.yaml's
    words is stored in Chinese and the point is offered under 就近申请; a kind nobody knows, or
    a file that is no CSV, imports nothing and says what to write instead, in Chinese."""
    monkeypatch.setenv("PUFA_DATABASE_URL", sqlite_url(tmp_path))
    points = tmp_path / "points.csv"

    async def imported(content: str | bytes) -> int:
        if isinstance(content, str):
            content = content.encode()
        points.write_bytes(content)
        return await asyncio.to_thread(main, ["directory", "import", str(points)])

    good = (
        "名称,类型,乡镇,地址\n"
        "县法律援助中心,legal_aid_centre,示例县城关镇,城关路1号\n"
        "东山司法所,judicial_office,示例县东山镇,东山路2号\n"
    )
    assert await imported(good) == 0
    assert await imported(good.replace("judicial_office", "legal_office")) == 1
    refused = capsys.readouterr().err
    assert "不认识的类型 'legal_office'" in refused and "法律援助中心、法律援助工作站" in refused
    assert await imported(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == 1
    assert "这不是 CSV 表格文件" in capsys.readouterr().err
    user = bot.api.user(2251)
    town = await choose(bot, user, await open_check(bot, user), "受虐待、遗弃或家庭暴力，要维权")
    result = await bot.last_answer(user, town, TOWN)
    where = result.content[
        result.content.index(plain_text(bot.ui.residents.result_points_title)) :
    ]
    assert "东山司法所 · 司法所" in where and "县法律援助中心 · 法律援助中心" in where
    assert bot.ui.sample_notice not in result.content


async def test_every_town_is_offered_and_a_typed_one_is_read_even_without_a_point_of_its_own(
    bot: Harness,
) -> None:
    """Points imported for 东山镇 only: a 西河镇 resident still finds their town (towns.yaml),
    pressed or typed, and hears where one applies anyway (no centre listed: the district's
    centre, or any 司法所, and 12348)."""
    texts = bot.ui.residents
    dongshan = {"name": "东山司法所", "kind": "司法所", "town": TOWN, "address": "东山路2号"}
    async with bot.services.db.session() as session:
        await replace_points(session=session, entries=[dongshan])
    user = bot.api.user(2252)
    town = await choose(bot, user, await open_check(bot, user), "受虐待、遗弃或家庭暴力，要维权")
    towns = [t.town for t in bot.services.library.towns]
    assert town.button_labels()[: len(towns)] == towns  # towns.yaml's order
    assert town.button_labels()[len(towns)] == texts.skip_button
    bot.api.send_text(user, "示例县")
    [several] = await bot.next_question(user, town)
    assert several.content.startswith(plain_text(texts.typed_several.format(typed="示例县")))
    bot.api.send_text(user, "火星镇")
    [unknown] = await bot.next_question(user, several)
    assert unknown.content.startswith(plain_text(texts.typed_unknown.format(typed="火星镇")))
    assert unknown.button_labels() == town.button_labels()
    result = await bot.ask(user, "西河镇")
    assert result.content.startswith("✅") and "东山司法所" not in result.content
    assert texts.result_no_points in result.content and "12348" in result.content
    assert await counts(bot) == {("likely_yes", "abuse-no-means-test"): 1}
    user = bot.api.user(2253)
    town = await choose(bot, user, await open_check(bot, user), "受虐待、遗弃或家庭暴力，要维权")
    result = await bot.ask(user, "东山")
    assert "东山司法所" in result.content


async def test_legalaid_ends_an_open_check_so_the_service_points_can_be_found(
    bot: Harness,
) -> None:
    """A pre-check left at its second question would take the town list's 🏘 or a location
    as its own (wrong) answer: /legalaid, like /start, ends it and says so (asking first, as
    it holds an answer; giving it up, the menu follows); so does 附近的法律服务点 from an older
    menu."""
    texts, ui = bot.ui.residents, bot.ui
    user = bot.api.user(2254)
    old_menu_message = await bot.ask(user, "/legalaid")
    await choose(bot, user, await open_check(bot, user), "讨工资、确认劳动关系")
    question = await bot.ask(user, "/legalaid")
    assert question.content == plain_text(ui.chat.unfinished.format(name="法律援助自测", count=1))
    bot.api.press_button(user, question, ui.chat.drop_button)
    left, menu = await bot.replies(user.id, 2)
    assert left.content == plain_text(ui.chat.left_chats.format(names="“法律援助自测”"))
    assert menu.source_text == texts.aid_menu_title  # what /legalaid asked for
    await bot.tap(user, menu, texts.aid_menu_where)
    bot.api.send_text(user, ui.pick_town_button)
    _removed, towns = await bot.api.wait_for_messages(user.id, 2)
    assert towns.text == ui.towns_title and TOWN in towns.button_labels()
    await choose(bot, user, await open_check(bot, user), "讨工资、确认劳动关系")
    question = await bot.tap(user, old_menu_message, texts.aid_menu_where)
    bot.api.press_button(user, question, ui.chat.drop_button)
    left, prompt = await bot.replies(user.id, 2)
    assert left.content.startswith("已退出")
    assert "12348" in prompt.content  # what the older menu's button asked for
    bot.api.send_location(user, 30.0450, 110.0800)
    [nearest] = await bot.api.wait_for_messages(user.id)
    assert nearest.content.startswith(ui.nearest_title)
    assert await bot.services.chats.open(user.id) == []


async def test_going_back_twice_leaves_buttons_only_under_the_question_asked_now(
    bot: Harness,
) -> None:
    """Back from the town, then from the second question: each question gone back from keeps
    its text but loses its buttons, and only the one asked now has any (and works)."""
    texts = bot.ui.residents
    user = bot.api.user(2255)
    first = await open_check(bot, user)
    second = await choose(bot, user, first, "讨工资、确认劳动关系")
    town = await choose(bot, user, second, "进城务工人员（农民工）")
    assert town.content == texts.check_ask_town
    second_again = await go_back(bot, user, town)
    first_again = await go_back(bot, user, second_again)
    assert "第 1 题" in first_again.content
    shown = [bot.as_now(m) for m in (first, second, town, second_again, first_again)]
    assert [bool(m.buttons()) for m in shown] == [False, False, False, False, True]
    following = await choose(bot, user, first_again, "工伤事故赔偿")
    assert "第 2 题" in following.content


async def test_a_question_asked_again_keeps_buttons_only_on_its_latest_copy(
    bot: Harness,
) -> None:
    """Something typed or sent where a button is wanted asks the question again below: each
    time the copy above keeps its text but loses its buttons, so only the latest copy can be
    pressed (and it goes on); a town typed but not found asks the town again the same way."""
    texts = bot.ui.residents
    user = bot.api.user(2256)
    first = await open_check(bot, user)
    bot.api.send_text(user, "我也不知道选哪个")
    hint, second = await bot.next_question(user, first, said=1)
    assert hint.content == texts.check_wrong_input and "第 1 题" in second.content
    bot.api.send_sticker(user)
    hint, third = await bot.next_question(user, second, said=1)
    assert hint.content == texts.check_wrong_input
    assert third.buttons() == first.buttons()
    copies = [bot.as_now(m) for m in (first, second, third)]
    assert [bool(m.buttons()) for m in copies] == [False, False, True]
    following = await choose(bot, user, third, "讨工资、确认劳动关系")
    town = await choose(bot, user, following, "进城务工人员（农民工）")
    assert town.content == texts.check_ask_town
    bot.api.send_text(user, "火星镇")
    [town_again] = await bot.next_question(user, town)
    assert town_again.content.endswith(texts.check_ask_town)
    assert [bool(bot.as_now(m).buttons()) for m in (town, town_again)] == [False, True]
    result = await bot.last_answer(user, town_again, TOWN)
    assert result.content.startswith("✅")


async def test_a_question_asked_again_comes_even_when_the_old_buttons_cannot_be_taken_off(
    bot: Harness,
) -> None:
    """Taking the buttons off the copy above is a courtesy: with Telegram failing that edit
    (a 502, not a refusal), the question is still asked again (it was not: the error ended
    the update)."""
    user = bot.api.user(2257)
    await open_check(bot, user)
    bot.api.fail_method("editMessageReplyMarkup", error_code=502, description="Bad Gateway")
    bot.api.send_text(user, "我也不知道选哪个")
    hint, second = await bot.api.wait_for_messages(user.id, 2)
    assert hint.content == bot.ui.residents.check_wrong_input and "第 1 题" in second.content
    bot.api.clear_failures()
    following = await choose(bot, user, second, "讨工资、确认劳动关系")
    assert following.buttons()


async def test_the_cancel_button_ends_the_check_and_takes_the_buttons_off(bot: Harness) -> None:
    """取消 pressed under a question: the check ends, saying so, and that question keeps its
    text but no button (pressing one would only say it has expired)."""
    user = bot.api.user(2255)
    first = await open_check(bot, user)
    second = await choose(bot, user, first, "讨工资、确认劳动关系")
    bot.api.press_button(user, second, bot.ui.residents.cancel_button)
    [cancelled] = await bot.replies(user.id, 1)
    assert cancelled.content == bot.ui.residents.check_cancelled
    now = bot.as_now(second)
    assert now.buttons() == [] and now.content == second.content
    assert await bot.services.chats.open(user.id) == []
