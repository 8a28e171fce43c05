"""Findings remembered by a digest of exactly what they are a function of.

``validate`` judges every vote file of a folder from the folder's files
(named by history's digest and git's index, see ``shell.evaluate``), the
NEP's tally rows (named by the tally memo's key), its status, its content
hash and the network. When a digest of those matches, the folder's findings
are the ones remembered, and not one vote needs to be read. ``as_of`` is not
part of a key: what it changes (the status, which rows exist) is.

One JSON file in the cache folder (``shell.caches``), behind a CRC-32 and
length header; a damaged file reads as empty. A run over every folder writes
back only the entries it used, so the file is bounded by the number of
folders; a run over some folders keeps the others.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Sequence

from tooling.core.diagnostics import Diagnostic
from tooling.core.model import Severity
from tooling.shell import caches

FORMAT = 1
_MAGIC = b"NEPFIND1 "
_LIMIT = 256 << 20


def _name() -> str:
    return caches.entry_name("findings", str(FORMAT)) + ".json"


class FindingsMemo:
    def __init__(self, cache_dir: Path | None, repo: Path | None = None) -> None:
        self.cache_dir = cache_dir
        self.repo = repo
        self._data: dict[str, list[list[object]]] | None = None
        self._used: dict[str, list[list[object]]] = {}
        self._dirty = False
        self.complete = False  # set by a run that looked at every folder: only what it used is kept

    def _entries(self) -> dict[str, list[list[object]]]:
        if self._data is None:
            raw = caches.read(self.repo, self.cache_dir, _name(), _LIMIT) if self.cache_dir is not None else None
            self._data = _parse(raw) if raw is not None else {}
        return self._data

    def get(self, key: str) -> list[Diagnostic] | None:
        rec = self._entries().get(key)
        if rec is None:
            return None
        try:
            out = [Diagnostic(str(c), str(s), Severity(v), str(f), int(l), int(k), str(m),  # type: ignore[call-overload]
                              None if h is None else str(h)) for c, s, v, f, l, k, m, h in rec]
        except (TypeError, ValueError):
            return None
        self._used[key] = rec
        return out

    def put(self, key: str, found: Sequence[Diagnostic]) -> None:
        rec: list[list[object]] = [[d.code, d.slug, str(d.severity), d.file, d.line, d.col, d.message, d.hint]
                                   for d in found]
        self._used[key] = self._entries()[key] = rec
        self._dirty = True

    def save(self) -> None:
        if self.cache_dir is None or not (self._dirty or (self.complete and self._data is not None
                                                          and len(self._used) < len(self._data))):
            return
        doc = self._used if self.complete else {**self._entries(), **self._used}
        body = json.dumps(doc, separators=(",", ":"), ensure_ascii=True).encode("ascii")
        caches.write(self.cache_dir, _name(), _MAGIC + b"%08x %d\n" % (zlib.crc32(body), len(body)) + body)
        self._dirty = False


def _parse(raw: bytes) -> dict[str, list[list[object]]]:
    head, sep, body = raw.partition(b"\n")
    if not sep or not head.startswith(_MAGIC):
        return {}
    try:
        crc, size = head[len(_MAGIC):].split(b" ")
        if int(size) != len(body) or int(crc, 16) != zlib.crc32(body):
            return {}
        doc = json.loads(body)
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}
