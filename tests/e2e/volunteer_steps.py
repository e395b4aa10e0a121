"""Steps the volunteer and coordinator e2e tests share: invite, register, report."""

import re
from datetime import datetime

from local_api import FakeUser, SentMessage
from tests.e2e.conftest import ADMIN_ID, Harness

CODE = re.compile(r"邀请码：([a-z0-9]{10})")


async def invite(bot: Harness, *args: str) -> str:
    """The coordinator (ADMIN_ID) creates an invite; returns its code."""
    admin = bot.api.user(ADMIN_ID, "协调员")
    bot.api.send_command(admin, " ".join(["/invite", *args]))
    text, qr = await bot.api.wait_for_messages(admin.id, 2)
    match = CODE.search(text.text or "")
    assert match, text.text
    assert qr.kind == "photo" and qr.file and qr.file.startswith(b"\x89PNG")
    assert qr.caption == f"https://t.me/{bot.app.bot.username}?start=join_{match[1]}"
    return match[1]


async def say(bot: Harness, user: FakeUser, text: str, count: int = 1) -> list[SentMessage]:
    """Sends `text`; the bot's `count` replies (`Harness.replies`: a question above losing
    its buttons is not one)."""
    bot.api.send_text(user, text)
    return await bot.replies(user.id, count)


async def press(
    bot: Harness, user: FakeUser, message: SentMessage, label: str, count: int = 1
) -> list[SentMessage]:
    """Presses `label` under `message`; the bot's `count` replies (`Harness.replies`: a
    question above losing its buttons is not one)."""
    bot.api.press_button(user, message, label)
    return await bot.replies(user.id, count)


async def answer_question(
    bot: Harness, user: FakeUser, question: SentMessage, label: str
) -> SentMessage:
    """Presses ✅ 确定 or ❌ 不了 under a yes/no question: its buttons go, then the reply
    (继续填写's question again: the copy asked before loses its buttons too)."""
    [reply] = await press(bot, user, question, label)
    dropped = bot.as_now(question)
    assert dropped.action == "edit" and dropped.buttons() == [], dropped
    assert dropped.content == question.content and reply.action == "send", reply
    return reply


async def erase(bot: Harness, user_id: int) -> None:
    """`user_id` erases themselves: /deleteme, then ✅ 确定."""
    user = bot.api.user(user_id)
    bot.api.send_command(user, "/deleteme")
    [confirm] = await bot.api.wait_for_messages(user_id)
    await answer_question(bot, user, confirm, "确定")


async def register(bot: Harness, user: FakeUser, code: str, name: str = "张三") -> None:
    """Registers through the deep link with an invite for 示例县城关镇 (each question with
    buttons loses them once answered)."""
    bot.api.send_command(user, f"/start join_{code}")
    [ask_name] = await bot.api.wait_for_messages(user.id)
    assert "姓名" in (ask_name.text or "")
    [ask_place] = await say(bot, user, name)
    ask_org = await bot.answer(user, ask_place, "城关社区")
    assert "单位" in (ask_org.text or "")
    bot.api.press_button(user, ask_org, "跳过")
    _ask_phone, skip = await phone_questions(bot, user, ask_org)
    [done] = await say(bot, user, "138 0013 8000")
    assert "登记成功" in (done.text or ""), done.text
    assert bot.as_now(skip).buttons() == []  # registered: its 跳过 is gone


async def phone_questions(
    bot: Harness, user: FakeUser, ask_org: SentMessage
) -> tuple[SentMessage, SentMessage]:
    """Once the organisation is answered (skipped or typed): its buttons go, then the phone
    question (with its share-my-number keyboard) and its 跳过, which are returned."""
    dropped, ask_phone, skip = await bot.api.wait_for_messages(user.id, 3)
    assert (dropped.action, dropped.message_id) == ("edit", ask_org.message_id), dropped
    assert dropped.buttons() == [] and skip.buttons(), skip
    return ask_phone, skip


TOPIC = "宪法与国家宪法日"  # the topic report_to_card ticks (a report needs one)


async def tick_topic(
    bot: Harness, user: FakeUser, topics: SentMessage, label: str = TOPIC
) -> None:
    """Ticks a topic at the /report topics step (the keyboard is redrawn in place)."""
    [edited] = await press(bot, user, topics, label)
    assert edited.action == "edit" and "✅" in " ".join(edited.button_labels()), edited


async def report_to_topics(bot: Harness, user: FakeUser) -> SentMessage:
    """/report of type 宪法宣传 held 今天, up to the topics step (its question). Each
    question answered loses its buttons (`Harness.answer`)."""
    bot.api.send_command(user, "/report")
    [types] = await bot.api.wait_for_messages(user.id)
    date = await bot.answer(user, types, "宪法宣传")
    assert "日期" in date.content, date.content
    topics = await bot.answer(user, date, "今天")
    assert "主题" in topics.content, topics.content
    return topics


async def report_to_place(bot: Harness, user: FakeUser) -> SentMessage:
    """/report (type 宪法宣传, topic TOPIC) up to the place question."""
    topics = await report_to_topics(bot, user)
    await tick_topic(bot, user, topics)
    return await bot.answer(user, topics, "完成")


async def report_to_card(bot: Harness, user: FakeUser) -> SentMessage:
    """A valid report (of type 宪法宣传, topic TOPIC) up to its summary card, no detours."""
    await report_to_place(bot, user)
    return await answers_to_card(bot, user)


async def answers_to_materials(bot: Harness, user: FakeUser) -> SentMessage:
    """From the place question on, the usual place, audience and hours: the materials
    question."""
    await say(bot, user, "城关社区文化广场")
    await say(bot, user, "80")
    [materials] = await say(bot, user, "2")
    return materials


async def answers_to_card(bot: Harness, user: FakeUser) -> SentMessage:
    """From the place question on, the usual answers (no photos) up to the summary card."""
    materials = await answers_to_materials(bot, user)
    photos = await bot.answer(user, materials, "跳过")
    await bot.answer(user, photos, "跳过")
    [card] = await say(bot, user, "在文化广场宣讲宪法，群众反响很好。")
    assert "请核对" in (card.text or ""), card.text
    return card


async def a_report_on(bot: Harness, user: FakeUser, when: datetime) -> None:
    """`user` registers and submits a report of an activity that day, at `when`."""
    bot.clock.set(when)
    await register(bot, user, await invite(bot, "城关镇"))
    card = await report_to_card(bot, user)
    bot.api.press_button(user, card, "提交")
    await bot.api.wait_for_messages(user.id, 2)
    await bot.settle()


async def stats_read(bot: Harness, asked: list[tuple[str, str, int]]) -> None:
    """The coordinator (ADMIN_ID) sends each /stats command: its reply names the period
    (in brackets) and counts the activities given."""
    admin = bot.api.user(ADMIN_ID)
    for command, period, activities in asked:
        bot.api.send_command(admin, command)
        reply = await bot.api.wait_for_call(
            "sendMessage", predicate=lambda c: "普法活动统计" in str(c.params.get("text"))
        )
        text = str(reply.params["text"])
        assert f"（{period}）" in text, (command, text)
        assert f"活动 <b>{activities}</b> 次" in text, (command, text)
        await bot.settle()
