"""Parses cached by git blob id, so a warm run neither opens nor parses a file it has seen.

What a file parses to is a function of its bytes (and, for findings, its
path) and of the tool's code; a blob id names the bytes. The cache keeps:

- ``votes``: blob id -> the nine fields of a vote file in the canonical
  layout (only clean parses: a file with findings is always read again, so
  its findings and source lines come from the file itself), with the verdict
  on its signature once one was computed;
- ``ledgers``: blob id -> the entries of a valid ledger (node, amount as
  written, since, locked_until);
- ``governance``: blob id -> the schema-valid mapping of governance.yaml;
- ``neps``: "path NUL blob id" -> the loaded front matter of a NEP file that
  passed the schema, with its positions, so neither the YAML load nor the
  schema runs again (the file is still read: its text is the proposal's).

Two JSON files in the cache folder (``shell.caches``: never the work tree),
named by the format and the digest of the tool's code, behind a CRC-32 and
length header that catches a damaged file (trust comes from where the file
lives, not from the checksum): the votes (most of the bytes), read only when
a run first asks for a vote, and everything else. A damaged, linked or tracked file reads as
empty. Only the entries a run used are written back, so it cannot grow
without bound. No output depends on it: a miss parses the bytes.
"""

from __future__ import annotations

import json
import zlib
from decimal import Decimal
from pathlib import Path

from tooling.core.model import Choice, Pos, Positions, StakeEntry, Vote
from tooling.parse.proposals import ParsedVote
from tooling.shell import caches

FORMAT = 3
_MAGIC = b"NEPOBJ1 "
_LIMIT = 1 << 30
_VERDICT = {None: 2, False: 0, True: 1}


def file_name() -> str:
    """Named by the format, the code digest, the YAML library's version and the schema files' bytes.

    Parses depend on those too: a new PyYAML or an edited schema must not read older verdicts.
    """
    import hashlib

    import yaml

    from tooling.parse.schemas import schema_dir

    h = hashlib.sha256()
    try:
        for f in sorted(schema_dir().glob("*.json")):
            h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    except OSError:
        h.update(b"unreadable")
    return caches.entry_name("objects", str(FORMAT), str(yaml.__version__), h.hexdigest()) + ".json"


def shard_name(base: str, folder: str) -> str:
    """The file of one vote folder's parses: the same dependencies as ``file_name`` (``base``), and the folder."""
    return caches.entry_name("votes", base, folder) + ".json"


def _folder(path: str) -> str:
    return path[:path.rfind("/") + 1]


class ObjectCache:
    """Parses by blob id for one run: look up, remember, and ``save()`` what was used."""

    def __init__(self, cache_dir: Path | None, repo: Path | None = None,
                 data: dict[str, dict[str, list]] | None = None) -> None:  # type: ignore[type-arg]
        self.cache_dir = cache_dir
        self.repo = repo
        #: Whether an earlier run left this file (then also its vote folders' files).
        self.warm = data is not None
        data = data or {}
        self._base = file_name() if cache_dir is not None else ""
        #: Parsed votes, one file per vote folder, each read when the folder is first asked for.
        self._shards: dict[str, dict[str, list]] = {}  # type: ignore[type-arg]
        self._dirty_shards: set[str] = set()
        self._ledgers: dict[str, list] = data.get("ledgers", {})  # type: ignore[type-arg]
        self._neps: dict[str, list] = data.get("neps", {})  # type: ignore[type-arg]
        self._govs: dict[str, dict] = data.get("governance", {})  # type: ignore[type-arg]
        self._used_govs: dict[str, dict] = {}  # type: ignore[type-arg]
        self._used_ledgers: dict[str, list] = {}  # type: ignore[type-arg]
        self._used_neps: dict[str, list] = {}  # type: ignore[type-arg]
        self._dirty = False
        #: Vote -> its record, for the votes of this run (the verdicts to remember).
        self._rec_of: dict[Vote, list] = {}  # type: ignore[type-arg]

    @classmethod
    def load(cls, cache_dir: Path | None, repo: Path | None = None) -> ObjectCache:
        if cache_dir is None:
            return cls(None, repo)
        raw = caches.read(repo, cache_dir, file_name(), _LIMIT)
        return cls(cache_dir, repo, _parse(raw, _SECTIONS) if raw is not None else None)

    def _shard(self, folder: str) -> dict[str, list]:  # type: ignore[type-arg]
        shard = self._shards.get(folder)
        if shard is None:
            data = None
            if self.cache_dir is not None and self.warm:
                raw = caches.read(self.repo, self.cache_dir, shard_name(self._base, folder), _LIMIT)
                data = _parse(raw, ("votes",)) if raw is not None else None
            shard = self._shards[folder] = data["votes"] if data is not None else {}
        return shard

    def votes_cached(self) -> bool:
        """Whether an earlier run left parsed votes (a warm run may then read votes only when asked)."""
        return self.cache_dir is not None and self.warm

    # -- votes ---------------------------------------------------------------

    def vote(self, path: str, blob: str) -> ParsedVote | None:
        rec = self._shard(_folder(path)).get(blob)
        if rec is None:
            return None
        try:
            nep, voter, pub, choice, ts, reason, chash, network, sig, _ = rec
            vote = Vote(path=path, nep=nep, voter=voter, public_key=pub, choice=Choice(choice), timestamp=ts,
                        reason=reason, content_hash=chash, network=network, signature=sig)
        except (TypeError, ValueError):
            return None  # a damaged record is a miss
        self._rec_of[vote] = rec
        return ParsedVote(vote, (), None, None)

    def has_vote(self, path: str, blob: str) -> bool:
        """Whether the vote parse of ``blob`` at ``path`` is cached (its bytes need not be read)."""
        return blob in self._shard(_folder(path))

    def remember_vote(self, blob: str, parsed: ParsedVote) -> None:
        v = parsed.vote
        if v is None or parsed.diagnostics or parsed.text is not None or parsed.positions is not None:
            return
        folder = _folder(v.path)
        shard = self._shard(folder)
        rec = shard.get(blob)
        if rec is None:
            rec = shard[blob] = [v.nep, v.voter, v.public_key, v.choice.value, v.timestamp, v.reason, v.content_hash,
                                 v.network, v.signature, 2]
            self._dirty_shards.add(folder)
        self._rec_of[v] = rec

    def verdicts(self) -> dict[Vote, bool]:
        """Signature verdicts already known for this run's votes."""
        return {vote: rec[9] == 1 for vote, rec in self._rec_of.items() if rec[9] in (0, 1)}

    def unverified(self) -> list[Vote]:
        """This run's votes whose signature verdict the cache does not hold, in path order."""
        return sorted((v for v, rec in self._rec_of.items() if rec[9] not in (0, 1)), key=lambda v: v.path)

    def record_verdicts(self, known: dict[Vote, bool]) -> None:
        for vote, rec in self._rec_of.items():
            verdict = known.get(vote)
            if verdict is not None and rec[9] != _VERDICT[verdict]:
                rec[9] = _VERDICT[verdict]
                self._dirty_shards.add(_folder(vote.path))

    # -- ledgers -------------------------------------------------------------

    def ledger(self, blob: str | None) -> tuple[StakeEntry, ...] | None:
        rec = self._ledgers.get(blob) if blob else None
        if rec is None:
            return None
        try:
            entries = tuple(StakeEntry(n, Decimal(a), s, u) for n, a, s, u in rec)
        except (TypeError, ValueError, ArithmeticError):
            return None
        self._used_ledgers[blob] = rec  # type: ignore[index]
        return entries

    def remember_ledger(self, blob: str, entries: tuple[StakeEntry, ...]) -> None:
        if blob in self._used_ledgers:
            return
        rec = [[e.node, str(e.amount), e.since, e.locked_until] for e in entries]
        self._used_ledgers[blob] = self._ledgers[blob] = rec
        self._dirty = True

    # -- governance.yaml -----------------------------------------------------

    def governance(self, blob: str) -> dict | None:  # type: ignore[type-arg]
        """The schema-valid mapping of a governance.yaml blob parsed before."""
        rec = self._govs.get(blob)
        if isinstance(rec, dict):
            self._used_govs[blob] = rec
            return rec
        return None

    def remember_governance(self, blob: str, mapping: dict) -> None:  # type: ignore[type-arg]
        if blob in self._used_govs:
            return
        try:
            # Only a mapping that JSON carries unchanged (plain strings, numbers, lists, mappings) is kept.
            if json.loads(json.dumps(mapping)) != mapping:
                return
        except (TypeError, ValueError):
            return
        self._used_govs[blob] = self._govs[blob] = mapping
        self._dirty = True

    # -- NEP front matter ----------------------------------------------------

    def nep(self, path: str, blob: str) -> tuple[dict, Positions] | None:  # type: ignore[type-arg]
        """The loaded, schema-valid front matter of NEP ``path`` at ``blob`` and its positions."""
        key = f"{path}\0{blob}"
        rec = self._neps.get(key)
        if rec is None:
            return None
        try:
            data, values, keys = rec
            positions = Positions({tuple(p): Pos(line, col) for p, line, col in values},
                                  {tuple(p): Pos(line, col) for p, line, col in keys})
        except (TypeError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        self._used_neps[key] = rec
        return data, positions

    def remember_nep(self, path: str, blob: str, data: object, positions: Positions) -> None:
        key = f"{path}\0{blob}"
        if key in self._used_neps:
            return
        try:
            # Only front matter that JSON carries unchanged (no tuples, no other types) is kept.
            if json.loads(json.dumps(data)) != data:
                return
        except (TypeError, ValueError):
            return
        rec = [data, [[list(p), v.line, v.col] for p, v in positions.values.items()],
               [[list(p), v.line, v.col] for p, v in positions.keys.items()]]
        self._used_neps[key] = self._neps[key] = rec
        self._dirty = True

    def save(self) -> None:
        """Write what this run used, if anything new was learned; silent on failure."""
        if self.cache_dir is None:
            return
        # Entries merely unused this run are not worth a write; the file is written first in a warm-up, since
        # its presence says the folders' files are there to read.
        if self._dirty or (not self.warm and self._dirty_shards):
            _write(self.cache_dir, file_name(), {"ledgers": self._used_ledgers, "governance": self._used_govs,
                                                 "neps": self._used_neps})
            self._dirty = False
        # A folder's file holds every parse of its votes seen so far (bounded by the folder's files and edits).
        for folder in sorted(self._dirty_shards):
            _write(self.cache_dir, shard_name(self._base, folder), {"votes": self._shards[folder]})
        self._dirty_shards.clear()


_SECTIONS = ("ledgers", "neps", "governance")


def _write(folder: Path, name: str, doc: dict[str, dict[str, list]]) -> None:  # type: ignore[type-arg]
    body = json.dumps(doc, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    caches.write(folder, name, _MAGIC + b"%08x %d\n" % (zlib.crc32(body), len(body)) + body)


def _parse(raw: bytes, sections: tuple[str, ...]) -> dict[str, dict[str, list]] | None:  # type: ignore[type-arg]
    if not raw.startswith(_MAGIC):
        return None
    head, sep, body = raw.partition(b"\n")
    if not sep:
        return None
    try:
        crc_text, size_text = head[len(_MAGIC):].split(b" ")
        if int(size_text) != len(body) or int(crc_text, 16) != zlib.crc32(body):
            return None
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), dict) for k in sections):
        return None
    return data
