"""Telegram adapters, one package per feature (residents, volunteers, reports, broadcasts,
coordinators, subscriptions), each with `register(app, services)` called from the one ordered
block in bot/app.py. Features share only `handlers.kit`; the import contract keeps it so."""
