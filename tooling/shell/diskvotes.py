"""The vote files of a work tree (or a revision) by path, each parsed when first read.

A warm run that finds every tally in its memo never reads a vote; one that needs a NEP's votes reads
those, from the parse cache by blob id or else from the file, exactly as an eager load would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator, Mapping

from tooling.parse.proposals import ParsedVote, parse_vote

if TYPE_CHECKING:  # pragma: no cover
    from tooling.shell.objcache import ObjectCache


class DiskVotes(Mapping[str, ParsedVote]):
    """The work tree's vote files by path, in listing order; a file git says is clean is parsed when first read.

    A warm run that finds every tally in its memo never reads a vote; one that needs a NEP's votes reads
    those (from the parse cache by blob id, else from the file, exactly as an eager load would).
    """

    def __init__(self, objects: ObjectCache | None, sources: dict[str, str],
                 read: Callable[[str, str], bytes | None]) -> None:
        """``read(path, blob)``: the bytes of a deferred file (the work tree's, or a git object); None if it is gone.

        ``sources`` receives the text of a file read later that has findings, so they can be quoted.
        """
        self._objects, self._sources, self._read = objects, sources, read
        self._order: list[str] = []
        self._parsed: dict[str, ParsedVote] = {}
        self._deferred: dict[str, str] = {}
        #: Paths by folder, made when first asked for (``status`` never asks).
        self._folders: dict[str, list[str]] | None = None

    def add(self, rel: str, parsed: ParsedVote) -> None:
        self._order.append(rel)
        self._parsed[rel] = parsed
        self._folders = None

    def defer(self, rel: str, blob: str) -> None:
        self._order.append(rel)
        self._deferred[rel] = blob
        self._folders = None

    def in_folder(self, folder: str) -> list[str]:
        """The paths listed in ``folder`` ("votes/nep-0001/"), in listing order."""
        if self._folders is None:
            folders: dict[str, list[str]] = {}
            for rel in self._order:
                folders.setdefault(rel[:rel.rindex("/") + 1], []).append(rel)
            self._folders = folders
        return list(self._folders.get(folder, ()))  # every listed path is parsed or deferred

    def folders(self) -> list[str]:
        """Every folder with a listed path, sorted."""
        self.in_folder("")
        assert self._folders is not None
        return sorted(self._folders)

    def __getitem__(self, rel: str) -> ParsedVote:
        found = self._parsed.get(rel)
        if found is not None:
            return found
        blob = self._deferred.pop(rel)  # KeyError for a path that is not a vote file here
        parsed = self._objects.vote(rel, blob) if self._objects is not None else None
        if parsed is None:
            raw = self._read(rel, blob)
            if raw is None:  # gone (or no longer a file) since it was listed: as if never listed
                self._order.remove(rel)
                self._folders = None
                raise KeyError(rel)
            parsed = parse_vote(rel, raw)
            if self._objects is not None:
                self._objects.remember_vote(blob, parsed)
            if parsed.text is not None:
                self._sources[rel] = parsed.text
        self._parsed[rel] = parsed
        return parsed

    def __contains__(self, rel: object) -> bool:
        return rel in self._parsed or rel in self._deferred

    def get(self, rel: str, default: ParsedVote | None = None) -> ParsedVote | None:  # type: ignore[override]
        found = self._parsed.get(rel)
        if found is not None:
            return found
        if rel not in self._deferred:
            return default
        try:
            return self[rel]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def items(self) -> list[tuple[str, ParsedVote]]:  # type: ignore[override]
        out = []
        for rel in list(self._order):
            try:
                out.append((rel, self[rel]))
            except KeyError:
                continue
        return out
