"""``nep bench``: build the synthetic repository, time every command as a user runs it, measure the floors.

Every figure is one fresh ``python -m tooling`` process (interpreter start
and imports included), timed from outside, with its peak resident memory
from the kernel (``wait4``). The passes, in order:

1. cold: each stage with no cache (emptied before every process; ``NEP_CACHE_DIR`` names it),
   then ``check-pr`` for the two pull requests and ``validate`` of one NEP file;
2. warm: the same again, nothing changed, with the caches the runs left;
3. the floors (``tooling.bench.floors``), each primitive in its own process;
4. warm after one commit that edits 1 % of the NEPs and adds 1 % more votes,
   with the floors of what that commit changed.

The assembled result and its table are in ``tooling.bench.report``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from tooling.bench import recipes
from tooling.bench.changes import PullRequest, add_one_percent, pull_requests
from tooling.bench.common import BenchError, rfc3339, run_git, say, tool_env
from tooling.bench.floors import IN_PROCESS, START_IMPORTS, Span, repository_files
from tooling.bench.generator import Synthetic, build_repository
from tooling.bench.process import Run, timed, tool
from tooling.bench.report import assemble

#: The stages whose runs write files in the repository, and which files to put back afterwards.
_RESTORE = {"advance": "neps"}


@dataclass
class Pass:
    """The runs of one pass: the five stages, the pull requests, one file."""

    stages: dict[str, Run]
    check_pr: dict[str, Run]
    validate_one: Run | None


def _env(scratch: Path) -> dict[str, str]:
    return tool_env(scratch / "cache")


def _caches(syn: Synthetic, scratch: Path) -> list[Path]:
    """Where the tool may keep caches: the folder the benchmark names (``NEP_CACHE_DIR``), and, should a
    version of the tool not read that variable, the git directory's and the work tree's older one."""
    return [scratch / "cache", syn.root / ".git" / "nep-cache", syn.root / ".nep-cache"]


def _tally_target(syn: Synthetic) -> int:
    """A NEP in voting with votes (what a user tallies), else the one with the most votes."""
    voting = [n.number for n in syn.neps if n.category == "voting" and syn.voted.get(n.number)]
    if voting:
        return voting[0]
    return max(syn.neps, key=lambda n: (len(syn.voted.get(n.number, ())), -n.number)).number


def _one_file(syn: Synthetic) -> tuple[str, list[str]]:
    """The NEP file ``validate`` checks alone, and every file that check needs."""
    number = _tally_target(syn)
    nep = next(n for n in syn.neps if n.number == number)
    named = [*nep.front.get("requires", []), *nep.front.get("supersedes", [])]
    path = f"neps/nep-{number:04d}.md"
    needs = [path, *(f"neps/nep-{m:04d}.md" for m in named), "governance.yaml", "stakes/ledger.yaml"]
    needs += [p for p in repository_files(syn.root) if p.startswith(f"votes/nep-{number:04d}/")]
    return path, needs


def _stage_command(stage: str, syn: Synthetic, scratch: Path) -> list[str]:
    repo, at = str(syn.root), str(syn.as_of)
    if stage == "validate":
        return tool("validate", "--repo", repo, "--at", at, "--format", "json")
    if stage == "tally":
        return tool("tally", str(_tally_target(syn)), "--repo", repo, "--at", at, "--format", "json")
    if stage == "status":
        return tool("status", "--repo", repo, "--at", at, "--format", "json")
    if stage == "advance":
        return tool("advance", "--repo", repo, "--at", at)
    if stage == "site":
        return tool("site", "build", "--repo", repo, "--at", at, "--out", str(scratch / "_site"))
    raise ValueError(stage)


def _one(syn: Synthetic, scratch: Path, name: str, cmd: list[str], label: str, cold: bool,
         log: TextIO | None) -> Run:
    if cold:
        for folder in _caches(syn, scratch):
            shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(scratch / "_site", ignore_errors=True)
    out = scratch / f"{name}.out"
    run = timed(cmd, syn.root, out, _env(scratch))
    if cold and (scratch / "cache").is_dir():
        # What every cold run left, together: the warm pass starts from it, as a user who ran each command once
        # does (otherwise only the last cold run's caches would be there, and no page of the site, say).
        shutil.copytree(scratch / "cache", scratch / "left", dirs_exist_ok=True)
    if name in _RESTORE:
        # The run wrote the bot fields; put the files back so every run sees the same repository.
        run_git(syn.root, "checkout", "-q", "HEAD", "--", _RESTORE[name])
    note = ""
    if run.exit_code != 0:
        note = f" exit {run.exit_code}"
        detail = run.stderr.strip() or out.read_text("utf-8", "replace")[:1500]
        say(log, f"{label} {name}: exit {run.exit_code}: {detail[-1500:]}")
    say(log, f"{label} {name}: {run.seconds:.3f} s, {run.maxrss_mb:.0f} MB{note}")
    return run


def _pass(syn: Synthetic, scratch: Path, prs: list[PullRequest], one: str | None, *, cold: bool, label: str,
          log: TextIO | None) -> Pass:
    stages = {s: _one(syn, scratch, s, _stage_command(s, syn, scratch), label, cold, log) for s in recipes.STAGES}
    checks = {}
    for pr in prs:
        cmd = tool("check-pr", "--repo", str(syn.root), "--base", pr.base, "--head", pr.head, "--at",
                   str(syn.as_of), "--format", "json")
        checks[pr.name] = _one(syn, scratch, f"check-pr-{pr.name}", cmd, label, cold, log)
    single = None
    if one is not None:
        cmd = tool("validate", "--repo", str(syn.root), "--at", str(syn.as_of), "--format", "json", one)
        single = _one(syn, scratch, "validate-one", cmd, label, cold, log)
    return Pass(stages, checks, single)


def _primitive(syn: Synthetic, scratch: Path, name: str, prim: str, *, paths: list[str] | None = None,
               rev_range: str | None = None) -> dict[str, Span]:
    """Run one primitive in a fresh process; its figures under ``name`` (and ``name``'s prefix for extras)."""
    cmd = [sys.executable, "-m", "tooling.bench.floors", prim, str(syn.root)]
    if paths is not None:
        list_file = scratch / f"paths-{name.replace(':', '-')}.txt"
        list_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
        cmd += ["--paths", str(list_file)]
    if rev_range is not None:
        cmd += ["--range", rev_range]
    out = scratch / f"floor-{name.replace(':', '-')}.out"
    run = timed(cmd, syn.root, out, _env(scratch))
    text = out.read_text("utf-8", "replace")
    try:
        values = {k: (float(v[0]), float(v[1])) for k, v in json.loads(text).items()}
    except (ValueError, AttributeError, TypeError, IndexError):
        raise BenchError(f"floor {name} failed: {run.stderr.strip() or text[:500]}") from None
    if len(values) == 1:
        return {name: next(iter(values.values()))}
    prefix = name[: -len(prim)]  # "pct:" for "pct:render", whose process also times the writing
    return {prefix + k: v for k, v in values.items()}


def _starts(syn: Synthetic, scratch: Path) -> dict[str, Span]:
    """Interpreter start with the libraries' imports, timed as a whole process (best of three: start-up is noisy)."""
    out = {}
    for name, code in START_IMPORTS.items():
        runs = [timed([sys.executable, "-c", code], syn.root, scratch / f"{name}.out", _env(scratch)) for _ in range(3)]
        if any(r.exit_code != 0 for r in runs):
            raise BenchError(f"floor {name} failed: {runs[0].stderr.strip()}")
        best = min(runs, key=lambda r: r.seconds)
        out[name] = (best.seconds, best.cpu_seconds)
    return out


def _floors(syn: Synthetic, scratch: Path, prs: list[PullRequest], one_paths: list[str] | None,
            log: TextIO | None) -> dict[str, Span]:
    measured = _starts(syn, scratch)
    for prim in IN_PROCESS:
        if prim != "diff":
            measured.update(_primitive(syn, scratch, prim, prim))
    for pr in prs:
        measured.update(_primitive(syn, scratch, f"diff:{pr.name}", "diff", rev_range=f"{pr.base}..{pr.head}"))
    if one_paths is not None:
        for prim in ("read", "parse_neps", "parse_votes", "verify", "history"):
            measured.update(_primitive(syn, scratch, f"one:{prim}", prim, paths=one_paths))
        # A path-limited log still walks every commit and can cost more than the whole pass: the floor
        # takes the cheaper way to the same facts.
        limited, whole = measured["one:history"], measured["history"]
        measured["one:history"] = (min(limited[0], whole[0]), min(limited[1], whole[1]))
    for name, (seconds, cpu) in measured.items():
        say(log, f"floor {name}: {seconds:.3f} s (CPU {cpu:.3f} s)")
    return measured


def _pct_floors(syn: Synthetic, scratch: Path, paths: list[str], old_head: str,
                log: TextIO | None) -> dict[str, Span]:
    measured: dict[str, Span] = {}
    for prim in ("read", "parse_neps", "parse_votes", "verify", "render"):
        measured.update(_primitive(syn, scratch, f"pct:{prim}", prim, paths=paths))
    measured.pop("pct:write", None)  # the site writes every page: counted by ``write``
    measured.update(_primitive(syn, scratch, "pct:history", "history", rev_range=f"{old_head}..HEAD"))
    for name, (seconds, cpu) in measured.items():
        say(log, f"floor {name}: {seconds:.3f} s (CPU {cpu:.3f} s)")
    return measured


def run_bench(*, neps: int = 1000, votes: int = 100_000, commits: int = 20_000, nodes: int = 2_000,
              workdir: str | os.PathLike[str] | None = None, log: TextIO | None = None) -> dict[str, Any]:
    """Build the synthetic repository, time every figure and its floor; the result of ``report.assemble``.

    Raises BenchError for sizes or a work folder it cannot use.
    """
    if neps < 1 or commits < 1 or nodes < 1 or votes < 0:
        raise BenchError("--neps, --commits and --nodes must be at least 1, --votes at least 0")
    if shutil.which("git") is None:
        raise BenchError("nep bench needs git on PATH")
    keep = workdir is not None
    if keep and Path(workdir).exists() and (not Path(workdir).is_dir() or any(Path(workdir).iterdir())):
        raise BenchError(f"--workdir {workdir}: must be an empty folder (or not exist yet)")
    base = Path(tempfile.mkdtemp(prefix="nep-bench-"))
    try:
        repo = Path(workdir) if keep else base / "repo"
        scratch = base / "scratch"
        scratch.mkdir()
        syn = build_repository(repo, neps=neps, votes=votes, commits=commits, nodes=nodes, log=log)
        sizes = dict(syn.sizes)
        prs = pull_requests(syn, log)
        one, one_paths = _one_file(syn)
        say(log, f"as of {rfc3339(syn.as_of)}; cold runs (no cache)")
        shutil.rmtree(scratch / "left", ignore_errors=True)
        cold = _pass(syn, scratch, prs, one, cold=True, label="cold", log=log)
        shutil.rmtree(scratch / "cache", ignore_errors=True)
        if (scratch / "left").exists():
            (scratch / "left").rename(scratch / "cache")
        say(log, "warm runs (with the caches every cold run left)")
        warm = _pass(syn, scratch, prs, one, cold=False, label="warm", log=log)
        measured = _floors(syn, scratch, prs, one_paths, log)
        old_head = run_git(syn.root, "rev-parse", "HEAD").strip()
        changed = add_one_percent(syn, log)
        measured.update(_pct_floors(syn, scratch, changed, old_head, log))
        pct = _pass(syn, scratch, [], None, cold=False, label="warm+1%", log=log)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return assemble(sizes=sizes, cold=cold.stages, warm=warm.stages, warm_1pct=pct.stages,
                    check_pr={k: (cold.check_pr[k], warm.check_pr[k]) for k in cold.check_pr},
                    validate_one=(one, cold.validate_one, warm.validate_one),
                    measured={k: v[0] for k, v in measured.items()}, measured_cpu={k: v[1] for k, v in measured.items()})
