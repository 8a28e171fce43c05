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


#: Runs the measured command and reports its wait4 figures. Linux gives a child the peak memory of the
#: process it was forked from: timed from the benchmark itself (which holds the synthetic repository),
#: every figure would read at least the benchmark's own size. This small interpreter is that parent instead.
_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - start
report = [seconds, os.waitstatus_to_exitcode(status), usage.ru_maxrss, usage.ru_utime + usage.ru_stime]
os.write(int(sys.argv[1]), json.dumps(report).encode())
"""


def timed(cmd: Sequence[str], cwd: Path, out_file: Path, env: dict[str, str]) -> Run:
    """Run ``cmd`` with its standard output in ``out_file``; the peak RSS is that of the process (``wait4``),
    measured by a small launcher so that it is not the benchmark's own (see ``_LAUNCHER``)."""
    import json
    import resource

    with open(out_file, "wb") as out, tempfile.TemporaryFile() as err:
        if hasattr(os, "wait4"):
            read_end, write_end = os.pipe()
            try:
                launcher = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(write_end), *cmd], cwd=cwd, env=env,
                                            stdout=out, stderr=err, pass_fds=(write_end,))
            finally:
                os.close(write_end)
            with os.fdopen(read_end, "rb") as reader:
                report = reader.read()
            launcher.wait()
            seconds, code, rss, cpu = json.loads(report) if report else (0.0, launcher.returncode or 1, 0, 0.0)
        else:  # pragma: no cover - not Unix
            start = time.perf_counter()
            proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=out, stderr=err)
            proc.wait()
            seconds = time.perf_counter() - start
            code = proc.returncode
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            cpu = 0.0
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return Run(seconds, code, _maxrss_mb(rss), tail, cpu)


def tool(*args: str) -> list[str]:
    """``nep ARGS`` as a fresh interpreter: start-up and imports are part of what a user waits for."""
    return [sys.executable, "-m", "tooling", *args]
