"""Every closed set of the NEP process, each a ``StrEnum`` defined once, and the constants of time."""

from __future__ import annotations

from enum import StrEnum

DAY = 86_400
HOUR = 3_600


class TrackName(StrEnum):
    """The two tracks of governance.yaml; the emergency track belongs to NEP-EMERGENCY."""

    STANDARD = "standard"
    EMERGENCY = "emergency"


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
    def track(self) -> TrackName:
        return TrackName.EMERGENCY if self is NEPType.EMERGENCY else TrackName.STANDARD


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
    INVALID_INPUT = "invalid_input"


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


class DelegationCode(StrEnum):
    """Why a version of a delegation file is invalid (SPEC 11); the first failing check in this order wins."""

    MALFORMED = "MALFORMED"
    WRONG_PATH = "WRONG_PATH"
    WRONG_NETWORK = "WRONG_NETWORK"
    BAD_KEY = "BAD_KEY"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    SELF_DELEGATION = "SELF_DELEGATION"
    FUTURE_TIMESTAMP = "FUTURE_TIMESTAMP"
    STALE = "STALE"

    @property
    def intrinsic(self) -> bool:
        """True for the codes that make ``nep validate`` fail: the file itself is bad, wherever it lands."""
        return self in _INTRINSIC_DELEGATION_CODES


_INTRINSIC_DELEGATION_CODES = frozenset(
    {
        DelegationCode.MALFORMED,
        DelegationCode.WRONG_PATH,
        DelegationCode.WRONG_NETWORK,
        DelegationCode.BAD_KEY,
        DelegationCode.BAD_SIGNATURE,
        DelegationCode.SELF_DELEGATION,
    }
)
DELEGATION_DOMAIN = "neuroshard-nep-delegation/v1"
#: The feature that makes the tally follow delegations (in force at a NEP's T0).
DELEGATION_FEATURE = "delegation"


class RewardRole(StrEnum):
    """Why a node is paid a voter reward (SPEC 8, 11)."""

    VOTER = "voter"  # its own counted vote
    DELEGATOR = "delegator"  # its stake was carried by its delegate's counted vote


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.NOTICE: 0}


class ImpactUnit(StrEnum):
    """How a change of an economic impact field is described."""

    MULTIPLIER = "x"  # a factor, shown as a percent change
    MB = "MB"
    TFLOPS = "TFLOPS"
    DELTA = "delta"  # a bare signed number
    NEURO = "NEURO"
    PERCENT = "%"


class FeeStatus(StrEnum):
    """What became of a proposal fee (``nep rewards``)."""

    REFUNDED = "refunded"
    BURNED = "burned"
    KEPT = "kept"  # rejected with quorum: the fee stays with the treasury
    HELD = "held"  # undecided


class Phase(StrEnum):
    """The phases and points of a NEP's timeline, in path order."""

    DRAFT = "draft"
    REVIEW = "review"
    SUBMITTED = "submitted"
    VOTING = "voting"
    DECISION = "decision"
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    DEPRECATED = "deprecated"


class PhaseState(StrEnum):
    """A timeline phase seen from ``as_of``."""

    PAST = "past"
    CURRENT = "current"
    FUTURE = "future"
