"""Validation rules, one module per family; each check is a small pure function.

``check_proposals`` runs every NEP rule over already-parsed proposals with a
``Context`` that says what is in force for each of them; it never reads a
file or a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from tooling.core.diagnostics import Diagnostic
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


def check_proposal(p: Proposal, ctx: Context) -> list[Diagnostic]:
    from tooling.checks.rules import body
    from tooling.checks.rules import impact
    from tooling.checks.rules import metadata
    from tooling.checks.rules import phase
    from tooling.checks.rules import upgrade

    out: list[Diagnostic] = []
    out += metadata.check(p, ctx)
    out += body.check(p)
    out += impact.check(p)
    out += upgrade.check(p, ctx)
    out += phase.placeholders(p)
    return phase.adjust(out, phase.phase_of(p, ctx.status_of(p)))


def check_repository(proposals: Sequence[Proposal], ctx: Context) -> list[Diagnostic]:
    """Rules that need every proposal at once: numbers, references, conflicts."""
    from tooling.checks.rules import metadata
    from tooling.checks.rules import upgrade

    return metadata.check_all(proposals, ctx) + upgrade.check_conflicts(proposals, ctx)
