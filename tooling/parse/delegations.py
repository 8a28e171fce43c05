"""Reading a delegation file (SPEC 11) from its bytes, and a file's history into versions.

Pure: bytes in, records and diagnostics out, like the vote parser in
``tooling.parse.proposals``. A file in the layout ``nep delegate`` writes is
read without the YAML machinery; anything else goes through the strict loader
and the shipped schema, and a file that fails either is ``MALFORMED`` with
diagnostics at the offending line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from tooling.core.delegation import (
    DELEGATION_FILE_FIELDS,
    Delegation,
    DelegationVersion,
    JudgedVersion,
    NetworkAt,
    judge_versions,
)
from tooling.core.diagnostics import Diagnostic
from tooling.core.instants import MAX_INSTANT
from tooling.core.model import Pos, Positions
from tooling.parse.loading import load_mapping
from tooling.parse.yamlio import MAX_FILE_BYTES

DELEGATION_PATH = re.compile(r"^delegations/([^/]+)\.yaml$")


@dataclass(frozen=True)
class ParsedDelegation:
    delegation: Delegation | None  # None: MALFORMED
    diagnostics: tuple[Diagnostic, ...]  # the MALFORMED findings (load or schema)
    text: str | None  # kept for files with findings; None for a clean canonical file
    positions: Positions | None  # None for a file in the canonical layout (see canonical_delegation_pos)

    def pos(self, key: str) -> Pos:
        """Where ``key``'s value starts, for diagnostics about a valid file (wrong path, bad key, ...)."""
        if self.positions is not None:
            return self.positions.at((key,))
        return canonical_delegation_pos(key)

    @property
    def error(self) -> str | None:
        """One line saying why the file is MALFORMED (the first finding), for tables."""
        if self.delegation is not None:
            return None
        if not self.diagnostics:
            return "the file does not match the delegation schema"
        d = self.diagnostics[0]
        return f"line {d.line}: {d.message}"


_QUOTED = r'"(?P<{k}>[^"\\\n]*)"'
_CANONICAL = re.compile(
    "".join(
        (
            rf"{k}: (?P<{k}>0|[1-9][0-9]{{0,15}})\n"
            if k == "timestamp"
            else rf'{k}: (?:"(?P<{k}>[0-9a-f]{{32}})"|(?P<revoked>null))\n'
            if k == "delegate"
            else rf"{k}: " + _QUOTED.format(k=k) + r"\n"
        )
        for k in DELEGATION_FILE_FIELDS
    )
)
_FIELD_CHECKS = {
    "delegator": re.compile(r"[0-9a-f]{32}"),
    "public_key": re.compile(r"0[23][0-9a-f]{64}"),
    "signature": re.compile(r"(?:[0-9a-f]{2}){8,72}"),
}


def canonical_delegation_pos(key: str) -> Pos:
    """Where ``key``'s value starts in a file in the canonical layout."""
    if key in DELEGATION_FILE_FIELDS:
        return Pos(DELEGATION_FILE_FIELDS.index(key) + 1, len(key) + 3)
    return Pos(1, 1)


def _fast(path: str, text: str) -> Delegation | None:
    """The delegation of a canonical, schema-valid file; None means: take the full path."""
    m = _CANONICAL.fullmatch(text)
    if m is None:
        return None
    g = m.groupdict()
    ts = int(g["timestamp"])
    if ts > MAX_INSTANT or not g["network"]:
        return None
    if not all(rx.fullmatch(g[k]) for k, rx in _FIELD_CHECKS.items()):
        return None
    return Delegation(
        path=path,
        delegator=g["delegator"],
        public_key=g["public_key"],
        delegate=None if g["revoked"] else g["delegate"],
        network=g["network"],
        timestamp=ts,
        signature=g["signature"],
    )


def delegation_from_mapping(data: Mapping[str, Any], path: str) -> Delegation:
    """A Delegation from a loaded file that already passed the delegation schema."""
    return Delegation(
        path=path,
        delegator=data["delegator"],
        public_key=data["public_key"],
        delegate=data["delegate"],
        network=data["network"],
        timestamp=data["timestamp"],
        signature=data["signature"],
    )


def parse_delegation(path: str, raw: bytes) -> ParsedDelegation:
    """Decode, load and schema-check one delegation file (any bytes; never raises for bad input)."""
    if len(raw) <= MAX_FILE_BYTES:
        try:
            fast = _fast(path, raw.decode("utf-8"))
        except UnicodeDecodeError:
            fast = None
        if fast is not None:
            return ParsedDelegation(fast, (), None, None)
    m = load_mapping(path, raw, "delegation", (
        "schema-type", "a delegation file must be a mapping of delegator, public_key, delegate, network, "
        "timestamp and signature", "create delegation files with `nep delegate`"))
    if m.data is None:
        return ParsedDelegation(None, m.diagnostics, m.text, m.positions)
    return ParsedDelegation(delegation_from_mapping(m.data, path), (), m.text, m.positions)


def versions_from_blobs(path: str, blobs: Sequence[tuple[bytes, int]]) -> tuple[DelegationVersion, ...]:
    """The versions of the file at ``path`` from its blobs in first-parent order, each with its clock.

    ``blobs`` lists what the file held in each commit where it changed (or in
    every commit: repeats are harmless). A blob already seen is not a new
    version: its first inclusion stands, so putting back an older file
    verbatim changes nothing. Deletions are simply absent from the list.
    """
    seen: set[bytes] = set()
    out: list[DelegationVersion] = []
    for raw, clock in blobs:
        if raw in seen:
            continue
        seen.add(raw)
        parsed = parse_delegation(path, raw)
        out.append(DelegationVersion(path=path, delegation=parsed.delegation, included_at=clock, error=parsed.error))
    return tuple(out)


def judged_history(
    path: str,
    blobs: Sequence[tuple[bytes, int]],
    *,
    network_at: NetworkAt,
    signature_ok: Callable[[Delegation], bool] | None = None,
) -> tuple[JudgedVersion, ...]:
    """A delegation file's history judged version by version: ``versions_from_blobs`` then ``judge_versions``."""
    return judge_versions(versions_from_blobs(path, blobs), network_at=network_at, signature_ok=signature_ok)


def versions_from_history(
    path: str, changes: Sequence[tuple[int, str | None]], read_blob: Callable[[str], bytes]
) -> tuple[DelegationVersion, ...]:
    """The versions of ``path`` from its first-parent changes: (clock, blob id or None when deleted), oldest first.

    Deletions are skipped (they change nothing) and each blob id is read once,
    at its first inclusion; ``read_blob`` maps a blob id to its bytes.
    """
    seen: set[str] = set()
    blobs: list[tuple[bytes, int]] = []
    for clock, blob in changes:
        if blob is None or blob in seen:
            continue
        seen.add(blob)
        blobs.append((read_blob(blob), clock))
    return versions_from_blobs(path, blobs)
