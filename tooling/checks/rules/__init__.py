"""Validation rules, one module per family; each check is a small pure function.

``check_proposals`` runs every NEP rule over already-parsed proposals with a
``Context`` that says what is in force for each of them; it never reads a
file or a clock.
"""

from __future__ import annotations

from typing import Sequence

from tooling.checks.rules.context import Context
from tooling.core.diagnostics import Diagnostic
from tooling.core.model import Proposal

__all__ = ["Context", "check_proposal", "check_repository"]


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
