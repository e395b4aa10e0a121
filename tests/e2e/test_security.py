"""Nobody let in: a demoted coordinator's open prompts and drafts end with the role, and what
shows personal data or codes answers only in a private chat."""

import pytest
from sqlmodel import col, select

from storage import broadcasts as repo
from storage.models import AuditLog, BroadcastStatus
from storage.volunteers import set_coordinator
from tests.broadcasting import add_subscribers
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.volunteer_steps import answer_question, invite, press, register, report_to_card

HELPER = 902
SCAM = "紧急通知：请添加微信 scam-1234 领取补贴"


async def _promoted_helper(bot: Harness) -> None:
    admin, helper = bot.api.user(ADMIN_ID, "管理员"), bot.api.user(HELPER, "小帮手")
    await bot.ask(helper, "/start")
    confirm = await bot.ask(admin, f"/promote {HELPER}")
    await answer_question(bot, admin, confirm, "确定")
    await bot.settle()


async def _demote_helper(bot: Harness) -> None:
    admin = bot.api.user(ADMIN_ID)
    confirm = await bot.ask(admin, f"/demote {HELPER}")
    await answer_question(bot, admin, confirm, "确定")
    await bot.settle()


async def _open_edit_prompt(bot: Harness) -> None:
    """The helper schedules a broadcast, opens its 📝 new-text prompt, then starts another
    /broadcast draft: two coordinator chats waiting for their input."""
    await add_subscribers(bot.services.db, [3001])
    await _promoted_helper(bot)
    helper = bot.api.user(HELPER)
    await bot.ask(helper, "/broadcast")
    audience = await bot.ask(helper, "周六普法讲座")
    await bot.tap(helper, audience, "👥 所有订阅者")
    bot.api.send_text(helper, "明天上午9点")
    _preview, confirm = await bot.replies(HELPER, 2)
    await bot.tap(helper, confirm, "✅ 确认发送")
    listing = await bot.ask(helper, "/scheduled")
    [edit_text] = [b for b in listing.button_labels() if b.startswith("📝")]
    prompt = await bot.tap(helper, listing, edit_text)
    assert "新内容" in prompt.content


async def _scheduled_text(bot: Harness) -> str:
    async with bot.services.db.session() as session:
        [row] = await repo.upcoming(
            session=session, origins=["coordinator"], statuses=[BroadcastStatus.SCHEDULED]
        )
    return row.text


async def test_demotion_ends_the_open_prompts_of_a_coordinator(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    await _open_edit_prompt(bot)
    await _demote_helper(bot)
    reply = await bot.ask(bot.api.user(HELPER), SCAM)
    assert reply.text != bot.ui.broadcasts.edited_text  # a question now, not the new text
    assert await _scheduled_text(bot) == "周六普法讲座"


async def test_a_role_lost_behind_an_open_prompt_is_checked_at_the_next_step(
    bot_with_admins: Harness,
) -> None:
    """Every step checks the role: a role taken away elsewhere (another process, the
    dashboard) refuses the typed text, audits the refusal and ends the prompt."""
    bot = bot_with_admins
    await _open_edit_prompt(bot)
    async with bot.services.db.session() as session:
        await set_coordinator(session=session, telegram_id=HELPER, promote=False)
    refused = await bot.ask(bot.api.user(HELPER), SCAM)
    assert refused.text == bot.ui.not_allowed
    assert await _scheduled_text(bot) == "周六普法讲座"
    async with bot.services.db.session() as session:
        refusals = (await session.exec(select(AuditLog).where(~col(AuditLog.allowed)))).all()
        edits = (
            await session.exec(select(AuditLog).where(AuditLog.action == "broadcast.edit"))
        ).all()
    assert [a.actor_id for a in refusals] == [HELPER] and edits == []
    answer = await bot.ask(bot.api.user(HELPER), "借钱不还怎么办")  # nothing waits any more
    assert answer.content.startswith("别人欠钱不还")


async def test_a_button_pressed_after_a_demotion_is_refused(bot_with_admins: Harness) -> None:
    """The /scheduled list the helper still has on screen: its buttons check the role too."""
    bot = bot_with_admins
    await _open_edit_prompt(bot)
    helper = bot.api.user(HELPER)
    listing = await bot.ask(helper, "/scheduled")
    await _demote_helper(bot)
    for label in [b for b in listing.button_labels() if b.startswith(("✖", "🕘", "📝"))]:
        answer = await bot.press(helper, listing, listing.find_button(label)["callback_data"])
        assert answer["text"] in (bot.ui.not_allowed, bot.ui.stale_button), label
    await bot.settle()
    assert await _scheduled_text(bot) == "周六普法讲座"  # still scheduled, text unchanged


PRIVATE_ONLY = [
    "/export",
    "/export 本月 csv",
    "/hours",
    "/stats",
    "/invite",
    "/invite 城关镇 单次",
    f"/promote {HELPER}",
    f"/demote {HELPER}",
    "/broadcast",
    "/scheduled",
    "/campaigns",
    "/report",
    "/myreports",
    "/myqr",
    "/profile",
    "/leave",
    "/deleteme",
    "/join abcdefghjk",
    "/dashboard",
    "/certificate",
    "/verify ABCD-EFGH-JKLM",
    "/tag 1 宪法宣传",
    "/export 考核",
    "/export 满意度",
    "/export 二维码",
    "/export 留言",
]


@pytest.mark.parametrize("command", PRIVATE_ONLY)
async def test_commands_with_personal_data_answer_only_in_private(
    bot_with_admins: Harness, command: str
) -> None:
    bot = bot_with_admins
    group = bot.api.group(-1003000, "村民群")
    admin = bot.api.user(ADMIN_ID, "管理员")
    bot.api.send_command(admin, command, chat=group)
    [reply] = await bot.api.wait_for_messages(group.id)
    assert reply.text == bot.ui.volunteers.private_only
    await bot.settle()
    assert [m.kind for m in bot.api.messages_to(group.id)] == ["text"]  # no file, no QR
    assert bot.api.messages_to(ADMIN_ID) == []


ODD_COMMANDS = ["/promote ²", "/invite ²", "/promote 99999999999999999999999", "/invite ٣"]


@pytest.mark.parametrize("command", ODD_COMMANDS)
async def test_odd_numbers_in_coordinator_commands_get_a_clear_answer(
    bot_with_admins: Harness, command: str
) -> None:
    bot = bot_with_admins
    reply = await bot.ask(bot.api.user(ADMIN_ID, "管理员"), command)
    assert reply.text != bot.ui.error and reply.text  # an explanation, not the error apology


async def test_someone_elses_report_cannot_be_probed_by_a_forged_button(
    bot_with_admins: Harness,
) -> None:
    bot = bot_with_admins
    owner, prober = bot.api.user(841), bot.api.user(842)
    code = await invite(bot, "城关镇")
    await register(bot, owner, code, name="甲某")
    await register(bot, prober, code, name="乙某")
    card = await report_to_card(bot, owner)
    await press(bot, owner, card, "提交", 2)
    mine = await bot.ask(prober, "/myreports")
    for forged in ("1:mr:withdraw:1", "1:mr:withdraw:" + "9" * 30, "1:mr:edit:1"):
        answer = await bot.press(prober, mine, forged)
        assert answer.get("text") == bot.ui.stale_button, forged
    await bot.settle()
    assert not [m for m in bot.api.messages_to(prober.id) if "#1" in (m.text or "")]
