"""The site's delegates page and ``api/delegates.json`` (SPEC 11): who carries how much delegated stake.

Kept in a module of its own so the delegation parts stay small; the page
uses the site's templates and formatting filters.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable

from tooling.core.delegates import DelegationsReport, delegations_report
from tooling.present.format import percent
from tooling.present.reports.delegations import delegations_json

if TYPE_CHECKING:  # pragma: no cover
    from tooling.shell.evaluate import World


def delegates_at(world: "World", as_of: int) -> DelegationsReport:
    """The delegations in force at ``as_of`` with the ledger in force then (history's in git)."""
    snaps = world.snapshots
    ledger = snaps.ledger.at(as_of) if snaps is not None and snaps.git else world.repo.stakes
    return delegations_report(world.delegations, tuple(ledger or ()), as_of)


def delegates_files(report: DelegationsReport, page: Callable[..., None]) -> dict[str, bytes]:
    """Renders ``delegates.html`` through ``page`` and returns ``api/delegates.json``."""
    rows = [
        {"delegate": s.delegate, "stake": s.delegated_stake, "share": percent(s.delegated_stake, report.total_stake),
         "delegators": s.delegators}
        for s in report.delegates
    ]
    page("delegates.html", "delegates.html", nav="delegates", report=report, rows=rows)
    doc: dict[str, Any] = delegations_json(report)
    return {"api/delegates.json": (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")}
