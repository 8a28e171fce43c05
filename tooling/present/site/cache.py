"""The site's two caches in the cache folder (``shell.caches``): remembered pages and rendered Markdown.

Both only save time. They live where caches live (never in the work tree), their entries are named
with the digest of the tool's code, and an entry that is damaged, too large or for another key reads
as missing. Neither is ever pickled: a page entry is a header line and the page's bytes, the bodies
are one JSON file.

``PageStore`` (the page memo, ``model.PageMemo``): one entry per path holding the key, the SHA-256 of
the bytes and the bytes, for each page and for the votes of each ``api/nep-NNNN.json``
(``memo.Pages.part``); an entry whose key changed is overwritten, so the folder holds at most one
entry per file of the site.

``BodyStore``: the rendered NEP bodies by the digest of their text (``markdown.body_key``), read on
first use, so a build whose NEP pages are all remembered does not read it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Collection, Iterator, MutableMapping

from tooling.present.site.markdown import RenderedBody, body_from_json, body_to_json
from tooling.shell import caches

FORMAT = "1"
_PAGE_LIMIT = 256 << 20
_BODIES_LIMIT = 512 << 20
_MAGIC = b"nep-site-page"


def _trusted_repo(root: Path) -> Path | None:
    # caches.read checks that an entry inside a checkout is not a file git tracks; outside git, no repository.
    return root if (root / ".git").exists() else None


def encode_page(key: str, data: bytes) -> bytes:
    return b"%s %s %s %s\n" % (_MAGIC, FORMAT.encode("ascii"), key.encode("ascii"),
                               hashlib.sha256(data).hexdigest().encode("ascii")) + data


def decode_page(raw: bytes, key: str) -> bytes | None:
    """The page in an entry written for exactly ``key`` whose digest holds; None for anything else."""
    head, sep, data = raw.partition(b"\n")
    parts = head.split(b" ")
    if not sep or len(parts) != 4 or parts[0] != _MAGIC or parts[1] != FORMAT.encode("ascii"):
        return None
    if parts[2] != key.encode("ascii") or parts[3] != hashlib.sha256(data).hexdigest().encode("ascii"):
        return None
    return data


class PageStore:
    """The page memo of the repository at ``root`` (``get``, ``put``); ``save`` writes what ``put`` gave it."""

    def __init__(self, root: Path) -> None:
        self.repo = _trusted_repo(root)
        self.folder = caches.cache_dir(root)
        self._pending: dict[str, bytes] = {}
        self.hits = 0
        self.misses = 0

    def _name(self, path: str) -> str:
        return caches.entry_name("page", FORMAT, path)

    def get(self, path: str, key: str) -> bytes | None:
        data = None
        if self.folder is not None:
            raw = caches.read(self.repo, self.folder, self._name(path), _PAGE_LIMIT)
            data = None if raw is None else decode_page(raw, key)
        if data is None:
            self.misses += 1
        else:
            self.hits += 1
        return data

    def put(self, path: str, key: str, data: bytes) -> None:
        if self.folder is not None:
            self._pending[self._name(path)] = encode_page(key, data)

    def save(self) -> None:
        if self.folder is not None:
            for name, data in self._pending.items():
                caches.write(self.folder, name, data)
        self._pending.clear()


class BodyStore(MutableMapping[str, RenderedBody]):
    """Rendered NEP bodies by ``markdown.body_key``, from the cache folder on first use."""

    def __init__(self, root: Path) -> None:
        self.repo = _trusted_repo(root)
        self.folder = caches.cache_dir(root)
        self._bodies: dict[str, RenderedBody] | None = None
        self._added = False

    def _name(self) -> str:
        import markdown_it

        # The HTML depends on the Markdown library as well as on the tool's code.
        return caches.entry_name("markdown", "2", str(getattr(markdown_it, "__version__", "?"))) + ".json"

    def _all(self) -> dict[str, RenderedBody]:
        if self._bodies is None:
            self._bodies = {}
            raw = caches.read(self.repo, self.folder, self._name(), _BODIES_LIMIT) if self.folder else None
            if raw is not None:
                try:
                    self._bodies = {str(k): body_from_json(v) for k, v in json.loads(raw).items()}
                except (ValueError, TypeError, AttributeError):
                    self._bodies = {}  # a damaged file is an empty cache
        return self._bodies

    def __getitem__(self, key: str) -> RenderedBody:
        return self._all()[key]

    def __setitem__(self, key: str, body: RenderedBody) -> None:
        self._all()[key] = body
        self._added = True

    def __delitem__(self, key: str) -> None:
        del self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def save(self, keep: Collection[str]) -> None:
        """Write the bodies of ``keep`` (the current NEPs' texts) when this build rendered a new one."""
        if self.folder is None or not self._added:
            return  # nothing new rendered: entries merely unused are not worth a write
        bodies = {k: v for k, v in self._all().items() if k in keep}
        data = json.dumps({k: body_to_json(v) for k, v in bodies.items()}, separators=(",", ":"), ensure_ascii=True)
        caches.write(self.folder, self._name(), data.encode("ascii"))
