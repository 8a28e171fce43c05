"""Tallies remembered by a digest of exactly what the core's ``tally`` is given.

A tally's rows (each vote judged) are a pure function of the NEP number, the
vote files (path, every field of the vote, inclusion clock, parse error), the
network, the content hash in force at voting start, the voting window, the
voters' weights in the snapshot and its total, quorum and approval, and the
tool's code (the signature verdict is a function of the vote's bytes). The
instant ``as_of`` is not part of the key: it only decides which files are
included (already in the key) and whether the result is final (recomputed
from the rows). So the default "now" still finds the tally of a NEP whose
inputs did not change.

When the shell hands the vote files over by reference (a ``Deferred`` with a
key: each path, the blob id counted and its inclusion clock) and the snapshot
names the ledger version it comes from, the key is made of those names, so a
hit reads no vote at all; otherwise of every field, as above.

One small file per NEP in the cache folder (``shell.caches``): a header line with
the key, the number of rows, the counted yes/no/abstain sums and CRC-32s of
the header and of the rows, then the rows. A hit answers from the header; the
rows are decoded only when something reads them (the tally report, the site,
validate), and a body that fails its check then is recomputed. A NEP whose
inputs changed overwrites its file, so the folder is bounded by the number of
NEPs. A damaged file, or one with another key, is a miss. A tally with
delegation in force is computed, not cached.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
import json
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from tooling.core import tally as tally_mod
from tooling.core.deferred import Deferred
from tooling.core.model import Vote, VoteCode
from tooling.core.model.results import VoteResult
from tooling.core.stakes import Snapshot
from tooling.core.tally import Tally, VoteFile
from tooling.shell import caches

FORMAT = 2
_LIMIT = 256 << 20


def _key(nep: int, vote_files: Sequence[VoteFile], fixed: Sequence[object], snapshot: Snapshot) -> str:
    key = getattr(vote_files, "key", None) if isinstance(vote_files, Deferred) else None
    if key is not None and snapshot.source is not None:
        # By reference: the vote files' digest and the ledger version's commit name every input exactly.
        by_ref = (FORMAT, "ref", nep, tuple(str(x) for x in fixed), snapshot.source, snapshot.at,
                  str(snapshot.total), key)
        return hashlib.sha256(repr(by_ref).encode("utf-8", "surrogatepass")).hexdigest()
    h = hashlib.sha256()
    h.update(repr((FORMAT, nep, tuple(str(x) for x in fixed), str(snapshot.total))).encode("utf-8", "surrogatepass"))
    weights: dict[str, str] = {}

    def weight(voter: str) -> str:
        w = weights.get(voter)
        if w is None:
            w = weights[voter] = str(snapshot.weight(voter))
        return w

    for vf in vote_files:
        v: Vote | None = vf.vote
        voter = vf.path.rsplit("/", 1)[-1].removesuffix(".yaml")
        fields: tuple[object, ...] = (vf.path, vf.included_at, vf.error, weight(voter))
        if v is not None:
            fields += (v.nep, v.voter, v.public_key, str(v.choice), v.timestamp, v.reason, v.content_hash,
                       v.network, v.signature, v.path, weight(v.voter))
        # repr of plain values is unambiguous (strings are quoted), so no two inputs share a line.
        h.update(repr(fields).encode("utf-8", "surrogatepass"))
        h.update(b"\n")
    return h.hexdigest()


def _row_out(r: VoteResult) -> list[Any]:
    return [r.path, r.voter, None if r.choice is None else str(r.choice), str(r.weight), r.counted,
            None if r.code is None else r.code.value, r.timestamp, r.included_at, r.reason, r.error,
            str(r.delegated_weight), list(r.delegators)]


def _row_in(rec: list[Any]) -> VoteResult:
    path, voter, choice, weight, counted, code, ts, inc, reason, error, dw, dels = rec
    return VoteResult(path=path, voter=voter, choice=choice, weight=Decimal(weight), counted=bool(counted),
                      code=None if code is None else VoteCode(code), timestamp=ts, included_at=inc, reason=reason,
                      error=error, delegated_weight=Decimal(dw), delegators=tuple(dels))


class TallyCache:
    """``tally`` is a drop-in for ``core.tally.tally`` that reads and fills the cache."""

    def __init__(self, cache_dir: Path | None, repo: Path | None = None) -> None:
        self.cache_dir = cache_dir
        self.repo = repo
        self.hits = 0
        self.misses = 0

    def _name(self, nep: int) -> str:
        return caches.entry_name("tally", str(FORMAT), str(nep)) + ".json"

    def tally(self, nep: int, vote_files: Sequence[VoteFile], *, network: str, content_hash: str,
              voting_start: int, voting_end: int, snapshot: Snapshot, quorum: Decimal, approval: Decimal,
              as_of: int, signature_ok: Callable[[Vote], bool] = tally_mod.votes.verify_vote,
              delegation: bool = False, delegates: Mapping[str, str] | None = None) -> Tally:
        def compute() -> Tally:
            return tally_mod.tally(nep, vote_files, network=network, content_hash=content_hash,
                                   voting_start=voting_start, voting_end=voting_end, snapshot=snapshot, quorum=quorum,
                                   approval=approval, as_of=as_of, signature_ok=signature_ok, delegation=delegation,
                                   delegates=delegates)

        if self.cache_dir is None or (delegation and delegates):
            return compute()
        try:
            key = _key(nep, vote_files, (network, content_hash, voting_start, voting_end, quorum, approval),
                       snapshot)
        except (TypeError, ValueError):
            return compute()
        name = self._name(nep)
        raw = caches.read(self.repo, self.cache_dir, name, _LIMIT)
        entry = _decode(raw, key) if raw is not None else None
        if entry is not None:
            self.hits += 1
            count, sums, body = entry

            def rows() -> tuple[VoteResult, ...]:
                decoded = _rows(body)
                return decoded if decoded is not None and len(decoded) == count else tuple(compute().votes)

            return tally_mod.tally_from_rows(nep, Deferred(rows, count=count, key=key), snapshot=snapshot, quorum=quorum,
                                             approval=approval, as_of=as_of, voting_end=voting_end,
                                             delegation=delegation, sums=sums)
        self.misses += 1
        t = compute()
        body = json.dumps([_row_out(r) for r in t.votes], separators=(",", ":"), ensure_ascii=True).encode("ascii")
        head = f"{key} {len(t.votes)} {t.yes} {t.no} {t.abstain} {zlib.crc32(body):08x}"
        # Written now rather than at the end: 100,000 rows of JSON need not stay in memory for the rest of the run.
        caches.write(self.cache_dir, name, f"{head} {zlib.crc32(head.encode('ascii')):08x}\n".encode("ascii") + body)
        # The rows carry their key from the start, so memos built on them (``shell.findcache``) fill this run.
        return replace(t, votes=Deferred.of(t.votes, key=key))

    def save(self) -> None:
        """Nothing to do: each tally is written when it is computed (``World.save_caches`` calls every cache)."""


def _decode(raw: bytes, key: str) -> tuple[int, tuple[Decimal, Decimal, Decimal], bytes] | None:
    """(rows, counted sums, body) of an entry for exactly ``key`` whose header holds; None otherwise."""
    head, sep, body = raw.partition(b"\n")
    try:
        text = head.decode("ascii")
        fields, _, crc = text.rpartition(" ")
        stored_key, count, yes, no, abstain, body_crc = fields.split(" ")
        if not sep or stored_key != key or int(crc, 16) != zlib.crc32(fields.encode("ascii")):
            return None
        if int(body_crc, 16) != zlib.crc32(body):
            return None
        sums = (Decimal(yes), Decimal(no), Decimal(abstain))
        if not all(d.is_finite() for d in sums):
            return None
        return int(count), sums, body
    except (ValueError, TypeError, ArithmeticError):
        return None


def _rows(body: bytes) -> tuple[VoteResult, ...] | None:
    try:
        return tuple(_row_in(rec) for rec in json.loads(body))
    except (ValueError, TypeError, KeyError, ArithmeticError):
        return None
