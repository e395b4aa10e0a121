"""The 操作记录 page in the coordinator's words: every action the code records has a Chinese
label in ui.zh.yaml (the actions are read from the code itself), and the page shows labels and
named details, never the action ids."""

import ast
import html
import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from content.loader import Library
from dashboard.audit_log import detail_text
from domain.figures import FIGURES
from handlers.broadcasts import campaigns, draft, scheduled
from handlers.coordinators import review
from handlers.coordinators.roles import RoleButton
from handlers.quiz import creation
from handlers.tickets import STAFF_ACTIONS
from storage.audit import record
from storage.models import GapDecision
from tests.dashboard.conftest import BOB, EAST, Board, seed
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.volunteer_steps import answer_question

TZ = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "dashboard", "handlers", "domain", "scheduler", "storage")

# The functions that record an action: where their action argument is (None: the keyword
# `action=`) and what they put before it. Calls inside these functions pass their own
# caller's action on, so the callers are the ones read.
RECORDERS: dict[str, tuple[int | None, str]] = {
    "record": (None, ""),
    "audit": (2, ""),  # handlers.coordinators.common.audit(ctx, update, action)
    "require_coordinator": (2, ""),
    "coordinator_here": (2, ""),
    "require_role": (3, ""),
    "staff_ticket": (3, "ticket-"),
}
DASHBOARD_AUDIT = (1, "dashboard.")  # dashboard.common.audit(request, action)

# Actions that are not a literal where they are recorded: (file, argument) -> its values.
DYNAMIC: dict[tuple[str, str], set[str]] = {
    ("handlers/coordinators/exports.py", "action"): (
        {"export", "hours"} | {f"export.{name}" for name in FIGURES}
    ),
    ("handlers/coordinators/roles.py", "action"): set(RoleButton),
    ("handlers/coordinators/roles.py", "chosen[0]"): set(RoleButton),
    ("handlers/kit/conversation.py", "chat.flow.name"): {  # the coordinators' chats
        draft.FLOW, scheduled.EDIT_FLOW, campaigns.EDIT_FLOW, creation.FLOW, review.REASON_FLOW,
    },
    ("handlers/coordinators/review.py", "f'report.{verdict.value}'"): {
        "report.verified", "report.returned",
    },
    ("dashboard/reports.py", "f'report.{chosen.value}'"): {"report.verified", "report.returned"},
    ("handlers/tickets/staff.py", "action.value"): {a.value for a in STAFF_ACTIONS},
    ("handlers/tickets/moving.py", "f'ticket-{action.value}'"): {"ticket-move", "ticket-to"},
    ("dashboard/volunteers.py", "action"): {"promote", "demote"},
    ("dashboard/gaps.py", "f'gap.{decision.value}'"): {
        f"gap.{d.value}" for d in (GapDecision.IGNORED, GapDecision.OUT_OF_SCOPE)
    },
}  # fmt: skip


def _constants(tree: ast.Module) -> dict[str, str]:
    """The module's NAME = "text" constants."""
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        if isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _values(arg: ast.expr, where: str, constants: dict[str, str]) -> set[str]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return {arg.value}
    if isinstance(arg, ast.Name) and arg.id in constants:
        return {constants[arg.id]}
    if isinstance(arg, ast.IfExp):
        return _values(arg.body, where, constants) | _values(arg.orelse, where, constants)
    known = DYNAMIC.get((where, ast.unparse(arg)))
    assert known is not None, f"{where}: which actions can {ast.unparse(arg)} be? (DYNAMIC)"
    return known


def _calls(node: ast.AST) -> Iterator[ast.Call]:
    """The calls under `node`, leaving out those inside the recorders themselves."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and child.name in RECORDERS:
            continue
        if isinstance(child, ast.Call):
            yield child
        yield from _calls(child)


def recorded_actions() -> set[str]:
    """Every action id the code can record."""
    found: set[str] = set()
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = _constants(tree)
            for call in _calls(tree):
                name = getattr(call.func, "id", getattr(call.func, "attr", ""))
                if name not in RECORDERS:
                    continue
                if name == "require_role" and ast.unparse(call.args[2]) == "Role.VOLUNTEER":
                    continue  # a volunteer refused is not recorded
                position, prefix = RECORDERS[name]
                if name == "audit" and package == "dashboard":
                    position, prefix = DASHBOARD_AUDIT
                if position is None:
                    args = [k.value for k in call.keywords if k.arg == "action"]
                else:
                    args = call.args[position : position + 1]
                assert len(args) == 1, f"{where}:{call.lineno}: where is the action?"
                found |= {prefix + value for value in _values(args[0], where, constants)}
    return found


def test_every_recorded_action_has_a_chinese_label(library: Library) -> None:
    recorded, labelled = recorded_actions(), set(library.ui.dashboard.audit_actions)
    assert {"dashboard.login", "ticket-take", "promote", "export.reach"} <= recorded
    assert sorted(recorded - labelled) == [], "recorded with no label in ui.zh.yaml"
    assert sorted(labelled - recorded) == [], "labels of actions nothing records"


ROW = re.compile(
    r"<tr><td>[^<]*</td><td>[^<]*</td>\s*<td>([^<]*)</td><td>[^<]*</td><td>([^<]*)</td>"
    r"<td>([^<]*)</td></tr>"
)


async def test_audit_page_shows_labels_and_named_details(
    board: Board, client: aiohttp.ClientSession, library: Library
) -> None:
    await seed(board)
    harness = board.harness
    await harness.ask(harness.api.user(7_400_001), "/stats")  # a resident: refused
    await board.signed_in(client)
    base = board.base
    csrf = await board.csrf(client, "/dashboard/volunteers")
    form = {"csrf": csrf, "town": EAST, "days": "7", "single": "1"}
    async with client.post(f"{base}/dashboard/volunteers/invite", data=form) as response:
        assert response.status == 200
    async with client.get(f"{base}/dashboard/reports/export?town={EAST}&phone=1") as response:
        assert response.status == 200
    async with client.get(f"{base}/dashboard/audit") as response:
        rows = [tuple(map(html.unescape, r)) for r in ROW.findall(await response.text())]
    labels = library.ui.dashboard.audit_actions
    assert [action for action, _, _ in rows] == [
        labels["dashboard.export"],
        labels["dashboard.invite"],
        labels["dashboard.login"],
        labels["dashboard.link"],
        labels["stats"],
    ]
    export, invite = rows[0][2], rows[1][2]
    assert f"乡镇：{EAST}" in export and "含电话：是" in export and "xlsx" in export
    assert invite == f"乡镇：{EAST} 单次：是 天数：7"
    assert rows[-1][1] == "拒绝"


TARGET = re.compile(r"<tr><td>[^<]*</td><td>[^<]*</td>\s*<td>([^<]*)</td><td>([^<]*)</td>")


async def test_role_changes_name_the_person_whose_role_changed(
    board: Board, client: aiohttp.ClientSession, library: Library
) -> None:
    """对象 of a promotion or demotion, from the dashboard or the chat, is the person's name
    (with the id), as 谁 is; an id the bot has no name for stays an id."""
    await seed(board)
    harness = board.harness
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/volunteers")
    form = {"csrf": csrf, "telegram_id": str(BOB), "action": "promote", "confirmed": "1"}
    async with client.post(f"{board.base}/dashboard/volunteers/roles", data=form) as response:
        assert response.status == 200
    admin = harness.api.user(ADMIN_ID)
    question = await harness.ask(admin, f"/demote {BOB}")
    await answer_question(harness, admin, question, harness.ui.volunteers.confirm_yes)
    async with harness.services.db.session() as session:
        await record(
            session=session,
            actor_id=ADMIN_ID,
            action="promote",
            target="7299999",
            now=harness.services.now(),
        )
    async with client.get(f"{board.base}/dashboard/audit") as response:
        rows = [tuple(map(html.unescape, r)) for r in TARGET.findall(await response.text())]
    labels = library.ui.dashboard.audit_actions
    assert rows[:3] == [
        (labels["promote"], "7299999"),
        (labels["demote"], f"王强（{BOB}）"),
        (labels["dashboard.promote"], f"王强（{BOB}）"),
    ]


# Details as the code records them (the rest record none, or an id or a period).
DETAILS: dict[str, list[str]] = {
    "invite": ["town=示例县东山镇 single=True days=7"],
    "report.verify_batch": [
        "review=pending verified=1 changed=1 skipped=0",
        "start=2026-11-01 end=2026-11-30 town=示例县东山镇 verified=0 changed=0 skipped=2",
    ],
    "report.verified": ["done", "already", "changed", "not_found"],
    "report.returned": ["done"],
    "export": ["start=2026-11-01 end=2026-11-30 review=verified xlsx phone=False"],
    "stats": ["2026-11-01 ~ 2026-11-30"],
    "hours": ["2026-11-01 ~ 2026-11-30 csv"],
    "verify": ["genuine=True"],
    "directory.import": ["12 append=False"],
    "gap.undone": ["ignored", "out_of_scope"],
    "qr": ["report 12"],
    "broadcast.create": [
        "all: at 2026-12-05T20:00:00+08:00",
        "volunteers:示例县东山镇 at 2026-12-05T04:00:00+00:00",
    ],
    "broadcast.resend": ["of 12: 3"],
    "broadcast.reschedule": ["2026-12-06T12:00:00+08:00"],
    "campaign.dates": ["2026-09-14..2026-09-20"],
    "content.edit": [
        "sample question for domestic-violence: 他总动手怎么办",
        "sample question withdrawn from domestic-violence: 他总动手怎么办",
        "synonym 欠条 = 借条",
        "synonym withdrawn: 欠条 = 借条",
        "labelled none: 明天天气怎么样",
        "labelled domestic-violence: 他总动手怎么办",
        "label withdrawn: 明天天气怎么样",
    ],
}
RAW = re.compile(r"=|\d{4}-\d{2}-\d{2}|T\d{2}:|\b(?!csv\b|xlsx\b)[A-Za-z_]{2,}")


def test_every_actions_details_read_in_chinese_with_local_times(library: Library) -> None:
    """No key=value, English word or ISO time is left on the 操作记录 page."""
    ui, recorded = library.ui.dashboard, recorded_actions()
    titles = {card.id: card.title for card in library.cards.values()}
    for action, details in DETAILS.items():
        for name in (action, f"dashboard.{action}"):
            if name not in recorded:
                continue
            for detail in details:
                shown = detail_text(detail, ui, TZ, titles)
                assert RAW.search(shown) is None, (name, detail, shown)
    assert {a for a in DETAILS if a not in recorded and f"dashboard.{a}" not in recorded} == set()
    assert detail_text("2026-12-06T12:00:00+08:00", ui, TZ) == "12月6日 12:00"
    assert detail_text("all: at 2026-12-05T20:00:00+08:00", ui, TZ) == (
        "对象：所有订阅者 时间：12月5日 20:00"
    )
    assert detail_text("review=pending verified=1 changed=1 skipped=0", ui, TZ) == (
        "审核状态：待审核 核实：1 已被修改未核实：1 跳过：0"
    )
