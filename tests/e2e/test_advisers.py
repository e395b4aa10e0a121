"""我村（社区）的法律顾问: town then village, or a location for the town; samples labelled."""

from collections.abc import Callable
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from content.ui_residents import ResidentTexts
from domain.answers import plain_text
from handlers.kit.callbacks import name_key
from handlers.residents.advisers import AdviserButton
from local_api import FakeChat, FakeUser, SentMessage
from storage.residents import replace_advisers
from tests.e2e.conftest import Harness, restartable_bot
from tests.e2e.test_precheck import card_id_of

TOWN, VILLAGE = "示例县东山镇", "桃园村"
NEAR_DONGSHAN = (30.0450, 110.0800)  # at the 东山镇司法所
FAR_AWAY = (34.5, 110.0)  # about 500 km north of every sample point


async def open_lookup(bot: Harness, user: FakeUser) -> SentMessage:
    bot.api.send_command(user, "/adviser")
    [towns] = await bot.api.wait_for_messages(user.id)
    return towns


async def test_town_then_village_shows_the_sample_adviser(bot: Harness) -> None:
    texts = bot.ui.residents
    user = bot.api.user(2301)
    towns = await open_lookup(bot, user)
    have = {a.town for a in bot.services.library.advisers}  # in towns.yaml's order
    expected = [t.town for t in bot.services.library.towns if t.town in have]
    assert towns.button_labels() == [*expected, texts.cancel_button]
    villages = await bot.answer(user, towns, TOWN)
    assert villages.content.startswith(TOWN)
    assert villages.button_labels()[:3] == ["桃园村", "东山社区", "石门村"]
    card = await bot.last_answer(user, villages, VILLAGE)
    sample = next(a for a in bot.services.library.advisers if a.village == VILLAGE)
    for value in (sample.name, sample.office, sample.duty, sample.contact):
        assert value in card.content
    assert card.content.startswith(f"🧑‍⚖️ {TOWN}{VILLAGE}的法律顾问")
    assert card.content.endswith(texts.adviser_sample)
    # desks.yaml names the adviser's desk (sample): a message can be left there
    assert card.button_labels() == [bot.ui.tickets.leave_button, texts.adviser_other_button]
    assert await bot.services.chats.open(user.id) == []
    again = await bot.tap(user, card, texts.adviser_other_button)
    assert again.button_labels()[0] == expected[0]
    message = await bot.tap(user, card, bot.ui.tickets.leave_button)
    assert "字以内" in message.content  # the desk's field and town need no question


async def test_a_location_picks_the_town(bot: Harness) -> None:
    user = bot.api.user(2302)
    towns = await open_lookup(bot, user)
    bot.api.send_location(user, *NEAR_DONGSHAN)
    [villages] = await bot.next_question(user, towns)
    intro = plain_text(bot.ui.residents.adviser_by_location.format(town=TOWN))
    assert villages.content.startswith(intro) and "桃园村" in villages.button_labels()
    bot.api.send_location(user, 95.0, 10.0)  # impossible: asked again, nothing lost
    [again] = await bot.next_question(user, villages)
    assert again.content.startswith(bot.ui.location_invalid)
    assert TOWN in again.button_labels()


async def test_a_location_far_from_every_point_offers_the_towns_instead(bot: Harness) -> None:
    user = bot.api.user(2303)
    first = await open_lookup(bot, user)
    bot.api.send_location(user, *FAR_AWAY)
    [towns] = await bot.next_question(user, first)
    assert towns.content.startswith("离你 30 公里以内没有登记的法律服务点（最近的一个约 ")
    assert "按你的位置" not in towns.content and TOWN in towns.button_labels()
    villages = await bot.answer(user, towns, TOWN)  # the chat goes on by town
    assert VILLAGE in villages.button_labels()


async def test_typing_back_and_cancel(bot: Harness) -> None:
    texts = bot.ui.residents
    user = bot.api.user(2303)
    towns = await open_lookup(bot, user)
    villages = await bot.answer(user, towns, TOWN)
    bot.api.send_text(user, "火星村")  # typed, and no such village
    [reply] = await bot.next_question(user, villages)
    unknown = plain_text(texts.typed_unknown.format(typed="火星村"))
    assert reply.content.startswith(unknown) and VILLAGE in reply.button_labels()
    bot.api.send_text(user, "🙂")
    [again] = await bot.next_question(user, reply)
    assert again.content.startswith(plain_text(texts.typed_unknown.format(typed="🙂")))
    # Back to the towns, said as such (it said 上一题, "previous question", the quiz's word).
    assert texts.back_button not in again.button_labels()
    back = await bot.answer(user, again, texts.adviser_towns_button)
    assert TOWN in back.button_labels()
    cancelled = await bot.ask(user, "/cancel")
    assert cancelled.content == plain_text(texts.adviser_cancelled)
    assert bot.as_now(back).buttons() == []  # the question it ended on
    answer = await bot.press(user, villages, villages.find_button(VILLAGE)["callback_data"])
    assert answer["text"] == bot.ui.stale_button


async def test_names_typed_instead_of_pressed(bot: Harness) -> None:
    """Elderly residents often type the name: part of it is enough when only one fits."""
    texts = bot.ui.residents
    user = bot.api.user(2306)
    towns = await open_lookup(bot, user)
    bot.api.send_text(user, "示例县")
    [several] = await bot.next_question(user, towns)
    assert several.content.startswith(plain_text(texts.typed_several.format(typed="示例县")))
    bot.api.send_text(user, "东山镇")
    [villages] = await bot.next_question(user, several)
    assert villages.content.startswith(TOWN) and VILLAGE in villages.button_labels()
    assert villages.button_labels()[-3] == texts.adviser_not_listed_button
    card = await bot.ask(user, "我是 桃园 的")  # spaces and other words around the name
    assert card.content.startswith(f"🧑‍⚖️ {TOWN}{VILLAGE}的法律顾问")
    assert bot.as_now(villages).buttons() == []  # answered by typing: no button left there
    assert await bot.services.chats.open(user.id) == []


async def test_a_village_not_on_the_list_gets_the_towns_service_points(bot: Harness) -> None:
    texts = bot.ui.residents
    user = bot.api.user(2307)
    towns = await open_lookup(bot, user)
    villages = await bot.answer(user, towns, TOWN)
    points = await bot.last_answer(user, villages, texts.adviser_not_listed_button)
    assert points.content.startswith(plain_text(texts.adviser_not_listed.format(town=TOWN)))
    assert "东山镇司法所" in points.content and "12348" in points.content
    # the sample points' phone is 12348: the closing 也可以拨打12348 does not repeat it
    assert points.content.count("12348") == points.content.count("电话：12348")
    assert await bot.services.chats.open(user.id) == []
    answer = await bot.press(
        user, villages, villages.find_button(texts.adviser_not_listed_button)["callback_data"]
    )
    assert answer["text"] == bot.ui.stale_button
    # no dead end: a message to the town's desk (its 司法所), or back to the villages
    assert points.button_labels() == [bot.ui.tickets.leave_button, texts.adviser_back_button]
    back = await bot.tap(user, points, texts.adviser_back_button)
    assert back.content.startswith(TOWN) and VILLAGE in back.button_labels()
    prompt = await bot.tap(user, points, bot.ui.tickets.leave_button)
    assert "示例县东山镇司法所（示例）" in prompt.content and "字以内" in prompt.content


async def test_forged_buttons_are_refused(bot: Harness) -> None:
    user = bot.api.user(2304)
    towns = await open_lookup(bot, user)
    token = towns.find_button(TOWN)["callback_data"].split(":")[2]
    villages = await bot.answer(user, towns, TOWN)
    for data in [
        f"1:ad:{token}:vil:{name_key('城关社区')}",  # a village of another town
        f"1:ad:{token}:vil:zzzz",
        f"1:ad:{token}:vil",
        f"1:ad:{token}:town:{name_key(TOWN)}",  # the previous step's button
        f"1:ad:{token}:back:1",
        f"1:ad:{token}:none:1",
        "1:ad:00000000:vil:00000000",
        "1:ad",
    ]:
        answer = await bot.press(user, villages, data)
        assert answer["text"] == bot.ui.stale_step and answer["show_alert"], data
    card = await bot.last_answer(user, villages, VILLAGE)
    assert "示例律师丙" in card.content


async def test_in_a_group_the_lookup_is_offered_in_private(bot: Harness) -> None:
    user, group = bot.api.user(2305), FakeChat(-2305, "group", "村民群")
    bot.api.send_command(user, "/adviser", chat=group)
    [note] = await bot.api.wait_for_messages(group.id)
    assert note.content == bot.ui.residents.private_only
    assert await bot.services.chats.open(user.id) == []


async def test_imported_advisers_show_without_the_sample_label(bot: Harness) -> None:
    async with bot.services.db.session() as session:
        entry = {"town": TOWN, "village": VILLAGE, "name": "李律师", "contact": "0000-1234567"}
        await replace_advisers(session=session, entries=[entry])
    user = bot.api.user(2306)
    towns = await open_lookup(bot, user)
    assert towns.button_labels() == [TOWN, bot.ui.residents.cancel_button]
    card = await bot.last_answer(user, await bot.answer(user, towns, TOWN), VILLAGE)
    assert "李律师" in card.content and "所在单位：—" in card.content
    assert bot.ui.residents.adviser_sample not in card.content


async def test_a_restart_between_town_and_village_loses_nothing(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with restartable_bot(tmp_path, library, index) as server:
        bot = server.harness
        assert bot is not None
        user = bot.api.user(2307)
        villages = await bot.answer(user, await open_lookup(bot, user), TOWN)
        bot = await server.restart()
        card = await bot.last_answer(user, villages, VILLAGE)
        assert "示例律师丙" in card.content


async def test_an_adviser_without_a_desk_of_their_own_offers_the_towns_desk_and_12348(
    bot: Harness,
) -> None:
    """desks.yaml has no desk for 柳湾村's adviser: the card still offers a message (to the
    town's 兜底 desk, its town and field known) and 12348."""
    texts = bot.ui.residents
    async with bot.services.db.session() as session:
        entry = {
            "town": "示例县西河镇",
            "village": "柳湾村",
            "name": "赵律师",
            "contact": "0000-7654321",
        }
        await replace_advisers(session=session, entries=[entry])
    user = bot.api.user(2308)
    villages = await bot.answer(user, await open_lookup(bot, user), "示例县西河镇")
    card = await bot.last_answer(user, villages, "柳湾村")
    assert "赵律师" in card.content and plain_text(texts.adviser_or_12348) in card.content
    assert card.button_labels() == [bot.ui.tickets.leave_button, texts.adviser_other_button]
    prompt = await bot.tap(user, card, bot.ui.tickets.leave_button)
    assert "示例县西河镇人民调解委员会（示例）" in prompt.content and "字以内" in prompt.content


async def test_the_village_adviser_card_offers_the_lookup(bot: Harness) -> None:
    """The card about village advisers leads to the lookup, which has the name and number,
    beside the legal-aid pre-check (both its front matter's `offers`); a card offering
    nothing has neither."""
    residents = bot.ui.residents
    user = bot.api.user(2310)
    card = await bot.ask(user, "我们村的法律顾问是谁，电话多少")
    assert card_id_of(card) == "village-legal-advisor"
    offered = [residents.card_offers["adviser"], residents.card_offers["aid_check"]]
    labels = card.button_labels()
    assert [label for label in labels if label in offered] == offered
    towns = await bot.tap(user, card, residents.card_offers["adviser"])
    assert towns.content.startswith(plain_text(residents.adviser_ask_town))
    assert TOWN in towns.button_labels()
    wages = await bot.ask(user, "老板欠了我三个月工资不给怎么办")
    assert not set(offered) & set(wages.button_labels())


QUESTION = "我家宅基地被邻居占了怎么办"


async def test_a_question_typed_for_a_village_is_offered_as_a_question(bot: Harness) -> None:
    """Typed at the village step, a question is not read as a village: the resident is told
    it looks like a question, and may have it answered (as anyone asking it is) or pick a
    village; their text waits for the button."""
    texts = bot.ui.residents
    user, bystander = bot.api.user(2311), bot.api.user(2312)
    towns = await open_lookup(bot, user)
    villages = await bot.answer(user, towns, TOWN)
    bot.api.send_text(user, QUESTION)
    [offer] = await bot.next_question(user, villages)
    assert offer.content.startswith(plain_text(texts.adviser_looks_like_question))
    assert offer.button_labels()[0] == texts.adviser_ask_it_button
    assert VILLAGE in offer.button_labels()
    expected = await bot.ask(bystander, QUESTION)
    answer = await bot.last_answer(user, offer, texts.adviser_ask_it_button)
    assert answer.content == expected.content
    assert await bot.services.chats.open(user.id) == []


async def test_a_village_named_in_a_question_is_still_offered_both_ways(bot: Harness) -> None:
    """桃园村的宅基地… names a village and asks something: the question, or the village's
    adviser by its button. A place not on the list, however long, is no question."""
    texts = bot.ui.residents
    user = bot.api.user(2313)
    towns = await open_lookup(bot, user)
    bot.api.send_text(user, "西河镇柳湾村")
    [unknown] = await bot.next_question(user, towns)
    assert unknown.content.startswith(plain_text(texts.typed_unknown.format(typed="西河镇柳湾村")))
    bot.api.send_text(user, QUESTION)  # the town step tells it too
    [offer] = await bot.next_question(user, unknown)
    assert offer.content.startswith(plain_text(texts.adviser_looks_like_question))
    assert TOWN in offer.button_labels()
    villages = await bot.answer(user, offer, TOWN)
    assert villages.button_labels()[0] == texts.adviser_ask_it_button  # the text is kept
    bot.api.send_text(user, "桃园村的宅基地被邻居占了")
    [offer] = await bot.next_question(user, villages)
    assert offer.content.startswith(plain_text(texts.adviser_looks_like_question))
    card = await bot.last_answer(user, offer, VILLAGE)
    assert card.content.startswith(f"🧑‍⚖️ {TOWN}{VILLAGE}的法律顾问")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("\u200b", lambda texts: texts.adviser_wrong_input),  # nothing to quote back
        ("🙂🙂🙂🙂🙂🙂", lambda texts: texts.typed_unknown.format(typed="🙂🙂🙂🙂🙂🙂")),
        ("问" * 5000, lambda texts: texts.adviser_looks_like_question),
    ],
    ids=["invisible", "emoji", "5000 characters"],
)
async def test_odd_texts_at_the_village_step(
    bot: Harness, text: str, said: Callable[[ResidentTexts], str]
) -> None:
    texts = bot.ui.residents
    user = bot.api.user(2314)
    villages = await bot.answer(user, await open_lookup(bot, user), TOWN)
    bot.api.send_text(user, text)
    [reply] = await bot.next_question(user, villages)
    assert reply.content.startswith(plain_text(said(texts))), reply.content
    assert VILLAGE in reply.button_labels()


async def test_a_long_question_kept_is_answered_as_a_long_question(bot: Harness) -> None:
    user = bot.api.user(2315)
    towns = await open_lookup(bot, user)
    bot.api.send_text(user, QUESTION * 400)
    [offer] = await bot.next_question(user, towns)
    bot.api.press_button(user, offer, bot.ui.residents.adviser_ask_it_button)
    _dropped, notice, answer = await bot.api.wait_for_messages(user.id, 3)
    assert notice.content == bot.ui.question_too_long
    assert "宅基地" in answer.content


async def test_forged_presses_of_the_question_button_change_nothing(bot: Harness) -> None:
    """💬 回答这个问题 with no question kept, or carrying arguments, is an expired button."""
    user = bot.api.user(2316)
    towns = await open_lookup(bot, user)
    [chat] = await bot.services.chats.open(user.id)
    ask_it = f"1:ad:{chat.token}:{AdviserButton.ASK_IT}"
    assert (await bot.press(user, towns, ask_it))["text"] == bot.ui.stale_step
    bot.api.send_text(user, QUESTION)
    [offer] = await bot.next_question(user, towns)
    assert (await bot.press(user, offer, f"{ask_it}:0"))["text"] == bot.ui.stale_step
    await bot.settle()
    assert bot.sent_to(user.id)[-1] == offer and bot.as_now(offer).buttons()
    [still] = await bot.services.chats.open(user.id)
    assert still.data["asked"] == QUESTION
