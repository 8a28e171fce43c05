"""The synthetic NEP repository: governance, a stake ledger, NEPs across the lifecycle, signed votes.

``build_repository`` writes a valid repository and its first-parent history
with one ``git fast-import`` stream, so that 20,000 commits and 100,000
votes take seconds to set up; signing runs before anything is measured.
The generator is deterministic (fixed seed).
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, TextIO

from tooling.bench.common import DAY, GENESIS, HOUR, AS_OF_AFTER_HEAD, SEED, BenchError, checkout, date_of, \
    rfc3339, run_git, say
from tooling.bench.fastimport import fast_import
from tooling.bench.signing import Job, sign_all, signing_key, weighted_sample
from tooling.bench.text import EMBEDDED_GOVERNANCE, REASONS, TextSource, corpus, render_yaml

_SHARES = {"draft": 0.03, "withdrawn": 0.02, "review": 0.02, "voting": 0.05}
_TYPES = (("arch", 0.42), ("train", 0.2), ("net", 0.15), ("econ", 0.13), ("gov", 0.10))



@dataclass
class PlannedNep:
    key: int  # planning order, before numbering
    category: str  # draft, withdrawn, review, voting, decided
    created: int  # commit index of the draft
    review: int | None = None  # commit index of status: review (T0)
    withdraw: int | None = None
    number: int = 0
    type: str = "arch"
    t0: int | None = None
    vs: int | None = None
    ve: int | None = None
    front: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    content_hash: str = ""
    window: tuple[int, int] | None = None  # commit indices [lo, hi] inside the voting window

    def text(self, status: str) -> bytes:
        front = dict(self.front)
        front["status"] = status
        order = ["nep", "title", "type", "status"] + [k for k in self.front if k not in ("nep", "title", "type")]
        lines = ["---", *render_yaml({k: front[k] for k in order}), "---", ""]
        return ("\n".join(lines) + self.body).encode("utf-8")


@dataclass
class Synthetic:
    """What the benchmark needs to know about the repository it built."""

    root: Path
    as_of: int
    head_time: int
    network: str
    sizes: dict[str, int]
    neps: list[PlannedNep]
    voted: dict[int, set[int]]  # NEP number -> voter indices that already voted
    node_ids: list[str]
    weights: list[float]
    rng_state: Any = None


def build_repository(root: Path, *, neps: int, votes: int, commits: int, nodes: int,
                     log: TextIO | None = None, seed: int = SEED) -> Synthetic:
    """Write a valid synthetic NEP repository with its git history into the empty folder ``root``."""
    import yaml

    from tooling.core.votes import content_hash

    if neps < 1 or commits < 1 or nodes < 1 or votes < 0:
        raise BenchError("--neps, --commits and --nodes must be at least 1, --votes at least 0")
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise BenchError(f"{root} is not empty; the benchmark builds its repository in an empty folder")
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    here = checkout()
    started = time.perf_counter()

    gov_file = here / "governance.yaml"
    gov_text = gov_file.read_text(encoding="utf-8") if gov_file.is_file() else EMBEDDED_GOVERNANCE
    gov = yaml.safe_load(gov_text)
    network = str(gov["network"])
    track = gov["tracks"]["standard"]
    review_s, voting_s = int(track["review_hours"]) * HOUR, int(track["voting_hours"]) * HOUR
    grace_lo, grace_hi = int(track["grace_min_days"]), int(track["grace_max_days"])
    min_stake = float(gov["min_stake_to_propose"])
    genesis_version = str(gov["protocol_version"])
    major = int(genesis_version.split(".")[0])

    # ---- nodes and the stake ledger: a long tail of holders, a few large ones
    say(log, f"deriving {nodes:,} node keys")
    node_ids = [signing_key(i)[2] for i in range(nodes)]
    base = max(1000, int(min_stake * 10))
    amounts = [base + 200_000 // (i + 1) for i in range(nodes)]
    weights = [float(a) for a in amounts]
    forever = GENESIS + 20 * 365 * DAY

    # ---- the time line: commit i is at GENESIS + i * step
    counts = {k: int(round(v * neps)) for k, v in _SHARES.items()}
    if neps >= 3:
        counts["draft"] = max(1, counts["draft"])
    if neps >= 2:
        counts["voting"] = max(1, counts["voting"])
    while sum(counts.values()) >= neps:  # at least one decided NEP
        biggest = max(counts, key=lambda k: counts[k])
        counts[biggest] -= 1
    counts["decided"] = neps - sum(counts.values())
    span = int(counts["decided"] * 1.5 * DAY) + 30 * DAY
    step = max(1, span // max(1, commits - 1))
    head = commits - 1
    head_time = GENESIS + head * step
    as_of = head_time + AS_OF_AFTER_HEAD

    def time_of(i: int) -> int:
        return GENESIS + i * step

    def index_at_or_after(t: int) -> int:
        return max(0, -(-(t - GENESIS) // step))

    def clamp(i: int) -> int:
        return min(head, max(0, i))

    first = 1 if commits > 1 else 0
    plan: list[PlannedNep] = []
    key = 0
    decided_lo, decided_hi = GENESIS + 3 * DAY, as_of - review_s - voting_s - DAY
    for j in range(counts["decided"]):
        target = decided_lo + (decided_hi - decided_lo) * (j + 0.5) / max(1, counts["decided"])
        plan.append(PlannedNep(key, "decided", 0, review=clamp(index_at_or_after(int(target)))))
        key += 1
    for _ in range(counts["voting"]):
        target = as_of - review_s - rng.uniform(0.15, 0.85) * voting_s
        plan.append(PlannedNep(key, "voting", 0, review=clamp(index_at_or_after(int(target)))))
        key += 1
    for _ in range(counts["review"]):
        target = as_of - rng.uniform(0.15, 0.85) * review_s
        plan.append(PlannedNep(key, "review", 0, review=clamp(index_at_or_after(int(target)))))
        key += 1
    for _ in range(counts["withdrawn"]):
        target = rng.uniform(decided_lo, decided_hi)
        n = PlannedNep(key, "withdrawn", 0, review=clamp(index_at_or_after(int(target))))
        w = index_at_or_after(time_of(n.review) + review_s // 2)
        n.withdraw = clamp(w) if time_of(clamp(w)) < time_of(n.review) + review_s else n.review
        plan.append(n)
        key += 1
    for _ in range(counts["draft"]):
        plan.append(PlannedNep(key, "draft", clamp(rng.randint(first, head))))
        key += 1
    for n in plan:
        if n.review is not None:
            n.created = max(min(first, n.review), clamp(index_at_or_after(time_of(n.review) - rng.randint(1, 10) * DAY)))
            n.t0 = time_of(n.review)
            n.vs = n.t0 + review_s
            n.ve = n.vs + voting_s
    plan.sort(key=lambda n: (n.created, n.key))
    for number, n in enumerate(plan, start=1):
        n.number = number
    # Target versions rise with T0 (drafts last), so every upgrade path is above the version in force.
    for rank, n in enumerate(sorted(plan, key=lambda n: (n.t0 if n.t0 is not None else math.inf, n.number)), 1):
        n.front["__rank"] = rank

    # ---- NEP files
    say(log, f"writing {neps:,} NEPs")
    blocks, titles = corpus(here)
    text = TextSource(blocks, titles, rng)
    decided_numbers: list[int] = []
    for n in plan:
        rank = n.front.pop("__rank")
        r = rng.random()
        acc = 0.0
        for name, share in _TYPES:
            acc += share
            if r < acc:
                n.type = name
                break
        impact = {
            "training_reward_multiplier": 1.0, "training_efficiency_multiplier": 1.0,
            "inference_reward_multiplier": 1.0, "inference_cost_multiplier": 1.0, "min_memory_change_mb": 0,
            "min_compute_change_tflops": 0.0, "staking_multiplier_change": 0.0, "upgrade_cost_neuro": "0",
            "net_earnings_change_percent": 0.0,
        }
        explained = "Every field of the economic impact is at its no-change value: rewards, costs and " \
                    "requirements stay as they are."
        if n.type == "econ":
            impact["training_reward_multiplier"] = 1.1
            impact["net_earnings_change_percent"] = 5.0
            explained = ("Training rewards (`training_reward_multiplier`) rise by 10 %, and the net earnings of "
                         "an average node (`net_earnings_change_percent`) by about 5 %.")
        elif n.type == "train":
            impact["training_efficiency_multiplier"] = 1.25
            explained = "Training efficiency (`training_efficiency_multiplier`) improves by 25 % per batch."
        elif n.type == "arch" and n.number % 5 == 0:
            impact["min_memory_change_mb"] = 256
            explained = "The memory requirement (`min_memory_change_mb`) grows by 256 MB per node."
        proposer = rng.randrange(nodes)
        node = node_ids[proposer]
        requires = [rng.randint(1, n.number - 1)] if n.number > 1 and rng.random() < 0.1 else []
        supersedes = []
        if n.category == "decided" and decided_numbers and rng.random() < 0.03:
            supersedes = [rng.choice(decided_numbers)]
        target = f"{major}.{rank}.0"
        n.front = {
            "nep": n.number,
            "title": text.title(n.number),
            "type": n.type,
            "authors": [{"name": f"Proposer {proposer}", "node": node, "github": f"author-{node[:8]}"}],
            "created": date_of(time_of(n.created)),
            "discussion": f"https://forum.neuroshard.example/t/nep-{n.number:04d}",
            "requires": requires,
            "supersedes": supersedes,
            "economic_impact": impact,
            "parameter_changes": [],
            "upgrade_path": {
                "min_version": genesis_version,
                "target_version": target,
                "grace_period_days": rng.randint(grace_lo, grace_hi),
                "backward_compatible": True,
                "requires_checkpoint_reload": False,
                "migration_steps": [f"Upgrade the node software to {target} during the grace period"],
            },
        }
        size = rng.randint(3_500, 9_000)
        n.body = (
            f"\n## Abstract\n\n{text.paragraphs(size // 10)}\n\n"
            f"## Motivation\n\n{text.paragraphs(size // 5)}\n\n"
            f"## Specification\n\n{text.paragraphs(size * 2 // 5)}\n\n"
            f"## Rationale\n\n{text.paragraphs(size // 6)}\n\n"
            f"## Economic Impact\n\n{explained}\n\n"
            f"## Upgrade Path\n\nNodes upgrade to {target} during the grace period; the change is backward "
            f"compatible, so nodes that have not upgraded keep working.\n\n"
            f"## Security Considerations\n\n{text.paragraphs(size // 10)}\n"
        )
        n.content_hash = content_hash(n.front, n.body)
        if n.category == "decided":
            decided_numbers.append(n.number)
    _check_neps(plan[:3] + plan[-3:])

    # ---- votes: stake-weighted turnout, each NEP with its own mood
    windows: list[PlannedNep] = []
    for n in plan:
        if n.category in ("decided", "voting") and n.vs is not None and n.ve is not None:
            lo = index_at_or_after(n.vs)
            hi = min(head, index_at_or_after(n.ve) - 1)
            if lo <= hi:
                n.window = (lo, hi)
                windows.append(n)
    shares = [rng.uniform(0.05, 2.0) for _ in windows]
    total_share = sum(shares) or 1.0
    wanted = [min(nodes, int(votes * s / total_share)) for s in shares]
    room = sum(nodes - w for w in wanted)
    missing = min(votes - sum(wanted), room)
    i = 0
    while missing > 0 and windows:
        j = i % len(windows)
        if wanted[j] < nodes:
            wanted[j] += 1
            missing -= 1
        i += 1
    inv = [1.0 / w for w in weights]
    jobs: list[Job] = []
    placement: list[int] = []
    voted: dict[int, set[int]] = {}
    for n, count in zip(windows, wanted):
        if count <= 0:
            continue
        voters = weighted_sample(rng, inv, count)
        voted[n.number] = set(voters)
        mood = rng.uniform(0.75, 0.98) if rng.random() < 0.6 else rng.uniform(0.3, 0.7)
        assert n.window is not None and n.vs is not None
        lo, hi = n.window
        batches = sorted(rng.sample(range(lo, hi + 1), max(1, min(hi - lo + 1, math.ceil(count / 12)))))
        for v in voters:
            c = batches[rng.randrange(len(batches))]
            at = time_of(c)
            ts = at - rng.randint(0, min(HOUR, at - n.vs))
            r = rng.random()
            choice = "abstain" if r < 0.05 else ("yes" if r < 0.05 + 0.95 * mood else "no")
            jobs.append((n.number, v, choice, ts, rng.choice(REASONS), n.content_hash, network))
            placement.append(c)
    if len(jobs) < votes:
        say(log, f"placed {len(jobs):,} of {votes:,} votes (no more room in the voting windows)")
    say(log, f"signing {len(jobs):,} votes")
    signed = sign_all(jobs, log)

    # ---- what each commit changes
    changes: dict[int, list[tuple[str, bytes]]] = {}
    ledger = ["entries:"]
    for i, (node, amount) in enumerate(zip(node_ids, amounts)):
        ledger += [f'  - node: "{node}"', f'    amount: "{amount}"', f'    since: "{rfc3339(GENESIS - 30 * DAY)}"',
                   f'    locked_until: "{rfc3339(forever)}"']
        if i % 10 == 3:  # top-ups that arrive later and so only count for later snapshots
            since = GENESIS + rng.randrange(max(1, head_time - GENESIS))
            ledger += [f'  - node: "{node}"', f'    amount: "{rng.randint(1, 500)}.{rng.randint(0, 99):02d}"',
                       f'    since: "{rfc3339(since)}"', f'    locked_until: "{rfc3339(forever)}"']
    ledger_bytes = ("\n".join(ledger) + "\n").encode("utf-8")
    if len(ledger_bytes) > 1 << 20:
        say(log, f"warning: the ledger of {nodes:,} nodes is {len(ledger_bytes):,} bytes, more than the 1 MiB "
                  "the tool reads of a file; every NEP will be rejected for lack of stake")
    changes[0] = [
        ("governance.yaml", gov_text.encode("utf-8")),
        ("stakes/ledger.yaml", ledger_bytes),
        ("README.md", b"# NeuroShard Enhancement Proposals (synthetic benchmark repository)\n"),
    ]
    for n in plan:
        path = f"neps/nep-{n.number:04d}.md"
        changes.setdefault(n.created, []).append((path, n.text("draft")))
        if n.review is not None:
            changes.setdefault(n.review, []).append((path, n.text("review")))
        if n.withdraw is not None:
            changes.setdefault(n.withdraw, []).append((path, n.text("withdrawn")))
    for c, (path, data) in zip(placement, signed):
        changes.setdefault(c, []).append((path, data))

    say(log, f"importing {commits:,} commits")
    fast_import(root, commits, time_of, changes)
    run_git(root, "reset", "-q", "--hard", "main")
    say(log, f"repository ready in {time.perf_counter() - started:.1f} s: {root}")
    sizes = {"neps": neps, "votes": len(jobs), "commits": commits, "nodes": nodes}
    return Synthetic(root, as_of, head_time, network, sizes, plan, voted, node_ids, weights, rng.getstate())


def _check_neps(sample: Iterable[PlannedNep]) -> None:
    """The generator's YAML must load to the dict the content hash was computed from."""
    from tooling.parse.proposals import parse_nep

    for n in sample:
        parsed = parse_nep(f"neps/nep-{n.number:04d}.md", n.text("review"))
        if parsed.proposal is None or parsed.diagnostics or parsed.proposal.content_hash != n.content_hash:
            detail = "; ".join(d.message for d in parsed.diagnostics) or "content hash differs"
            raise RuntimeError(f"synthetic NEP {n.number} is not valid: {detail}")
