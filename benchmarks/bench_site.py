"""Benchmark of the static site: render (and optionally write) a site of N synthetic proposals.

    python benchmarks/bench_site.py [--neps 1000] [--votes 100] [--out DIR]

Prints the seconds taken by ``render_site`` (and ``write_site`` with --out)
and the pages rendered per second. The proposals, states and tallies are
synthetic and built directly, so only the site is measured.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tooling.core.model import (  # noqa: E402
    DAY,
    Author,
    EconomicImpact,
    Governance,
    NEPState,
    NEPStatus,
    NEPType,
    Outcome,
    ParameterChange,
    Positions,
    Proposal,
    ProtocolState,
    Reason,
    Rewards,
    Tally,
    Track,
    UpgradePath,
    VoteCode,
    VoteResult,
)
from tooling.present.site import SiteInput, render_site, write_site  # noqa: E402

START = 1_767_225_600  # 2026-01-01T00:00:00Z

GOVERNANCE = Governance(
    network="neuroshard-bench",
    protocol_version="1.0.0",
    features=("diloco", "dynamic_layers", "ponw"),
    parameters={"economics.constants.TRAINING_REWARD_PER_BATCH_PER_LAYER": 0.0005},
    min_stake_to_propose=Decimal(100),
    proposal_fee=Decimal(10),
    quorum=Decimal("0.20"),
    approval=Decimal("0.66"),
    resubmit_wait_days=30,
    tracks={"standard": Track(168, 168, 7, 30), "emergency": Track(0, 48, 0, 7)},
    rewards=Rewards(*(Decimal(x) for x in ("0.001", "1", "1000", "0.0001", "100", "0.0001"))),
)

PARAGRAPH = (
    "Nodes that train more layers earn more; this section explains the change in detail with "
    "`inline code`, **emphasis**, [a link](https://example.org/spec) and a list:\n\n"
    "- first item\n- second item\n- third item\n\n"
)


def body(n: int) -> str:
    sections = ["Abstract", "Motivation", "Specification", "Economic Impact", "Upgrade Path", "Rationale"]
    parts = []
    for name in sections:
        parts.append(f"## {name}\n\n" + PARAGRAPH * 3)
        parts.append(f"### {name} details {n}\n\n| key | value |\n|---|---|\n| a | {n} |\n| b | 2 |\n\n")
        parts.append("```python\nprint('hello')\n```\n\n")
    return "\n".join(parts)


def proposal(n: int) -> Proposal:
    econ = n % 5 == 0
    return Proposal(
        path=f"neps/nep-{n:04d}.md",
        nep=n,
        title=f"Synthetic proposal {n} for the benchmark",
        type=list(NEPType)[n % len(NEPType)],
        status=None,
        authors=(Author(f"Author {n % 37}", f"{n % 37:032x}", github=f"author{n % 37}"),),
        created="2025-12-01",
        discussion=f"https://forum.example.org/t/{n}",
        requires=(n - 1,) if n > 1 and n % 7 == 0 else (),
        supersedes=(),
        resubmission_of=None,
        economic_impact=EconomicImpact(training_reward_multiplier=1.1, net_earnings_change_percent=5.0)
        if econ else EconomicImpact(),
        parameter_changes=(ParameterChange("economics.constants", f"P{n}", 1, 2, "Benchmark."),) if econ else (),
        upgrade_path=UpgradePath(),
        submitted=None,
        resolution=None,
        activated=None,
        body=body(n),
        body_line=1,
        content_hash=hashlib.sha256(str(n).encode()).hexdigest(),
        front_matter={},
        positions=Positions(),
        text="",
    )


def tally(n: int, votes: int, vs: int, ve: int, as_of: int) -> Tally:
    rows = tuple(
        VoteResult(
            path=f"votes/nep-{n:04d}/{i:032x}.yaml",
            voter=f"{i:032x}",
            choice=("yes", "no", "abstain")[i % 3],
            weight=Decimal(10 + i),
            counted=i % 10 != 0,
            code=None if i % 10 else VoteCode.BAD_SIGNATURE,
            timestamp=vs + i,
            included_at=vs + i + 60,
        )
        for i in range(votes)
    )
    counted = [r for r in rows if r.counted]
    y = sum((r.weight for r in counted if r.choice == "yes"), Decimal(0))
    no = sum((r.weight for r in counted if r.choice == "no"), Decimal(0))
    a = sum((r.weight for r in counted if r.choice == "abstain"), Decimal(0))
    total = Decimal(100_000)
    quorum = (y + no + a) >= Decimal("0.20") * total
    approval = y + no > 0 and y >= Decimal("0.66") * (y + no)
    projected = Outcome.APPROVED if quorum and approval else Outcome.REJECTED
    final = as_of >= ve
    reason = None if projected is Outcome.APPROVED else (Reason.NO_QUORUM if not quorum else Reason.NO_APPROVAL)
    return Tally(n, as_of, final, total, y, no, a, quorum, approval, projected if final else None, projected,
                 reason if final else None, ve if final else None, rows)


def state(n: int, votes: int, as_of: int) -> NEPState:
    status = list(NEPStatus)[n % len(NEPStatus)]
    t0 = as_of - (n % 40) * DAY
    vs, ve = t0 + 7 * DAY, t0 + 14 * DAY
    blank = dict(outcome=None, reason=None, submitted=None, voting_start=None, voting_end=None, decided_at=None,
                 activates_at=None, activated=None, deprecated_at=None, deprecated_by=None, withdrawn_at=None,
                 track="standard", tally=None)
    if status is NEPStatus.DRAFT:
        return NEPState(n, status, **blank)
    if status is NEPStatus.WITHDRAWN:
        return NEPState(n, status, **{**blank, "withdrawn_at": as_of - DAY})
    if status is NEPStatus.REVIEW:
        t0 = as_of - DAY
        return NEPState(n, status, **{**blank, "submitted": t0, "voting_start": t0 + 7 * DAY,
                                      "voting_end": t0 + 14 * DAY})
    if status is NEPStatus.VOTING:
        t0 = as_of - 8 * DAY
        vs, ve = t0 + 7 * DAY, t0 + 14 * DAY
        return NEPState(n, status, **{**blank, "submitted": t0, "voting_start": vs, "voting_end": ve,
                                      "tally": tally(n, votes, vs, ve, as_of)})
    t0 = as_of - 60 * DAY
    vs, ve = t0 + 7 * DAY, t0 + 14 * DAY
    t = tally(n, votes, vs, ve, as_of)
    approved = status in (NEPStatus.SCHEDULED, NEPStatus.ACTIVE, NEPStatus.DEPRECATED)
    at = ve + (60 * DAY if status is NEPStatus.SCHEDULED else 7 * DAY)
    return NEPState(n, status, **{
        **blank, "submitted": t0, "voting_start": vs, "voting_end": ve, "decided_at": ve, "tally": t,
        "outcome": Outcome.APPROVED if approved else Outcome.REJECTED,
        "reason": None if approved else Reason.NO_QUORUM,
        "activates_at": at if approved else None,
        "activated": at if status in (NEPStatus.ACTIVE, NEPStatus.DEPRECATED) else None,
        "deprecated_at": at + DAY if status is NEPStatus.DEPRECATED else None,
    })


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--neps", type=int, default=1000)
    ap.add_argument("--votes", type=int, default=100, help="votes per NEP that reached voting")
    ap.add_argument("--out", type=Path, help="also write the site here (default: a temporary folder)")
    args = ap.parse_args(argv)

    as_of = START + 90 * DAY
    proposals = [proposal(n) for n in range(1, args.neps + 1)]
    states = {p.nep: state(p.nep, args.votes, as_of) for p in proposals}
    protocol = ProtocolState(as_of, "1.0.0", GOVERNANCE.features, dict(GOVERNANCE.parameters), {}, ())
    inp = SiteInput(as_of, GOVERNANCE, proposals, states, protocol, "https://neps.example.org/")

    t = time.perf_counter()
    files = render_site(inp)
    render_s = time.perf_counter() - t
    pages = sum(1 for p in files if p.endswith(".html"))
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "_site"
        t = time.perf_counter()
        write_site(files, out)
        write_s = time.perf_counter() - t
    size = sum(len(b) for b in files.values())
    print(f"neps: {args.neps}  votes/NEP: {args.votes}  files: {len(files)}  pages: {pages}  bytes: {size:,}")
    print(f"render: {render_s:.2f} s  ({pages / render_s:.0f} pages/s)")
    print(f"write:  {write_s:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
