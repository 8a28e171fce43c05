"""The git history of a NEP repository, reduced to what the governance rules need.

This is the only module that talks to git. It turns the first-parent history
of the processed ref into plain data (``History``): every commit with its
*clock* (SPEC 4: committer time, never moving backwards), every change of a
file under ``neps/`` and ``votes/``, and the ``status`` each version of a
``neps/*.md`` file declared. From that, inclusion times, first included
contents and T0 / withdrawal times are pure lookups at any ``as_of``.

Reading takes a fixed number of git processes whatever the size of the
history: one ``rev-parse`` probe, one ``git log --first-parent --raw`` pass
(cut, for long histories, into consecutive first-parent segments read in
parallel, one per core) and one ``git cat-file --batch`` for the NEP blobs.
A JSON cache (never pickle: the cache directory lives inside a work tree
that pull requests can write to) makes warm runs skip the log pass, and
extends itself when the head moved forward along the first-parent chain.

A few helpers for the change policy and the bot sit here too (trees, diffs
between two revisions, dirty work tree), so that git stays in one place.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, Iterable, Mapping, Sequence

#: Only files under these folders have events in a ``History``.
TRACKED_PREFIXES: tuple[str, ...] = ("neps/", "votes/")
CACHE_DIR_NAME = ".nep-cache"
#: Bump when the meaning of the cached data changes.
CACHE_FORMAT = 1

_TRACKED_BYTES = tuple(p.encode() for p in TRACKED_PREFIXES)
_HEADER = b"\x01"
_REGULAR_MODES = (b"100644", b"100755")
# Variables by which a calling git (a hook, `git rebase --exec`) would point
# our git at another repository than the one we were asked about.
_LOCAL_GIT_ENV = frozenset(
    {
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_OBJECT_DIRECTORY",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_IMPLICIT_WORK_TREE",
        "GIT_GRAFT_FILE",
        "GIT_INDEX_FILE",
        "GIT_NO_REPLACE_OBJECTS",
        "GIT_REPLACE_REF_BASE",
        "GIT_PREFIX",
        "GIT_INTERNAL_SUPER_PREFIX",
        "GIT_SHALLOW_FILE",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
    }
)


class HistoryError(Exception):
    """git could not give the history asked for (unknown revision, broken or shallow repository, no git)."""


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
    _clocks: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _sorted_paths: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_clocks", tuple(c.clock for c in self.commits))
        object.__setattr__(self, "_sorted_paths", tuple(sorted(self.events)))

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

    def paths(self, prefix: str, as_of: int) -> list[str]:
        """Every path starting with ``prefix`` included by ``as_of``, even if deleted later; sorted."""
        keys = self._sorted_paths
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
# Running git


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _LOCAL_GIT_ENV}


def _run(repo: Path, args: Sequence[str], *, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    # Replace refs and signature display would make the history depend on local
    # configuration instead of on the commits themselves.
    cmd = ["git", "--no-replace-objects", "-c", "log.showSignature=false", *args]
    try:
        return subprocess.run(cmd, cwd=repo, env=_env(), input=input, capture_output=True)
    except FileNotFoundError as exc:
        if not Path(repo).is_dir():
            raise HistoryError(f"{repo} is not a directory") from None
        raise HistoryError("git is not installed (or not on PATH)") from exc
    except OSError as exc:
        raise HistoryError(f"cannot run git in {repo}: {exc.strerror or exc}") from None


def _git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    proc = _run(repo, args, input=input)
    if proc.returncode != 0:
        raise HistoryError(f"git {args[0]} failed in {repo}: {_stderr(proc)}")
    return proc.stdout


def _stderr(proc: subprocess.CompletedProcess[bytes]) -> str:
    text = proc.stderr.decode("utf-8", "replace").strip()
    lines = [ln.removeprefix("fatal: ").removeprefix("error: ") for ln in text.splitlines() if ln.strip()]
    return "; ".join(lines) or f"exit status {proc.returncode}"


def _decode_path(raw: bytes) -> str:
    # surrogateescape keeps non-UTF-8 names round-trippable to the file system.
    return raw.decode("utf-8", "surrogateescape")


def _same_dir(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _probe(repo: Path, rev: str | None) -> tuple[bool, bool, str | None, str]:
    """One rev-parse: (is the top of a work tree, is shallow, commit of rev or None, git's complaint)."""
    args = ["rev-parse", "--show-toplevel", "--is-shallow-repository"]
    if rev is not None:
        args += ["--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"]
    proc = _run(repo, args)
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 2:
        return False, False, None, _stderr(proc)
    top = _same_dir(lines[0], repo)
    sha = lines[2].strip() if proc.returncode == 0 and len(lines) > 2 else None
    return top, lines[1].strip() == "true", sha, _stderr(proc)


def is_git_repo(repo: Path) -> bool:
    """True if ``repo`` is the top directory of a git work tree.

    A plain directory inside some other repository (a test fixture, a
    vendored copy) is not: its paths would not be the repository's paths.
    A ``.git`` that git refuses to read (e.g. "dubious ownership") counts as a
    repository, so that the caller gets git's explanation instead of an empty
    history.
    """
    repo = Path(repo)
    if not repo.is_dir():
        return False
    top, _, _, _ = _probe(repo, None)
    return top or (repo / ".git").exists()


def resolve_rev(repo: Path, rev: str) -> str:
    """The commit sha ``rev`` names; HistoryError with a readable message otherwise."""
    return _verify(Path(repo), rev, "commit")


def _verify(repo: Path, rev: str, kind: str) -> str:
    if not rev or "\n" in rev or "\0" in rev:
        raise HistoryError(f"invalid revision {rev!r}")
    proc = _run(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{{kind}}}"])
    if proc.returncode == 0:
        return proc.stdout.decode().strip()
    if not is_git_repo(repo):
        raise HistoryError(f"{repo} is not a git repository, so revision {rev!r} cannot be read")
    detail = _stderr(proc) if proc.stderr.strip() else ""
    raise HistoryError(f"unknown revision {rev!r} in {repo}" + (f" ({detail})" if detail else ""))


# --------------------------------------------------------------------------
# Reading the history


def read_history(
    repo: Path, ref: str = "HEAD", cache_dir: Path | None = None, *, allow_shallow: bool = False
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
    return _read_cached(repo, ref, head, Path(cache_dir))


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
            if path.startswith(_TRACKED_BYTES):
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


def _run_parallel(repo: Path, arg_lists: Sequence[Sequence[str]]) -> list[bytes]:
    if len(arg_lists) == 1:
        return [_git(repo, *arg_lists[0])]
    results: list[subprocess.CompletedProcess[bytes] | BaseException | None] = [None] * len(arg_lists)

    def work(i: int) -> None:
        try:
            results[i] = _run(repo, arg_lists[i])
        except BaseException as exc:  # re-raised in the calling thread
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(arg_lists))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outputs = []
    for args, result in zip(arg_lists, results):
        if isinstance(result, BaseException):
            raise result
        assert result is not None
        if result.returncode != 0:
            raise HistoryError(f"git {args[0]} failed in {repo}: {_stderr(result)}")
        outputs.append(result.stdout)
    return outputs


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


def _assemble(raw: _Raw) -> History:
    commits: list[Commit] = []
    clock: int | None = None
    for sha, time in raw.commits:
        clock = time if clock is None or time > clock else clock
        commits.append(Commit(sha, time, clock))
    clocks = [c.clock for c in commits]
    grouped: dict[str, list[FileEvent]] = {}
    for path, index, blob in raw.changes:
        event = FileEvent(path, index, clocks[index], blob)
        bucket = grouped.get(path)
        if bucket is None:
            grouped[path] = [event]
        else:
            bucket.append(event)
    events = {path: tuple(evs) for path, evs in grouped.items()}
    statuses = raw.statuses
    nep_statuses = {
        path: tuple((e.clock, statuses.get(e.blob) if e.blob is not None else None) for e in evs)
        for path, evs in events.items()
        if path[:5] == "neps/" and _is_nep_path(path)
    }
    return History(tuple(commits), events, nep_statuses, raw.head)


# --------------------------------------------------------------------------
# The cache


def _git_version(repo: Path) -> str:
    return _git(repo, "version").decode().strip()


def _cache_file(cache_dir: Path, ref: str) -> Path:
    return cache_dir / f"history-{hashlib.sha256(ref.encode()).hexdigest()[:16]}.json"


def _tracked(repo: Path, file: Path) -> bool:
    """True if ``file`` is (or may be) committed: a cache from the repository's own content is not trusted."""
    rel = os.path.relpath(os.path.abspath(file), os.path.abspath(repo))
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return False  # outside the work tree: nobody's pull request wrote it
    proc = _run(repo, ["--literal-pathspecs", "ls-files", "-z", "--", rel])
    return proc.returncode != 0 or bool(proc.stdout)


def _load_cache(file: Path, version: str) -> _Raw | None:
    try:
        with open(file, encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("format") != CACHE_FORMAT or data.get("git") != version:
            return None
        commits = [(str(sha), int(time)) for sha, time in data["commits"]]
        changes = [(str(p), int(i), None if b is None else str(b)) for p, i, b in data["changes"]]
        if any(not 0 <= i < len(commits) for _, i, _ in changes):
            return None
        statuses = {str(k): None if v is None else str(v) for k, v in data["statuses"].items()}
        return _Raw(str(data["head"]), commits, changes, statuses)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _store_cache(file: Path, version: str, raw: _Raw) -> None:
    data = {
        "format": CACHE_FORMAT,
        "git": version,
        "head": raw.head,
        "commits": raw.commits,
        "changes": raw.changes,
        "statuses": raw.statuses,
    }
    try:
        _ensure_cache_dir(file.parent)
        fd, tmp = tempfile.mkstemp(prefix=".history-", suffix=".tmp", dir=file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                # ASCII escapes carry non-UTF-8 file names (lone surrogates) through JSON.
                json.dump(data, fh, separators=(",", ":"), ensure_ascii=True)
            os.replace(tmp, file)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):
        pass  # a cache that cannot be written only costs time


def _ensure_cache_dir(cache_dir: Path) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    ignore = cache_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")


def _read_cached(repo: Path, ref: str, head: str, cache_dir: Path) -> History:
    version = _git_version(repo)
    file = _cache_file(cache_dir, ref)
    if _tracked(repo, file):
        return _assemble(_scan_all(repo, head))
    raw = _load_cache(file, version)
    if raw is not None and raw.head == head:
        return _assemble(raw)
    extended = _extend(repo, raw, head) if raw is not None else None
    raw = extended if extended is not None else _scan_all(repo, head)
    _store_cache(file, version, raw)
    return _assemble(raw)


# --------------------------------------------------------------------------
# Front matter status

_STATUS_KEY = re.compile(r"""(?:status|"status"|'status')[ \t]*:(?:[ \t]|$)""")


def _is_marker(line: str) -> bool:
    return line.rstrip(" \t\r") == "---"


def front_matter_status(data: bytes) -> str | None:
    """The top-level ``status`` string of a NEP file's front matter, or None.

    None when the file is not UTF-8, has no ``---`` delimited front matter,
    no ``status`` key, a duplicated one, or a value that is not a string.
    Only the lines up to the end of the ``status`` entry are parsed when the
    key sits on a line of its own at column 0 (the common case); a syntax
    error further down the front matter is not looked for.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if not lines or not _is_marker(lines[0]):
        return None
    end = next((i for i in range(1, len(lines)) if _is_marker(lines[i])), None)
    if end is None:
        return None
    fm = lines[1:end]
    candidates = [i for i, line in enumerate(fm) if _STATUS_KEY.match(line)]
    if len(candidates) == 1:
        k = candidates[0]
        stop = next((j for j in range(k + 1, len(fm)) if fm[j][:1] not in ("", " ", "\t")), len(fm))
        found, value = _yaml_status("\n".join(fm[:stop]))
        if found:
            return value
    elif not candidates and "status" not in "\n".join(fm):
        return None
    # Unusual layout (flow mapping, duplicated key, key inside a multi-line
    # scalar...): let the YAML parser decide on the whole front matter.
    return _yaml_status("\n".join(fm))[1]


def _yaml_status(text: str) -> tuple[bool, str | None]:
    """(a single top-level ``status`` key was found, its value if a string)."""
    import yaml

    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            return False, None
        values = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "status"]
        if len(values) != 1:
            return len(values) > 1, None  # a duplicated key makes the file unreadable
        value = loader.construct_object(values[0], deep=True)
        return True, value if isinstance(value, str) else None
    except yaml.YAMLError:
        return False, None
    except (ValueError, TypeError, RecursionError):
        return False, None
    finally:
        loader.dispose()


# --------------------------------------------------------------------------
# Blobs, trees, diffs, work tree


def read_blobs(repo: Path, shas: Iterable[str]) -> dict[str, bytes]:
    """Contents of the given blobs, by sha, read with one ``git cat-file --batch``; missing objects are left out."""
    wanted = [s for s in dict.fromkeys(shas) if s]
    if not wanted:
        return {}
    if any(not _is_object_name(s) for s in wanted):
        bad = next(s for s in wanted if not _is_object_name(s))
        raise HistoryError(f"not an object id: {bad!r}")
    cmd = ["git", "--no-replace-objects", "cat-file", "--batch", "--buffer"]
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                cmd, cwd=repo, env=_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err
            )
        except OSError as exc:
            raise HistoryError(f"cannot run git in {repo}: {exc.strerror or exc}") from None
        assert proc.stdin is not None and proc.stdout is not None
        payload = ("\n".join(wanted) + "\n").encode()

        def feed() -> None:
            # A thread, so that git never blocks writing output we are not yet reading.
            try:
                proc.stdin.write(payload)  # type: ignore[union-attr]
                proc.stdin.close()  # type: ignore[union-attr]
            except (BrokenPipeError, OSError):
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        out: dict[str, bytes] = {}
        stdout = proc.stdout
        try:
            for name in wanted:
                header = stdout.readline()
                if not header:
                    break
                parts = header.split()
                if len(parts) != 3:
                    continue  # "<name> missing" / "ambiguous"
                size = int(parts[2])
                content = stdout.read(size)
                stdout.read(1)
                if parts[1] == b"blob":
                    out[name] = content
        finally:
            stdout.close()
            writer.join()
            rc = proc.wait()
        if rc != 0:
            err.seek(0)
            message = err.read().decode("utf-8", "replace").strip() or f"exit status {rc}"
            raise HistoryError(f"git cat-file failed in {repo}: {message}")
    return out


_OBJECT_NAME = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def _is_object_name(name: str) -> bool:
    return _OBJECT_NAME.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class TreeEntry:
    mode: str  # "100644", "100755", "120000" (symbolic link), "160000" (submodule)
    kind: str  # "blob" or "commit"
    sha: str

    @property
    def is_symlink(self) -> bool:
        return self.mode == "120000"

    @property
    def is_regular(self) -> bool:
        return self.mode in ("100644", "100755")


def read_tree_entries(
    repo: Path, rev: str, prefixes: Sequence[str] = TRACKED_PREFIXES
) -> dict[str, TreeEntry]:
    """Every file (blob or submodule) under ``prefixes`` at ``rev`` with its mode; ``()`` or ``""`` means all."""
    repo = Path(repo)
    tree = _verify(repo, rev, "tree")
    everything = not prefixes or any(p == "" for p in prefixes)
    args = ["ls-tree", "-r", "-z", "--full-tree", tree]
    if not everything:
        args += ["--", *(p.rstrip("/") for p in prefixes)]
    out = _git(repo, *args)
    wanted = tuple(prefixes)
    entries: dict[str, TreeEntry] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha = meta.decode().split(" ")
        path = _decode_path(raw_path)
        if kind == "tree" or (not everything and not path.startswith(wanted)):
            continue
        entries[path] = TreeEntry(mode, kind, sha)
    return entries


def read_tree(repo: Path, rev: str, prefixes: Sequence[str] = TRACKED_PREFIXES) -> dict[str, str]:
    """path -> object sha of every file under ``prefixes`` at ``rev``."""
    return {path: entry.sha for path, entry in read_tree_entries(repo, rev, prefixes).items()}


def changed_paths(repo: Path, base: str, head: str) -> list[tuple[str, str, str | None]]:
    """(status A|M|D|T, path, old path) of every file that differs between two revisions.

    Renames are reported as a deletion plus an addition, so the old path is
    always None; it is kept in the shape for callers that print it.
    """
    repo = Path(repo)
    base_sha = resolve_rev(repo, base)
    head_sha = resolve_rev(repo, head)
    out = _git(
        repo, "diff", "--name-status", "--no-renames", "--no-ext-diff", "--no-color", "-z", base_sha, head_sha, "--"
    )
    tokens = out.split(b"\0")
    result: list[tuple[str, str, str | None]] = []
    for i in range(0, len(tokens) - 1, 2):
        status = tokens[i].decode()
        if not status:
            break
        result.append((status[:1], _decode_path(tokens[i + 1]), None))
    return result


def dirty_paths(repo: Path) -> list[str]:
    """Paths of the work tree that differ from HEAD (untracked files included), except the tool's cache."""
    out = _git(Path(repo), "status", "--porcelain", "-z", "--no-renames", "--untracked-files=all")
    paths = []
    for record in out.split(b"\0"):
        if len(record) < 4:
            continue
        path = _decode_path(record[3:])
        if path == CACHE_DIR_NAME or path.startswith(CACHE_DIR_NAME + "/"):
            continue
        paths.append(path)
    return paths

