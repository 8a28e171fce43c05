"""Time ``nep tally`` on a repository with 10,000 signed votes (the figure the issue asks for).

    /work/venv/bin/python benchmarks/bench_tally.py [--votes 10000] [--neps 2] [--commits 200] [--keep DIR]

Builds a synthetic repository with ``tooling.bench.runner.build_repository``: the
votes spread over ``--neps`` NEPs (one decided, the other in voting), one
voter node per vote of a NEP, every vote valid and committed in batches inside
its voting window. Then runs ``python -m tooling tally N --format json`` for
the decided NEP as a user would: once cold (no ``.nep-cache``) and once warm
(the caches the first run left). Prints the seconds of each and checks that
every vote of that NEP was counted. Setup (keys, signing, git fast-import) is
not timed.

Why not 10,000 votes on a single NEP: that takes 10,000 staked voters, and a
ledger of 10,000 entries is larger than the 1 MiB the tool reads of any file.
``nep tally N`` evaluates every NEP (an outcome may depend on earlier ones),
so each run judges all ``--votes`` votes, not only NEP N's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tooling.bench.runner import _git_env, build_repository  # noqa: E402


def run_tally(repo: Path, nep: int, as_of: int) -> tuple[float, dict]:
    cmd = [sys.executable, "-m", "tooling", "tally", str(nep), "--repo", str(repo), "--at", str(as_of), "--format", "json"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=_git_env(), capture_output=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"nep tally failed (exit {proc.returncode}): {proc.stderr.decode('utf-8', 'replace')}")
    return seconds, json.loads(proc.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--votes", type=int, default=10_000)
    ap.add_argument("--neps", type=int, default=2, help="NEPs the votes are spread over (at least 1)")
    ap.add_argument("--commits", type=int, default=200)
    ap.add_argument("--keep", metavar="DIR", help="build the repository here (an empty folder) and keep it")
    args = ap.parse_args()

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="nep-bench-tally-"))
    try:
        neps = max(1, args.neps)
        syn = build_repository(base, neps=neps, votes=args.votes, commits=args.commits,
                               nodes=-(-args.votes // neps), log=sys.stderr)
        nep = next(n.number for n in syn.neps if n.category == "decided")
        cold, result = run_tally(syn.root, nep, syn.as_of)
        warm, again = run_tally(syn.root, nep, syn.as_of)
        counted = sum(1 for v in result["votes"] if v["counted"])
        if counted != len(result["votes"]) or not counted or again != result:
            sys.exit(f"unexpected tally: {counted} of {len(result['votes'])} votes counted")
        print(f"nep tally {nep}: {counted:,} votes on this NEP, all counted, outcome {result['outcome']}; "
              f"{syn.sizes['votes']:,} votes judged in the repository")
        print(f"cold (no .nep-cache): {cold:.3f} s")
        print(f"warm (caches present): {warm:.3f} s")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
