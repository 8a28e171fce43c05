"""``Deferred``: a sequence named by a key, read only when looked at, equal to what it loads."""

from __future__ import annotations

from tooling.core.deferred import Deferred


def _counting(items: tuple[int, ...]) -> tuple[Deferred[int], list[int]]:
    calls: list[int] = []

    def load() -> tuple[int, ...]:
        calls.append(1)
        return items

    return Deferred(load, key="k", count=len(items)), calls


def test_nothing_is_read_until_an_item_is_looked_at() -> None:
    d, calls = _counting((1, 2, 3))
    assert len(d) == 3 and bool(d) and d.key == "k"
    assert calls == []
    assert list(d) == [1, 2, 3] and d[1] == 2 and d[1:] == (2, 3)
    assert calls == [1]  # read once, whatever is asked afterwards


def test_it_equals_the_tuple_it_loads_and_two_with_one_key_are_equal_unread() -> None:
    d, _ = _counting((1, 2))
    assert d == (1, 2) and d != (2, 1)
    e, calls = _counting((9,))
    assert e == Deferred(lambda: (), key="k") and calls == []  # same key: same items, by construction
    assert Deferred.of((1, 2)) == Deferred.of((1, 2)) and Deferred.of((1,)) != Deferred.of((2,))


def test_len_without_a_count_reads() -> None:
    d = Deferred(lambda: (1, 2))
    assert not d.loaded and len(d) == 2 and d.loaded
