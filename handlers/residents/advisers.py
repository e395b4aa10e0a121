"""我村（社区）的法律顾问: a short guided chat (town, then village; or a shared location
for the town) that shows the village's adviser as the district publishes them. A question
typed where a place is asked is told to be one, kept, and answered if the resident wants."""

import html
from datetime import timedelta
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from content.desks import fallback_desk
from content.directory import near, nearest
from content.loader import Library
from content.mentions import Fixed
from content.place_names import PLACE_SUFFIX, beside, in_town_order, named
from content.report_input import has_letters, normalise
from content.ui import UiTexts
from domain.answers import compose
from domain.tickets import adviser_desk, too_short
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
)
from handlers.kit.replies import acknowledge, reply_html
from handlers.kit.tickets import leave_message_button
from handlers.residents.keyboards import AID_MENU, AidMenu
from handlers.residents.legal_aid import none_near_html, points_html, valid_location
from handlers.residents.questions import answer_question
from storage.directory import list_points
from storage.models import VillageAdviser
from storage.residents import adviser_towns, advisers_in

FLOW = "adviser"
TOWN, VILLAGE = "town", "village"
ASKED = "asked"  # a question typed where a place was asked, kept for 💬 回答这个问题
IDLE = timedelta(minutes=30)


class AdviserButton(StrEnum):
    TOWN = "town"  # ad:<token>:town:<town key>
    VILLAGE = "vil"  # ad:<token>:vil:<village key>
    NOT_LISTED = "none"  # my village is not on the list
    BACK = "back"
    CANCEL = "x"
    ASK_IT = "ask"  # answer the question typed (ASKED)


def adviser_flow() -> Flow:
    return Flow(
        name=FLOW,
        kind=Kind.ADVISER,
        steps={
            TOWN: Step(
                text=on_typed_town, location=on_location, buttons={AdviserButton.TOWN: on_town}
            ),
            VILLAGE: Step(
                text=on_typed_village,
                location=on_location,
                buttons={
                    AdviserButton.VILLAGE: on_village,
                    AdviserButton.NOT_LISTED: on_not_listed,
                    AdviserButton.BACK: on_back,
                },
            ),
        },
        idle=IDLE,
        wrong_input=on_wrong_input,
        cancelled=on_cancelled,
        anywhere={AdviserButton.CANCEL: cancel_button, AdviserButton.ASK_IT: on_ask_it},
    )


async def start_lookup(update: Update, ctx: PufaContext, town_key: str = "") -> None:
    """The lookup, at the town list, or at the villages of the town `town_key` names (back
    from 我的村（社区）不在这里)."""
    chat = await begin(update, ctx, FLOW, TOWN, {})
    if chat is None:
        return
    async with ctx.services.db.session() as session:
        towns = {name_key(t): t for t in await adviser_towns(session=session)}
    if town := towns.get(town_key) if town_key else None:
        await ask_village(update, ctx, chat, town)
    else:
        await ask_town(update, ctx, chat)


async def ask_town(update: Update, ctx: PufaContext, chat: Conversation, intro: str = "") -> None:
    texts = ctx.services.ui.residents
    async with ctx.services.db.session() as session:
        towns = await adviser_towns(session=session)
    towns = in_town_order(towns, [t.town for t in ctx.services.library.towns])
    if not towns:
        await chat.end(update)
        await reply_html(update, texts.adviser_none)
        return
    await chat.goto(TOWN)
    rows = _ask_it(ctx, chat)
    rows += [[chat.button(t, AdviserButton.TOWN, name_key(t))] for t in towns]
    rows.append([chat.button(texts.cancel_button, AdviserButton.CANCEL)])
    text = f"{texts.adviser_ask_town}\n{texts.adviser_location_hint}"
    await ask(update, chat, f"{intro}\n\n{text}" if intro else text, InlineKeyboardMarkup(rows))


async def ask_village(
    update: Update, ctx: PufaContext, chat: Conversation, town: str, intro: str = ""
) -> None:
    texts = ctx.services.ui.residents
    async with ctx.services.db.session() as session:
        found = await advisers_in(session=session, town=town)
    chat.data[TOWN] = town
    await chat.goto(VILLAGE)
    rows = _ask_it(ctx, chat)
    rows += [[chat.button(a.village, AdviserButton.VILLAGE, name_key(a.village))] for a in found]
    rows.append([chat.button(texts.adviser_not_listed_button, AdviserButton.NOT_LISTED)])
    rows.append(
        [
            chat.button(texts.adviser_towns_button, AdviserButton.BACK),
            chat.button(texts.cancel_button, AdviserButton.CANCEL),
        ]
    )
    text = texts.adviser_ask_village.format(town=html.escape(town))
    await ask(update, chat, f"{intro}\n\n{text}" if intro else text, InlineKeyboardMarkup(rows))


async def on_town(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    async with ctx.services.db.session() as session:
        towns = {name_key(t): t for t in await adviser_towns(session=session)}
    town = towns.get(args[0]) if len(args) == 1 else None
    if town is None:
        await expired(update, ctx)
        return
    await acknowledge(update)
    await ask_village(update, ctx, chat, town)


async def on_village(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    town = str(chat.data.get("town", ""))
    async with ctx.services.db.session() as session:
        found = {name_key(a.village): a for a in await advisers_in(session=session, town=town)}
    adviser = found.get(args[0]) if len(args) == 1 else None
    if adviser is None:
        await expired(update, ctx)
        return
    await acknowledge(update)
    await _show(update, ctx, chat, adviser)


async def _show(
    update: Update, ctx: PufaContext, chat: Conversation, adviser: VillageAdviser
) -> None:
    if await end_answered(update, chat):
        library = ctx.services.library
        desk = _desk_id(library, adviser.town, adviser.village)
        await reply_html(
            update, adviser_html(adviser, library), adviser_keyboard(library.ui, desk)
        )


async def on_typed_town(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A town typed instead of pressed: the one it names, else the list again (saying a
    question is one)."""
    typed = _typed(update)
    if not typed:
        await on_wrong_input(update, ctx, chat)
        return
    async with ctx.services.db.session() as session:
        towns = await adviser_towns(session=session)
    matches = named(typed, towns)
    asked = _question(typed, matches)
    if len(matches) == 1 and not asked:
        await ask_village(update, ctx, chat, matches[0])
        return
    await ask_town(update, ctx, chat, _not_taken(ctx, chat, typed, matches, asked))


async def on_typed_village(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A village typed instead of pressed: its adviser, else the town's list again (saying a
    question is one)."""
    typed = _typed(update)
    if not typed:
        await on_wrong_input(update, ctx, chat)
        return
    town = str(chat.data.get(TOWN, ""))
    async with ctx.services.db.session() as session:
        found = {a.village: a for a in await advisers_in(session=session, town=town)}
    matches = named(typed, list(found))
    asked = _question(typed, matches)
    if len(matches) == 1 and not asked:
        await _show(update, ctx, chat, found[matches[0]])
        return
    await ask_village(update, ctx, chat, town, _not_taken(ctx, chat, typed, matches, asked))


def _typed(update: Update) -> str:
    """The text typed, tidied ("" for nothing visible: spaces, a zero-width space)."""
    message = update.effective_message
    return normalise(message.text or "") if message is not None else ""


def _question(typed: str, matches: list[str]) -> bool:
    """Whether a text typed for a place reads as a question (我家宅基地被邻居占了怎么办, 桃园村的
    宅基地被占了): as a message to staff is told from a town (handlers.tickets.chat), words
    enough for a message (domain.tickets.too_short) beside the one place it names, if any;
    and not ending as a place's name does (示例县东山镇桃园村, 西河镇柳湾村)."""
    rest = beside(typed, matches[0]) if len(matches) == 1 else typed
    if len(matches) > 1 or too_short(rest) or not has_letters(rest):
        return False
    return PLACE_SUFFIX.search(typed) is None


def _not_taken(
    ctx: PufaContext, chat: Conversation, typed: str, matches: list[str], asked: bool
) -> str:
    """Why a typed place was not taken: a question (`asked`: `_question`) is kept (ASKED)
    and said to be one; else no place, or several, fits it."""
    texts = ctx.services.ui.residents
    if asked:
        chat.data[ASKED] = typed
        return texts.adviser_looks_like_question
    text = texts.typed_several if matches else texts.typed_unknown
    return text.format(typed=html.escape(typed[:30]))


def _ask_it(ctx: PufaContext, chat: Conversation) -> list[list[InlineKeyboardButton]]:
    """💬 回答这个问题 above the places, while a question typed is kept."""
    if not chat.data.get(ASKED):
        return []
    return [[chat.button(ctx.services.ui.residents.adviser_ask_it_button, AdviserButton.ASK_IT)]]


async def on_ask_it(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    """The question typed for a place, answered as anyone asking it is; the lookup ends."""
    asked = str(chat.data.get(ASKED, ""))
    if not asked:
        await expired(update, ctx)
        return
    if await pressed(update, ctx, args) and await end_answered(update, chat):
        await answer_question(update, ctx, asked, "text")


async def on_not_listed(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    """No adviser listed for the person's village: their town's service points and 12348, a
    message to the town's desk (its 兜底 desk: the 司法所 that 一村一法律顾问 answers to), and
    back to the town's villages."""
    if not await pressed(update, ctx, args):
        return
    town = str(chat.data.get("town", ""))
    library, ui = ctx.services.library, ctx.services.ui
    async with ctx.services.db.session() as session:
        points = await list_points(session=session, town=town)
    if not await end_answered(update, chat):
        return
    text = ui.residents.adviser_none
    if points:
        title = ui.residents.adviser_not_listed.format(town=html.escape(town))
        listed = points_html(title, [(p, None) for p in points], ui)
        text = compose([Fixed(listed), ui.residents.adviser_or_12348], library)
    back = callbacks.make(Kind.AID, AID_MENU, AidMenu.ADVISER, name_key(town))
    rows = [[InlineKeyboardButton(ui.residents.adviser_back_button, callback_data=back)]]
    if desk := _desk_id(library, town):
        rows.insert(0, [leave_message_button(ui, desk_id=desk)])
    await reply_html(update, text, InlineKeyboardMarkup(rows))


async def on_back(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    if not await pressed(update, ctx, args):
        return
    await ask_town(update, ctx, chat)


async def on_location(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The town of the nearest service point (within NEAR_KM), then its villages."""
    texts, ui = ctx.services.ui.residents, ctx.services.ui
    location = update.effective_message.location if update.effective_message else None
    if location is None or not valid_location(location.latitude, location.longitude):
        await ask_town(update, ctx, chat, ui.location_invalid)
        return
    async with ctx.services.db.session() as session:
        points = await list_points(session=session)
        towns = set(await adviser_towns(session=session))
    closest = nearest(points, location.latitude, location.longitude, 1)
    if closest and not near(closest):
        await ask_town(update, ctx, chat, none_near_html(ui, closest[0][1]))
        return
    town = closest[0][0].town if closest else None
    if town is None or town not in towns:
        await ask_town(update, ctx, chat, texts.adviser_none)
        return
    intro = texts.adviser_by_location.format(town=html.escape(town))
    await ask_village(update, ctx, chat, town, intro)


def adviser_html(adviser: VillageAdviser, library: Library) -> str:
    """The adviser's card, 12348 beside it (unless the card gives it), and a sample's label."""
    texts = library.ui.residents

    def shown(value: str) -> str:
        return html.escape(value) if value else "—"

    text = texts.adviser_card.format(
        place=html.escape(adviser.town + adviser.village),
        name=shown(adviser.name),
        office=shown(adviser.office),
        duty=shown(adviser.duty),
        contact=shown(adviser.contact),
    )
    blocks: list[str | Fixed] = [Fixed(text), texts.adviser_or_12348]
    if adviser.sample:
        blocks.append(texts.adviser_sample)
    return compose(blocks, library)


def _desk_id(library: Library, town: str, village: str = "") -> str:
    """Where a message about a village's adviser goes: the adviser's desk if desks.yaml has
    one, else the town's 兜底 desk ("": none)."""
    desk = adviser_desk(library.desks, town=town, village=village) if village else None
    desk = desk or fallback_desk(library.desks, town)
    return desk.id if desk is not None else ""


def adviser_keyboard(ui: UiTexts, desk_id: str = "") -> InlineKeyboardMarkup:
    """Under an adviser (the chat has ended): a message to the adviser's desk, or the town's
    (when desks.yaml has one), or look up another village."""
    other = callbacks.make(Kind.AID, AID_MENU, AidMenu.ADVISER)
    rows = [[InlineKeyboardButton(ui.residents.adviser_other_button, callback_data=other)]]
    if desk_id:
        rows.insert(0, [leave_message_button(ui, desk_id=desk_id)])
    return InlineKeyboardMarkup(rows)


async def on_wrong_input(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    intro = ctx.services.ui.residents.adviser_wrong_input
    if chat.step == VILLAGE and chat.data.get("town"):
        await ask_village(update, ctx, chat, str(chat.data["town"]), intro)
    else:
        await ask_town(update, ctx, chat, intro)


async def on_cancelled(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.residents.adviser_cancelled)
