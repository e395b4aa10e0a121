"""Campaign reminders, broadcast planning and the delivery engine (Telegram only at the edge)."""
