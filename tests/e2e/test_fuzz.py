"""Hypothesis over HTTP: whatever a user types or presses, the bot answers and never fails.

Examples share one running bot (hence the suppressed function-scoped-fixture check) and
each uses a fresh user, so per-user throttling never kicks in.
"""

import logging
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.directory import DirectoryEntry
from content.loader import load_library
from handlers.residents.inline import RESULTS_PER_PAGE
from storage.directory import replace_points
from tests.e2e.conftest import Harness

OVER_HTTP = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# What a Telegram client can send: valid UTF-8, no control characters but line breaks.
TYPED = st.characters(codec="utf-8", exclude_categories=["Cc"], include_characters="\n")
USER_IDS = count(2_100_001)


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@OVER_HTTP
@given(text=st.text(TYPED, min_size=1, max_size=700).filter(str.strip))
async def test_any_private_text_gets_one_or_two_replies(
    bot: Harness, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    user = bot.api.user(next(USER_IDS))
    bot.api.send_text(user, text)
    await bot.settle()
    assert 1 <= len(bot.api.messages_to(user.id)) <= 2
    assert errors_logged(caplog) == []


@OVER_HTTP
@given(
    text=st.builds(
        lambda first, rest: f"/{first}{rest}",
        st.characters(codec="utf-8", exclude_categories=["Cc"]).filter(
            lambda c: not (c.isascii() and (c.isalnum() or c == "_"))
        ),
        st.text(TYPED, max_size=300),
    )
)
async def test_any_text_after_a_slash_that_is_no_command_gets_one_clear_reply(
    bot: Harness, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    """Private: the unknown-command reply, never a search; a group: silence."""
    user = bot.api.user(next(USER_IDS))
    group = bot.api.group(-1_002_100_000 - user.id, "村民群")
    bot.api.send_text(user, text)
    bot.api.send_text(user, text, chat=group)
    await bot.settle()
    assert [m.text for m in bot.api.messages_to(user.id)] == [bot.ui.unknown_command]
    assert bot.api.messages_to(group.id) == []
    assert errors_logged(caplog) == []


@OVER_HTTP
@given(
    data=st.one_of(
        st.text(TYPED, max_size=64),
        st.builds(
            lambda kind, tail: f"1:{kind}:{tail}",
            st.sampled_from("cmtfa"),
            st.text("abcz09_-:", max_size=50),
        ),
    )
)
async def test_any_button_press_is_answered(
    bot: Harness, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    owner = bot.api.user(2_099_999)
    if not bot.api.messages_to(owner.id):
        bot.api.send_command(owner, "/start")
        await bot.api.wait_for_messages(owner.id)
    menu = bot.api.messages_to(owner.id)[0]
    update = bot.api.press(owner, menu, data)
    await bot.api.wait_for_answer(update)
    await bot.settle()
    assert errors_logged(caplog) == []


@OVER_HTTP
@given(query=st.text(TYPED, max_size=300), offset=st.text("0123456789ab-", max_size=6))
async def test_any_inline_query_is_answered(bot: Harness, query: str, offset: str) -> None:
    update = bot.api.inline_query(bot.api.user(next(USER_IDS)), query, offset)
    answer = await bot.api.wait_for_answer(update)
    ids = [r["id"] for r in answer["results"]]
    assert len(ids) <= RESULTS_PER_PAGE and len(set(ids)) == len(ids)


POINT_TEXT = st.text(TYPED, min_size=1, max_size=60).filter(str.strip)
# A kind is one the directory knows, with anything typed around it (东山镇司法所)
POINT_KIND = st.tuples(
    st.text(TYPED, max_size=20), st.sampled_from(load_library().point_kinds.kinds)
).map("".join)
# A phone the directory takes (content/phones.py; what it refuses is tested in tests/content):
# none, a mobile, a landline with an extension, a service number, or two of them
ONE_PHONE = st.one_of(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"0[3-9][0-9]{2}-[2-9][0-9]{6,7}(转[0-9]{1,4})?", fullmatch=True),
    st.from_regex(r"12[0-9]{3}", fullmatch=True),
)
POINT_PHONE = st.one_of(st.just(""), ONE_PHONE, st.tuples(ONE_PHONE, ONE_PHONE).map("、".join))


@OVER_HTTP
@given(
    points=st.lists(
        st.builds(
            DirectoryEntry,
            name=POINT_TEXT,
            kind=POINT_KIND,
            town=POINT_TEXT,
            address=POINT_TEXT,
            phone=POINT_PHONE,
            lat=st.floats(-90, 90),
            lon=st.floats(-180, 180),
        ),
        min_size=1,
        max_size=4,
    )
)
async def test_any_directory_renders_as_valid_messages(
    bot: Harness, caplog: pytest.LogCaptureFixture, points: list[DirectoryEntry]
) -> None:
    async with bot.services.db.session() as session:
        await replace_points(session=session, entries=[p.model_dump() for p in points])
    user = bot.api.user(next(USER_IDS))
    here = points[0]  # at a point, so at least it is within NEAR_KM
    assert here.lat is not None and here.lon is not None
    bot.api.send_location(user, here.lat, here.lon)
    [nearest] = await bot.api.wait_for_messages(user.id)
    assert nearest.content.startswith(bot.ui.nearest_title)
    bot.api.send_text(user, bot.ui.pick_town_button)
    _, towns = await bot.api.wait_for_messages(user.id, 2)
    bot.api.press(user, towns, towns.buttons()[0][0]["callback_data"])
    [listing] = await bot.api.wait_for_messages(user.id)
    assert len(listing.content) > 0
    assert errors_logged(caplog) == []
