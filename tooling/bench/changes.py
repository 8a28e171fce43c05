"""Changes made to the synthetic repository between runs: the 1 % commit, and the two pull requests.

The pull requests are commits on their own branches, written by fast-import,
so that the work tree and ``main`` stay as they are.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import TextIO

from tooling.bench.common import SEED, run_git, say
from tooling.bench.fastimport import commit_files
from tooling.bench.generator import Synthetic
from tooling.bench.signing import sign_jobs, weighted_sample


def add_one_percent(syn: Synthetic, log: TextIO | None = None) -> list[str]:
    """One new commit: edit 1 % of the NEPs (drafts and NEPs in review first) and add 1 % more votes.

    Returns the paths the commit wrote.
    """
    rng = random.Random(SEED + 1)
    n_edit = max(1, round(len(syn.neps) / 100))
    order = {"draft": 0, "review": 1, "withdrawn": 2, "voting": 3, "decided": 4}
    targets = sorted(syn.neps, key=lambda n: (order[n.category], n.number))[:n_edit]
    written: list[str] = []
    for k, n in enumerate(targets):
        n.body += f"\nClarified for the benchmark (edit {k + 1}): the wording above is unchanged in meaning.\n"
        status = {"draft": "draft", "withdrawn": "withdrawn"}.get(n.category, "review")
        path = f"neps/nep-{n.number:04d}.md"
        (syn.root / path).write_bytes(n.text(status))
        written.append(path)
    from tooling.core.votes import content_hash

    for n in targets:
        n.content_hash = content_hash(n.front, n.body)
    when = syn.head_time + 600
    n_votes = max(1, round(syn.sizes["votes"] / 100)) if syn.sizes["votes"] else 0
    open_neps = [n for n in syn.neps if n.category == "voting" and n.vs is not None and n.vs <= when < (n.ve or 0)]
    jobs = []
    inv = [1.0 / w for w in syn.weights]
    per_nep = math.ceil(n_votes / len(open_neps)) if open_neps else 0
    for n in open_neps:
        if len(jobs) >= n_votes:
            break
        assert n.vs is not None
        taken = syn.voted.setdefault(n.number, set())
        free = [i for i in weighted_sample(rng, inv, len(inv)) if i not in taken]
        for v in free[: min(per_nep, n_votes - len(jobs))]:
            taken.add(v)
            ts = when - rng.randint(0, min(600, when - n.vs))
            jobs.append((n.number, v, "yes" if rng.random() < 0.7 else "no", ts, "", n.content_hash, syn.network))
    for path, data in sign_jobs(jobs):
        target = syn.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(path)
    head = run_git(syn.root, "rev-parse", "HEAD").strip()
    commit_files(syn.root, "main", head, {p: (syn.root / p).read_bytes() for p in written}, when,
                 "Edit 1 % of the NEPs, add 1 % more votes")
    run_git(syn.root, "reset", "-q")  # the index follows the new commit; the work tree already holds it
    syn.sizes["votes"] += len(jobs)
    say(log, f"new commit: {len(targets)} NEPs edited, {len(jobs)} votes added")
    return written


@dataclass(frozen=True)
class PullRequest:
    """A branch one commit ahead of ``base``, changing ``path``."""

    name: str  # "vote" or "draft"
    base: str
    head: str
    path: str


def pull_requests(syn: Synthetic, log: TextIO | None = None) -> list[PullRequest]:
    """Two branches on top of HEAD: one new vote on a NEP in voting, one edit to a draft (where there is one)."""
    rng = random.Random(SEED + 2)
    base = run_git(syn.root, "rev-parse", "HEAD").strip()
    when = syn.head_time + 300
    out: list[PullRequest] = []
    inv = [1.0 / w for w in syn.weights]
    voting = [n for n in syn.neps if n.category == "voting" and n.vs is not None and n.vs <= when < (n.ve or 0)]
    for n in voting:
        taken = syn.voted.get(n.number, set())
        free = [i for i in weighted_sample(rng, inv, len(inv)) if i not in taken]
        if not free:
            continue
        assert n.vs is not None
        ts = when - rng.randint(0, min(300, when - n.vs))
        [(path, data)] = sign_jobs([(n.number, free[0], "yes", ts, "", n.content_hash, syn.network)])
        head = commit_files(syn.root, "pr-vote", base, {path: data}, when, f"Vote on NEP {n.number}")
        out.append(PullRequest("vote", base, head, path))
        break
    drafts = [n for n in syn.neps if n.category == "draft"]
    if drafts:
        n = drafts[0]
        path = f"neps/nep-{n.number:04d}.md"
        edited = n.text("draft") + b"\nOne more paragraph, written in the pull request.\n"
        head = commit_files(syn.root, "pr-draft", base, {path: edited}, when, f"Edit draft NEP {n.number}")
        out.append(PullRequest("draft", base, head, path))
    say(log, "pull requests: " + (", ".join(f"{p.name} ({p.path})" for p in out) or "none possible"))
    return out
