"""One timed process: wall seconds, exit code and peak resident memory, from the kernel's own accounting."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence




@dataclass(frozen=True)
class Run:
    seconds: float
    exit_code: int
    maxrss_mb: float
    stderr: str
    #: user + system CPU seconds of the process and the children it waited for: steadier than the wall
    #: clock on a shared machine, where waiting for a core inflates ``seconds``.
    cpu_seconds: float = 0.0


def _maxrss_mb(kb: int) -> float:
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def timed(cmd: Sequence[str], cwd: Path, out_file: Path, env: dict[str, str]) -> Run:
    """Run ``cmd`` with its standard output in ``out_file``; the peak RSS is that of the process (``wait4``)."""
    import resource

    with open(out_file, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=out, stderr=err)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            rss = usage.ru_maxrss
            cpu = usage.ru_utime + usage.ru_stime
        else:  # pragma: no cover - not Unix
            proc.wait()
            seconds = time.perf_counter() - start
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            cpu = 0.0
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return Run(seconds, proc.returncode, _maxrss_mb(rss), tail, cpu)


def tool(*args: str) -> list[str]:
    """``nep ARGS`` as a fresh interpreter: start-up and imports are part of what a user waits for."""
    return [sys.executable, "-m", "tooling", *args]
