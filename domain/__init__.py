"""What the bot does, as plain functions and classes callable without Telegram: answering a
question, a volunteer's reports and their page, the coordinators' exports. The handlers, the
CLI and the web dashboard call these; broadcasting lives in `scheduler/`."""
