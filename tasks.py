#!/usr/bin/env python3
"""One-command set-up for a fresh clone; needs only Python 3.11+.

python3 tasks.py demo    # set up, then start the demo (web chat at http://127.0.0.1:8080)
python3 tasks.py test    # set up, then run lint, type checks, content check and the tests
"""

import os
import socket
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# The project's packages, as pyproject.toml lists them for the install.
PACKAGES = tuple(
    pattern.rstrip("*")
    for pattern in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["packages"]["find"]["include"]
)
PG_DEFAULT = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def setup() -> None:
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    # An editable install leaves the project's bytecode to be written on first import, which
    # never happens where PYTHONDONTWRITEBYTECODE is set: every start would compile it again.
    compileall = [str(BIN / "python"), "-m", "compileall", "-q", "-j", "0"]
    subprocess.run([*compileall, *(str(ROOT / p) for p in PACKAGES)], check=True)


def run(*command: str, env: dict[str, str] | None = None) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run([str(BIN / command[0]), *command[1:]], check=True, cwd=ROOT, env=env)


def postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def test() -> None:
    env = dict(os.environ)
    if "PUFA_TEST_DATABASE_URL" not in env and postgres_answers():
        env["PUFA_TEST_DATABASE_URL"] = PG_DEFAULT
    print("PostgreSQL tests:", "on" if env.get("PUFA_TEST_DATABASE_URL") else "off (no server)")
    run("ruff", "check", ".")
    run("ruff", "format", "--check", ".")
    run("mypy", ".")
    run("lint-imports")
    run("pufa", "content", "check")
    # One worker more than cores: every test has its own temp dir, database (or PostgreSQL
    # schema), loopback port and clock, so they run side by side, and about a third of the
    # suite's time is waiting (bot processes, Telegram's timeouts), which the extra worker
    # fills; idle workers take tests from busy ones (worksteal).
    workers = str((os.cpu_count() or 1) + 1)
    run("pytest", "-q", "-n", workers, "--dist", "worksteal", env=env)


def main() -> int:
    task = sys.argv[1] if len(sys.argv) > 1 else ""
    if task not in {"demo", "test"}:
        print(__doc__)
        return 2
    setup()
    try:
        if task == "test":
            test()
        else:
            run("pufa", "demo")
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
