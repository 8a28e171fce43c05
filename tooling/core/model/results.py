"""What the core computes: judged votes, tallies, the state of each NEP, the protocol in force."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from tooling.core.model.enums import Choice, NEPStatus, Outcome, Reason, TrackName, VoteCode


@dataclass(frozen=True)
class VoteResult:
    """One vote as the tally judged it."""

    path: str
    voter: str
    choice: Choice | None
    weight: Decimal
    counted: bool
    code: VoteCode | None
    timestamp: int | None
    included_at: int | None
    reason: str = ""
    error: str | None = None  # why a MALFORMED file failed its schema, for display


@dataclass(frozen=True)
class Tally:
    nep: int
    as_of: int
    final: bool
    total_stake: Decimal
    yes: Decimal
    no: Decimal
    abstain: Decimal
    quorum_reached: bool
    approval_reached: bool
    outcome: Outcome | None
    projected_outcome: Outcome
    reason: Reason | None
    decided_at: int | None
    votes: tuple[VoteResult, ...]
    quorum: Decimal = Decimal("0.20")
    approval: Decimal = Decimal("0.66")

    @property
    def turnout_stake(self) -> Decimal:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class NEPState:
    """Everything the lifecycle computes for one NEP at ``as_of``."""

    nep: int
    status: NEPStatus
    outcome: Outcome | None
    reason: Reason | None
    submitted: int | None  # T0
    voting_start: int | None  # VS
    voting_end: int | None  # VE
    decided_at: int | None
    activates_at: int | None  # AT (scheduled activation, also once active)
    activated: int | None  # when it became active, if it did by as_of
    deprecated_at: int | None
    deprecated_by: int | None
    withdrawn_at: int | None
    track: TrackName
    tally: Tally | None  # None before voting starts


@dataclass(frozen=True)
class ProtocolState:
    """What is in force at an instant (SPEC 7, last bullet)."""

    as_of: int
    version: str
    features: tuple[str, ...]
    parameters: Mapping[str, Any]
    set_by: Mapping[str, int]  # parameter -> NEP number that set it (absent: genesis)
    versions: tuple[tuple[int, str, int | None], ...]  # (instant, version, nep) history
