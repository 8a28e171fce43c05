"""What the core computes: judged votes, tallies, the state of each NEP, the protocol in force."""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Sequence

from tooling.core.model.enums import Choice, NEPStatus, Outcome, Reason, TrackName, VoteCode


@dataclass(frozen=True, slots=True)
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
    #: Stake delegated to this vote and carried by it (SPEC 11); 0 unless counted with delegation.
    delegated_weight: Decimal = Decimal(0)
    #: The delegators whose stake this vote carries, sorted.
    delegators: tuple[str, ...] = ()

    @property
    def own_weight(self) -> Decimal:
        """The voter's snapshot stake: ``weight`` without the stake delegated to it."""
        if not self.delegated_weight:
            return self.weight
        # Exact: amounts carry up to 48 digits, more than the default context keeps.
        return decimal.Context(prec=decimal.MAX_PREC).subtract(self.weight, self.delegated_weight)


@dataclass(frozen=True)
class CarriedStake:
    """A delegator's snapshot stake that its delegate's counted vote carried (SPEC 11)."""

    delegator: str
    delegate: str
    stake: Decimal


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
    votes: Sequence[VoteResult]  # by path; a ``Deferred`` when a memo of tallies answered
    quorum: Decimal = Decimal("0.20")
    approval: Decimal = Decimal("0.66")
    #: True when delegation applied to this NEP (the feature was in force at its T0).
    delegation: bool = False
    #: Every delegator whose stake was counted through its delegate's vote, sorted by delegator.
    carried: tuple[CarriedStake, ...] = ()

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
