"""In `pufa demo` the whole 留言给工作人员 round trip can be tried: the demo's sample desks are
staffed by its coordinator (in the demo only: the shipped desks.yaml stays samples nobody
reads), who answers, moves (转办) and ends a resident's message, which the resident rates; a
dashboard edit, which reloads the content, keeps it so."""

import re
from collections.abc import Callable

from bot.demo import DEMO_COORDINATOR, DEMO_RESIDENT
from content.loader import Library, load_library
from handlers.kit.context import PufaApplication
from local_api import FakeUser, LocalBotApi, SentMessage

STORY = "老板拖欠我三个月工资，一直拖着不给，我该怎么办"
TOWN = "示例县南湖街道"


def mark(api: LocalBotApi) -> int:
    """The journal's position now: what the bot does next comes after it."""
    return len(api.state.sent)


async def sent(
    api: LocalBotApi, chat_id: int, after: int, match: Callable[[SentMessage], bool] = bool
) -> SentMessage:
    """The first new message (not an edit) the bot sent `chat_id` since `after` that `match`es."""

    def found() -> list[SentMessage]:
        new = api.state.sent[after:]
        return [m for m in new if m.chat_id == chat_id and m.action == "send" and match(m)]

    await api.wait_until(lambda: bool(found()), f"a message to {chat_id}")
    return found()[0]


async def tap(api: LocalBotApi, user: FakeUser, message: SentMessage, label: str) -> SentMessage:
    """Presses the button labelled `label`; returns the bot's next message in that chat."""
    since = mark(api)
    api.press_button(user, message, label)
    return await sent(api, message.chat_id, since)


async def say(api: LocalBotApi, user: FakeUser, text: str) -> SentMessage:
    """Sends `text` (or a command); returns the bot's next message in that chat."""
    since = mark(api)
    if text.startswith("/"):
        api.send_command(user, text)
    else:
        api.send_text(user, text)
    return await sent(api, user.id, since)


async def leave_message(api: LocalBotApi, app: PufaApplication, resident: FakeUser) -> SentMessage:
    """A card's 没解决 → 留言给工作人员 → a town → the story → no number → 发送: returns the
    resident's confirmation."""
    ui, texts = app.services.ui, app.services.ui.tickets
    card = await say(api, resident, "老板拖欠工资怎么办")
    thanks = await tap(api, resident, card, ui.unsolved_button)
    towns = await tap(api, resident, thanks, texts.leave_button)
    text_prompt = await tap(api, resident, towns, TOWN)
    assert "字以内" in text_prompt.content and "示例值班台" not in text_prompt.content
    since = mark(api)
    api.send_text(resident, STORY)
    skip = await sent(api, resident.id, since, lambda m: bool(m.buttons()))
    since = mark(api)
    api.press_button(resident, skip, texts.no_contact_button)
    summary = await sent(api, resident.id, since, lambda m: STORY in m.content)
    return await tap(api, resident, summary, texts.send_button)


async def test_the_demo_coordinator_answers_moves_and_ends_a_message(
    demo_running: tuple[LocalBotApi, PufaApplication],
) -> None:
    api, app = demo_running
    texts = app.services.ui.tickets
    resident = api.user(DEMO_RESIDENT, "演示居民")
    coordinator = api.user(DEMO_COORDINATOR, "演示协调员")
    since = mark(api)
    confirmation = await leave_message(api, app, resident)
    # the resident's confirmation is a reachable desk's: 补充 and "reply to this message"
    assert confirmation.content.endswith(texts.sent_footer)
    assert confirmation.button_labels() == [texts.more_button]
    found = re.search(r"#(\d+)", confirmation.content)  # after the demo's sample messages
    assert found is not None and int(found[1]) > 1
    number = int(found[1])
    ticket = await sent(api, coordinator.id, since)
    assert STORY in ticket.content and "（示例）" in ticket.content
    assert ticket.button_labels() == [
        texts.take_button, texts.reply_button, texts.transfer_button, texts.close_button,
    ]  # fmt: skip
    taken = await tap(api, coordinator, ticket, texts.take_button)
    assert taken.content == texts.taken.format(id=number)
    since = mark(api)
    api.send_command(coordinator, "/tickets")  # one list a desk: the centre's has the message
    desks = app.services.library.desks

    def lists() -> list[SentMessage]:
        new = api.state.sent[since:]
        return [m for m in new if m.chat_id == coordinator.id and m.content.startswith("📋")]

    await api.wait_until(lambda: len(lists()) == len(desks), "a list for each desk")
    queue = next(m for m in lists() if "法律援助中心" in m.content)
    assert queue.content.startswith("📋 示例县法律援助中心（示例） 等待答复的留言（")
    assert f"#{number} · " in queue.content

    prompt = await tap(api, coordinator, ticket, texts.reply_button)
    assert prompt.content.startswith("✍️ 请回复这条消息")
    since = mark(api)
    api.send_text(coordinator, "（演示）请带上劳动合同和工资条，来司法所面谈。")
    answer = await sent(api, resident.id, since)
    assert "劳动合同和工资条" in answer.content
    replied = texts.replied.format(id=number)
    await sent(api, coordinator.id, since, lambda m: m.content == replied)
    more = await tap(api, resident, confirmation, texts.more_button)
    assert more.source_text == texts.more_prompt.format(id=number)
    since = mark(api)
    added = await say(api, resident, "补充一下：我有考勤记录和微信聊天记录")
    assert added.content.startswith("✅ 已把补充内容送到")
    passed = await sent(api, coordinator.id, since, lambda m: "考勤记录" in m.content)
    assert passed.content.startswith("📎")

    pick = await tap(api, coordinator, ticket, texts.transfer_button)
    since = mark(api)
    api.press_button(coordinator, pick, "示例县南湖街道司法所（示例）")
    copy = await sent(
        api, coordinator.id, since, lambda m: texts.close_button in m.button_labels()
    )
    assert STORY in copy.content
    notice = await sent(api, resident.id, since)
    assert "南湖街道司法所" in notice.content

    since = mark(api)
    api.press_button(coordinator, copy, texts.close_button)
    rating = await sent(api, resident.id, since)
    assert rating.content == texts.closed_resident.format(id=number)
    rated = await tap(api, resident, rating, texts.rate_3)
    assert rated.content == texts.rated


def test_the_shipped_desks_stay_samples(library: Library) -> None:
    """Only the demo's own copy is staffed: the content it starts from keeps its samples."""
    assert library.desks and all(desk.sample for desk in library.desks)
    assert DEMO_COORDINATOR not in {s for desk in library.desks for s in desk.staff}


async def test_a_dashboard_edit_keeps_the_demo_desks_staffed(
    demo_running: tuple[LocalBotApi, PufaApplication],
) -> None:
    """An edit made in the dashboard reloads the demo's content copy: its desks stay the
    demo coordinator's."""
    _api, app = demo_running
    services = app.services
    assert services.dashboard.content_dir is not None
    reloaded = load_library(services.dashboard.content_dir)
    services.swap_content(reloaded, services.index)
    desks = services.library.desks
    assert desks and all(d.staff == [DEMO_COORDINATOR] and not d.sample for d in desks)
