"""What every part of the benchmark shares: its error, its constants, its door to git, its progress log.

Every git process goes through ``tooling.shell.git``, the tool's one git runner.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TextIO

from tooling.shell import git as gitrun

GENESIS = 1_767_225_600  # 2026-01-01T00:00:00Z
DAY = 86_400
HOUR = 3_600
#: Seconds between the last commit of the history and the benchmark's --at.
AS_OF_AFTER_HEAD = HOUR
SEED = 20_260_101


class BenchError(Exception):
    """The benchmark cannot run with these arguments or in this environment (the CLI's usage error)."""


def checkout() -> Path:
    """The folder that holds the ``tooling`` package being measured."""
    return Path(__file__).resolve().parents[2]


def rfc3339(t: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def date_of(t: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(t))


def tool_env(cache_dir: Path | None = None) -> dict[str, str]:
    """The environment of every timed process: the checkout importable, no user git configuration,
    and the tool's caches in ``cache_dir`` (``NEP_CACHE_DIR``) so that a cold run can empty them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, NO_COLOR="1")
    root = str(checkout())
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if cache_dir is not None:
        env["NEP_CACHE_DIR"] = str(cache_dir)
    return env


def git_bytes(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """``git ARGS`` in ``repo`` through the tool's one git runner; git's complaint becomes a BenchError."""
    try:
        return gitrun.git(repo, *args, input=stdin)
    except gitrun.HistoryError as exc:
        raise BenchError(str(exc)) from None


def run_git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    return git_bytes(repo, *args, stdin=stdin).decode("utf-8", "replace")


def say(log: TextIO | None, message: str) -> None:
    if log is not None:
        log.write(f"[bench] {message}\n")
        log.flush()
