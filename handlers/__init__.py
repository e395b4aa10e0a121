"""Telegram adapters: each module registers the handlers of one conversation area."""
