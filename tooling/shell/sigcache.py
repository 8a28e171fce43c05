"""A cache of signature verdicts, so that warm runs verify only the votes they have not seen.

Whether a vote's signature is valid is a pure function of three byte strings:
the canonical signed payload (SPEC 4), the public key and the signature. The
cache maps SHA-256 of those three (each length-prefixed, so no two different
triples share a key) to the verdict, valid or not. Both verdicts are kept:
an invalid vote stays in history forever, and re-verifying it on every run
would cost as much as a valid one.

The file lives in the cache folder of ``shell.caches`` (never the work
tree), named by the format and the digest of the tool's code: a header,
fixed-size records (32-byte key, 1-byte verdict) and a SHA-256 of everything
before it. It is a binary table of bytes and booleans, never pickle. A cache
file that git tracks (a pull request could commit one that calls a forged
vote valid) or that is reached through a symbolic link is ignored, like the
history cache. Any damage (truncation, bad checksum, wrong format) means an
empty cache, never an error; a cache that cannot be written only costs time.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Sequence

from tooling.shell import caches

from tooling.core import votes as _votes
from tooling.core.model import Vote
from tooling.crypto.signatures import verify_digest

#: Bump when verify_vote's verdict for the same bytes changes (a new rule on signatures).
FORMAT = 1
_MAGIC = b"NEPSIGS" + bytes([FORMAT])
_KEY_SIZE = 32
_RECORD_SIZE = _KEY_SIZE + 1
_HEADER_SIZE = len(_MAGIC) + 8  # magic + record count
_DIGEST_SIZE = 32
#: Past this many entries only those used by the current run are written back,
#: so a long-lived checkout that saw many branches cannot grow the file forever.
MAX_ENTRIES = 2_000_000
#: Below this many votes per core, starting threads costs more than it saves.
PARALLEL_FROM = 500


def file_name() -> str:
    """The cache file's name: its format and the digest of the tool's code."""
    return caches.entry_name("signatures", str(FORMAT)) + ".bin"


def signature_key(vote: Vote) -> bytes:
    """SHA-256 over the signed payload, the public key and the signature, each length-prefixed.

    Raises TypeError/ValueError for a vote whose fields cannot form a payload.
    """
    return _key_and_digest(vote)[0]


def _key_and_digest(vote: Vote) -> tuple[bytes, bytes | None]:
    """The cache key and the 32 bytes ECDSA signs (None: the payload has no UTF-8 form), from one payload."""
    text = _votes.canonical_json(_votes.payload_of(vote))
    payload = text.encode("utf-8", "surrogatepass")
    try:
        digest: bytes | None = hashlib.sha256(text.encode("utf-8")).digest()
    except UnicodeEncodeError:
        digest = None
    h = hashlib.sha256()
    for part in (payload, str(vote.public_key).encode("utf-8", "surrogatepass"),
                 str(vote.signature).encode("utf-8", "surrogatepass")):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.digest(), digest


class SignatureCache:
    """Signature verdicts by ``signature_key``; ``checker()`` consults and fills it, ``save()`` persists it."""

    def __init__(
        self, cache_dir: Path | None, entries: dict[bytes, bool] | None = None, repo: Path | None = None
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.repo = repo
        #: None: the file is read when a verdict is first looked up (a warm run often needs none).
        self._table: dict[bytes, bool] | None = dict(entries) if entries is not None else None
        self._used: set[bytes] = set()
        self._dirty = False
        self.hits = 0
        self.misses = 0
        #: Verdicts by vote for this run: preloaded from the parse cache, filled by ``checker()``.
        self.known: dict[Vote, bool] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def _entries(self) -> dict[bytes, bool]:
        if self._table is None:
            data = None
            if self.cache_dir is not None:
                limit = _HEADER_SIZE + MAX_ENTRIES * _RECORD_SIZE + _DIGEST_SIZE
                data = caches.read(self.repo, self.cache_dir, file_name(), limit)
            self._table = (_parse(data) if data is not None else None) or {}
        return self._table

    @classmethod
    def load(cls, cache_dir: Path, repo: Path | None = None) -> SignatureCache:
        """The cache stored in ``cache_dir``; empty if there is none or it cannot be trusted.

        ``repo`` is the work tree whose git decides whether the file is tracked
        (default: the folder's parent, when that is a git work tree).
        """
        cache_dir = Path(cache_dir)
        if repo is None and (cache_dir.parent / ".git").exists():
            repo = cache_dir.parent
        return cls(cache_dir, None, repo)

    def checker(self) -> Callable[[Vote], bool]:
        """A drop-in for ``votes.verify_vote``: the cached verdict, or a verification that is then cached."""
        key_cache: dict[str, object] = {}
        used = self._used

        known = self.known

        def check(vote: Vote) -> bool:
            try:
                verdict = known.get(vote)
            except TypeError:  # a field that is no plain value cannot key anything
                return _votes.verify_vote(vote, key_cache=key_cache)
            if verdict is not None:  # this very vote file was judged before (``shell.objcache``)
                self.hits += 1
                return verdict
            try:
                key, digest = _key_and_digest(vote)
            except (TypeError, ValueError, UnicodeError):
                # Not a well-formed vote: verify_vote says no, and there is nothing to key it by.
                return _votes.verify_vote(vote, key_cache=key_cache)
            used.add(key)
            entries = self._entries
            verdict = entries.get(key)
            if verdict is not None:
                self.hits += 1
            else:
                # The payload is built once: its digest is what the signature covers.
                verdict = digest is not None and verify_digest(vote.public_key, vote.signature, digest,
                                                               key_cache=key_cache)
                entries[key] = verdict
                self._dirty = True
                self.misses += 1
            known[vote] = verdict
            return verdict

        return check

    def prime(self, votes: Sequence[Vote], *, workers: int | None = None) -> None:
        """Verify, on several cores, the votes whose verdict is not known yet (a cold run's bulk of the work).

        libsecp256k1 runs without Python's lock, so threads verify in parallel. Each verdict is a
        pure function of the vote, so the order in which they are computed changes nothing; votes
        whose payload cannot be formed are left to ``checker()``.
        """
        todo: list[tuple[Vote, bytes, bytes]] = []
        seen: set[bytes] = set()
        for vote in votes:
            try:
                if vote in self.known:
                    continue
                key, digest = _key_and_digest(vote)
            except (TypeError, ValueError, UnicodeError):
                continue
            verdict = self._entries.get(key)
            if verdict is not None:
                self.known[vote] = verdict
                self._used.add(key)
            elif digest is not None and key not in seen:
                seen.add(key)
                todo.append((vote, key, digest))
        if not todo:
            return
        count = workers or min(4, os.cpu_count() or 1)
        chunks = [todo[i::count] for i in range(count)]

        def verify(chunk: list[tuple[Vote, bytes, bytes]]) -> list[bool]:
            key_cache: dict[str, object] = {}
            return [verify_digest(v.public_key, v.signature, d, key_cache=key_cache) for v, _, d in chunk]

        if count == 1 or len(todo) < 2 * PARALLEL_FROM:
            results = [verify(todo)]
            chunks = [todo]
        else:
            with ThreadPoolExecutor(max_workers=count) as pool:
                results = list(pool.map(verify, chunks))
        for chunk, verdicts in zip(chunks, results):
            for (vote, key, _), verdict in zip(chunk, verdicts):
                self._entries[key] = verdict
                self._used.add(key)
                self.known[vote] = verdict
                self.misses += 1
        self._dirty = True

    def save(self) -> None:
        """Write the cache atomically if anything was added; failures are silent (a cache only saves time)."""
        if not self._dirty or self.cache_dir is None:
            return
        entries = self._entries
        if len(entries) > MAX_ENTRIES:
            entries = {k: v for k, v in entries.items() if k in self._used}
        caches.write(self.cache_dir, file_name(), _serialise(entries))
        self._dirty = False


# --------------------------------------------------------------------------
# File format


def _serialise(entries: dict[bytes, bool]) -> bytes:
    parts = [_MAGIC, len(entries).to_bytes(8, "big")]
    parts.extend(key + (b"\x01" if ok else b"\x00") for key, ok in entries.items())
    body = b"".join(parts)
    return body + hashlib.sha256(body).digest()


def _parse(data: bytes) -> dict[bytes, bool] | None:
    """The entries of a cache file, or None if it is not exactly a well-formed one."""
    if len(data) < _HEADER_SIZE + _DIGEST_SIZE or not data.startswith(_MAGIC):
        return None
    count = int.from_bytes(data[len(_MAGIC):_HEADER_SIZE], "big")
    end = _HEADER_SIZE + count * _RECORD_SIZE
    if count > MAX_ENTRIES or len(data) != end + _DIGEST_SIZE:
        return None
    if hashlib.sha256(data[:end]).digest() != data[end:]:
        return None
    view = memoryview(data)
    entries: dict[bytes, bool] = {}
    for off in range(_HEADER_SIZE, end, _RECORD_SIZE):
        verdict = data[off + _KEY_SIZE]
        if verdict > 1:
            return None
        entries[bytes(view[off:off + _KEY_SIZE])] = verdict == 1
    return entries
