"""pufa-bot composition root."""
