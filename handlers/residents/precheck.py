"""The legal-aid pre-check ("我能申请法律援助吗？"): a guided chat driven by
content/legal_aid.yaml. It asks only what the rules need (content.legal_aid.next_question),
then the town for the nearest place to apply, then shows the outcome. Nothing asked is kept:
only the anonymous outcome (rule, result, day) is counted."""

import html
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update

from content.directory import legal_aid_points, near, nearest_aid_points
from content.legal_aid import LegalAidCriteria, Outcome, evaluate, next_question
from content.loader import Library
from content.mentions import Fixed
from content.place_names import named, towns_in_order
from content.safety import SafetyKind
from content.ui_residents import ResidentTexts
from domain.answers import compose, safety_html
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind, name_key
from handlers.kit.context import PufaContext
from handlers.kit.conversation import (
    Conversation,
    Flow,
    Step,
    ask,
    begin,
    cancel_button,
    end_answered,
    expired,
    pressed,
    show_answer,
)
from handlers.kit.replies import acknowledge, reply_html
from handlers.kit.tickets import leave_message_button
from handlers.residents.keyboards import AID_MENU, AidMenu, HotlinesButton, card_button
from handlers.residents.legal_aid import none_near_html, points_html, valid_location
from storage.directory import list_points, list_towns
from storage.models import ServicePoint
from storage.residents import record_precheck

FLOW = "precheck"
ASK, TOWN = "ask", "town"
IDLE = timedelta(minutes=30)
ANSWERS = "answers"  # question id -> option id, in the order answered
LEGAL_AID_CATEGORY = "legal_aid"  # the field of a message to staff left from the result


class CheckButton(StrEnum):
    OPTION = "o"  # lp:<token>:o:<question index>:<option index>
    BACK = "back"
    TOWN = "town"  # lp:<token>:town:<town key>
    SKIP = "skip"
    CANCEL = "x"


def precheck_flow() -> Flow:
    return Flow(
        name=FLOW,
        kind=Kind.PRECHECK,
        steps={
            ASK: Step(buttons={CheckButton.OPTION: on_option, CheckButton.BACK: on_back}),
            TOWN: Step(
                text=on_typed_town,
                location=on_location,
                buttons={
                    CheckButton.TOWN: on_town,
                    CheckButton.SKIP: on_skip,
                    CheckButton.BACK: on_back,
                },
            ),
        },
        idle=IDLE,
        wrong_input=on_wrong_input,
        cancelled=on_cancelled,
        anywhere={CheckButton.CANCEL: cancel_button},
        answered=answered,
        resume=ask_next,
    )


def _criteria(ctx: PufaContext) -> LegalAidCriteria:
    criteria = ctx.services.library.legal_aid
    assert criteria is not None  # checked by `_valid` at every step
    return criteria


async def _valid(update: Update, ctx: PufaContext, chat: Conversation) -> bool:
    """The stored answers still fit the criteria (legal_aid.yaml may have been edited and the
    bot restarted mid-check); if not, the check ends and the person is told to start again."""
    criteria = ctx.services.library.legal_aid
    try:
        if criteria is not None:
            next_question(criteria, chat.data.get(ANSWERS, {}))
            return True
    except ValueError:
        pass
    await chat.end(update)
    await acknowledge(update)
    await reply_html(update, ctx.services.ui.residents.check_outdated)
    return False


async def start_check(update: Update, ctx: PufaContext) -> None:
    """A new pre-check (replacing an open one, whose buttons then expire)."""
    texts = ctx.services.ui.residents
    chat = await begin(update, ctx, FLOW, ASK, {ANSWERS: {}})
    if chat is None:
        return
    await reply_html(update, texts.check_intro)
    await ask_next(update, ctx, chat)


async def ask_next(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The next question the rules need, or, once they decide, the town."""
    if not await _valid(update, ctx, chat):
        return
    criteria, texts = _criteria(ctx), ctx.services.ui.residents
    answers: dict[str, str] = chat.data[ANSWERS]
    question = next_question(criteria, answers)
    if question is None:
        await _ask_town(update, ctx, chat)
        return
    await chat.goto(ASK)
    q = criteria.questions.index(question)
    rows = [
        [chat.button(option.text, CheckButton.OPTION, q, i)]
        for i, option in enumerate(question.options)
    ]
    rows.append(_nav(chat, texts, back=bool(answers)))
    text = texts.check_question.format(n=len(answers) + 1, text=html.escape(question.text))
    await ask(update, chat, text, InlineKeyboardMarkup(rows))


def _nav(chat: Conversation, texts: ResidentTexts, *, back: bool) -> list[InlineKeyboardButton]:
    row = [chat.button(texts.cancel_button, CheckButton.CANCEL)]
    if back:
        row.insert(0, chat.button(texts.back_button, CheckButton.BACK))
    return row


async def on_option(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    if not await _valid(update, ctx, chat):
        return
    criteria = _criteria(ctx)
    current = next_question(criteria, chat.data[ANSWERS])
    picked = _picked(criteria, args)
    if current is None or picked is None or picked[0] != current.id:
        await expired(update, ctx)  # forged or old
        return
    question_id, option_id, label = picked
    chat.data[ANSWERS] = {**chat.data[ANSWERS], question_id: option_id}
    await acknowledge(update)
    await show_answer(update, chat, f"{html.escape(current.text)}\n→ <b>{html.escape(label)}</b>")
    await ask_next(update, ctx, chat)


def _picked(criteria: LegalAidCriteria, args: tuple[str, ...]) -> tuple[str, str, str] | None:
    """(question id, option id, option text) of a button's two indexes, else None."""
    if len(args) != 2:
        return None
    q = callbacks.index(args[0], len(criteria.questions))
    if q is None:
        return None
    question = criteria.questions[q]
    o = callbacks.index(args[1], len(question.options))
    return None if o is None else (question.id, question.options[o].id, question.options[o].text)


async def on_back(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    answers: dict[str, str] = chat.data[ANSWERS]
    if args or not answers:
        await expired(update, ctx)
        return
    chat.data[ANSWERS] = dict(list(answers.items())[:-1])
    await acknowledge(update)
    await ask_next(update, ctx, chat)  # (the question gone back from loses its buttons)


async def _towns(ctx: PufaContext) -> list[str]:
    """Every town of towns.yaml (a town without a service point of its own still applies
    somewhere: the district's centre), then any other town a point names."""
    async with ctx.services.db.session() as session:
        with_points = await list_towns(session=session)
    return towns_in_order([t.town for t in ctx.services.library.towns], with_points)


async def _ask_town(update: Update, ctx: PufaContext, chat: Conversation, intro: str = "") -> None:
    texts = ctx.services.ui.residents
    await chat.goto(TOWN)
    rows = [[chat.button(t, CheckButton.TOWN, name_key(t))] for t in await _towns(ctx)]
    rows.append([chat.button(texts.skip_button, CheckButton.SKIP)])
    rows.append(_nav(chat, texts, back=True))
    text = f"{intro}\n\n{texts.check_ask_town}" if intro else texts.check_ask_town
    await ask(update, chat, text, InlineKeyboardMarkup(rows))


async def on_town(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    towns = {name_key(t): t for t in await _towns(ctx)}
    town = towns.get(args[0]) if len(args) == 1 else None
    if town is None:
        await expired(update, ctx)
        return
    await acknowledge(update)
    await _town_chosen(update, ctx, chat, town)


async def on_typed_town(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A town typed instead of pressed (东山镇, 东山, 我是东山的), read as /adviser reads it;
    anything else asks again."""
    typed = update.effective_message.text if update.effective_message else None
    matches = named(typed or "", await _towns(ctx))
    if len(matches) == 1:
        await _town_chosen(update, ctx, chat, matches[0])
        return
    texts = ctx.services.ui.residents
    said = (texts.typed_several if matches else texts.typed_unknown).format(
        typed=html.escape((typed or "")[:30])
    )
    await _ask_town(update, ctx, chat, said)


async def _town_chosen(update: Update, ctx: PufaContext, chat: Conversation, town: str) -> None:
    """Where someone of `town` applies: its own points, else the district's centre (with none
    at all, the result says where one applies and 12348)."""
    async with ctx.services.db.session() as session:
        points = await list_points(session=session)
    kinds = ctx.services.library.point_kinds
    found = [(p, None) for p in legal_aid_points(points, town, kinds)]
    await finish(update, ctx, chat, found, town)


async def on_skip(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    if not await pressed(update, ctx, args):
        return
    await finish(update, ctx, chat, [])


async def on_location(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    location = update.effective_message.location if update.effective_message else None
    if location is None or not valid_location(location.latitude, location.longitude):
        await reply_html(update, ctx.services.ui.location_invalid)
        return
    async with ctx.services.db.session() as session:
        points = await list_points(session=session)
    kinds = ctx.services.library.point_kinds
    found = nearest_aid_points(points, location.latitude, location.longitude, kinds)
    if found and not near(found):
        await _ask_town(update, ctx, chat, none_near_html(ctx.services.ui, found[0][1]))
        return
    close = near(found)
    await finish(update, ctx, chat, close, close[0][0].town if close else "")


async def finish(
    update: Update,
    ctx: PufaContext,
    chat: Conversation,
    points: Sequence[tuple[ServicePoint, float | None]],
    town: str = "",
) -> None:
    """Ends the chat, counts the outcome (anonymously) and shows it; a message to staff left
    from it goes to the desk of `town` (picked, typed, or the nearest point's) without asking
    it again."""
    if not await _valid(update, ctx, chat):
        return
    criteria, services = _criteria(ctx), ctx.services
    outcome = evaluate(criteria, chat.data[ANSWERS])
    if not await end_answered(update, chat):
        return  # ended meanwhile (a double press, /cancel in another update)
    async with services.db.session() as session:
        await record_precheck(
            session=session, day=services.today(), rule=outcome.rule, result=outcome.result
        )
    text = outcome_html(outcome, services.library, points)
    await reply_html(update, text, result_keyboard(services.library, outcome, town))


def _safety(outcome: Outcome, library: Library) -> SafetyKind | None:
    """The safety.yaml kind that goes with the outcome (the checker makes sure it exists)."""
    return next((k for k in library.safety if k.id == outcome.safety), None)


def outcome_html(
    outcome: Outcome, library: Library, points: Sequence[tuple[ServicePoint, float | None]]
) -> str:
    """The result, its reason, the safety notice of its kind (家庭暴力: 110, 12338, the
    保护令) if it has one, the article, what to bring, the local standard and where to go."""
    criteria, ui = library.legal_aid, library.ui
    assert criteria is not None  # an outcome comes from the criteria
    texts = ui.residents
    blocks: list[str | Fixed] = [f"{texts.results[outcome.result]}\n{html.escape(outcome.reason)}"]
    if (kind := _safety(outcome, library)) is not None:
        blocks.append(Fixed(safety_html([kind], library)))
    blocks.append(texts.result_article.format(article=html.escape(outcome.article)))
    if outcome.bring:
        items = "\n".join(texts.bring_item.format(item=html.escape(b)) for b in outcome.bring)
        blocks.append(texts.result_bring.format(items=items))
    # the province's standard not set yet, sample points: nobody may rely on them (one line)
    sample_standard = bool(outcome.hardship_note) and criteria.hardship_standard.sample
    sample_points = any(point.sample for point, _ in points)
    if outcome.hardship_note:
        blocks += [
            f"📝 {html.escape(criteria.promise)}",
            f"💰 {html.escape(outcome.hardship_note)}",
        ]
        if sample_standard and not sample_points:
            blocks.append(texts.result_hardship_sample)
    if points:
        title = texts.result_points_title
        if outcome.result == "likely_no":  # nothing to apply for: somewhere to ask
            title = texts.result_points_ask_title
        listed = points_html(title, points, ui, sample_notice=not sample_standard)
        blocks.append(Fixed(listed))
        if sample_standard and sample_points:
            blocks.append(texts.result_all_sample)
    else:
        blocks.append(texts.result_no_points)
    blocks += [texts.result_hotline, f"<i>{html.escape(outcome.disclaimer)}</i>"]
    return compose(blocks, library)  # 12348 once: in the reason, a point or the last line


def result_keyboard(library: Library, outcome: Outcome, town: str = "") -> InlineKeyboardMarkup:
    """Under the outcome (the chat has ended, so these are not the chat's buttons): the card
    of its safety kind first, check again, the hotlines, and a message to duty staff about
    legal aid (of `town`, if known)."""
    ui = library.ui
    texts = ui.residents
    again = callbacks.make(Kind.AID, AID_MENU, AidMenu.CHECK)
    numbers = callbacks.make(Kind.HOTLINES, HotlinesButton.ALL)
    safety = _safety(outcome, library)
    card = library.cards.get(safety.card) if safety and safety.card else None
    first = [[card_button(card, ui.related_button)]] if card is not None else []
    return InlineKeyboardMarkup(
        [
            *first,
            [InlineKeyboardButton(texts.again_button, callback_data=again)],
            [InlineKeyboardButton(texts.hotlines_button, callback_data=numbers)],
            [leave_message_button(ui, category=LEGAL_AID_CATEGORY, town=town)],
        ]
    )


async def on_wrong_input(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """Typed text or another message mid-check: say how to go on, ask the step again."""
    await reply_html(update, ctx.services.ui.residents.check_wrong_input)
    await ask_next(update, ctx, chat)


async def on_cancelled(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.residents.check_cancelled, ReplyKeyboardRemove())


def answered(chat: Conversation) -> int:
    return len(chat.data.get(ANSWERS, {}))
