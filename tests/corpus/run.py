"""Run corpus entries through validate, status, tally and site build, one forked child per entry under limits.

    python tests/corpus/run.py BASE_DIR WORK_DIR < jobs.json > results.json

jobs.json: a list of {"name", "files": {place: absolute source path or null to delete}, "nep"}. For each
job a copy of BASE_DIR gets the files; a child process forked from this (already warm) interpreter sets
RLIMIT_AS and RLIMIT_CPU, runs the four commands in-process with NEP_DEBUG=1 (an internal error raises),
and reports. The parent records a child that a limit killed (SIGXCPU, SIGKILL, MemoryError) as a failure.
Result per job: {"name", "runs": [[command, exit code]], "slugs": [...], "error": traceback or null}.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import shutil
import signal
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

MEMORY_BYTES = 2 << 30
CPU_SECONDS = 60
AS_OF = "2026-12-01T00:00:00Z"


def run_job(repo: Path, nep: int) -> dict:
    from tooling.cli import main

    os.environ["NEP_DEBUG"] = "1"
    runs, slugs = [], set()
    commands = [["validate", "--format", "json"], ["status", "--format", "json"],
                ["tally", str(nep), "--format", "json"], ["site", "build", "--out", str(repo.parent / "_site")]]
    for cmd in commands:
        args = cmd[:2] if cmd[0] == "site" else cmd[:1]
        rest = cmd[2:] if cmd[0] == "site" else cmd[1:]
        # Strict UTF-8 text streams, as a terminal or pipe under a UTF-8 locale: a name that cannot be
        # encoded must be handled by nep, not by a forgiving StringIO.
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="")
        err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main([*args, "--repo", str(repo), "--at", AS_OF, *rest])
        out.flush()
        err.flush()
        out_text = out.buffer.getvalue().decode("utf-8")
        err_text = err.buffer.getvalue().decode("utf-8")
        runs.append([" ".join(args), rc, err_text[-300:] if rc not in (0, 1) else ""])
        if cmd[0] == "validate":
            try:
                doc = json.loads(out_text)
                slugs |= {d["slug"] for d in doc.get("diagnostics", [])}
            except json.JSONDecodeError:
                runs.append(["validate output is not JSON", -1, out_text[:300]])
    return {"runs": runs, "slugs": sorted(slugs)}


def child(repo: Path, nep: int, result_path: Path) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))
    try:
        res = run_job(repo, nep)
        res["error"] = None
    except BaseException:  # noqa: BLE001 - every escape is the finding this runner exists to report
        res = {"runs": [], "slugs": [], "error": traceback.format_exc()[-4000:]}
    result_path.write_text(json.dumps(res), encoding="utf-8")


def _share_template_bytecode() -> None:
    """Every site build makes a fresh jinja2 Environment and compiles the templates again (0.4 s of the
    0.8 s of CPU per corpus entry); one in-memory bytecode cache shared by all of them keeps the corpus run
    within CI's time. Compiled templates are the same either way: only the compile step is skipped."""
    import jinja2

    class Memory(jinja2.BytecodeCache):
        store: dict[str, bytes] = {}

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            if bucket.key in self.store:
                bucket.bytecode_from_string(self.store[bucket.key])

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            self.store[bucket.key] = bucket.bytecode_to_string()

    cache = Memory()
    init = jinja2.Environment.__init__

    def patched(self: jinja2.Environment, *args: object, **kw: object) -> None:
        kw.setdefault("bytecode_cache", cache)
        init(self, *args, **kw)  # type: ignore[arg-type]

    jinja2.Environment.__init__ = patched  # type: ignore[method-assign]


def main() -> int:
    base, work = Path(sys.argv[1]), Path(sys.argv[2])
    jobs = json.load(sys.stdin)
    import tooling.cli  # noqa: F401 - warm the imports once; every child inherits them
    from tooling.cli import build_parser  # noqa: F401
    import tooling.present.site  # noqa: F401
    import tooling.checks.validation  # noqa: F401

    _share_template_bytecode()
    results = []
    for i, job in enumerate(jobs):
        repo = work / f"job{i}" / "repo"
        shutil.copytree(base, repo, symlinks=True)
        for place, src in job["files"].items():
            target = repo / place
            if src is None:
                target.unlink(missing_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
        result_path = work / f"job{i}" / "result.json"
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                child(repo, job.get("nep", 1), result_path)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        if result_path.exists():
            res = json.loads(result_path.read_text(encoding="utf-8"))
        else:
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            name = signal.Signals(sig).name if sig else f"exit {os.WEXITSTATUS(status)}"
            res = {"runs": [], "slugs": [], "error": f"child ended by {name} (resource limit: {CPU_SECONDS} s CPU, "
                                                      f"{MEMORY_BYTES >> 20} MiB address space)"}
        res["name"] = job["name"]
        results.append(res)
        shutil.rmtree(work / f"job{i}", ignore_errors=True)
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
