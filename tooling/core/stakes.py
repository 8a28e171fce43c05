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
from bisect import bisect_left, bisect_right
from decimal import Decimal
from types import MappingProxyType
from typing import Iterator, Mapping, Sequence

from tooling.core.model import StakeEntry

ZERO = Decimal(0)
#: Never modified (``exact_context`` hands out copies); building a Context per stake lookup cost 5 % of a cold run.
_EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.Inexact, decimal.Overflow, decimal.DivisionByZero],
)


def exact_context() -> AbstractContextManager[decimal.Context]:
    """A decimal context in which + and × never round (and would raise if they had to).

    Amounts are arbitrary decimal strings; the default 28 digits could round a
    large sum, and no rounding may ever decide an outcome.
    """
    # One template, built once: ``localcontext`` copies it, so nothing is shared between uses.
    return decimal.localcontext(_EXACT)


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
    #: What names the ledger version this snapshot was taken from (its commit), so a memo of tallies can key on
    #: it instead of on every voter's weight; None when nothing names it (outside git).
    source: str | None = field(default=None, compare=False)

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


class _Weights(Mapping[str, Decimal]):
    """The snapshot weights at one instant, read per node on demand (only voters are ever asked)."""

    def __init__(self, index: StakeIndex, t: int) -> None:
        self._index, self._t = index, t
        self._cache: dict[str, Decimal] = {}

    def __getitem__(self, node: str) -> Decimal:
        w = self._cache.get(node)
        if w is None:
            w = self._cache[node] = self._index.stake(node, self._t)
        if w <= 0:
            raise KeyError(node)
        return w

    def __iter__(self) -> Iterator[str]:
        return (node for node in self._index.by_node if self.get(node) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class StakeIndex:
    """The ledger indexed once, so that 1,000 snapshots do not each re-read every entry.

    The total at t is the sum of entries with ``since < t`` minus those with
    ``locked_until <= t`` (prefix sums over both orders); entries that are never
    in force (``since >= locked_until``) are left out first, which makes the
    second set a subset of the first. ``stakes.stake`` stays the rule for a node.
    """

    def __init__(self, entries: Sequence[StakeEntry], source: str | None = None) -> None:
        self.source = source
        self.by_node: dict[str, list[StakeEntry]] = {}
        for e in entries:
            self.by_node.setdefault(e.node, []).append(e)
        live = [e for e in entries if e.since < e.locked_until]
        by_since = sorted(live, key=lambda e: e.since)
        by_until = sorted(live, key=lambda e: e.locked_until)
        self._since = [e.since for e in by_since]
        self._until = [e.locked_until for e in by_until]
        self._since_sums = [ZERO]
        self._until_sums = [ZERO]
        with exact_context():
            for e in by_since:
                self._since_sums.append(self._since_sums[-1] + e.amount)
            for e in by_until:
                self._until_sums.append(self._until_sums[-1] + e.amount)
        self._snapshots: dict[int, Snapshot] = {}

    def stake(self, node: str | None, t: int) -> Decimal:
        if node is None:
            return ZERO
        return stake(self.by_node.get(node, ()), node, t)

    def total(self, t: int) -> Decimal:
        with exact_context():
            return self._since_sums[bisect_left(self._since, t)] - self._until_sums[bisect_right(self._until, t)]

    def snapshot(self, t: int) -> Snapshot:
        """The same values as ``stakes.snapshot(entries, t)``, without a pass over the ledger."""
        snap = self._snapshots.get(t)
        if snap is None:
            snap = self._snapshots[t] = Snapshot(at=t, weights=_Weights(self, t), total=self.total(t), source=self.source)
        return snap
