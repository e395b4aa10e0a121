"""Questions in a private chat: cards, related cards, feedback, fallbacks and choices."""

from datetime import timedelta

from sqlmodel import select

from content.search import SearchIndex
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from handlers.kit.tickets import leave_message_button
from local_api import SentMessage
from local_api.formatting import utf16_len
from storage.models import QuestionLog
from storage.questions import unanswered
from tests.e2e.conftest import Harness

WAGES = "老板拖欠工资三个月了怎么办"
# Short, vague questions; the ambiguous ones among them are found by asking the index.
VAGUE = ["离婚", "工资", "房子", "普法", "怎么离婚", "劳动", "合同", "孩子", "律师", "赔偿"]


def card_ids(message: SentMessage, kind: str = Kind.CARD) -> list[str]:
    """The arguments of the buttons of `kind` under a message, in order."""
    found = []
    for row in message.buttons():
        for button in row:
            parsed = callbacks.parse(button.get("callback_data"))
            if parsed is not None and parsed.kind == kind:
                found.append(parsed.args[0] if parsed.args else "")
    return found


async def question_row(bot: Harness, ref: str) -> QuestionLog:
    """The logged question whose 没解决 button carries `ref` (written a moment after the
    answer, so this waits for it)."""
    await bot.services.question_log.flush()
    async with bot.services.db.session() as session:
        row = (await session.exec(select(QuestionLog).where(QuestionLog.ref == ref))).first()
    assert row is not None
    return row


async def test_question_gets_its_card_with_bold_title(bot: Harness) -> None:
    user = bot.api.user(1301)
    card = await bot.ask(user, WAGES)
    title = bot.services.library.cards["unpaid-wages"].title
    assert card.parse_mode == "HTML" and card.source_text is not None
    assert card.source_text.startswith(f"<b>{title}</b>")
    assert card.content.startswith(title)
    assert {"type": "bold", "offset": 0, "length": utf16_len(title)} in card.entities
    # the card says 12348 itself, so the footer does not repeat it
    assert card.content.endswith(bot.ui.card_footer.removesuffix("拿不准就打 12348。"))


async def test_card_keyboard_has_related_feedback_and_share(bot: Harness) -> None:
    user = bot.api.user(1302)
    card = await bot.ask(user, WAGES)
    *related_rows, (case,), [numbers], votes_row, (share,) = card.buttons()
    assert case["text"] == bot.ui.engagement.case_button
    related = card_ids(card)
    assert 1 <= len(related) <= 3 and len(related_rows) == len(related)
    assert numbers["text"] == bot.ui.residents.hotlines_button
    assert set(related) <= set(bot.services.library.cards["unpaid-wages"].related)
    *_votes, unsolved = votes_row
    assert unsolved["text"] == bot.ui.unsolved_button
    assert callbacks.parse(unsolved["callback_data"]) is not None
    assert share["text"] == bot.ui.share_button
    assert share["switch_inline_query"] == bot.services.library.cards["unpaid-wages"].title


async def test_related_button_opens_that_card(bot: Harness) -> None:
    user = bot.api.user(1303)
    card = await bot.ask(user, WAGES)
    target = card_ids(card)[0]
    answer = await bot.press(user, card, callbacks.make(Kind.CARD, target))
    assert answer["text"] is None
    [opened] = await bot.api.wait_for_messages(user.id)
    assert opened.text is not None
    assert opened.text.startswith(bot.services.library.cards[target].title)
    assert bot.ui.unsolved_button not in opened.button_labels()  # nothing was asked


async def test_unsolved_records_feedback_once(bot: Harness) -> None:
    user = bot.api.user(1304)
    card = await bot.ask(user, WAGES)
    [question_id] = card_ids(card, Kind.FEEDBACK)
    first = await bot.press(user, card, callbacks.make(Kind.FEEDBACK, question_id))
    [thanks] = await bot.api.wait_for_messages(user.id)
    assert first["text"] is None and "12348" in thanks.content
    row = await question_row(bot, question_id)
    assert row.feedback == "unsolved" and row.telegram_id == user.id and row.text == WAGES
    async with bot.services.db.session() as session:
        missed = await unanswered(session=session, since=bot.clock() - timedelta(hours=1))
    assert [(q.text, q.times) for q in missed] == [(WAGES, 1)]
    again = await bot.press(user, card, callbacks.make(Kind.FEEDBACK, question_id))
    assert again["text"] == bot.ui.feedback_stale
    await bot.settle()
    assert bot.api.messages_to(user.id)[-1] == thanks  # no second thank-you


async def test_a_second_unsolved_in_a_row_offers_a_message_to_staff_first(
    bot: Harness,
) -> None:
    user = bot.api.user(1307)
    leave = bot.ui.tickets.leave_button
    first = await bot.ask(user, WAGES)
    thanks = await bot.tap(user, first, bot.ui.unsolved_button)
    assert thanks.source_text == bot.ui.feedback_thanks
    second = await bot.ask(user, "借钱不还怎么办")
    again = await bot.tap(user, second, bot.ui.unsolved_button)
    assert again.source_text == bot.ui.feedback_again
    assert again.button_labels() == [leave, bot.ui.menu_topics]
    debt = bot.services.library.cards["debt-collection"]
    assert second.content.startswith(debt.title)
    category = debt.category
    assert again.find_button(leave)["callback_data"] == (
        leave_message_button(bot.ui, category=category).callback_data
    )
    # a question in between that was not marked 没解决 breaks the row
    await bot.ask(user, "离婚孩子归谁")
    third = await bot.ask(user, "邻居占我家宅基地怎么办")
    fresh = await bot.tap(user, third, bot.ui.unsolved_button)
    assert fresh.source_text == bot.ui.feedback_thanks


async def test_feedback_button_of_someone_else_is_stale(bot: Harness) -> None:
    asker, other = bot.api.user(1305), bot.api.user(1306)
    card = await bot.ask(asker, WAGES)
    [question_id] = card_ids(card, Kind.FEEDBACK)
    own = await bot.ask(other, "借钱不还怎么办")
    forged = await bot.press(other, own, callbacks.make(Kind.FEEDBACK, question_id))
    assert forged == forged | {"text": bot.ui.stale_button, "show_alert": True}
    assert (await question_row(bot, question_id)).feedback is None
    genuine = await bot.press(asker, card, callbacks.make(Kind.FEEDBACK, question_id))
    assert genuine["text"] is None


async def test_out_of_scope_question_gets_the_fallback_and_is_logged(bot: Harness) -> None:
    user = bot.api.user(1307)
    reply = await bot.ask(user, "今天天气怎么样")
    assert "12348" in reply.content and "今天天气怎么样" in reply.content
    assert bot.ui.menu_topics in reply.button_labels()
    assert card_ids(reply) == [] and card_ids(reply, Kind.FEEDBACK) == []
    titles = {card.title for card in bot.services.library.cards.values()}
    assert not any(reply.content.startswith(title) for title in titles)
    await bot.services.question_log.flush()  # logged a moment after the answer
    async with bot.services.db.session() as session:
        missed = await unanswered(session=session, since=bot.clock() - timedelta(hours=1))
    assert [q.text for q in missed] == ["今天天气怎么样"]


async def test_fallback_topics_button_lists_categories(bot: Harness) -> None:
    user = bot.api.user(1308)
    reply = await bot.ask(user, "今天天气怎么样")
    bot.api.press_button(user, reply, bot.ui.menu_topics)
    [topics] = await bot.api.wait_for_messages(user.id)
    assert topics.text == bot.ui.topics_title


async def test_ambiguous_question_offers_choices_that_open_cards(
    bot: Harness, index: SearchIndex
) -> None:
    question = next(q for q in VAGUE if index.search(q).ambiguous)
    user = bot.api.user(1309)
    reply = await bot.ask(user, question)
    assert reply.text is not None and reply.text.endswith(bot.ui.ambiguous_intro)
    choices = card_ids(reply)
    assert 2 <= len(choices) <= 3
    await bot.press(user, reply, callbacks.make(Kind.CARD, choices[1]))
    [opened] = await bot.api.wait_for_messages(user.id)
    assert opened.text is not None
    assert opened.text.startswith(bot.services.library.cards[choices[1]].title)


async def test_every_ambiguous_question_offers_at_least_two_choices(
    bot: Harness, index: SearchIndex
) -> None:
    ambiguous = [q for q in VAGUE if index.search(q).ambiguous]
    assert len(ambiguous) >= 2
    user = bot.api.user(1310)
    for question in ambiguous:
        reply = await bot.ask(user, question)
        choices = card_ids(reply)
        assert 2 <= len(choices) <= 3, (question, reply.button_labels())
        assert choices[0] == index.search(question).candidates[0].card_id


async def test_near_miss_offers_did_you_mean_buttons(bot: Harness) -> None:
    user = bot.api.user(1311)
    reply = await bot.ask(user, "老板欠我钱")
    shown = bot.ui.close_match.format(question="老板欠我钱")
    # the labour numbers follow, 12348 among them: the intro's 或者拨打12348 gives way
    assert (reply.source_text or "").startswith(shown.split("，或者拨打")[0] + "。")
    assert reply.content.count("12348") == 1
    assert "unpaid-wages" in card_ids(reply)


async def test_long_question_is_cut_and_still_answered(bot: Harness) -> None:
    user = bot.api.user(1312)
    bot.api.send_text(user, "老板拖欠工资" * 100)
    notice, card = await bot.api.wait_for_messages(user.id, 2)
    assert notice.text == bot.ui.question_too_long
    assert card.text is not None
    assert card.text.startswith(bot.services.library.cards["unpaid-wages"].title)


async def test_ask_command_in_private_answers_and_without_text_hints(bot: Harness) -> None:
    user = bot.api.user(1313)
    bot.api.send_command(user, "/ask 借钱不还怎么办")
    [card] = await bot.api.wait_for_messages(user.id)
    assert card.text is not None
    assert card.text.startswith(bot.services.library.cards["debt-collection"].title)
    bot.api.send_command(user, "/ask")
    [hint] = await bot.api.wait_for_messages(user.id)
    assert "/ask" in hint.content


async def test_small_talk_is_answered_in_kind_and_not_logged(bot: Harness) -> None:
    """A greeting gets a hello and the menu (in a group, how to ask there), a thanks or
    goodbye a short word back; none is "no card found" or a logged question. With anything
    more it is a question as usual."""
    user = bot.api.user(1311)
    ui = bot.ui
    hello = await bot.ask(user, "小助手你好呀😊")
    assert hello.source_text == ui.small_talk_greeting
    assert ui.menu_ask in hello.button_labels()
    assert (await bot.ask(user, "谢谢你啊！")).source_text == ui.small_talk_thanks
    assert (await bot.ask(user, "好的谢谢，再见")).source_text == ui.small_talk_thanks
    assert (await bot.ask(user, "拜拜")).source_text == ui.small_talk_goodbye
    person = await bot.ask(user, "你好，转人工")  # a person, not "no card found"
    assert person.source_text == ui.small_talk_person
    assert person.button_labels()[0] == ui.tickets.leave_button
    group = bot.api.group(-1001311, "村民群")
    in_group = await bot.ask(user, "@pufa_demo_bot 大家好", chat=group)
    assert in_group.source_text == ui.group_hint  # there plain text gets no answer
    card = await bot.ask(user, "你好，" + WAGES)
    assert card.content.startswith(bot.services.library.cards["unpaid-wages"].title)
    await bot.services.question_log.flush()
    async with bot.services.db.session() as session:
        logged = (await session.exec(select(QuestionLog.text))).all()
    assert logged == ["你好，" + WAGES]
