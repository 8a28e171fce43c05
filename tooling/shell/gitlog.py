"""One pass of ``git log --first-parent --raw`` over a ref, parsed into the raw changes a ``History`` is built from."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from tooling.shell.frontmatter import front_matter_status
from tooling.shell.git import HistoryError, decode_path as _decode_path, git as _git, read_blobs
from tooling.shell.git import run as _run, run_parallel as _run_parallel

_TRACKED_BYTES = (b"neps/", b"votes/", b"delegations/")
_EXACT_BYTES = (b"governance.yaml", b"stakes/ledger.yaml")
_HEADER = b"\x01"
_REGULAR_MODES = (b"100644", b"100755")


#: Bump when the meaning of the cached data changes.
CACHE_FORMAT = 5


@dataclass
class _Raw:
    """What the cache stores: enough to rebuild a History without git."""

    head: str
    commits: list[tuple[str, int]]  # (sha, committer time)
    changes: list[tuple[str, int, str | None]]  # (path, commit index, blob)
    statuses: dict[str, str | None]  # NEP blob -> status


def _log_args(rev_range: str) -> list[str]:
    return [
        "log",
        "--first-parent",
        "--reverse",
        "--root",
        "--diff-merges=first-parent",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--no-color",
        "--no-ext-diff",
        "-z",
        "--format=%x01%H %P %ct",
        "--end-of-options",
        rev_range,
        "--",
    ]


_Change = tuple[str, int, str | None, bool]  # path, commit index, blob (None: deleted), is a regular file


def _parse_log(out: bytes, base_index: int) -> tuple[list[tuple[str, int]], list[_Change], str | None]:
    """Commits, tracked changes and the first parent of the first commit, from ``_log_args`` output."""
    commits: list[tuple[str, int]] = []
    changes: list[_Change] = []
    first_parent: str | None = None
    tokens = out.split(b"\0")
    index = base_index - 1
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.startswith(_HEADER):
            parts = tok[1:].split()
            if len(parts) < 2:
                raise HistoryError(f"unexpected git log output: {tok[:80]!r}")
            if not commits:
                first_parent = parts[1].decode() if len(parts) > 2 else None
            commits.append((parts[0].decode(), int(parts[-1])))
            index += 1
            i += 1
            continue
        if tok.startswith(b"\n"):
            tok = tok[1:]
        if tok.startswith(b":"):
            if i + 1 >= n or index < base_index:
                raise HistoryError("unexpected git log output: a change outside any commit")
            path = tokens[i + 1]
            i += 2
            if path.startswith(_TRACKED_BYTES) or path in _EXACT_BYTES:
                # ":old_mode new_mode old_blob new_blob status"
                meta = tok[1:].split(b" ")
                deleted = meta[4][:1] == b"D"
                blob = None if deleted else meta[3].decode()
                changes.append((_decode_path(path), index, blob, meta[1] in _REGULAR_MODES))
            continue
        if tok.strip():
            raise HistoryError(f"unexpected git log output: {tok[:80]!r}")
        i += 1
    return commits, changes, first_parent


def _is_nep_path(path: str) -> bool:
    return path.startswith("neps/") and path.endswith(".md") and path.count("/") == 1


def _read_statuses(repo: Path, changes: Iterable[_Change], known: Mapping[str, str | None]) -> dict[str, str | None]:
    wanted = [
        blob for path, _, blob, regular in changes if blob and regular and _is_nep_path(path) and blob not in known
    ]
    blobs = read_blobs(repo, wanted)
    return {sha: front_matter_status(data) for sha, data in blobs.items()}


#: Below this many commits one log process is quick enough. Above it, the
#: first-parent chain is cut into consecutive segments whose logs run in
#: parallel: git's tree diffs, not our parsing, are most of a cold read.
_PARALLEL_MIN_COMMITS = 2_000
_MAX_WORKERS = 4


def _workers() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, _MAX_WORKERS))


def _segments(repo: Path, head: str) -> list[str]:
    """Revision ranges that cut head's first-parent chain into consecutive pieces, root first."""
    workers = _workers()
    if workers < 2:
        return [head]
    count = int(_git(repo, "rev-list", "--first-parent", "--count", "--end-of-options", head, "--"))
    if count < _PARALLEL_MIN_COMMITS:
        return [head]
    # Positions (commits from the root) where a segment ends; head~n follows
    # first parents, so these are points on the chain.
    positions = sorted({count * k // workers for k in range(1, workers)} - {0, count})
    if not positions:
        return [head]
    cuts = _git(repo, "rev-parse", *(f"{head}~{count - p}" for p in positions))
    points = cuts.decode().split()
    return [points[0]] + [f"{a}..{b}" for a, b in zip(points, points[1:] + [head])]


def _scan_all(repo: Path, head: str) -> _Raw:
    ranges = _segments(repo, head)
    outputs = _run_parallel(repo, [_log_args(r) for r in ranges])
    commits: list[tuple[str, int]] = []
    changes: list[_Change] = []
    for out in outputs:
        seg_commits, seg_changes, first_parent = _parse_log(out, len(commits))
        if commits and first_parent != commits[-1][0]:
            raise HistoryError(f"inconsistent first-parent history in {repo}")
        commits += seg_commits
        changes += seg_changes
    statuses = _read_statuses(repo, changes, {})
    return _Raw(head, commits, [(p, i, b) for p, i, b, _ in changes], statuses)


def _extend(repo: Path, raw: _Raw, head: str) -> _Raw | None:
    """``raw`` extended to ``head``, or None if its head is not on head's first-parent chain."""
    proc = _run(repo, _log_args(f"{raw.head}..{head}"))
    if proc.returncode != 0:
        return None
    commits, changes, first_parent = _parse_log(proc.stdout, len(raw.commits))
    if not commits or first_parent != raw.head:
        return None
    statuses = dict(raw.statuses)
    statuses.update(_read_statuses(repo, changes, statuses))
    return _Raw(head, raw.commits + commits, raw.changes + [(p, i, b) for p, i, b, _ in changes], statuses)


# The history cache's file (``shell.history`` decides where it lives and when it is used).


def _load_cache(data: bytes | None) -> tuple[_Raw, str, dict[str, tuple[str, int, bool]]] | None:
    """(the raw history without its vote changes, those changes as JSON text, the vote folders' digests)."""
    if data is None:
        return None
    try:
        doc = json.loads(data)
        if doc.get("format") != CACHE_FORMAT:
            return None
        commits = [(str(sha), int(time)) for sha, time in doc["commits"]]
        changes = [(str(p), int(i), None if b is None else str(b)) for p, i, b in doc["changes"]]
        if any(not 0 <= i < len(commits) for _, i, _ in changes):
            return None
        statuses = {str(k): None if v is None else str(v) for k, v in doc["statuses"].items()}
        votes = doc["votes"]
        folders = {str(k): (str(d), int(c), o is True) for k, (d, c, o) in doc["folders"].items()}
        if not isinstance(votes, str):
            return None
        return _Raw(str(doc["head"]), commits, changes, statuses), votes, folders
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _vote_changes(text: str, commits: int) -> list[tuple[str, int, str | None]]:
    """The vote changes kept as JSON text in the cache; a damaged text raises (the caller rescans)."""
    changes = [(str(p), int(i), None if b is None else str(b)) for p, i, b in json.loads(text)]
    if any(not 0 <= i < commits or not p.startswith("votes/") for p, i, _ in changes):
        raise ValueError("damaged vote changes")
    return changes


_FOLDERS_ALONE = 8  # vote folders read one by one (``history._Events``) before the whole vote history at once
_VOTE_FOLDER = re.compile(r"votes/[^/]+/")


def _folder_changes(text: str, prefix: str, commits: Sequence[tuple[str, int]],
                    folders: Mapping[str, tuple[str, int, bool]] | None = None) -> list[tuple[str, int, str | None]]:
    """The vote changes under ``prefix`` ("votes/nep-0001/") in the cached text, found without decoding the rest.

    In the JSON text ``["`` only opens an entry: a quote inside a string is always escaped. With ``folders``
    (the cached summaries), what was found must make exactly the summaries under ``prefix``: a damaged text
    raises ValueError rather than dropping an entry it could no longer match.
    """
    opening = json.dumps(prefix, ensure_ascii=True)[:-1]
    found = re.findall(r"\[" + re.escape(opening) + r'(?:[^"\\]|\\.)*",\d+,(?:"[^"\\]*"|null)\]', text)
    changes = _vote_changes("[" + ",".join(found) + "]", len(commits))
    if folders is not None:
        clocks: list[int] = []
        for _, time in commits:
            clocks.append(time if not clocks or time > clocks[-1] else clocks[-1])
        if folder_digests(changes, clocks) != {k: v for k, v in folders.items() if k.startswith(prefix)}:
            raise ValueError(f"the cached vote changes under {prefix} do not match their summaries")
    return changes


def _dump_cache(raw: _Raw, folders: Mapping[str, tuple[str, int, bool]]) -> bytes:
    # The vote changes are most of the file: kept as one JSON string, parsed only by a run that needs them.
    votes = [c for c in raw.changes if c[0].startswith("votes/")]
    others = [c for c in raw.changes if not c[0].startswith("votes/")]
    doc = {"format": CACHE_FORMAT, "head": raw.head, "commits": raw.commits, "changes": others,
           "votes": json.dumps(votes, separators=(",", ":"), ensure_ascii=True), "statuses": raw.statuses,
           "folders": folders}
    # ASCII escapes carry non-UTF-8 file names (lone surrogates) through JSON.
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def folder_digests(
    changes: Sequence[tuple[str, int, str | None]], clocks: Sequence[int],
    only: frozenset[str] | None = None, start: Mapping[str, tuple[str, int, bool]] | None = None,
) -> dict[str, tuple[str, int, bool]]:
    """Each vote folder's summary: a digest of its events (path, clock, blob) in history order, the clock of the
    last one, and whether each of its files was added once and never changed or deleted (``vote_folder``).

    ``changes``: every change of the history, in order. ``only``: make the summaries of these folders alone and
    keep ``start``'s for the others (a history extended by a few commits touches a few folders).
    """
    events: dict[str, list[str]] = {}
    last: dict[str, int] = {}
    count: dict[str, int] = {}
    once: dict[str, bool] = {}
    for path, index, blob in changes:
        if not path.startswith("votes/"):
            continue
        folder = path[:path.rfind("/") + 1]
        if only is not None and folder not in only:
            continue
        bucket = events.get(folder)
        if bucket is None:
            bucket = events[folder] = []
            once[folder] = True
        bucket.append(repr((path, clocks[index], blob)))
        last[folder] = clocks[index]
        seen = count.get(path, 0)
        count[path] = seen + 1
        if seen or blob is None:
            once[folder] = False
    made = {folder: (hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest(), last[folder],
                     once[folder]) for folder, lines in events.items()}
    return {**start, **made} if only is not None and start is not None else made


def _or_rescan(repo: Path, head: str, decode: Callable[[], list[tuple[str, int, str | None]]],
               prefix: str = "votes/") -> list[tuple[str, int, str | None]]:
    """The cached vote changes ``decode`` reads; a damaged entry reads as missing, and git is asked again."""
    try:
        return decode()
    except (ValueError, TypeError):
        return [c for c in _scan_all(repo, head).changes if c[0].startswith(prefix)]
