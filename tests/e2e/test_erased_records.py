"""After /deleteme: the person who erased themselves is told plainly that /hours,
/certificate and /myreports (and a button of a list drawn before) are not theirs to use, with
nothing of what they were; the coordinators' ranked hours lists rank the volunteers still
there, never the erased pooled as one person (the spreadsheet keeps their hours, under
nobody)."""

import io
from datetime import date

import openpyxl

from tests.clock import local
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.volunteer_steps import erase, invite, register
from tests.reporting import add_report, add_volunteer

ERASED, ALSO_ERASED, STAYS = 8801, 8802, 8803


async def test_the_erased_are_told_plainly_and_not_ranked_as_one(bot_with_admins: Harness) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.volunteers
    bot.clock.set(local(2026, 3, 20, 10, 0))
    erased = bot.api.user(ERASED, "赵")
    await register(bot, erased, await invite(bot, "城关镇"), name="赵六")
    await add_volunteer(bot.services.db, ALSO_ERASED, name="钱七")
    await add_volunteer(bot.services.db, STAYS, name="孙八")
    for user_id, hours in ((ERASED, 2.0), (ALSO_ERASED, 1.5), (STAYS, 1.0)):
        await add_report(bot.services.db, user_id, activity_date=date(2026, 3, 2), hours=hours)
    drawn = await bot.ask(erased, "/myreports")
    qr = drawn.find_button(bot.ui.engagement.qr_report_list_button.format(id=1))
    for user_id in (ERASED, ALSO_ERASED):
        await erase(bot, user_id)

    said = [(await bot.ask(erased, command)).content for command in ("/hours", "/certificate")]
    said.append((await bot.ask(erased, "/myreports")).content)
    assert said == [bot.ui.not_allowed, texts.not_volunteer, texts.not_volunteer]
    pressed = await bot.press(erased, drawn, qr["callback_data"])
    assert pressed["text"] == texts.not_volunteer and pressed["show_alert"]

    admin = bot.api.user(ADMIN_ID)
    bot.api.send_command(admin, "/hours")
    listing, document = await bot.api.wait_for_messages(ADMIN_ID, 2)
    stays = {"rank": 1, "name": "孙八", "town": "示例县城关镇", "activities": 1, "hours": "1"}
    assert listing.content.splitlines()[1:] == [texts.hours_line.format(**stays)]
    assert document.file is not None
    sheet = openpyxl.load_workbook(io.BytesIO(document.file)).active
    assert sheet is not None
    rows = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == [texts.anonymous, "孙八"]  # their hours still add up, under nobody
    bot.api.send_command(admin, "/stats")
    stats = await bot.api.wait_for_call(
        "sendMessage", predicate=lambda c: "普法活动统计" in str(c.params.get("text"))
    )
    top = str(stats.params["text"]).split(texts.stats_top)[1].strip().splitlines()
    assert top[0] == texts.stats_volunteer.format(**stays) and texts.anonymous not in top[1:], top

    # Everyone erased: no one to rank, and the spreadsheet still has their hours.
    await erase(bot, STAYS)
    await bot.settle()  # /stats's chart is out
    mark = len(bot.api.sent)
    bot.api.send_command(admin, "/hours")
    [document] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
    await bot.settle()
    assert [m.kind for m in bot.api.messages_to(ADMIN_ID) if m.index >= mark] == ["document"]
