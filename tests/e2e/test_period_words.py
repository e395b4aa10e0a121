"""Quarters and half-years in a coordinator's period (/stats, /export, /hours): the annual
考核 and the district's reports go by them. Without a year, such a part is the latest one
begun (第四季度 asked in January is last year's); 上季度 in January is last year's Q4."""

from tests.clock import local
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.volunteer_steps import a_report_on, stats_read


async def test_quarters_and_halves_in_january(bot_with_admins: Harness) -> None:
    """Asked on 5 January 2027, about a report of 20 November 2026."""
    bot = bot_with_admins
    await a_report_on(bot, bot.api.user(911), local(2026, 11, 20, 10, 0))
    bot.clock.set(local(2027, 1, 5, 10, 0))
    await stats_read(
        bot,
        [
            ("/stats 上季度", "2026-10-01 ~ 2026-12-31", 1),
            ("/stats 上个季度", "2026-10-01 ~ 2026-12-31", 1),
            ("/stats 本季度", "2027-01-01 ~ 2027-01-05", 0),
            ("/stats 这个季度", "2027-01-01 ~ 2027-01-05", 0),
            ("/stats 第四季度", "2026-10-01 ~ 2026-12-31", 1),
            ("/stats 四季度", "2026-10-01 ~ 2026-12-31", 1),
            ("/stats Q4", "2026-10-01 ~ 2026-12-31", 1),
            ("/stats 第一季度", "2027-01-01 ~ 2027-03-31", 0),
            ("/stats q2", "2026-04-01 ~ 2026-06-30", 0),
            ("/stats 2026年第三季度", "2026-07-01 ~ 2026-09-30", 0),
            ("/stats 2026年第四季度", "2026-10-01 ~ 2026-12-31", 1),
            ("/stats 去年第四季度", "2026-10-01 ~ 2026-12-31", 1),
            ("/stats 上半年", "2027-01-01 ~ 2027-06-30", 0),
            ("/stats 下半年", "2026-07-01 ~ 2026-12-31", 1),
            ("/stats 去年下半年", "2026-07-01 ~ 2026-12-31", 1),
            ("/stats 今年上半年", "2027-01-01 ~ 2027-06-30", 0),
            ("/stats 去年上半年", "2026-01-01 ~ 2026-06-30", 0),
        ],
    )
    admin = bot.api.user(ADMIN_ID)
    bot.api.send_command(admin, "/export 上季度")
    [document] = await bot.api.wait_for_messages(ADMIN_ID)
    assert document.kind == "document" and document.file is not None
    assert document.caption == "活动报告 2026-10-01 ~ 2026-12-31", document.caption
    bot.api.send_command(admin, "/hours 去年下半年")
    title, hours = await bot.api.wait_for_messages(ADMIN_ID, 2)
    assert "（2026-07-01 ~ 2026-12-31）" in (title.text or ""), title.text
    assert hours.kind == "document" and hours.file is not None
    # Nothing in the quarter begun: said in words, with the period
    reply = await bot.ask(admin, "/export 本季度")
    assert "2027-01-01 ~ 2027-01-05 这段时间没有记录到活动报告" in reply.content, reply.content
    # A quarter that is none is not understood, and the usage names the new words
    reply = await bot.ask(admin, "/stats 第五季度")
    assert "时间段没看懂" in reply.content and "上季度" in reply.content, reply.content


async def test_quarters_within_a_year(bot_with_admins: Harness) -> None:
    """Asked on 10 May 2027 (Q2): 上季度 is this year's Q1, 第三季度 last year's (this
    year's has not begun), 下半年 last year's."""
    bot = bot_with_admins
    await a_report_on(bot, bot.api.user(912), local(2027, 3, 31, 10, 0))
    bot.clock.set(local(2027, 5, 10, 10, 0))
    await stats_read(
        bot,
        [
            ("/stats 上季度", "2027-01-01 ~ 2027-03-31", 1),
            ("/stats 本季度", "2027-04-01 ~ 2027-05-10", 0),
            ("/stats 一季度", "2027-01-01 ~ 2027-03-31", 1),
            ("/stats 第三季度", "2026-07-01 ~ 2026-09-30", 0),
            ("/stats 上半年", "2027-01-01 ~ 2027-06-30", 1),
            ("/stats 下半年", "2026-07-01 ~ 2026-12-31", 0),
            ("/stats 2027 Q1", "2027-01-01 ~ 2027-03-31", 1),
        ],
    )
    bot.api.send_command(bot.api.user(ADMIN_ID), "/export 一季度 csv")
    [document] = await bot.api.wait_for_messages(ADMIN_ID)
    assert document.kind == "document" and document.file is not None
    assert document.caption == "活动报告 2027-01-01 ~ 2027-03-31", document.caption
