"""/legalaid: nearest service points by location, or picked by town."""

import re

from content.directory import distance_km
from content.loader import Library
from domain.answers import plain_text
from handlers.kit.callbacks import name_key
from local_api import SentMessage
from storage.directory import replace_points
from tests.e2e.conftest import Harness, reply_keyboard

COUNTY_SEAT = (30.0005, 110.0005)


async def pick_town_list(bot: Harness, user_id: int) -> SentMessage:
    user = bot.api.user(user_id)
    bot.api.send_text(user, bot.ui.pick_town_button)
    removed, towns = await bot.api.wait_for_messages(user.id, 2)
    assert reply_keyboard(removed) == {"remove_keyboard": True}
    assert towns.text == bot.ui.towns_title
    return towns


async def test_legalaid_prompt_offers_location_and_towns(bot: Harness) -> None:
    user = bot.api.user(1701)
    bot.api.send_command(user, "/legalaid")
    [menu] = await bot.api.wait_for_messages(user.id)
    prompt = await bot.tap(user, menu, bot.ui.residents.aid_menu_where)
    assert "12348" in prompt.content
    keyboard = reply_keyboard(prompt)
    assert keyboard["keyboard"] == [
        [{"text": bot.ui.share_location_button, "request_location": True}],
        [{"text": bot.ui.pick_town_button}],
    ]
    assert keyboard["one_time_keyboard"] is True


async def test_location_lists_the_three_nearest_points_in_order(
    library: Library, bot: Harness
) -> None:
    user = bot.api.user(1702)
    bot.api.send_location(user, *COUNTY_SEAT)
    [reply] = await bot.api.wait_for_messages(user.id)
    assert reply.content.startswith(bot.ui.nearest_title)
    assert reply_keyboard(reply) == {"remove_keyboard": True}
    expected = sorted(
        library.directory, key=lambda e: distance_km(*COUNTY_SEAT, e.lat or 0, e.lon or 0)
    )
    names = [e.name for e in expected[:3]]
    positions = [reply.content.index(name) for name in names]
    assert positions == sorted(positions)
    assert not any(e.name in reply.content for e in expected[3:])
    km = [float(x) for x in re.findall(r"约 ([\d.]+) 公里", reply.content)]
    assert len(km) == 3 and km == sorted(km)
    # name · kind · distance, spaced alike (it read "司法所· 约 1.1 公里")
    heads = [line for line in reply.content.splitlines() if "公里" in line]
    assert all(re.fullmatch(r"\S.* · \S+ · 约 [\d.]+ 公里", line) for line in heads), heads
    assert reply.content.rstrip().endswith(bot.ui.sample_notice)


async def test_town_picker_lists_a_towns_points(library: Library, bot: Harness) -> None:
    towns = await pick_town_list(bot, 1703)
    have = {e.town for e in library.directory}  # in towns.yaml's order, as every town list
    expected_towns = [t.town for t in library.towns if t.town in have]
    assert towns.button_labels() == expected_towns
    answer = await bot.press(
        bot.api.user(1703), towns, towns.find_button("示例县东山镇")["callback_data"]
    )
    assert answer["text"] is None
    [points] = await bot.api.wait_for_messages(1703)
    assert points.content.startswith("示例县东山镇")
    in_town = [e.name for e in library.directory if e.town == "示例县东山镇"]
    assert len(in_town) == 2 and all(name in points.content for name in in_town)
    assert "公里" not in points.content and bot.ui.sample_notice in points.content


async def test_forged_town_keys_get_a_stale_alert(bot: Harness) -> None:
    towns = await pick_town_list(bot, 1704)
    user = bot.api.user(1704)
    real = name_key("示例县东山镇")
    for forged in ["1:a:deadbeef", f"1:a:{real}:x", "1:a", "1:a:DEADBEEF", f"1:a:{real.upper()}"]:
        answer = await bot.press(user, towns, forged)
        assert answer["text"] == bot.ui.stale_button and answer["show_alert"], forged
    await bot.settle()
    assert len(bot.api.messages_to(user.id)) == 2  # only the town list itself


async def test_a_location_far_from_every_point_lists_none_and_offers_the_towns(
    library: Library,
    bot: Harness,
) -> None:
    user = bot.api.user(1706)
    far_away = (34.5, 110.0)  # about 500 km north of every sample point
    bot.api.send_location(user, *far_away)
    [reply] = await bot.api.wait_for_messages(user.id)
    points = library.directory
    nearest_km = min(distance_km(*far_away, e.lat or 0, e.lon or 0) for e in points)
    assert reply.text == plain_text(bot.ui.none_near.format(km="30", nearest=f"{nearest_km:.0f}"))
    assert not any(e.name in reply.content for e in points)
    bot.api.press_button(user, reply, bot.ui.pick_town_button)
    _, towns = await bot.api.wait_for_messages(user.id, 2)
    assert "示例县东山镇" in towns.button_labels()


async def test_invalid_location_offers_the_town_picker(bot: Harness) -> None:
    user = bot.api.user(1705)
    bot.api.send_location(user, 91.0, 200.0)
    [reply] = await bot.api.wait_for_messages(user.id)
    assert reply.text == bot.ui.location_invalid
    bot.api.press_button(user, reply, bot.ui.pick_town_button)
    _, towns = await bot.api.wait_for_messages(user.id, 2)
    assert "示例县东山镇" in towns.button_labels()


async def test_empty_directory_says_there_are_no_points(bot: Harness) -> None:
    async with bot.services.db.session() as session:
        assert await replace_points(session=session, entries=[]) == 0
    user = bot.api.user(1706)
    bot.api.send_location(user, *COUNTY_SEAT)
    [by_location] = await bot.api.wait_for_messages(user.id)
    assert by_location.content.startswith("目录里还没有法律服务点")
    bot.api.send_text(user, bot.ui.pick_town_button)
    [by_town] = await bot.api.wait_for_messages(user.id)
    assert by_town.text == by_location.text


async def test_points_without_coordinates_cannot_be_found_by_location(bot: Harness) -> None:
    entry = {"name": "城关司法所", "kind": "司法所", "town": "城关镇", "address": "县府路 <1> 号"}
    async with bot.services.db.session() as session:
        await replace_points(session=session, entries=[entry])
    user = bot.api.user(1707)
    bot.api.send_location(user, *COUNTY_SEAT)
    [reply] = await bot.api.wait_for_messages(user.id)
    assert reply.content.startswith("目录里的服务点还没有坐标")
    towns = await pick_town_list(bot, 1707)
    bot.api.press_button(user, towns, "城关镇")
    [points] = await bot.api.wait_for_messages(user.id)
    assert "县府路 <1> 号" in points.content
    assert bot.ui.sample_notice not in points.content
