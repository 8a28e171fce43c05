"""A sequence named by a key and read only when looked at.

A warm run must not decode 100,000 vote records to print a status line. The
shell names a NEP's vote files by a digest of what decides them (each path,
the id of the bytes counted, its inclusion clock), and a memo of tallies
holds judged rows apart from their sums; both are handed to the core as a
``Deferred``: a sequence whose items ``load`` returns the first time anything
reads them. The value is the one ``load`` returns; only the moment of reading
differs, so the core stays a function of its inputs.

Decisions:
- Two deferred sequences with the same key are equal without reading either
  (the key is a digest of everything their items are a function of); anything
  else compares item by item, also with a plain tuple.
- ``len`` answers from ``count`` when the caller knows it, without reading.
"""

from __future__ import annotations

from typing import Callable, Generic, Iterator, Sequence, TypeVar, overload

T = TypeVar("T")


class Deferred(Sequence[T], Generic[T]):
    __slots__ = ("key", "count", "_load", "_items")

    def __init__(self, load: Callable[[], Sequence[T]], *, key: str | None = None, count: int | None = None) -> None:
        self.key = key
        self.count = count
        self._load = load
        self._items: tuple[T, ...] | None = None

    @classmethod
    def of(cls, items: Sequence[T], key: str | None = None) -> Deferred[T]:
        """Items already at hand, with the key that names them."""
        out: Deferred[T] = cls(lambda: (), key=key)
        out._items = tuple(items)
        return out

    @property
    def loaded(self) -> bool:
        return self._items is not None

    @property
    def items(self) -> tuple[T, ...]:
        if self._items is None:
            self._items = tuple(self._load())
        return self._items

    def __len__(self) -> int:
        if self._items is None and self.count is not None:
            return self.count
        return len(self.items)

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[T, ...]: ...

    def __getitem__(self, i: int | slice) -> T | tuple[T, ...]:
        return self.items[i]

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred) and self.key is not None and self.key == other.key:
            return True
        if isinstance(other, (Deferred, tuple)):
            return self.items == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.key) if self.key is not None else hash(self.items)

    def __repr__(self) -> str:
        return f"Deferred(key={self.key!r}, loaded={self.loaded})"
