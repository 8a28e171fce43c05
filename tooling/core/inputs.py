"""The inputs of the lifecycle, as the shell hands them over: one NEP's facts and the versions of a file.

"History is the record" (SPEC 2): in a git checkout, the ledger and
``governance.yaml`` are read as of an instant, from the version in the tree
of the last first-parent commit whose clock is at or before it. ``Versions``
is that sequence for one file, already parsed: a version whose ``value`` is
None was missing, unreadable or invalid and changes nothing, so the value in
force at t is the last *valid* version at or before t. Outside git the file as
it is stands for every instant (``Versions.always``).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Generic, Sequence, TypeVar

from tooling.core.model import NEPStatus, NEPType, ParameterChange
from tooling.core.tally import VoteFile

T = TypeVar("T")

#: Before any instant a file can carry (the clock of "the file as it is", outside git).
BEGINNING = -(1 << 62)


@dataclass(frozen=True)
class Version(Generic[T]):
    """One committed content of a file: the commit's clock and id, and the parsed value (None: invalid)."""

    clock: int
    commit: str | None  # None outside git
    value: T | None
    problem: str | None = None  # why the value is None: "deleted", the first schema error, ...


@dataclass(frozen=True)
class Versions(Generic[T]):
    """A file's versions along the first-parent history, oldest first."""

    items: tuple[Version[T], ...] = ()
    _valid: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())
    _clocks: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "_clocks", tuple(v.clock for v in self.items))
        # For each position, the index of the last valid version at or before it (-1: none).
        last, valid = -1, []
        for i, v in enumerate(self.items):
            if v.value is not None:
                last = i
            valid.append(last)
        object.__setattr__(self, "_valid", tuple(valid))

    @classmethod
    def always(cls, value: T | None, problem: str | None = None) -> Versions[T]:
        """Outside git: the file as it is, in force at every instant (None: there is no valid one)."""
        return cls((Version(BEGINNING, None, value, problem),))

    def index_at(self, t: int) -> int | None:
        """Index of the valid version in force at ``t`` (clock <= t), None if there is none."""
        i = bisect_right(self._clocks, t)
        if i == 0:
            return None
        j = self._valid[i - 1]
        return None if j < 0 else j

    def at(self, t: int) -> T | None:
        """The value in force at ``t``: the last valid version with clock <= t; None if none exists."""
        j = self.index_at(t)
        return None if j is None else self.items[j].value

    def invalid(self, as_of: int) -> list[Version[T]]:
        """The invalid versions committed by ``as_of`` (each reported by every command)."""
        return [v for v in self.items if v.value is None and v.clock <= as_of]

    def latest(self, as_of: int) -> T | None:
        return self.at(as_of)


@dataclass(frozen=True)
class NEPFacts:
    """What the shell extracts for one NEP, from its file and the git history.

    In a git checkout ``type``, ``proposer`` and ``resubmission_of`` are those of
    the version as of T0, and ``content_versions`` lists (clock, content hash)
    of every committed version from T0 on, so that the core takes the content
    in force at VS; outside git they are the file's.
    """

    nep: int
    type: NEPType
    author_status: NEPStatus | None  # the status field as written in the file now
    proposer: str | None  # the first author's node
    content_hash: str  # current content hash of the file
    content_hash_at_vs: str | None = None  # hash of the version in force at VS, if history knows it
    submitted: int | None = None  # T0: history's first `review` clock (git); the file's `submitted` outside git
    withdrawn_at: int | None = None  # clock of the first commit with status withdrawn
    resubmission_of: int | None = None
    supersedes: tuple[int, ...] = ()
    parameter_changes: tuple[ParameterChange, ...] = ()
    grace_period_days: int = 0
    target_version: str = ""
    vote_files: Sequence[VoteFile] = ()  # with included_at at as_of; a ``Deferred`` from the shell
    content_versions: tuple[tuple[int, str], ...] = ()  # (clock, content hash) of committed versions from T0 on

    def content_at(self, vs: int) -> str:
        """The content hash votes bind to: the committed version in force at VS, else what is known."""
        found = None
        for clock, digest in self.content_versions:
            if clock > vs:
                break
            found = digest
        return found or self.content_hash_at_vs or self.content_hash
