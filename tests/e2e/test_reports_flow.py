"""The whole volunteer story through the local Bot API: invite -> register -> report with bad
input at every step -> the bot restarts mid-report -> submit -> /myreports -> /stats ->
/export, with the export file read back."""

import csv
import io
from pathlib import Path

import openpyxl

from content.loader import Library
from content.search import SearchIndex
from storage.reports import own_reports
from tests.e2e.conftest import ADMIN_ID, restartable_bot
from tests.e2e.volunteer_steps import invite, press, register, say


async def test_invite_register_report_restart_submit_stats_export(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    # A volunteer correcting every step sends more than the question throttle's 20/min.
    async with restartable_bot(tmp_path, library, index, user_rate_per_minute=1000) as server:
        bot = server.harness
        assert bot is not None
        code = await invite(bot, "城关镇", "单次")
        user = bot.api.user(801, "王志愿")
        await register(bot, user, code, name="王志愿")

        bot.api.send_command(user, "/report")
        [types] = await bot.api.wait_for_messages(user.id)
        assert "活动类型" in (types.text or "") and "法治文艺" in types.button_labels()
        # A forged button and typing where a button is wanted (no type's name) are answered.
        answer = await bot.press(user, types, "1:r:type:hacked")
        assert answer.get("text") == bot.ui.stale_step
        [again] = await say(bot, user, "开了个讲座")
        assert "按提示" in (again.text or "")
        [date] = await press(bot, user, again, "法治文艺")
        assert "日期" in (date.text or "")
        for bad, words in [("明天", "将来"), ("2月30日", "没有这一天"), ("2020-01-01", "最近")]:
            [reply] = await say(bot, user, bad)
            assert words in (reply.text or ""), (bad, reply.text)
        bot.api.send_photo(user)
        [reply] = await bot.next_question(user, date)  # asked again: buttons only below
        assert "按提示" in (reply.text or "")
        [topics] = await say(bot, user, "今天")
        bot.api.press_button(user, topics, "宪法与国家宪法日")
        edited = await bot.api.wait_for_call("editMessageReplyMarkup")
        assert edited.ok
        [place] = await press(bot, user, topics, "完成")
        assert "地点" in (place.text or "")
        bot.api.send_location(user, 30.1, 114.2)
        [_audience] = await bot.api.wait_for_messages(user.id)
        for bad in ("很多", "0", "😀", "1000000"):
            [reply] = await say(bot, user, bad)
            assert "人数" in (reply.text or "") or "数字" in (reply.text or ""), reply.text
        [hours] = await say(bot, user, "约120人")
        assert "时长" in (hours.text or "")

        # The bot restarts here; the new Application reads the draft back from the database.
        bot = await server.restart()
        for bad in ("25", "两三个小时"):
            [reply] = await say(bot, user, bad)
            assert "小时" in (reply.text or ""), reply.text
        [materials] = await say(bot, user, "两个半小时")
        assert "资料" in (materials.text or "")
        [_photos] = await say(bot, user, "三百份")
        for _ in range(2):
            bot.api.send_photo(user)
            await bot.replies(user.id, 1)
        last = bot.api.last_message(user.id)
        [_summary] = await press(bot, user, last, "完成")
        [reply] = await say(bot, user, "宪" * 5000)
        assert "最多" in (reply.text or "")
        [card] = await say(bot, user, "在文化广场宣讲宪法 🎉，发放资料三百份。")
        text = card.text or ""
        parts = ("法治文艺", "宪法与国家宪法日", "位置 30.1000, 114.2000", "120 人", "2.5 小时")
        for part in (*parts, "300"):
            assert part in text, (part, text)
        assert "照片：2 张" in text

        # 修改 -> 受众人数 -> back to the card with the new value.
        [fields] = await press(bot, user, card, "修改")
        [_ask] = await press(bot, user, fields, "受众人数")
        [card] = await say(bot, user, "150")
        assert "150 人" in (card.text or "")

        bot.api.press_button(user, card, "提交")
        removed, done = await bot.api.wait_for_messages(user.id, 2)
        assert removed.action == "edit" and not removed.buttons()
        assert "提交成功" in (done.text or "") and "#1" in (done.text or "")
        [notice] = await bot.api.wait_for_messages(ADMIN_ID, after=card.index)
        assert "新的活动报告" in (notice.text or "") and "王志愿" in (notice.text or "")
        # 提交 pressed again on the same card: answered, nothing stored twice.
        answer = await bot.press(user, card, card.find_button("提交")["callback_data"])
        assert "已经提交过了" in answer.get("text", "")
        # 修改 or 取消 on the submitted card: where to change it, not "no report open"
        for label in ("修改", "取消"):
            answer = await bot.press(user, card, card.find_button(label)["callback_data"])
            assert answer["text"] == bot.ui.volunteers.report_submitted_change.format(id=1)
        async with bot.services.db.session() as session:
            reports = await own_reports(session=session, volunteer_id=user.id)
        assert len(reports) == 1 and reports[0].data.audience == 150
        assert reports[0].data.lat == 30.1 and len(reports[0].data.photo_file_ids) == 2

        bot.api.send_command(user, "/myreports")
        [mine] = await bot.api.wait_for_messages(user.id)
        assert "本月：1 次活动，150 人次，2.5 小时" in (mine.text or ""), mine.text
        assert "撤回 #1" in " ".join(mine.button_labels())

        admin = bot.api.user(ADMIN_ID)
        bot.api.send_command(admin, "/stats 本月")
        text_msg, chart = await bot.api.wait_for_messages(admin.id, 2)
        assert "活动 1 次" in (text_msg.text or "") and "王志愿" in (text_msg.text or "")
        assert chart.kind == "photo" and chart.file and chart.file.startswith(b"\x89PNG")

        bot.api.send_command(admin, "/export")
        [document] = await bot.api.wait_for_messages(admin.id)
        assert document.kind == "document" and document.file is not None
        sheet = openpyxl.load_workbook(io.BytesIO(document.file)).active
        assert sheet is not None
        header, row = [list(r) for r in sheet.iter_rows(values_only=True)]
        values = dict(zip(header, row, strict=True))
        assert values["志愿者"] == "王志愿" and values["电话"] == "13800138000"
        assert values["受众人数"] == 150 and values["照片数"] == 2
        assert values["主题"] == "宪法与国家宪法日"

        bot.api.send_command(admin, "/export 本月 csv")
        [document] = await bot.api.wait_for_messages(admin.id)
        assert (document.file_name or "").endswith(".csv") and document.file is not None
        rows = list(csv.reader(io.StringIO(document.file.decode("utf-8-sig"))))
        assert len(rows) == 2 and rows[1][1] == "王志愿"
