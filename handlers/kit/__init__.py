"""The small kit every feature package shares: typed context and services, callback data,
replies, role checks, the guard, the one conversation mechanism, menus and the last-resort
handlers. A feature imports only this kit and the layers below `handlers/`."""
