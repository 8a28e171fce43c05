"""What the summary of ``nep check-pr`` shows, as data (``present.pr_summary`` renders it as Markdown)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from tooling.checks.policy.context import Context, VoteNote
from tooling.core.diagnostics import Diagnostic
from tooling.core.model import Proposal

CHANGE_WORDS = {"A": "added", "M": "changed", "D": "deleted", "T": "changed type"}


@dataclass(frozen=True)
class NepRow:
    nep: int
    title: str
    kind: str  # the type's label, e.g. NEP-ARCH
    status: str  # on main, or "new"
    change: str  # what the pull request does to it
    impact: str  # the economic impact in one line, or ""


@dataclass(frozen=True)
class PolicySummary:
    base_sha: str
    head_sha: str
    as_of: int
    changes: tuple[tuple[str, str], ...]  # (git status letter, path)
    diagnostics: tuple[Diagnostic, ...]
    neps: tuple[NepRow, ...]
    votes: tuple[VoteNote, ...]


def summarize(base_sha: str, head_sha: str, as_of: int, changes: Sequence[tuple[str, str]],
              diags: Sequence[Diagnostic], ctx: Context | None, nep_notes: Mapping[int, list[str]],
              vote_notes: Sequence[VoteNote]) -> PolicySummary:
    rows = []
    if ctx is not None:
        for nep in sorted(nep_notes):
            p = _head_or_base(ctx, nep)
            st = ctx.states.get(nep) if ctx.base_first.get(nep) is not None else None
            rows.append(NepRow(nep, p.title if p and p.title else "", p.type.label if p and p.type else "",
                               str(st.status) if st else "new", "; ".join(nep_notes[nep]),
                               p.economic_impact.describe() if p and p.economic_impact else ""))
    return PolicySummary(base_sha, head_sha, as_of, tuple(changes), tuple(diags), tuple(rows), tuple(vote_notes))


def _head_or_base(ctx: Context, nep: int) -> Proposal | None:
    for snap in (ctx.head, ctx.base):
        if snap.repo is not None:
            found = sorted((p for p in snap.repo.proposals if p.nep == nep), key=lambda p: p.path)
            if found:
                return found[0]
    return None
