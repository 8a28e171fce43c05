"""Changes made to the synthetic repository between runs: the 1 % commit, and the two pull requests.

The pull requests are commits on their own branches, built with a private
index (``GIT_INDEX_FILE``) so that the work tree and ``main`` stay as they are.
"""

from __future__ import annotations

import math
import os
import random
import tempfile
from dataclasses import dataclass
from typing import TextIO

from tooling.bench.common import SEED, git_env, run_git, say
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
    env = git_env()
    env.update(GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com", GIT_COMMITTER_NAME="Bench",
               GIT_COMMITTER_EMAIL="bench@example.com", GIT_AUTHOR_DATE=f"@{when} +0000",
               GIT_COMMITTER_DATE=f"@{when} +0000")
    run_git(syn.root, "add", "--", *written, env=env)
    run_git(syn.root, "commit", "-q", "--no-verify", "-m", "Edit 1 % of the NEPs, add 1 % more votes", env=env)
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


def _commit_on_top(syn: Synthetic, branch: str, files: dict[str, bytes], message: str, when: int) -> str:
    env = git_env()
    env.update(GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com", GIT_COMMITTER_NAME="Bench",
               GIT_COMMITTER_EMAIL="bench@example.com", GIT_AUTHOR_DATE=f"@{when} +0000",
               GIT_COMMITTER_DATE=f"@{when} +0000")
    with tempfile.TemporaryDirectory() as tmp:
        env["GIT_INDEX_FILE"] = os.path.join(tmp, "index")
        run_git(syn.root, "read-tree", "HEAD", env=env)
        for path, data in files.items():
            blob_file = os.path.join(tmp, "blob")
            with open(blob_file, "wb") as fh:
                fh.write(data)
            blob = run_git(syn.root, "hash-object", "-w", "--", blob_file, env=env).strip()
            run_git(syn.root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
        tree = run_git(syn.root, "write-tree", env=env).strip()
        head = run_git(syn.root, "rev-parse", "HEAD", env=env).strip()
        commit = run_git(syn.root, "commit-tree", tree, "-p", head, "-m", message, env=env).strip()
    run_git(syn.root, "update-ref", f"refs/heads/{branch}", commit)
    return commit


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
        head = _commit_on_top(syn, "pr-vote", {path: data}, f"Vote on NEP {n.number}", when)
        out.append(PullRequest("vote", base, head, path))
        break
    drafts = [n for n in syn.neps if n.category == "draft"]
    if drafts:
        n = drafts[0]
        path = f"neps/nep-{n.number:04d}.md"
        edited = n.text("draft") + b"\nOne more paragraph, written in the pull request.\n"
        head = _commit_on_top(syn, "pr-draft", {path: edited}, f"Edit draft NEP {n.number}", when)
        out.append(PullRequest("draft", base, head, path))
    say(log, "pull requests: " + (", ".join(f"{p.name} ({p.path})" for p in out) or "none possible"))
    return out
