"""What the rules may know beyond the file itself (kept apart so the rule modules import no package cycle)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from tooling.core.model import Governance, NEPStatus, Proposal, Track


@dataclass(frozen=True)
class Context:
    """What the rules may know beyond the file itself."""

    by_number: Mapping[int, Sequence[Proposal]]
    governance: Governance
    version_for: Callable[[Proposal], str]  # protocol version in force at the NEP's T0 (as_of for a draft)
    params_for: Callable[[Proposal], Mapping[str, Any]]  # parameters in force at T0 (governance.* included)
    features_for: Callable[[Proposal], Sequence[str]]  # features in force at T0
    track_for: Callable[[Proposal], Track]  # track values frozen at T0
    status_of: Callable[[Proposal], NEPStatus | None]  # computed status at as_of
