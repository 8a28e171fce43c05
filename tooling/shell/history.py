"""The git history of a NEP repository, reduced to what the governance rules need.

It turns the first-parent history of the processed ref into plain data
(``History``): every commit with its *clock* (SPEC 4: committer time, never
moving backwards), every change of a file under ``neps/``, ``votes/`` and
``delegations/`` and of ``governance.yaml`` and ``stakes/ledger.yaml``, and the ``status`` each
version of a ``neps/*.md`` file declared. From that, inclusion times, first
included contents, T0 / withdrawal times and "file F as of t" (``blob_at``)
are pure lookups at any ``as_of``.

Reading takes a fixed number of git processes whatever the size of the
history (all of them through ``shell.git``): one ``rev-parse`` probe, one
``git log --first-parent --raw`` pass (cut, for long histories, into
consecutive first-parent segments read in parallel, one per core) and one
``git cat-file --batch`` for the NEP blobs. A JSON cache in the cache folder
(``shell.caches``: never in the work tree, never pickle) makes warm runs skip
the log pass, and extends itself when the head moved forward along the
first-parent chain.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator, Mapping, Sequence

from tooling.shell import caches
from tooling.shell.frontmatter import front_matter_status  # noqa: F401
from tooling.shell.gitlog import (
    _Raw, _dump_cache, _extend, _folder_changes, _is_nep_path, _load_cache, _scan_all, folder_digests,
)
from tooling.shell.gitlog import _FOLDERS_ALONE, _VOTE_FOLDER, _or_rescan, _vote_changes
# Re-exported: callers that predate shell.git import these names from here.
from tooling.shell.git import (  # noqa: F401
    LOCAL_GIT_ENV as _LOCAL_GIT_ENV,
    HistoryError,
    TreeEntry,
    changed_paths,
    decode_path as _decode_path,
    dirty_paths,
    git as _git,
    is_git_repo,
    probe as _probe,
    read_blobs,
    read_tree,
    read_tree_entries,
    resolve_rev,
    run as _run,
    run_parallel as _run_parallel,
    verify as _verify,
)

#: What ``surrogateescape`` turns an undecodable byte of a name into.
_UNDECODABLE = re.compile(r"[\udc80-\udcff]")
#: Files with events in a ``History``: NEPs and votes, and the two inputs read as of an instant (SPEC 2).
GOVERNANCE_PATH = "governance.yaml"
LEDGER_PATH = "stakes/ledger.yaml"
TRACKED_PREFIXES: tuple[str, ...] = ("neps/", "votes/", "delegations/", GOVERNANCE_PATH, LEDGER_PATH)



@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    time: int  # committer time as recorded
    clock: int  # max(time, previous clock) along the first-parent chain


@dataclass(frozen=True, slots=True)
class FileEvent:
    path: str
    index: int  # index of the commit in History.commits
    clock: int
    blob: str | None  # None: the file was deleted by that commit


@dataclass(frozen=True)
class History:
    """The first-parent history of one ref, root first.

    ``events`` and ``nep_statuses`` are read-only by convention (plain dicts,
    so that the value stays cheap to build and to compare).
    """

    commits: tuple[Commit, ...] = ()
    events: Mapping[str, tuple[FileEvent, ...]] = field(default_factory=dict)
    nep_statuses: Mapping[str, tuple[tuple[int, str | None], ...]] = field(default_factory=dict)
    head: str | None = None
    #: Vote folder ("votes/nep-0001/") -> (digest of its events, clock of its last event): what names the folder's
    #: vote files for any ``as_of`` at or after that clock without reading its events (``vote_folder``).
    vote_folders: Mapping[str, tuple[str, int, bool]] = field(default_factory=dict, compare=False)
    _clocks: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _sorted: dict[bool, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_clocks", tuple(c.clock for c in self.commits))
        object.__setattr__(self, "_sorted", {})

    def _sorted_paths(self, votes: bool) -> tuple[str, ...]:
        """Sorted paths with events, vote files apart from the rest (so that NEP lookups never load votes)."""
        found = self._sorted.get(votes)
        if found is None:
            keys = self.events.keys() if votes or not isinstance(self.events, _Events) else self.events.eager
            found = self._sorted[votes] = tuple(sorted(p for p in keys if p.startswith("votes/") == votes))
        return found

    def undecodable_vote_paths(self) -> list[str]:
        """Every path under votes/ history ever held whose name is not UTF-8 (sorted)."""
        if isinstance(self.events, _Events):
            return self.events.undecodable()
        return sorted(p for p in self.events if p.startswith("votes/") and _UNDECODABLE.search(p))

    def vote_folder(self, folder: str) -> tuple[str, int, bool] | None:
        """(digest, last clock, once) of the events under ``folder`` ("votes/nep-0001/"); None if it has none.

        ``once``: every file there was added by one commit and never changed or deleted since, so the version
        that counts is the one in the head's tree.

        The digest chains every event of the folder (path, clock, blob) in history order, so it names exactly
        what ``paths``, ``inclusion_time`` and ``first_blob`` answer for the folder at any ``as_of`` at or after
        the last clock.
        """
        return self.vote_folders.get(folder)

    def prefix(self, as_of: int) -> int:
        """Number of commits of the repository "as of" ``as_of`` (clock <= as_of)."""
        return bisect.bisect_right(self._clocks, as_of)

    def _first_included(self, path: str, as_of: int) -> FileEvent | None:
        limit = self.prefix(as_of)
        for event in self.events.get(path, ()):
            if event.index >= limit:
                return None
            if event.blob is not None:
                return event
        return None

    def inclusion_time(self, path: str, as_of: int) -> int | None:
        """Clock of the first commit (clock <= as_of) whose tree contains ``path``."""
        event = self._first_included(path, as_of)
        return None if event is None else event.clock

    def first_blob(self, path: str, as_of: int) -> str | None:
        """Blob of the first included content of ``path``; later changes never replace it."""
        event = self._first_included(path, as_of)
        return None if event is None else event.blob

    def first_status_time(self, path: str, statuses: Collection[str], as_of: int) -> int | None:
        """Clock of the first commit (clock <= as_of) in which the NEP's ``status`` is one of ``statuses``."""
        for clock, status in self.nep_statuses.get(path, ()):
            if clock > as_of:
                return None
            if status is not None and status in statuses:
                return clock
        return None

    def blob_at(self, path: str, t: int) -> str | None:
        """File ``path`` as of ``t`` (SPEC 2): its blob in the tree of the last commit with clock <= t; None if absent."""
        limit = self.prefix(t)
        found: str | None = None
        for event in self.events.get(path, ()):
            if event.index >= limit:
                break
            found = event.blob
        return found

    def versions(self, path: str, as_of: int) -> list[tuple[int, str, str | None]]:
        """Every change of ``path`` by ``as_of``: (clock, commit sha, blob or None if deleted), oldest first."""
        limit = self.prefix(as_of)
        return [(e.clock, self.commits[e.index].sha, e.blob) for e in self.events.get(path, ()) if e.index < limit]

    def paths(self, prefix: str, as_of: int) -> list[str]:
        """Every path starting with ``prefix`` included by ``as_of``, even if deleted later; sorted."""
        if (under := self.events.under(prefix) if isinstance(self.events, _Events) else None) is not None:
            keys = tuple(sorted(under))
        elif isinstance(self.events, _Events) and _VOTE_FOLDER.fullmatch(prefix):
            keys = tuple(self.events.folder_paths(prefix))  # one folder: no sort of every vote path
        elif prefix.startswith("votes/"):
            keys = self._sorted_paths(True)
        elif "votes/".startswith(prefix):
            keys = tuple(sorted(self._sorted_paths(True) + self._sorted_paths(False)))
        else:
            keys = self._sorted_paths(False)
        start = bisect.bisect_left(keys, prefix)
        end = bisect.bisect_left(keys, _prefix_upper_bound(prefix)) if prefix else len(keys)
        limit = self.prefix(as_of)
        out = []
        for path in keys[start:end]:
            if self._first_included_index(path) < limit:
                out.append(path)
        return out

    def _first_included_index(self, path: str) -> int:
        for event in self.events[path]:
            if event.blob is not None:
                return event.index
        return len(self.commits)


EMPTY_HISTORY = History()


def _prefix_upper_bound(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# --------------------------------------------------------------------------
# Reading the history


def read_history(
    repo: Path, ref: str = "HEAD", cache_dir: Path | None = None, *, allow_shallow: bool = False,
    cache_key: str | None = None,
) -> History:
    """The first-parent history of ``ref`` in ``repo``.

    EMPTY_HISTORY if ``repo`` is not (the top of) a git work tree, or ``ref``
    is ``HEAD`` of a repository without commits. A shallow clone raises
    HistoryError unless ``allow_shallow``: its truncated history would date
    every file at the shallow boundary and silently misjudge every vote.
    With ``cache_dir``, the parsed history is stored there and reused or
    extended on the next run.
    """
    repo = Path(repo)
    if not repo.is_dir():
        return EMPTY_HISTORY
    top, shallow, head, complaint = _probe(repo, ref)
    if not top:
        if (repo / ".git").exists():
            raise HistoryError(f"cannot read the git repository {repo}: {complaint}")
        return EMPTY_HISTORY
    if head is None:
        if ref == "HEAD":
            return EMPTY_HISTORY  # no commit yet
        _verify(repo, ref, "commit")  # raises with the explanation
        raise HistoryError(f"unknown revision {ref!r} in {repo}")
    if shallow and not allow_shallow:
        raise HistoryError(
            f"{repo} is a shallow clone: inclusion times need the whole history "
            "(fetch it with `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
        )
    if cache_dir is None:
        return _assemble(_scan_all(repo, head))
    # ``cache_key``: one entry for a ref given by commit id that moves forward (check-pr's base), extended in place.
    return _read_cached(repo, cache_key or ref, head, Path(cache_dir))


class _Events(Mapping[str, tuple[FileEvent, ...]]):
    """Every path's events; those of vote files are grouped only when first asked for.

    A warm ``status`` needs the NEPs' events and each vote folder's digest, not 100,000 vote events.
    """

    def __init__(self, eager: dict[str, tuple[FileEvent, ...]], votes: Callable[[], dict[str, tuple[FileEvent, ...]]],
                 folder: Callable[[str], dict[str, tuple[FileEvent, ...]]] | None = None,
                 undecodable: Callable[[], list[str]] | None = None) -> None:
        self.eager = eager
        self.undecodable = undecodable or (lambda: sorted(p for p in self._vote_events() if _UNDECODABLE.search(p)))
        self._votes_thunk = votes
        self._votes: dict[str, tuple[FileEvent, ...]] | None = None
        self._folder = folder  # one vote folder's events alone (check-pr on one new vote needs one folder's)
        self._folders: dict[str, dict[str, tuple[FileEvent, ...]]] = {}
        self._index: dict[str, list[str]] | None = None

    def _vote_events(self) -> dict[str, tuple[FileEvent, ...]]:
        if self._votes is None:
            self._votes = self._votes_thunk()
        return self._votes

    def folder_paths(self, prefix: str) -> list[str]:
        """Every vote path under ``prefix`` ("votes/nep-0001/", subfolders included), sorted; indexed once."""
        if self._index is None:
            index: dict[str, list[str]] = {}
            for path in self._vote_events():
                if (cut := path.find("/", 6)) > 0:
                    index.setdefault(path[:cut + 1], []).append(path)
            self._index = {k: sorted(v) for k, v in index.items()}
        return self._index.get(prefix, [])

    def under(self, prefix: str) -> dict[str, tuple[FileEvent, ...]] | None:
        """The events under vote folder ``prefix`` read alone, for the first few folders asked; else None."""
        if prefix not in self._folders and self._folder is not None and self._votes is None and \
                len(self._folders) < _FOLDERS_ALONE and _VOTE_FOLDER.fullmatch(prefix):
            self._folders[prefix] = self._folder(prefix)
        return self._folders.get(prefix)

    def _vote_map(self, path: str) -> Mapping[str, tuple[FileEvent, ...]]:
        under = self.under(path[:path.rindex("/") + 1])
        return under if under is not None else self._vote_events()

    def __getitem__(self, path: str) -> tuple[FileEvent, ...]:
        if path.startswith("votes/"):
            return self._vote_map(path)[path]
        return self.eager[path]

    def get(self, path: str, default: tuple[FileEvent, ...] | None = None) -> tuple[FileEvent, ...] | None:  # type: ignore[override]
        return (self._vote_map(path) if path.startswith("votes/") else self.eager).get(path, default)

    def __iter__(self) -> Iterator[str]:
        yield from self.eager
        yield from self._vote_events()

    def __len__(self) -> int:
        return len(self.eager) + len(self._vote_events())


def _clocks_of(raw_commits: Sequence[tuple[str, int]]) -> list[Commit]:
    commits: list[Commit] = []
    clock: int | None = None
    for sha, time in raw_commits:
        clock = time if clock is None or time > clock else clock
        commits.append(Commit(sha, time, clock))
    return commits


def _group(changes: Iterable[tuple[str, int, str | None]], clocks: Sequence[int]) -> dict[str, tuple[FileEvent, ...]]:
    grouped: dict[str, list[FileEvent]] = {}
    for path, index, blob in changes:
        event = FileEvent(path, index, clocks[index], blob)
        bucket = grouped.get(path)
        if bucket is None:
            grouped[path] = [event]
        else:
            bucket.append(event)
    return {path: tuple(evs) for path, evs in grouped.items()}


def _assemble(raw: _Raw, folders: Mapping[str, tuple[str, int, bool]] | None = None,
              vote_changes: Callable[[], list[tuple[str, int, str | None]]] | None = None,
              folder_changes: Callable[[str], list[tuple[str, int, str | None]]] | None = None,
              undecodable: Callable[[], list[str]] | None = None) -> History:
    """The History of ``raw``; ``vote_changes``: the vote changes (``folder_changes``: one folder's), read on demand."""
    commits = _clocks_of(raw.commits)
    clocks = [c.clock for c in commits]
    if vote_changes is None:
        others = [c for c in raw.changes if not c[0].startswith("votes/")]
        votes_now = [c for c in raw.changes if c[0].startswith("votes/")]
        if folders is None:
            folders = folder_digests(votes_now, clocks)
        vote_changes = lambda: votes_now  # noqa: E731
    else:
        others = list(raw.changes)
    assert folders is not None
    eager = _group(others, clocks)
    events = _Events(eager, lambda: _group(vote_changes(), clocks),  # type: ignore[misc]
                     (lambda prefix: _group(folder_changes(prefix), clocks)) if folder_changes is not None else None,
                     undecodable)
    statuses = raw.statuses
    nep_statuses = {
        path: tuple((e.clock, statuses.get(e.blob) if e.blob is not None else None) for e in evs)
        for path, evs in eager.items()
        if path[:5] == "neps/" and _is_nep_path(path)
    }
    return History(tuple(commits), events, nep_statuses, raw.head, folders)


# --------------------------------------------------------------------------
# The cache (in the cache folder of shell.caches, keyed by ref, git version and the tool's code)

_CACHE_LIMIT = 1 << 30


def _git_version(repo: Path) -> str:
    return _git(repo, "version").decode().strip()


def _read_cached(repo: Path, ref: str, head: str, cache_dir: Path) -> History:
    name = caches.entry_name("history", ref, _git_version(repo)) + ".json"
    cached = _load_cache(caches.read(repo, cache_dir, name, _CACHE_LIMIT))
    if cached is not None:
        raw, votes_text, folders = cached
        if raw.head == head:
            # An undecodable byte of a name is an escaped lone surrogate in JSON: without one, no name to report.
            odd, n = (None if "\\udc" in votes_text else list), len(raw.commits)
            return _assemble(raw, folders, lambda: _or_rescan(repo, head, lambda: _vote_changes(votes_text, n)),
                             lambda p: _or_rescan(repo, head, lambda: _folder_changes(votes_text, p, raw.commits,
                                                                                      folders), p), odd)
        try:
            full = _Raw(raw.head, raw.commits, raw.changes + _vote_changes(votes_text, len(raw.commits)),
                        raw.statuses)
        except (ValueError, TypeError):
            full = None
        extended = _extend(repo, full, head) if full is not None else None
        if extended is not None:
            clocks = [c.clock for c in _clocks_of(extended.commits)]
            # Only the folders the new commits touched get new summaries (made from all their events).
            touched = frozenset(p[:p.rfind("/") + 1] for p, _, _ in extended.changes[len(full.changes):]
                                if p.startswith("votes/"))
            folders = folder_digests(extended.changes, clocks, touched, folders)
            caches.write(cache_dir, name, _dump_cache(extended, folders))
            votes = [c for c in extended.changes if c[0].startswith("votes/")]
            others = _Raw(extended.head, extended.commits, [c for c in extended.changes if not c[0].startswith("votes/")],
                          extended.statuses)
            return _assemble(others, folders, lambda: votes)  # vote events grouped only if asked for
    raw = _scan_all(repo, head)
    folders = folder_digests(raw.changes, [c.clock for c in _clocks_of(raw.commits)])
    caches.write(cache_dir, name, _dump_cache(raw, folders))
    return _assemble(raw, folders)
