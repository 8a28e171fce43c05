"""The one source of truth for the data of the NEP process.

Every enumeration is defined here once (as a ``StrEnum``) and every other
module, the JSON Schemas included, must agree with it (``tests/test_model.py``
checks the schemas). Records are plain frozen dataclasses: the functional
core (economics, tally, lifecycle) takes and returns these and nothing else.

Instants are integer Unix seconds inside the core; they are turned into
RFC 3339 strings only at the edges (files, JSON, HTML).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Mapping

DAY = 86_400
HOUR = 3_600


class NEPType(StrEnum):
    ARCHITECTURE = "arch"
    ECONOMICS = "econ"
    TRAINING = "train"
    NETWORK = "net"
    GOVERNANCE = "gov"
    EMERGENCY = "emergency"

    @property
    def label(self) -> str:
        """Display label: ``NEP-ARCH``, ``NEP-ECON``, ..."""
        return "NEP-" + self.value.upper()

    @property
    def track(self) -> str:
        return "emergency" if self is NEPType.EMERGENCY else "standard"


class NEPStatus(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    VOTING = "voting"
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    DEPRECATED = "deprecated"


#: Statuses an author may write; every other status is the bot's.
AUTHOR_STATUSES = frozenset({NEPStatus.DRAFT, NEPStatus.REVIEW, NEPStatus.WITHDRAWN})
#: Statuses from which nothing changes any more (deprecated only by supersession).
FINAL_STATUSES = frozenset({NEPStatus.REJECTED, NEPStatus.WITHDRAWN, NEPStatus.DEPRECATED})


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class Reason(StrEnum):
    """Why a NEP was rejected, checked in this order at the voting end."""

    NO_QUORUM = "no_quorum"
    ALL_ABSTAIN = "all_abstain"
    NO_APPROVAL = "no_approval"
    INSUFFICIENT_STAKE = "insufficient_stake"
    RESUBMITTED_TOO_SOON = "resubmitted_too_soon"


class VoteCode(StrEnum):
    """Why a vote is not counted; the first failing check in this order wins."""

    MALFORMED = "MALFORMED"
    WRONG_PATH = "WRONG_PATH"
    WRONG_NETWORK = "WRONG_NETWORK"
    BAD_KEY = "BAD_KEY"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    STALE_CONTENT = "STALE_CONTENT"
    TOO_EARLY = "TOO_EARLY"
    TOO_LATE = "TOO_LATE"
    LATE_INCLUSION = "LATE_INCLUSION"
    FUTURE_TIMESTAMP = "FUTURE_TIMESTAMP"
    NO_STAKE = "NO_STAKE"
    PENDING = "PENDING"

    @property
    def intrinsic(self) -> bool:
        """True for the codes that make ``nep validate`` fail: the file itself is bad."""
        return self in _INTRINSIC_CODES


_INTRINSIC_CODES = frozenset(
    {VoteCode.MALFORMED, VoteCode.WRONG_PATH, VoteCode.WRONG_NETWORK, VoteCode.BAD_KEY, VoteCode.BAD_SIGNATURE}
)

#: Seconds a vote's own timestamp may run ahead of its inclusion time.
FUTURE_TOLERANCE_SECONDS = 300
VOTE_DOMAIN = "neuroshard-nep-vote/v1"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "notice": 0}[self.value]


# --------------------------------------------------------------------------
# Economic impact


@dataclass(frozen=True)
class ImpactField:
    name: str
    label: str
    neutral: Any
    unit: str  # how describe() prints a change: "x" multiplier, "MB", "TFLOPS", "NEURO", "%", "pp"


#: The nine economic impact fields, in file order, with their human labels.
IMPACT_FIELDS: tuple[ImpactField, ...] = (
    ImpactField("training_reward_multiplier", "Training rewards", 1.0, "x"),
    ImpactField("training_efficiency_multiplier", "Training efficiency", 1.0, "x"),
    ImpactField("inference_reward_multiplier", "Inference rewards", 1.0, "x"),
    ImpactField("inference_cost_multiplier", "Inference cost", 1.0, "x"),
    ImpactField("min_memory_change_mb", "Memory requirement", 0, "MB"),
    ImpactField("min_compute_change_tflops", "Compute requirement", 0.0, "TFLOPS"),
    ImpactField("staking_multiplier_change", "Staking multiplier", 0.0, "delta"),
    ImpactField("upgrade_cost_neuro", "Upgrade cost", Decimal(0), "NEURO"),
    ImpactField("net_earnings_change_percent", "Net earnings", 0.0, "%"),
)
IMPACT_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in IMPACT_FIELDS)


@dataclass(frozen=True)
class EconomicImpact:
    """The nine fields of SPEC 3.1; the defaults are the no-change values."""

    training_reward_multiplier: float = 1.0
    training_efficiency_multiplier: float = 1.0
    inference_reward_multiplier: float = 1.0
    inference_cost_multiplier: float = 1.0
    min_memory_change_mb: int = 0
    min_compute_change_tflops: float = 0.0
    staking_multiplier_change: float = 0.0
    upgrade_cost_neuro: Decimal = Decimal(0)
    net_earnings_change_percent: float = 0.0

    def is_neutral(self) -> bool:
        from tooling.core.economics import is_neutral

        return is_neutral(self)

    def describe(self) -> str:
        from tooling.core.economics import describe

        return describe(self)

    def __str__(self) -> str:
        return self.describe()


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


@dataclass(frozen=True)
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
    tracks: Mapping[str, Track]
    rewards: Rewards


# --------------------------------------------------------------------------
# Computed results


@dataclass(frozen=True)
class VoteResult:
    """One vote as the tally judged it."""

    path: str
    voter: str
    choice: str | None
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
    track: str
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
