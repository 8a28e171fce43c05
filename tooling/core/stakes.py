"""Stake at an instant and the snapshot a vote is weighed with (SPEC 6).

A stake entry is in force strictly inside ``(since, locked_until)``: stake
added at the very instant of voting start counts for nothing, and voters and
the total are read from the same instant, so the two can never disagree.
Sums are exact (``exact_context``), whatever the number of decimals.
"""

from __future__ import annotations

import decimal
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Mapping, Sequence

from tooling.core.model import StakeEntry

ZERO = Decimal(0)


def exact_context() -> AbstractContextManager[decimal.Context]:
    """A decimal context in which + and × never round (and would raise if they had to).

    Amounts are arbitrary decimal strings; the default 28 digits could round a
    large sum, and no rounding may ever decide an outcome.
    """
    ctx = decimal.Context(
        prec=decimal.MAX_PREC,
        Emax=decimal.MAX_EMAX,
        Emin=decimal.MIN_EMIN,
        traps=[decimal.InvalidOperation, decimal.Inexact, decimal.Overflow, decimal.DivisionByZero],
    )
    return decimal.localcontext(ctx)


def in_force(entry: StakeEntry, t: int) -> bool:
    """True if ``entry`` is staked at ``t`` (both ends excluded)."""
    return entry.since < t < entry.locked_until


def stake(entries: Sequence[StakeEntry], node: str, t: int) -> Decimal:
    """``stake(node, t)``: the sum of the node's entries in force at ``t``."""
    total = ZERO
    with exact_context():
        for entry in entries:
            if entry.node == node and entry.since < t < entry.locked_until:
                total += entry.amount
    return total


@dataclass(frozen=True)
class Snapshot:
    """Every node's stake at one instant, and their total (the TS of the tally)."""

    at: int
    weights: Mapping[str, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO

    def weight(self, node: str) -> Decimal:
        """The node's stake at ``at``; 0 if it had none."""
        return self.weights.get(node, ZERO)


def snapshot(entries: Sequence[StakeEntry], t: int) -> Snapshot:
    """The snapshot at ``t`` in one pass over the ledger; only nodes with stake > 0 appear."""
    weights: dict[str, Decimal] = {}
    total = ZERO
    with exact_context():
        for entry in entries:
            if entry.since < t < entry.locked_until:
                weights[entry.node] = weights.get(entry.node, ZERO) + entry.amount
                total += entry.amount
    # Amounts are positive (ledger schema), but a zero weight must still read as "no stake".
    positive = {node: w for node, w in weights.items() if w > 0}
    return Snapshot(at=t, weights=MappingProxyType(positive), total=total)
