"""What every policy check reads (the base's computed state), and what each check returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from tooling.checks.policy.snapshot import Snapshot
from tooling.core.delegation import JudgedVersion
from tooling.core.diagnostics import Diagnostic
from tooling.core.instants import format_instant
from tooling.core.lifecycle import NEPFacts
from tooling.core.model import NEPState, Proposal, StakeEntry
from tooling.core.stakes import Snapshot as StakeSnapshot
from tooling.shell.history import History


@dataclass(frozen=True)
class VoteNote:
    path: str
    nep: int
    voter: str
    verdict: str


@dataclass(frozen=True)
class Findings:
    """What one check found: refusals, notes for the summary, and validate findings it supersedes."""

    diagnostics: tuple[Diagnostic, ...] = ()
    notes: tuple[tuple[int, str], ...] = ()  # (nep, what the pull request does to it)
    votes: tuple[VoteNote, ...] = ()
    replaced: frozenset[tuple[str, str]] = frozenset()  # (path, slug) of validate findings to drop

    def __add__(self, other: Findings) -> Findings:
        return Findings(self.diagnostics + other.diagnostics, self.notes + other.notes, self.votes + other.votes,
                        self.replaced | other.replaced)


def found(*diags: Diagnostic, notes: tuple[tuple[int, str], ...] = (), votes: tuple[VoteNote, ...] = (),
          replaced: frozenset[tuple[str, str]] = frozenset()) -> Findings:
    return Findings(tuple(diags), notes, votes, replaced)


@dataclass(frozen=True)
class Context:
    as_of: int
    base: Snapshot
    head: Snapshot
    states: Mapping[int, NEPState]
    base_first: Mapping[int, Proposal]  # number -> the file the lifecycle follows on the base
    facts: Mapping[int, NEPFacts]  # number -> lifecycle facts on the base
    history: History
    #: The base's ledger as of an instant (history is the record, SPEC 2); None when no valid version exists.
    ledger_at: Callable[[int], tuple[StakeEntry, ...] | None] = lambda t: None
    #: The network in force for a NEP (governance as of its T0).
    network_for: Callable[[int], str | None] = lambda nep: None
    #: Stake snapshots of the base by voting start, filled on first use (a memo, not a finding).
    stake_snapshots: dict[int, StakeSnapshot] = field(default_factory=dict)
    #: The base's delegation files, judged along its history (SPEC 11).
    delegations: Mapping[str, tuple[JudgedVersion, ...]] = field(default_factory=dict)

    def state_of(self, p: Proposal | None) -> NEPState | None:
        if p is None:
            return None
        first = self.base_first.get(p.nep)
        if first is None or first.path != p.path:
            return None
        return self.states.get(p.nep)


def fmt(t: int | None) -> str:
    return format_instant(t) or "?"
