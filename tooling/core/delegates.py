"""Who delegates to whom at an instant, with the stakes (``nep delegations``, ``nep whoami``, the site).

Pure: judged delegation files and a ledger in, rows out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping, Sequence

from tooling.core import stakes as stakes_mod
from tooling.core.delegation import DelegateSummary, JudgedVersion, delegate_summaries, delegates_at
from tooling.core.delegation import delegations_in_force
from tooling.core.model import StakeEntry


@dataclass(frozen=True)
class DelegationRow:
    delegator: str
    delegate: str
    included_at: int
    timestamp: int
    stake: Decimal  # the delegator's stake at the instant


@dataclass(frozen=True)
class DelegationsReport:
    """``nep delegations --at T``: every delegation in force at T and the delegates they make."""

    as_of: int
    total_stake: Decimal
    delegations: tuple[DelegationRow, ...]
    delegates: tuple[DelegateSummary, ...]


def delegations_report(files: Mapping[str, Sequence[JudgedVersion]], ledger: Sequence[StakeEntry],
                       t: int) -> DelegationsReport:
    """Pure: the delegations in force at ``t`` (revocations omitted) with stakes from ``ledger`` at ``t``."""
    snap = stakes_mod.snapshot(ledger, t)
    rows = []
    for j in delegations_in_force(files, t):
        d = j.delegation
        if d is None or d.delegate is None:
            continue
        rows.append(DelegationRow(d.delegator, d.delegate, j.included_at, d.timestamp, snap.weight(d.delegator)))
    return DelegationsReport(t, snap.total, tuple(rows), delegate_summaries(delegates_at(files, t), snap))




def delegated_to(files: Mapping[str, Sequence[JudgedVersion]], node: str, vs: int,
                 snapshot: stakes_mod.Snapshot) -> tuple[Decimal, tuple[str, ...]]:
    """The stake delegated to ``node`` at VS and its delegators with stake (before any of them votes).

    What a delegate may carry: a vote by a node without stake of its own is
    not refused for ``NO_STAKE`` when this is more than 0 (SPEC 11).
    """
    delegators = tuple(sorted(n for n, d in delegates_at(files, vs).items() if d == node and snapshot.weight(n) > 0))
    with stakes_mod.exact_context():
        total = sum((snapshot.weight(n) for n in delegators), stakes_mod.ZERO)
    return total, delegators
