"""The site's caches in the cache folder (``shell.caches``).

They only save time. They live where caches live (never in the work tree), their entries are named
with the digest of the tool's code, and an entry that is damaged, too large or for another key reads
as missing. Nothing is ever pickled: the bodies are one JSON file.

``BodyStore``: the rendered NEP bodies by the digest of their text (``markdown.body_key``), read on
first use, so a build whose NEP pages are all remembered does not read it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Collection, Iterator, MutableMapping

from tooling.present.site.markdown import RenderedBody, body_from_json, body_to_json
from tooling.shell import caches

FORMAT = "1"
_BODIES_LIMIT = 512 << 20


def _trusted_repo(root: Path) -> Path | None:
    # caches.read checks that an entry inside a checkout is not a file git tracks; outside git, no repository.
    return root if (root / ".git").exists() else None


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
