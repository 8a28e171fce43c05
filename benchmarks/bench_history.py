"""Time ``tooling.shell.history.read_history`` on a synthetic repository at the project's scale.

    /work/venv/bin/python benchmarks/bench_history.py [--commits 20000] [--neps 1000] [--votes 100000] [--keep DIR]

The repository is built with ``git fast-import`` (seconds, not minutes): a
first-parent chain of ``--commits`` commits, one in 100 of them a merge of a
one-commit side branch, NEPs going draft -> review -> voting -> scheduled ->
active, votes spread evenly over the commits, and a backdated commit now and
then. Printed: read_history seconds cold (no cache), cold writing the cache,
warm (cache hit) and warm after one appended commit (cache extension).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tooling.shell.history import read_history  # noqa: E402

T0 = 1_767_225_600
STATUSES = ("draft", "review", "voting", "scheduled", "active")


def nep_text(n: int, status: str) -> bytes:
    body = "\n".join(f"Line {i} of the specification of NEP {n}." for i in range(60))
    return (
        f'---\nnep: {n}\ntitle: "Synthetic proposal number {n}"\ntype: "arch"\nstatus: "{status}"\n'
        f'authors:\n  - name: "Author {n}"\n    node: "{n:032x}"\ncreated: "2026-01-01"\n'
        "economic_impact:\n  training_reward_multiplier: 1.0\n  training_efficiency_multiplier: 1.1\n"
        "  inference_reward_multiplier: 1.0\n  inference_cost_multiplier: 1.0\n  min_memory_change_mb: 0\n"
        '  min_compute_change_tflops: 0.0\n  staking_multiplier_change: 0.0\n  upgrade_cost_neuro: "0"\n'
        "  net_earnings_change_percent: 1.0\n"
        f"---\n\n## Abstract\n\n{body}\n"
    ).encode()


def vote_text(nep: int, voter: int, ts: int) -> bytes:
    return (
        f"nep: {nep}\nvoter: {voter:032x}\npublic_key: 02{voter:064x}\nchoice: yes\ntimestamp: {ts}\n"
        f'reason: "synthetic"\ncontent_hash: {nep:064x}\nnetwork: neuroshard-mainnet\nsignature: 30{voter:0140x}\n'
    ).encode()


def build(repo: Path, commits: int, neps: int, votes: int) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    out = proc.stdin
    mark = 0
    main_mark = 0
    votes_per_commit = votes / commits
    vote_no = 0
    nep_steps = {}  # commit index -> list of (nep, status)
    span = max(1, commits // neps)
    for n in range(1, neps + 1):
        start = (n - 1) * span
        for k, status in enumerate(STATUSES):
            nep_steps.setdefault(min(commits - 1, start + k * max(1, span // 5 + 3)), []).append((n, status))

    def blob(path: str, data: bytes) -> None:
        out.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    def vote(number: int, when: int) -> None:
        nep = number % neps + 1
        blob(f"votes/nep-{nep:04d}/{number:032x}.yaml", vote_text(nep, number, when))

    def header(ref: str, when: int, msg: str, parent: int, merge: int | None = None) -> int:
        nonlocal mark
        mark += 1
        m = msg.encode()
        out.write(f"commit {ref}\nmark :{mark}\ncommitter Bench <b@example.com> {when} +0000\n".encode())
        out.write(f"data {len(m)}\n".encode() + m + b"\n")
        if parent:
            out.write(f"from :{parent}\n".encode())
        if merge:
            out.write(f"merge :{merge}\n".encode())
        return mark

    for c in range(commits):
        when = T0 + c * 600 - (3600 if c % 997 == 0 and c else 0)  # a backdated commit now and then
        due = int((c + 1) * votes_per_commit) - vote_no
        if c % 100 == 99 and main_mark:
            side = header("refs/heads/side", when - 300, f"side {c}", main_mark)
            for _ in range(due):
                vote_no += 1
                vote(vote_no, when)
            main_mark = header("refs/heads/main", when, f"merge {c}", main_mark, side)
            continue
        main_mark = header("refs/heads/main", when, f"commit {c}", main_mark)
        for n, status in nep_steps.get(c, ()):
            blob(f"neps/nep-{n:04d}.md", nep_text(n, status))
        for _ in range(due):
            vote_no += 1
            vote(vote_no, when)
        if c == 0:
            blob("README.md", b"synthetic\n")
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")


def append_commit(repo: Path, when: int) -> None:
    """One more commit on main, without a work tree checkout (100,000 files take a while to write)."""
    data = b"extra\n"
    stream = (
        f"commit refs/heads/main\ncommitter Bench <b@example.com> {when} +0000\ndata 8\none more\n"
        f"from refs/heads/main^0\nM 100644 inline votes/nep-0001/extra.yaml\ndata {len(data)}\n"
    ).encode() + data + b"\n"
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=stream, check=True)


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--neps", type=int, default=1_000)
    parser.add_argument("--votes", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = args.keep or Path(tmp) / "repo"
        _, build_s = timed(lambda: build(repo, args.commits, args.neps, args.votes))
        cache = repo / ".nep-cache"
        hist, cold = timed(lambda: read_history(repo))
        _, cold_cache = timed(lambda: read_history(repo, cache_dir=cache))
        warm_hist, warm = timed(lambda: read_history(repo, cache_dir=cache))
        assert warm_hist == hist
        append_commit(repo, T0 + (args.commits + 1) * 600)
        ext_hist, extend = timed(lambda: read_history(repo, cache_dir=cache))
        assert ext_hist == read_history(repo)
        events = sum(len(v) for v in hist.events.values())
        versions = sum(len(v) for v in hist.nep_statuses.values())
        print(f"repository: {len(hist.commits)} first-parent commits, {len(hist.events)} paths, "
              f"{events} events, {versions} NEP versions (built in {build_s:.1f} s)")
        print(f"read_history cold (no cache)     {cold:.3f} s")
        print(f"read_history cold, writing cache {cold_cache:.3f} s")
        print(f"read_history warm (cache hit)    {warm:.3f} s")
        print(f"read_history warm, +1 commit     {extend:.3f} s")


if __name__ == "__main__":
    main()
