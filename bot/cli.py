"""The `pufa` command line."""

import argparse
import asyncio
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from telegram.error import BadRequest, InvalidToken, NetworkError

from bot.cli_parser import ChineseParser
from bot.cli_text import cli_text
from bot.settings import TELEGRAM_API, ConfigurationError, Settings, load_settings
from content.loader import ContentError
from content.problems import os_reason
from storage.db import (
    NewerDatabase,
    NoDatabase,
    head_revisions,
    masked_url,
    no_such_schema,
    refused,
    sqlite_file,
    unavailable,
)

EXIT_LOST_LOCK = 75  # EX_TEMPFAIL: start again (systemd `Restart=on-failure` does)

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):  # no command, or a group's (pufa db) without its action
        getattr(args, "group", parser).print_help()
        return 2
    try:
        return _explained(args.handler, args, load_settings())
    except ConfigurationError as error:  # every command's settings, and what it checks itself
        print(error, file=sys.stderr)
        return 2


def _explained(handler: Handler, args: argparse.Namespace, settings: Settings) -> int:
    """The command's exit code; what an operator can fix said in one line (exit 1) instead
    of a traceback, and content that fails its checks listed as `pufa content check` does."""
    try:
        return handler(args, settings)
    except ConfigurationError:
        raise
    except ContentError:
        return _content_check(args, settings)
    except NoDatabase as error:  # a command that must not create the database it reads
        missing = "db.missing" if error.file else "db.missing_postgresql"
        print(cli_text(missing, path=error.where), file=sys.stderr)
        return 1
    except Exception as error:
        problem = _cannot_start(settings, error)
        if problem is None:
            raise
        print(problem, file=sys.stderr)
        return 1


def _parser() -> ChineseParser:
    parser = ChineseParser(prog="pufa", description=cli_text("help.pufa"))
    sub = parser.add_subparsers(metavar="COMMAND")
    _command(sub, "run", cli_text("help.run"), _serve).set_defaults(webhook=False)
    webhook = _command(sub, "webhook", cli_text("help.webhook"), _serve)
    webhook.set_defaults(webhook=True)
    demo = _command(sub, "demo", cli_text("help.demo"), _demo)
    demo.add_argument("--port", type=int, default=None, help=cli_text("help.demo_port"))
    ask = _command(sub, "ask", cli_text("help.ask"), _ask)
    ask.add_argument("--json", action="store_true", help=cli_text("help.ask_json"))
    ask.add_argument(
        "question",
        type=_question,
        metavar=cli_text("help.ask_question_name"),
        help=cli_text("help.ask_question"),
    )
    content = _group(sub, "content", cli_text("help.content"))
    _command(content, "check", cli_text("help.content_check"), _content_check)
    qr = _command(content, "qr", cli_text("help.content_qr"), _content_qr)
    qr.add_argument("card_id")
    qr.add_argument("-o", "--output", help=cli_text("help.qr_output"))
    qr.add_argument("--bot", help=cli_text("help.qr_bot"))
    qr.add_argument("--poster", action="store_true", help=cli_text("help.qr_poster"))
    qr.add_argument(
        "--place", metavar=cli_text("help.qr_place_name"), help=cli_text("help.qr_place")
    )
    db = _group(sub, "db", cli_text("help.db"))
    _command(db, "upgrade", cli_text("help.db_upgrade"), _db_upgrade)
    backup = _command(db, "backup", cli_text("help.db_backup"), _db_backup)
    backup.add_argument("file", help=cli_text("help.db_backup_file"))
    backup.add_argument("--force", action="store_true", help=cli_text("help.db_backup_force"))
    directory = _group(sub, "directory", cli_text("help.directory"))
    imp = _command(directory, "import", cli_text("help.directory_import"), _directory_import)
    imp.add_argument("file", type=Path)
    imp.add_argument("--append", action="store_true", help=cli_text("help.directory_append"))
    advisers = _group(sub, "advisers", cli_text("help.advisers"))
    adv = _command(advisers, "import", cli_text("help.advisers_import"), _advisers_import)
    adv.add_argument("file", type=Path)
    _export_commands(sub)
    verify = _command(sub, "verify", cli_text("help.verify"), _verify)
    verify.add_argument("code")
    return parser


PHONE_KINDS = ("reports", "hours")  # the exports with volunteers' phone numbers
EXPORT_KIND_NAMES = {  # how export.empty names what it found nothing of
    "reports": "export_kind.reports",
    "hours": "export_kind.hours",
    "satisfaction": "export_kind.satisfaction",
    "reach": "export_kind.reach",
    "tickets": "export_kind.tickets",
}


def _export_commands(sub: "argparse._SubParsersAction[ChineseParser]") -> None:
    export = _group(
        sub, "export", cli_text("help.export"), cli_text("help.export_description"), "WHAT"
    )
    for name, help_text in (
        ("reports", cli_text("help.export_reports")),
        ("hours", cli_text("help.export_hours")),
        ("satisfaction", cli_text("help.export_satisfaction")),
        ("tickets", cli_text("help.export_tickets")),
        ("reach", cli_text("help.export_reach")),
    ):
        command = _command(export, name, help_text, _export)
        command.add_argument(
            "--from",
            dest="start",
            type=_day,
            required=True,
            metavar="YYYY-MM-DD",
            help=cli_text("help.export_from"),
        )
        command.add_argument(
            "--to",
            dest="end",
            type=_day,
            required=True,
            metavar="YYYY-MM-DD",
            help=cli_text("help.export_to"),
        )
        command.add_argument(
            "--format",
            choices=("xlsx", "csv"),
            default="xlsx",
            help=cli_text("help.export_format"),
        )
        command.add_argument("-o", "--output", help=cli_text("help.export_output"))
        command.add_argument(
            "--no-phone",
            action="store_true",
            # accepted by every kind so that the others can say why it does not apply
            help=cli_text("help.export_no_phone") if name in PHONE_KINDS else argparse.SUPPRESS,
        )
        command.set_defaults(what=name)

    evidence = _command(
        export,
        "evidence",
        cli_text("help.export_evidence"),
        _export_evidence,
    )
    evidence.add_argument(
        "--year", type=_year, required=True, metavar="YYYY", help=cli_text("help.export_year")
    )
    evidence.add_argument("-o", "--output", help=cli_text("help.evidence_output"))


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4 and 1900 <= int(text) <= 2100):
        raise argparse.ArgumentTypeError(cli_text("export.year", text=text))
    return int(text)


def _export_evidence(args: argparse.Namespace, settings: Settings) -> int:
    from bot.exports import export_evidence

    table = asyncio.run(export_evidence(settings, args.year))
    if not table.rows:
        print(cli_text("export.empty_year", year=args.year), file=sys.stderr)
        return 1
    _write_export(_output(args.output, f"evidence_{args.year}.xlsx"), table.data)
    return 0


def _question(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError(cli_text("ask.empty"))
    return text


def _output(given: str | None, default_name: str) -> Path:
    """Where a command writes its file: the path given; the default name inside it when it
    names a folder (one that exists, or any path ending in /); the default name here."""
    if given is None:
        return Path(default_name)
    return Path(given) / default_name if _names_folder(given) else Path(given)


def _names_folder(given: str) -> bool:
    return given.endswith(("/", os.sep)) or Path(given).is_dir()


def _write_export(output: Path, data: bytes) -> None:
    """Writes an export readable by its owner only (volunteers' phone numbers, residents'
    figures), also over an older file that others could read."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(data)
    print(cli_text("export.written", path=output, size=len(data)))


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    from bot.exports import verify_code

    verdict = asyncio.run(verify_code(settings, args.code))
    print(verdict.text, file=sys.stdout if verdict.genuine else sys.stderr)
    return 0 if verdict.genuine else 1


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(cli_text("export.day", text=text)) from None


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.exports import export_data

    if args.end < args.start:
        print(cli_text("export.to_before_from"), file=sys.stderr)
        return 2
    if args.no_phone and args.what not in PHONE_KINDS:
        print(cli_text("export.no_phone", kind=args.what), file=sys.stderr)
        return 2
    table = asyncio.run(
        export_data(
            settings, args.what, args.start, args.end, args.format, with_phone=not args.no_phone
        )
    )
    if not table.rows:  # like grep finding nothing: one line, no file, exit status 1
        kind = cli_text(EXPORT_KIND_NAMES[args.what])
        print(cli_text("export.empty", start=args.start, end=args.end, kind=kind), file=sys.stderr)
        return 1
    name = f"{args.what}_{args.start}_{args.end}.{args.format}"
    _write_export(_output(args.output, name), table.data)
    return 0


def _group(
    sub: "argparse._SubParsersAction[ChineseParser]",
    name: str,
    help_text: str,
    description: str | None = None,
    metavar: str = "ACTION",
) -> "argparse._SubParsersAction[ChineseParser]":
    """A command of several actions (pufa db upgrade|backup): typed alone, `main` shows its
    own help, the actions it has."""
    parser = sub.add_parser(name, help=help_text, description=description or help_text)
    parser.set_defaults(group=parser)
    return parser.add_subparsers(metavar=metavar)


def _command(
    sub: "argparse._SubParsersAction[ChineseParser]",
    name: str,
    help_text: str,
    handler: Handler,
) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    return parser


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """`pufa run` (long polling) and `pufa webhook`."""
    from bot.instance import LostLock
    from bot.logging_setup import setup_logging
    from bot.runners import run_polling, run_webhook

    if not settings.token:
        raise ConfigurationError(cli_text("run.no_token"))
    setup_logging(settings.log_level, settings.log_format)
    runner = run_webhook if args.webhook else run_polling
    try:
        asyncio.run(runner(settings, settings.token))
    except LostLock:
        print(cli_text("run.lost_lock"), file=sys.stderr)
        return EXIT_LOST_LOCK
    return 0


def _cannot_start(settings: Settings, error: Exception) -> str | None:
    """One line that says what is wrong and what to check (instead of a traceback), for what
    an operator can fix: the database or Telegram out of reach or refusing, a database
    migrated by a newer version, a wrong token, a port in use, a file that cannot be read or
    written."""
    from bot.runners import PortInUse

    reason = f"{type(error).__name__}: {_first_line(error)}"
    if isinstance(error, PortInUse):
        return cli_text("run.port_in_use", host=error.host, port=error.port)
    if isinstance(error, OSError) and error.filename is not None:
        return cli_text("run.file", path=error.filename, reason=os_reason(error))
    url = masked_url(settings.database_url)
    if isinstance(error, NewerDatabase):
        found, known = ", ".join(sorted(error.revisions)), ", ".join(sorted(head_revisions()))
        return cli_text("db.newer", url=url, found=found, known=known)
    if (sqlite := _sqlite_problem(settings, error)) is not None:
        return sqlite
    if settings.database_schema and no_such_schema(error):
        return cli_text(
            "run.database_schema_missing",
            url=url,
            schema=settings.database_schema,
            create=_create_schema(settings),
        )
    if refused(error):
        reason = _first_line(getattr(error, "orig", error))  # what the server said
        return cli_text("run.database_refused", url=url, reason=reason)
    if unavailable(error):
        return cli_text("run.database_unreachable", url=url, reason=reason)
    if isinstance(error, InvalidToken):  # PTB's reading of a 401 or a 404
        if settings.api_base_url != TELEGRAM_API:
            return cli_text("run.token_elsewhere", url=settings.api_base_url)
        return cli_text("run.token")
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return cli_text("run.telegram_unreachable", url=settings.api_base_url, reason=reason)
    return None


def _first_line(error: BaseException) -> str:
    """The error's own words, in one line (SQLAlchemy adds a second: "(Background on ...)")."""
    return (str(error).strip().splitlines() or [""])[0][:200]


def _sqlite_problem(settings: Settings, error: Exception) -> str | None:
    """What SQLite said of the database file, as an operator can fix it: a file or folder
    pufa may not write (SQLite makes its -wal and -shm files beside the database), or a
    file that is no SQLite database."""
    found = error if isinstance(error, sqlite3.Error) else getattr(error, "orig", None)
    path = sqlite_file(settings.database_url)
    if not isinstance(found, sqlite3.Error) or path is None:
        return None
    said = str(found).lower()
    if "readonly database" in said or "unable to open database file" in said:
        return cli_text("run.database_read_only", path=path, folder=path.parent)
    if isinstance(found, sqlite3.DatabaseError) and "not a database" in said:
        return cli_text("run.database_not_sqlite", path=path)
    return None


def _create_schema(settings: Settings) -> str:
    """The statement that creates the bot's schema, owned by the user the bot connects as."""
    user = make_url(settings.database_url).username
    owner = f" AUTHORIZATION {user}" if user else ""
    return f"CREATE SCHEMA {settings.database_schema}{owner};"


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo import run_demo
    from bot.logging_setup import setup_logging

    setup_logging(settings.log_level, settings.log_format)
    asyncio.run(run_demo(settings, settings.web_port if args.port is None else args.port))
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ask import write_previews
    from content.index_cache import cached_content

    library, index = cached_content(settings.content_dir, settings.cache_path)
    questions: Iterable[str] = (
        (line.strip() for line in sys.stdin if line.strip())
        if args.question == "-"
        else [args.question]
    )
    write_previews(library, index, questions, sys.stdout, as_json=args.json)
    return 0


def _content_check(args: argparse.Namespace, settings: Settings) -> int:
    from content.loader import CONTENT_DIR, collect

    library, problems = collect(settings.content_dir or CONTENT_DIR)
    for problem in problems:
        print(cli_text("check.error", problem=problem))
    for warning in library.warnings if library else []:
        print(cli_text("check.warning", warning=warning))
    if problems:
        print(f"\n{cli_text('check.problems', count=len(problems))}")
        return 1
    assert library is not None
    print(cli_text("check.passed", cards=len(library.cards), categories=len(library.categories)))
    return 0


def _content_qr(args: argparse.Namespace, settings: Settings) -> int:
    from content.loader import load_library
    from documents.poster import poster_png, undrawable
    from documents.qr import card_link, write_card_qr
    from domain.posters import MAX_PLACE, poster_place, poster_words

    if args.place is not None and not args.poster:
        print(cli_text("qr.place_without_poster"), file=sys.stderr)
        return 2
    place = poster_place(args.place) if args.place is not None else ""
    if place is None:
        print(cli_text("qr.place_bad", most=MAX_PLACE), file=sys.stderr)
        return 2
    username = (args.bot or settings.bot_username or "").lstrip("@")
    if not username:
        raise ConfigurationError(cli_text("qr.no_bot"))
    library = load_library(settings.content_dir)
    card = library.cards.get(args.card_id)
    if card is None:
        print(cli_text("qr.no_card", card_id=args.card_id), file=sys.stderr)
        return 1
    if not args.poster:
        output = _output(args.output, f"{args.card_id}.png")
        link = write_card_qr(username, args.card_id, output)
        print(cli_text("qr.written", path=output, link=link))
        return 0
    output = _output(args.output, f"{args.card_id}-poster.png")
    link = card_link(username, args.card_id)
    words = poster_words(library, card.title, place=place)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(poster_png(words, link, font=settings.chart_font))
    print(cli_text("qr.written", path=output, link=link))
    if dropped := undrawable(f"{card.title} {place}", font=settings.chart_font):
        print(cli_text("qr.dropped", chars=dropped))  # left off the poster, as in the chat
    return 0


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.db import Database, database_name

    async def upgrade() -> tuple[frozenset[str], frozenset[str]]:
        db = Database(settings.database_url, schema=settings.database_schema)
        try:
            return await db.upgrade()
        finally:
            await db.dispose()

    before, after = (", ".join(sorted(r)) for r in asyncio.run(upgrade()))
    where = database_name(settings.database_url, schema=settings.database_schema)
    if not before:
        print(cli_text("db.created", where=where, version=after))
    elif before != after:
        print(cli_text("db.upgraded", where=where, before=before, after=after))
    else:
        print(cli_text("db.current", where=where, version=after))
    return 0


def _db_backup(args: argparse.Namespace, settings: Settings) -> int:
    from storage.backup import (
        Corrupt,
        Exists,
        NotSqlite,
        backup_sqlite,
        dated_name,
        sqlite_path,
    )

    try:
        live = sqlite_path(settings.database_url)
    except NotSqlite:
        print(cli_text("db.postgresql_backup"), file=sys.stderr)
        return 2
    folder = _names_folder(args.file)  # the copy named by date: numbered, never replaced
    target = _output(args.file, dated_name(live, datetime.now(UTC), settings.tz))
    try:
        target, size = backup_sqlite(live, target, replace=args.force, numbered=folder)
    except Exists:
        print(cli_text("db.exists", target=target), file=sys.stderr)
        return 1
    except Corrupt as error:
        print(cli_text("db.corrupt", path=live, reason=error), file=sys.stderr)
        return 1
    print(cli_text("db.backed_up", target=target, size=size, live=live))
    return 0


def _directory_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.directory_import import import_directory

    return import_directory(settings, args.file, append=args.append)


def _advisers_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.directory_import import import_advisers

    return import_advisers(settings, args.file)


if __name__ == "__main__":
    sys.exit(main())
