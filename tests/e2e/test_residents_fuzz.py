"""Hypothesis over HTTP for the residents' guided chats: whatever is typed mid-chat is not
taken as an answer and loses nothing (a question typed for a village is kept); whatever their
buttons carry is answered."""

from itertools import count

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.e2e.conftest import Harness
from tests.e2e.test_advisers import TOWN, VILLAGE, open_lookup
from tests.e2e.test_fuzz import OVER_HTTP, TYPED, errors_logged
from tests.e2e.test_precheck import choose, open_check

USER_IDS = count(2_400_001)


@OVER_HTTP
@given(text=st.text(TYPED, min_size=1, max_size=700).filter(lambda t: not t.startswith("/")))
async def test_any_text_typed_mid_check_asks_the_same_question_again(
    bot: Harness, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    user = bot.api.user(next(USER_IDS))
    first = await open_check(bot, user)
    second = await choose(bot, user, first, "讨工资、确认劳动关系")
    bot.api.send_text(user, text)
    hint, again = await bot.api.wait_for_messages(user.id, 2)
    assert hint.content == bot.ui.residents.check_wrong_input
    assert again.content == second.content  # the same question, the first answer kept
    [chat] = await bot.services.chats.open(user.id)
    assert chat.data["answers"] == {"matter": "wages"}
    assert errors_logged(caplog) == []


@OVER_HTTP
@given(
    data=st.builds(
        lambda kind, tail: f"1:{kind}:{tail}",
        st.sampled_from(["lp", "ad", "h", "a:menu"]),
        st.text("abcdefz09_-:", max_size=50),
    )
)
async def test_any_data_on_the_residents_buttons_is_answered(
    bot: Harness, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    user = bot.api.user(next(USER_IDS))
    first = await open_check(bot, user)
    answer = await bot.press(user, first, data)
    assert answer is not None
    assert errors_logged(caplog) == []


@OVER_HTTP
@given(text=st.text(TYPED, min_size=1, max_size=700).filter(lambda t: not t.startswith("/")))
async def test_any_text_typed_for_a_village_is_answered_and_a_question_kept(
    bot: Harness, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    """/adviser's village step: whatever is typed gets an answer; a text kept as a question
    is offered under 💬 回答这个问题 above the villages again."""
    user = bot.api.user(next(USER_IDS))
    await bot.answer(user, await open_lookup(bot, user), TOWN)
    before = len(bot.sent_to(user.id))
    bot.api.send_text(user, text)
    await bot.settle()
    assert len(bot.sent_to(user.id)) > before  # answered
    chats = await bot.services.chats.open(user.id)
    if chats and chats[0].data.get("asked"):
        labels = bot.sent_to(user.id)[-1].button_labels()
        assert labels[0] == bot.ui.residents.adviser_ask_it_button and VILLAGE in labels
    assert errors_logged(caplog) == []
