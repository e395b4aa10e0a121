"""What coordinators see while their broadcasts go out: one progress message, edited as it
goes (sent / total, failed, time left, a stop button), then a summary; and word of a
broadcast missed while the bot was down. Calendar reminders have no coordinator (until one
sends or moves one in /campaigns): the coordinators in PUFA_ADMIN_IDS hear about them only
when something went wrong."""

import html
import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from content.loader import Library
from handlers.broadcasts.render import BroadcastRenderer
from handlers.broadcasts.scheduled import resend_button, stop_button
from handlers.kit.delivery import not_modified
from scheduler.sender import unprompted
from scheduler.timeparse import describe
from storage.audience import Audience
from storage.broadcasts import Counts
from storage.models import Broadcast, BroadcastStatus

log = logging.getLogger(__name__)
# Broadcasts listed one by one in a message about missed ones (a message holds 4,096 characters)
MISSED_LINES = 30


class TelegramReporter:
    def __init__(
        self,
        bot: ExtBot[None],
        library: Library,
        tz: ZoneInfo,
        admin_ids: frozenset[int],
        grace_minutes: int,
    ) -> None:
        self.bot, self.library, self.tz = bot, library, tz
        self.admin_ids, self.grace_minutes = admin_ids, grace_minutes
        self.ui = library.ui.broadcasts

    async def progress(
        self, broadcast: Broadcast, counts: Counts, eta_seconds: float | None
    ) -> int | None:
        assert broadcast.id is not None and broadcast.created_by is not None
        text = self.ui.progress.format(
            id=broadcast.id,
            done=counts.finished,
            total=counts.total,
            failed=counts.failed + counts.blocked,
            eta=self._duration(eta_seconds),
        )
        markup = stop_button(self.ui.stop_button, broadcast.id)
        if broadcast.progress_message_id and await self._edit(broadcast, text, markup):
            return None
        try:
            with unprompted():
                sent = await self.bot.send_message(
                    broadcast.created_by, text, parse_mode=ParseMode.HTML, reply_markup=markup
                )
        except TelegramError as exc:
            log.warning("could not show progress of broadcast %s: %s", broadcast.id, exc)
            return None
        return sent.message_id

    async def finished(
        self, broadcast: Broadcast, counts: Counts, reasons: list[tuple[str, int]]
    ) -> bool:
        ui = self.ui
        assert broadcast.id is not None
        audience = BroadcastRenderer(self.library).audience_name(
            Audience(broadcast.audience), broadcast.audience_value
        )
        if broadcast.status == BroadcastStatus.CANCELLED:
            text = ui.cancelled_summary.format(
                id=broadcast.id, sent=counts.sent, cancelled=counts.cancelled, failed=counts.failed
            )
        else:
            text = ui.finished.format(
                id=broadcast.id,
                audience=audience,
                sent=counts.sent,
                total=counts.total,
                failed=counts.failed,
                blocked=counts.blocked,
                uncertain=counts.uncertain,
            )
        if reasons:
            listed = "\n".join(
                ui.reason_line.format(reason=html.escape(r[:100]), count=n) for r, n in reasons
            )
            text += "\n" + ui.reasons.format(reasons=listed)
        if broadcast.progress_message_id:
            await self._edit(broadcast, ui.progress_done.format(id=broadcast.id), None)
        troubled = counts.failed or counts.uncertain or counts.total == 0
        markup = None
        if counts.failed and broadcast.created_by is not None:
            label = ui.resend_button.format(count=counts.failed)
            markup = resend_button(label, broadcast.id)
        recipients = self._recipients(broadcast, only_if=bool(troubled))
        return all([await self._send(chat_id, text, markup) for chat_id in recipients])

    async def missed(self, broadcasts: Sequence[Broadcast]) -> bool:
        """One message to each coordinator for all the broadcasts they hear about: after a
        long stop, a line each rather than a message each."""
        told: dict[int, list[Broadcast]] = {}
        for broadcast in broadcasts:
            for chat_id in self._recipients(broadcast, only_if=True):
                told.setdefault(chat_id, []).append(broadcast)
        return all(
            [await self._send(chat_id, self._missed(listed)) for chat_id, listed in told.items()]
        )

    def _missed(self, broadcasts: list[Broadcast]) -> str:
        ui, grace = self.ui, self.grace_minutes
        if len(broadcasts) == 1:
            [broadcast] = broadcasts
            return ui.missed.format(id=broadcast.id, when=self._when(broadcast), grace=grace)
        lines = [
            ui.missed_line.format(id=broadcast.id, when=self._when(broadcast))
            for broadcast in broadcasts[:MISSED_LINES]
        ]
        if len(broadcasts) > MISSED_LINES:
            lines.append(ui.missed_more.format(count=len(broadcasts) - MISSED_LINES))
        return ui.missed_many.format(count=len(broadcasts), grace=grace, lines="\n".join(lines))

    def _when(self, broadcast: Broadcast) -> str:
        return describe(broadcast.send_at.astimezone(self.tz))

    def _recipients(self, broadcast: Broadcast, *, only_if: bool) -> list[int]:
        """The coordinator who made it; for calendar reminders, admins when it matters."""
        if broadcast.created_by is not None:
            return [broadcast.created_by]
        return sorted(self.admin_ids) if only_if else []

    async def _send(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> bool:
        """False when Telegram could not take it now (say it again later); a chat that blocked
        the bot or is gone will not take it ever, so that counts as done."""
        try:
            with unprompted():
                await self.bot.send_message(
                    chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
                )
        except (BadRequest, Forbidden) as exc:
            log.warning("a broadcast report cannot reach %s: %s", chat_id, exc)
        except TelegramError as exc:
            log.warning("could not send a broadcast report to %s now: %s", chat_id, exc)
            return False
        return True

    async def _edit(
        self, broadcast: Broadcast, text: str, markup: InlineKeyboardMarkup | None
    ) -> bool:
        """Edits the progress message; False if it is gone (a new one is sent instead)."""
        assert broadcast.progress_message_id is not None
        chat_id = broadcast.progress_chat_id or broadcast.created_by
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=broadcast.progress_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except BadRequest as exc:
            return not_modified(exc)
        except TelegramError as exc:
            log.warning("could not edit progress of broadcast %s: %s", broadcast.id, exc)
        return True

    def _duration(self, seconds: float | None) -> str:
        if seconds is None:
            return self.ui.eta_unknown
        if seconds < 60:
            return self.ui.eta_seconds.format(n=max(1, round(seconds)))
        return self.ui.eta_minutes.format(n=round(seconds / 60))
