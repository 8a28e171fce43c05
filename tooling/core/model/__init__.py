"""The one source of truth for the data of the NEP process.

Every enumeration is defined once, as a ``StrEnum`` in ``enums``, and every
other module, the JSON Schemas and the CLI's choices included, must agree
with it (``tests/test_model.py`` checks the schemas). Records are plain
frozen dataclasses: the functional core (economics, tally, lifecycle) takes
and returns these and nothing else.

Instants are integer Unix seconds inside the core; they are turned into
RFC 3339 strings only at the edges (files, JSON, HTML).

The package is split by concept: ``enums`` (closed sets and time
constants), ``impact`` (the economic impact record and its reading),
``records`` (what is read from the repository), ``results`` (what the core
computes). Import from ``tooling.core.model``; the split is not an API.
"""

from __future__ import annotations

from tooling.core.model.enums import (
    DAY,
    HOUR,
    TrackName,
    NEPType,
    NEPStatus,
    AUTHOR_STATUSES,
    FINAL_STATUSES,
    Choice,
    Outcome,
    Reason,
    VoteCode,
    FUTURE_TOLERANCE_SECONDS,
    VOTE_DOMAIN,
    DelegationCode,
    DELEGATION_DOMAIN,
    DELEGATION_FEATURE,
    RewardRole,
    Severity,
    ImpactUnit,
    FeeStatus,
    Phase,
    PhaseState,
)
from tooling.core.model.impact import (
    ImpactField,
    IMPACT_FIELDS,
    IMPACT_FIELD_NAMES,
    EconomicImpact,
)
from tooling.core.model.records import (
    ParameterChange,
    UpgradePath,
    Author,
    Resolution,
    YPath,
    Pos,
    Positions,
    Proposal,
    Vote,
    StakeEntry,
    Track,
    Rewards,
    Governance,
)
from tooling.core.model.results import (
    VoteResult,
    CarriedStake,
    Tally,
    NEPState,
    ProtocolState,
)

__all__ = [
    "AUTHOR_STATUSES",
    "Author",
    "CarriedStake",
    "Choice",
    "DAY",
    "DELEGATION_DOMAIN",
    "DELEGATION_FEATURE",
    "DelegationCode",
    "EconomicImpact",
    "FINAL_STATUSES",
    "FUTURE_TOLERANCE_SECONDS",
    "FeeStatus",
    "Governance",
    "HOUR",
    "IMPACT_FIELDS",
    "IMPACT_FIELD_NAMES",
    "ImpactField",
    "ImpactUnit",
    "NEPState",
    "NEPStatus",
    "NEPType",
    "Outcome",
    "ParameterChange",
    "Phase",
    "PhaseState",
    "Pos",
    "Positions",
    "Proposal",
    "ProtocolState",
    "Reason",
    "Resolution",
    "RewardRole",
    "Rewards",
    "Severity",
    "StakeEntry",
    "Tally",
    "Track",
    "TrackName",
    "UpgradePath",
    "VOTE_DOMAIN",
    "Vote",
    "VoteCode",
    "VoteResult",
    "YPath",
]
