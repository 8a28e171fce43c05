"""SPEC 6: stake(node, t) over entries with since < t < locked_until, and the snapshot at VS."""

from __future__ import annotations

from decimal import Decimal

from tooling.core.model import StakeEntry
from tooling.core.stakes import Snapshot, snapshot, stake

T = 1_767_225_600
A = "a" * 32
B = "b" * 32


def entry(node: str, amount: str, since: int, until: int) -> StakeEntry:
    return StakeEntry(node=node, amount=Decimal(amount), since=since, locked_until=until)


def test_stake_starting_exactly_at_t_weighs_nothing():
    assert stake([entry(A, "100", T, T + 1000)], A, T) == 0


def test_stake_ending_exactly_at_t_weighs_nothing():
    assert stake([entry(A, "100", T - 1000, T)], A, T) == 0


def test_stake_one_second_inside_counts_at_both_ends():
    assert stake([entry(A, "100", T - 1, T + 1000)], A, T) == Decimal("100")
    assert stake([entry(A, "100", T - 1000, T + 1)], A, T) == Decimal("100")


def test_several_entries_of_a_node_sum_and_other_nodes_are_ignored():
    entries = [
        entry(A, "100.5", T - 10, T + 10),
        entry(A, "0.25", T - 5, T + 5),
        entry(B, "999", T - 5, T + 5),
        entry(A, "7", T + 1, T + 5),  # not yet
    ]
    assert stake(entries, A, T) == Decimal("100.75")


def test_sums_are_exact_beyond_28_digits():
    big = "123456789012345678901234567890.123456789"
    total = stake([entry(A, big, T - 1, T + 1), entry(A, "0.000000001", T - 1, T + 1)], A, T)
    assert total == Decimal("123456789012345678901234567890.123456790")


def test_snapshot_total_equals_sum_of_weights_at_the_same_instant():
    entries = [
        entry(A, "60", T - 10, T + 10),
        entry(A, "40", T - 10, T + 10),
        entry(B, "0.30", T - 10, T + 10),
        entry(B, "5", T, T + 10),  # starts at the snapshot: nothing
        entry("c" * 32, "8", T - 10, T),  # ended at the snapshot: nothing
    ]
    snap = snapshot(entries, T)
    assert snap.at == T
    assert dict(snap.weights) == {A: Decimal("100"), B: Decimal("0.30")}
    assert snap.total == sum(snap.weights.values()) == Decimal("100.30")
    assert snap.weight(A) == stake(entries, A, T)
    assert snap.weight(B) == stake(entries, B, T)


def test_snapshot_weight_of_unknown_node_is_zero():
    snap = snapshot([], T)
    assert snap.weight(A) == Decimal(0)
    assert snap.total == Decimal(0)
    assert Snapshot(at=T).weight(B) == 0
