"""The `pufa` command line."""

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

from telegram.error import BadRequest, InvalidToken, NetworkError

from bot.cli_parser import ChineseParser
from bot.settings import ConfigurationError, Settings, load_settings
from content.loader import ContentError
from storage.db import masked_url, refused, unavailable

EXIT_LOST_LOCK = 75  # EX_TEMPFAIL: start again (systemd `Restart=on-failure` does)

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
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
    except Exception as error:
        problem = _cannot_start(settings, error)
        if problem is None:
            raise
        print(problem, file=sys.stderr)
        return 1


def _parser() -> ChineseParser:
    parser = ChineseParser(prog="pufa", description="普法小助手 Telegram 机器人")
    sub = parser.add_subparsers(metavar="COMMAND")
    _command(sub, "run", "用 PUFA_BOT_TOKEN 轮询 Telegram", _serve).set_defaults(webhook=False)
    webhook = _command(sub, "webhook", "以 webhook 方式运行（PUFA_WEBHOOK_URL/SECRET）", _serve)
    webhook.set_defaults(webhook=True)
    demo = _command(sub, "demo", "无需 token：本地 Bot API 服务器 + 网页聊天", _demo)
    demo.add_argument("--port", type=int, default=None, help="网页端口（默认 PUFA_WEB_PORT）")
    ask = _command(sub, "ask", "不经过 Telegram 预览回答", _ask)
    ask.add_argument("--json", action="store_true", help="每个问题输出一行 JSON")
    ask.add_argument(
        "question", type=_question, metavar="问题", help="问题；用 - 从标准输入每行读一个问题"
    )
    content = sub.add_parser("content", help="内容工具").add_subparsers(metavar="ACTION")
    _command(content, "check", "检查卡片、分类、词表和界面文字", _content_check)
    qr = _command(content, "qr", "生成打开某张卡片的二维码 PNG", _content_qr)
    qr.add_argument("card_id")
    qr.add_argument("-o", "--output", help="输出文件或文件夹（默认 <card_id>.png）")
    qr.add_argument("--bot", help="机器人用户名（默认 PUFA_BOT_USERNAME）")
    db = sub.add_parser("db", help="数据库").add_subparsers(metavar="ACTION")
    _command(db, "upgrade", "升级数据库结构到最新", _db_upgrade)
    backup = _command(db, "backup", "在机器人运行时备份 SQLite 数据库（一致的副本）", _db_backup)
    backup.add_argument(
        "file", help="备份文件（已存在则替换）或文件夹（在里面建 <数据库名>-<日期>.db）"
    )
    directory = sub.add_parser("directory", help="法律服务点名录").add_subparsers(metavar="ACTION")
    imp = _command(directory, "import", "从 CSV 导入名录（默认替换全部）", _directory_import)
    imp.add_argument("file", type=Path)
    imp.add_argument("--append", action="store_true", help="追加而不是替换")
    advisers = sub.add_parser("advisers", help="村（社区）法律顾问").add_subparsers(
        metavar="ACTION"
    )
    adv = _command(advisers, "import", "从 CSV 导入法律顾问（替换全部）", _advisers_import)
    adv.add_argument("file", type=Path)
    _export_commands(sub)
    verify = _command(sub, "verify", "核验志愿服务时长证明的验证码", _verify)
    verify.add_argument("code")
    return parser


PHONE_KINDS = ("reports", "hours")  # the exports with volunteers' phone numbers


def _export_commands(sub: "argparse._SubParsersAction[ChineseParser]") -> None:
    export = sub.add_parser(
        "export",
        help="导出统计表格（活动报告、服务时长、满意度、留言、二维码、考核材料）",
        description="把统计数据导出成表格（默认 xlsx），不用打开 Telegram。",
    ).add_subparsers(metavar="WHAT")
    for name, help_text in (
        ("reports", "活动报告：一次活动一行（志愿者、乡镇、日期、类型、受众人数、时长、摘要）"),
        ("hours", "服务时长：每位志愿者一行（活动次数、受众人数、总时长，开志愿服务记录证明用）"),
        ("satisfaction", "满意度测评：居民点的 👍 / 👎，按类型、乡镇、卡片和月份统计"),
        ("tickets", "留言：居民给值班人员的留言，按值班台和月份统计收到、按时答复和满意度"),
        ("reach", "二维码：每个二维码在这段时间带来的新居民、他们的提问和订阅"),
    ):
        command = _command(export, name, help_text, _export)
        command.add_argument(
            "--from", dest="start", type=_day, required=True, metavar="YYYY-MM-DD", help="开始日期"
        )
        command.add_argument(
            "--to",
            dest="end",
            type=_day,
            required=True,
            metavar="YYYY-MM-DD",
            help="结束日期（含）",
        )
        command.add_argument(
            "--format", choices=("xlsx", "csv"), default="xlsx", help="xlsx（默认）或 csv"
        )
        command.add_argument("-o", "--output", help="输出文件或文件夹（默认按日期命名）")
        command.add_argument(
            "--no-phone",
            action="store_true",
            # accepted by every kind so that the others can say why it does not apply
            help="不导出志愿者的电话号码" if name in PHONE_KINDS else argparse.SUPPRESS,
        )
        command.set_defaults(what=name)

    evidence = _command(
        export,
        "evidence",
        "考核材料：一年的活动按考核指标分表，附二维码、满意度和答题",
        _export_evidence,
    )
    evidence.add_argument("--year", type=_year, required=True, metavar="YYYY", help="年份")
    evidence.add_argument("-o", "--output", help="输出文件或文件夹（默认 evidence_<年>.xlsx）")


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4 and 1900 <= int(text) <= 2100):
        raise argparse.ArgumentTypeError(f"年份应为四位数字：{text}")
    return int(text)


def _export_evidence(args: argparse.Namespace, settings: Settings) -> int:
    from bot.exports import export_evidence

    data = asyncio.run(export_evidence(settings, args.year))
    _write_export(_output(args.output, f"evidence_{args.year}.xlsx"), data)
    return 0


def _question(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("不能是空的")
    return text


def _output(given: str | None, default_name: str) -> Path:
    """Where a command writes its file: the path given; the default name inside it when it
    names a folder (one that exists, or any path ending in /); the default name here."""
    if given is None:
        return Path(default_name)
    path = Path(given)
    return path / default_name if given.endswith(("/", os.sep)) or path.is_dir() else path


def _write_export(output: Path, data: bytes) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    print(f"已导出 {output}（{len(data)} 字节）")


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    from bot.exports import verify_certificate

    found, text = asyncio.run(verify_certificate(settings, args.code))
    print(text, file=sys.stdout if found else sys.stderr)
    return 0 if found else 1


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.exports import export_data

    if args.end < args.start:
        print("--to 不能早于 --from。", file=sys.stderr)
        return 2
    if args.no_phone and args.what not in PHONE_KINDS:
        print(
            f"{args.what} 导出里没有电话号码，--no-phone 只用于 reports 和 hours。",
            file=sys.stderr,
        )
        return 2
    data = asyncio.run(
        export_data(
            settings, args.what, args.start, args.end, args.format, with_phone=not args.no_phone
        )
    )
    name = f"{args.what}_{args.start}_{args.end}.{args.format}"
    _write_export(_output(args.output, name), data)
    return 0


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
        raise ConfigurationError("请设置 PUFA_BOT_TOKEN；没有 token 可以先试试 `pufa demo`。")
    setup_logging(settings.log_level, settings.log_format)
    runner = run_webhook if args.webhook else run_polling
    try:
        asyncio.run(runner(settings, settings.token))
    except LostLock:
        print(
            "失去了实例锁（数据库连接断开），已停止工作；请由服务管理器重新启动本实例。",
            file=sys.stderr,
        )
        return EXIT_LOST_LOCK
    return 0


def _cannot_start(settings: Settings, error: Exception) -> str | None:
    """One line that says what is wrong and what to check (instead of a traceback), for what
    an operator can fix: the database or Telegram out of reach or refusing, a wrong token, a
    port in use, a file that cannot be read or written."""
    from bot.runners import PortInUse

    reason = f"{type(error).__name__}: {str(error).strip()[:200]}"
    if isinstance(error, PortInUse):
        return (
            f"端口 {error.host}:{error.port} 已被占用。"
            "请换一个 PUFA_WEB_PORT，或先停掉占用它的程序。"
        )
    if isinstance(error, OSError) and error.filename is not None:
        return f"无法读写 {error.filename}（{error.strerror}）。"
    url = masked_url(settings.database_url)
    if refused(error):
        reason = str(getattr(error, "orig", error)).strip()[:200]  # what the server said
        return f"数据库 {url} 拒绝连接（{reason}）。请检查 PUFA_DATABASE_URL 的用户、密码和库名。"
    if unavailable(error):
        return (
            f"无法连接数据库 {url}（{reason}）。"
            "请检查 PUFA_DATABASE_URL 是否正确、数据库是否已启动。"
        )
    if isinstance(error, InvalidToken):
        return "Telegram 不认这个 token，请检查 PUFA_BOT_TOKEN。"
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return (
            f"无法连接 Telegram（{settings.api_base_url}，{reason}）。"
            "请检查网络和 PUFA_API_BASE_URL。"
        )
    return None


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
        print(f"错误  {problem}")
    for warning in library.warnings if library else []:
        print(f"提示  {warning}")
    if problems:
        print(f"\n共 {len(problems)} 个问题，请修改后再运行 pufa content check。")
        return 1
    assert library is not None
    print(f"内容检查通过：{len(library.cards)} 张卡片，{len(library.categories)} 个分类。")
    return 0


def _content_qr(args: argparse.Namespace, settings: Settings) -> int:
    from content.loader import load_library
    from documents.qr import write_card_qr

    username = (args.bot or settings.bot_username or "").lstrip("@")
    if not username:
        raise ConfigurationError("请用 --bot 或 PUFA_BOT_USERNAME 指定机器人用户名。")
    library = load_library(settings.content_dir)
    if args.card_id not in library.cards:
        print(f"没有这张卡片: {args.card_id}", file=sys.stderr)
        return 1
    output = _output(args.output, f"{args.card_id}.png")
    link = write_card_qr(username, args.card_id, output)
    print(f"已生成 {output}（{link}）")
    return 0


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.db import Database

    async def upgrade() -> None:
        db = Database(settings.database_url, schema=settings.database_schema)
        await db.upgrade()
        await db.dispose()

    asyncio.run(upgrade())
    print("数据库已是最新结构。")
    return 0


def _db_backup(args: argparse.Namespace, settings: Settings) -> int:
    from storage.backup import Corrupt, NotSqlite, backup_sqlite, sqlite_path

    try:
        source = sqlite_path(settings.database_url)
    except NotSqlite:
        print(
            "PostgreSQL 请用 pg_dump 备份（例如 pg_dump -Fc -f pufa.dump 数据库名），"
            "用 pg_restore 恢复；见 README「Deployment」。",
            file=sys.stderr,
        )
        return 2
    target = _output(args.file, f"{source.stem}-{datetime.now(settings.tz).date()}.db")
    live = source.resolve()
    try:
        size = backup_sqlite(source, target)
    except FileNotFoundError:
        print(f"找不到数据库文件 {live}。", file=sys.stderr)
        return 1
    except Corrupt as error:
        print(
            f"数据库文件 {live} 已损坏或不是 SQLite 数据库（{error}），没有生成备份。",
            file=sys.stderr,
        )
        return 1
    print(
        f"已备份到 {target}（{size} 字节）。恢复：停掉机器人，删掉 {live}-wal 和 {live}-shm，"
        f"再把备份复制为 {live}。"
    )
    return 0


def _directory_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.directory_import import import_directory

    return import_directory(settings, args.file, append=args.append)


def _advisers_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.directory_import import import_advisers

    return import_advisers(settings, args.file)


if __name__ == "__main__":
    sys.exit(main())
