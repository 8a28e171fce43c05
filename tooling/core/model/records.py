"""The records read from the repository: proposals, votes, stakes, governance, source positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from tooling.core.model.enums import Choice, NEPStatus, NEPType, Outcome, Reason, TrackName
from tooling.core.model.impact import EconomicImpact


@dataclass(frozen=True)
class ParameterChange:
    module: str
    parameter: str
    old_value: Any
    new_value: Any
    rationale: str

    @property
    def key(self) -> str:
        """The parameter's full name, ``module.parameter``."""
        return f"{self.module}.{self.parameter}"


@dataclass(frozen=True)
class UpgradePath:
    min_version: str = "1.0.0"
    target_version: str = "1.1.0"
    grace_period_days: int = 7
    backward_compatible: bool = True
    requires_checkpoint_reload: bool = False
    migration_steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Author:
    name: str
    node: str
    github: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Resolution:
    """The final tally as the bot writes it into the NEP file."""

    outcome: Outcome
    reason: Reason | None
    yes: Decimal
    no: Decimal
    abstain: Decimal
    total_stake: Decimal
    quorum_reached: bool
    approval_reached: bool
    decided_at: int


# --------------------------------------------------------------------------
# Source positions

#: A path into a YAML document: keys and list indexes, e.g. ("authors", 0, "node").
YPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Pos:
    """1-based line and column in the file (not in the front matter)."""

    line: int
    col: int


@dataclass
class Positions:
    """Where each value of a loaded YAML document starts.

    ``at(path)`` falls back to the nearest enclosing value, so a missing key
    is reported at the mapping that should hold it.
    """

    values: dict[YPath, Pos] = field(default_factory=dict)
    keys: dict[YPath, Pos] = field(default_factory=dict)

    def at(self, path: YPath) -> Pos:
        p = tuple(path)
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), Pos(1, 1))

    def key_at(self, path: YPath) -> Pos:
        return self.keys.get(tuple(path)) or self.at(path)


# --------------------------------------------------------------------------
# Repository records


@dataclass(frozen=True)
class Proposal:
    """A NEP as read from ``neps/nep-NNNN.md``.

    ``front_matter`` is the raw mapping as loaded (for hashing and for rules
    that look at what the author wrote); the typed fields are filled only
    where the value had the right type, so rules can run on broken files.
    """

    path: str  # repository-relative, forward slashes
    nep: int
    title: str
    type: NEPType | None
    status: NEPStatus | None
    authors: tuple[Author, ...]
    created: str
    discussion: str | None
    requires: tuple[int, ...]
    supersedes: tuple[int, ...]
    resubmission_of: int | None
    economic_impact: EconomicImpact | None
    parameter_changes: tuple[ParameterChange, ...]
    upgrade_path: UpgradePath | None
    submitted: int | None
    resolution: Resolution | None
    activated: int | None
    body: str
    body_line: int  # file line of the first body line
    content_hash: str
    front_matter: Mapping[str, Any]
    positions: Positions
    text: str  # the whole file, for diagnostics

    @property
    def proposer(self) -> str | None:
        return self.authors[0].node if self.authors else None

    @property
    def label(self) -> str:
        return f"NEP-{self.nep:04d}"

    def __str__(self) -> str:
        kind = self.type.label if self.type is not None else "NEP-?"
        impact = self.economic_impact.describe() if self.economic_impact is not None else "impact unreadable"
        return f"{self.label} [{kind}] {self.title} ({self.status or 'no status'}; {impact})"

    def __repr__(self) -> str:
        impact = self.economic_impact.describe() if self.economic_impact is not None else "impact unreadable"
        return (f"Proposal(nep={self.nep!r}, title={self.title!r}, type={self.type and self.type.value!r}, "
                f"status={self.status and self.status.value!r}, impact={impact!r}, path={self.path!r})")


@dataclass(frozen=True, slots=True)
class Vote:
    path: str
    nep: int
    voter: str
    public_key: str
    choice: Choice
    timestamp: int
    reason: str
    content_hash: str
    network: str
    signature: str


@dataclass(frozen=True)
class StakeEntry:
    node: str
    amount: Decimal
    since: int
    locked_until: int


@dataclass(frozen=True)
class Track:
    review_hours: int
    voting_hours: int
    grace_min_days: int
    grace_max_days: int


@dataclass(frozen=True)
class Rewards:
    approved_rate: Decimal
    approved_min: Decimal
    approved_max: Decimal
    rejected_rate: Decimal
    rejected_max: Decimal
    voter_rate: Decimal


@dataclass(frozen=True)
class Governance:
    """``governance.yaml``: the genesis values (SPEC 5)."""

    network: str
    protocol_version: str
    features: tuple[str, ...]
    parameters: Mapping[str, Any]
    min_stake_to_propose: Decimal
    proposal_fee: Decimal
    quorum: Decimal
    approval: Decimal
    resubmit_wait_days: int
    tracks: Mapping[TrackName, Track]
    rewards: Rewards
