"""One revision's process files as git lists them; a vote file is parsed only when something reads it.

A pull request changes a handful of files among 100,000 votes. The base's
listing is read once (``ls-tree``); the head's is the base's plus the diff's
changes (``Files.changed``), so it costs nothing more. A vote file stays a
(path, blob id) until it is read: then its folder's unread blobs come from git
in one ``cat-file --batch`` and are parsed once for both revisions
(``VoteParses``). The parse is ``parse_vote`` of the blob's bytes, exactly what
an eager load would make; only the moment differs.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from tooling.checks.policy.tree import RawChange
from tooling.core.model import Vote
from tooling.parse.proposals import VOTE_PATH, ParsedVote, parse_vote
from tooling.shell.git import TreeEntry, git, read_blobs
from tooling.shell.history import History
from tooling.shell.snapshots import FAR_FUTURE

GOVERNANCE = "governance.yaml"
LEDGER = "stakes/ledger.yaml"
#: What the policy reads of each revision: the process files and nothing else.
READ_PREFIXES = ("neps/", "votes/", "delegations/", GOVERNANCE, LEDGER)
_PATHSPECS = tuple(p.rstrip("/") for p in READ_PREFIXES)
_REGULAR = ("100644", "100755")
_REGULAR_BLOB = (b"100644 blob ", b"100755 blob ")
_GITLINK = "160000"
#: Folders read one ``cat-file`` each before the rest of a revision's unread votes is read in one go
#: (a run that misses this many folders is most likely cold: one process beats a thousand).
FOLDER_READS = 16
#: Blobs read by one ``cat-file`` when many are wanted.
BATCH = 8192


def in_scope(path: str) -> bool:
    """Whether ``ls-tree -r -- <_PATHSPECS>`` would list ``path`` and the policy read it."""
    return path.startswith(READ_PREFIXES) and any(path == s or path.startswith(s + "/") for s in _PATHSPECS)


def is_safe(path: str) -> bool:
    """A plain relative path (a crafted tree's odd paths are refused elsewhere, never read)."""
    parts = path.split("/")
    return not path.startswith("/") and not any(p in ("", ".", "..", ".git") for p in parts)


def _is_vote(path: str, mode: str, kind: str) -> bool:
    return mode in _REGULAR and kind == "blob" and VOTE_PATH.match(path) is not None


@dataclass(frozen=True)
class Files:
    """One revision's entries under ``READ_PREFIXES``, each in path order."""

    #: Regular vote files (``VOTE_PATH``): path -> blob id. Nearly every entry is one, so none gets a record.
    votes: dict[str, str]
    #: Every other entry: NEP files, the control files, delegations, and anything odd (reported by the loader).
    others: dict[str, TreeEntry]

    def get(self, path: str) -> TreeEntry | None:
        blob = self.votes.get(path)
        return TreeEntry(_REGULAR[0], "blob", blob) if blob is not None else self.others.get(path)

    def __contains__(self, path: object) -> bool:
        return path in self.votes or path in self.others

    def changed(self, changes: Sequence[RawChange]) -> Files:
        """The head's files: these plus ``changes`` (git's diff between the two trees, which is exactly that)."""
        votes, others = dict(self.votes), dict(self.others)
        moved = False
        for c in changes:
            path = c.raw_path.decode("utf-8", "surrogateescape")  # as ls-tree's paths are decoded
            if not in_scope(path) or not is_safe(path):
                continue
            others.pop(path, None)
            if c.status == "D":
                votes.pop(path, None)
                continue
            kind = "commit" if c.new_mode == _GITLINK else "blob"
            if _is_vote(path, c.new_mode, kind):
                moved = moved or path not in votes
                votes[path] = c.new_blob  # in place when the path was there: the order holds
            else:
                votes.pop(path, None)
                others[path] = TreeEntry(c.new_mode, kind, c.new_blob)
        if moved:
            votes = _in_order(votes)
        return Files(votes, dict(sorted(others.items())))


def read_files(root: Path, rev: str) -> Files:
    """The entries of ``rev`` under ``READ_PREFIXES`` (one ``ls-tree``; a vote costs a dict slot, no record)."""
    out = git(root, "ls-tree", "-r", "-z", "--full-tree", rev, "--", *_PATHSPECS)
    votes: dict[str, str] = {}
    others: dict[str, TreeEntry] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw = record.partition(b"\t")
        path = raw.decode("utf-8", "surrogateescape")
        if meta[:12] in _REGULAR_BLOB and VOTE_PATH.match(path):  # nearly every entry: no split, no record
            votes[path] = meta[12:].decode("ascii")
            continue
        mode, kind, sha = meta.decode("ascii").split(" ")
        if kind != "tree" and path.startswith(READ_PREFIXES) and is_safe(path):
            others[path] = TreeEntry(mode, kind, sha)
    return Files(_in_order(votes), dict(sorted(others.items())))


def _in_order(d: dict[str, str]) -> dict[str, str]:
    """``d`` in str order (``GitVotes`` finds a folder by bisection). git lists in byte order, which is the same
    for these paths, so this is a check that costs one pass."""
    keys = list(d)
    if all(a < b for a, b in zip(keys, keys[1:])):
        return d
    return dict(sorted(d.items()))


class VoteParses:
    """Vote files parsed from git objects by (path, blob id), shared by both revisions and the committed versions."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._parsed: dict[tuple[str, str], ParsedVote] = {}
        #: Blob ids git did not have (a damaged repository): such a file is left out, as an eager load did.
        self._missing: set[str] = set()
        self._strings: dict[str, str] = {}
        #: ``cat-file`` processes started, and blobs read: what a test may count.
        self.reads = 0
        self.blobs_read = 0

    def get(self, path: str, blob: str) -> ParsedVote | None:
        return self._parsed.get((path, blob))

    def known(self, path: str, blob: str) -> bool:
        return (path, blob) in self._parsed or blob in self._missing

    def load(self, files: Iterable[tuple[str, str]]) -> None:
        """Parse every (path, blob id) of ``files`` not parsed yet, their blobs read in one batch."""
        todo = [(p, b) for p, b in files if not self.known(p, b)]
        # A cold run reads 100,000 blobs: a batch at a time, so that their bytes are never all held at once.
        for start in range(0, len(todo), BATCH):
            batch = todo[start:start + BATCH]
            raw = read_blobs(self._root, {b for _, b in batch})
            self.reads += 1
            self.blobs_read += len(raw)
            for path, blob in batch:
                data = raw.get(blob)
                if data is None:
                    self._missing.add(blob)
                else:
                    self._parsed[(path, blob)] = self._shared(parse_vote(path, data))

    def _shared(self, parsed: ParsedVote) -> ParsedVote:
        """The same parse, its strings that many votes repeat (voter, key, network, content hash, reason) held
        once: a cold run keeps 100,000 votes, and these are half their bytes."""
        v = parsed.vote
        if v is None:
            return parsed
        held = self._strings
        vote = Vote(v.path, v.nep, held.setdefault(v.voter, v.voter), held.setdefault(v.public_key, v.public_key),
                    v.choice, v.timestamp, held.setdefault(v.reason, v.reason),
                    held.setdefault(v.content_hash, v.content_hash), held.setdefault(v.network, v.network),
                    v.signature)
        return ParsedVote(vote, parsed.diagnostics, parsed.text, parsed.positions)

    def read(self, path: str, blob: str) -> ParsedVote | None:
        self.load(((path, blob),))
        return self.get(path, blob)


class GitVotes(Mapping[str, ParsedVote]):
    """A revision's vote files by path, in path order; each parsed (``VoteParses``) when first looked up.

    Iterating lists paths without reading anything. Looking one up reads its whole folder's unread
    files in one batch: whoever needs one vote of a NEP (a tally, validate) needs them all.
    """

    def __init__(self, blobs: Mapping[str, str], parses: VoteParses, sources: dict[str, str]) -> None:
        """``blobs``: path -> blob id, in path order; ``sources``: where the text of a file with findings goes."""
        self._blobs = blobs
        self._parses = parses
        self._sources = sources
        self._paths: list[str] | None = None
        self._folder_reads = 0

    def __getitem__(self, path: str) -> ParsedVote:
        blob = self._blobs[path]  # KeyError for a path that is not a vote file here
        parsed = self._parses.get(path, blob)
        if parsed is None:
            if self._parses.known(path, blob):
                raise KeyError(path)  # its blob is missing from the repository: as if never listed
            self._folder_reads += 1
            self._parses.load(self._folder(path) if self._folder_reads <= FOLDER_READS else self._blobs.items())
            parsed = self._parses.get(path, blob)
            if parsed is None:
                raise KeyError(path)
        if parsed.text is not None:
            self._sources[path] = parsed.text
        return parsed

    def _folder(self, path: str) -> list[tuple[str, str]]:
        if self._paths is None:
            self._paths = list(self._blobs)
        folder = path[:path.rindex("/") + 1]
        start = bisect.bisect_left(self._paths, folder)
        end = bisect.bisect_left(self._paths, folder[:-1] + chr(ord("/") + 1))
        return [(p, self._blobs[p]) for p in self._paths[start:end]]

    def read_all(self) -> list[ParsedVote]:
        """Every file parsed now, in one batch (a cold run needs them all, and their signatures verified at once)."""
        self._parses.load(self._blobs.items())
        return [v for p, b in self._blobs.items() if (v := self._parses.get(p, b)) is not None]

    def __contains__(self, path: object) -> bool:
        return path in self._blobs

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)


class CommittedVotes(dict[str, ParsedVote]):
    """``World.committed_votes`` answered folder by folder: each vote file's first included version where it differs
    from the revision's file (SPEC 4: that version is what counts).

    The shell's eager map visits every vote path of history; a warm check reads only the folders it judges, and a
    folder's committed versions come from git in one batch.
    """

    def __init__(self, history: History, vote_blobs: Mapping[str, str], parses: VoteParses) -> None:
        super().__init__()
        self._history = history
        self._vote_blobs = vote_blobs
        self._parses = parses
        self._folders: set[str] = set()

    def get(self, path: str, default: ParsedVote | None = None) -> ParsedVote | None:  # type: ignore[override]
        folder = path[:path.rfind("/") + 1]
        if folder not in self._folders:
            self._folders.add(folder)
            wanted = []
            for p in self._history.paths(folder, FAR_FUTURE):
                blob = self._history.first_blob(p, FAR_FUTURE)
                if blob and self._vote_blobs.get(p) != blob and VOTE_PATH.match(p):
                    wanted.append((p, blob))
            self._parses.load(wanted)
            for p, blob in wanted:
                parsed = self._parses.get(p, blob)
                if parsed is not None:
                    self[p] = parsed
        return super().get(path, default)
