"""One revision's process files, read from git objects (never from a work tree, never via temp files).

Both revisions are loaded through one ``Reader``: the blobs of the control
files and NEPs (one batch), the NEP parses by (path, blob) and the vote parses
(``files.VoteParses``), so a file that is the same in both is parsed once.
Vote files are not read here: ``Repository.votes`` is a ``files.GitVotes``,
which parses a folder when something first looks one of its files up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tooling.checks.policy.files import GOVERNANCE, LEDGER, Files, GitVotes, VoteParses
from tooling.core.catalog import rule
from tooling.core.diagnostics import Diagnostic
from tooling.core.model import Governance, Proposal, StakeEntry
from tooling.parse.proposals import ParsedNEP, parse_control, parse_nep, parse_nep_loaded
from tooling.parse.yamlio import MAX_FILE_BYTES, LoadError, decode
from tooling.shell.repository import (
    MAX_LEDGER_BYTES,
    Repository,
    RepositoryError,
    blob_id,
    classify,
    governance_from_mapping,
)

if TYPE_CHECKING:  # pragma: no cover
    from tooling.shell.objcache import ObjectCache

CONTROL_FILES = (GOVERNANCE, LEDGER)


@dataclass
class Snapshot:
    """One revision's process files, loaded like a work tree."""

    sha: str
    repo: Repository | None  # None when governance.yaml is unusable
    error: RepositoryError | None = None
    files: Files = field(default_factory=lambda: Files({}, {}))
    raw_control: dict[str, bytes] = field(default_factory=dict)

    def proposal_at(self, path: str) -> Proposal | None:
        if self.repo is None:
            return None
        return next((p for p in self.repo.proposals if p.path == path), None)


@dataclass
class Reader:
    """What loading both revisions shares: blob bytes, parses, and the parse cache by blob id."""

    root: Path
    objects: ObjectCache | None
    #: Bytes of the control files, NEP files and changed delegation files of both revisions, by blob id.
    blobs: dict[str, bytes] = field(default_factory=dict)
    neps: dict[tuple[str, str], ParsedNEP] = field(default_factory=dict)
    votes: VoteParses = field(init=False)

    def __post_init__(self) -> None:
        self.votes = VoteParses(self.root)

    def nep(self, rel: str, blob: str, raw: bytes) -> ParsedNEP:
        """``parse_nep``, with front matter seen before taken from the parse cache (the same result)."""
        found = self.neps.get((rel, blob))
        if found is not None:
            return found
        cached = self.objects.nep(rel, blob) if self.objects is not None else None
        parsed = None
        if cached is not None:
            try:
                parsed = parse_nep_loaded(rel, raw, *cached)
            except LoadError:
                parsed = None  # not what the cache says it is: parse it
        if parsed is None:
            parsed = parse_nep(rel, raw)
            if self.objects is not None and not parsed.diagnostics and parsed.proposal is not None:
                self.objects.remember_nep(rel, blob, parsed.proposal.front_matter, parsed.proposal.positions)
        self.neps[(rel, blob)] = parsed
        return parsed


def wanted_blobs(files: Files) -> set[str]:
    """The blobs ``load_snapshot`` reads: the control files and every NEP file (votes are read when asked for)."""
    out = set()
    for rel, entry in files.others.items():
        if entry.is_regular and (rel in CONTROL_FILES or classify(rel) == "nep"):
            out.add(entry.sha)
    return out


def _control_bytes(rel: str, files: Files, blobs: dict[str, bytes], diags: list[Diagnostic]) -> bytes | None:
    entry = files.get(rel)
    if entry is None:
        return None
    if not entry.is_regular:
        what = "a symbolic link" if entry.is_symlink else "not a regular file"
        diags.append(rule("not-a-file").at(rel, (1, 1), f"{rel} is {what}; it is not read"))
        return None
    return blobs.get(entry.sha)


def governance_of(raw: bytes | None) -> Governance | None:
    """The governance values ``raw`` puts in force (None if it is missing or invalid)."""
    if raw is None:
        return None
    parsed = parse_control("governance", GOVERNANCE, raw, MAX_FILE_BYTES)
    return governance_from_mapping(parsed.data) if parsed.data is not None else None


def _governance(raw: bytes, objects: ObjectCache | None
                ) -> tuple[Governance | None, tuple[Diagnostic, ...], str | None]:
    """governance.yaml's values, findings and text; bytes parsed valid before come from the parse cache."""
    blob = blob_id(raw)
    cached = objects.governance(blob) if objects is not None and len(raw) <= MAX_FILE_BYTES else None
    if cached is not None:
        return governance_from_mapping(cached), (), decode(raw)
    parsed = parse_control("governance", GOVERNANCE, raw, MAX_FILE_BYTES)
    if parsed.data is None:
        return None, parsed.diagnostics, parsed.text
    if objects is not None:
        objects.remember_governance(blob, parsed.data)
    return governance_from_mapping(parsed.data), parsed.diagnostics, parsed.text


def ledger_of(raw: bytes | None, objects: ObjectCache | None = None
              ) -> tuple[tuple[StakeEntry, ...] | None, tuple[Diagnostic, ...], str | None]:
    """The ledger's entries (None if invalid; empty if missing), its findings and text.

    ``objects``: bytes parsed valid before are not loaded nor schema-checked again (a large network's
    ledger is the slowest file to parse).
    """
    from decimal import Decimal

    from tooling.core.instants import parse_instant

    if raw is None:
        return (), (), None
    blob = blob_id(raw)
    cached = objects.ledger(blob) if objects is not None and len(raw) <= MAX_LEDGER_BYTES else None
    if cached is not None:
        return cached, (), decode(raw, MAX_LEDGER_BYTES)
    parsed = parse_control("ledger", LEDGER, raw, MAX_LEDGER_BYTES)
    if parsed.data is None:
        return None, parsed.diagnostics, parsed.text
    entries = tuple(StakeEntry(e["node"], Decimal(e["amount"]), parse_instant(e["since"]),
                               parse_instant(e["locked_until"])) for e in parsed.data["entries"])
    if objects is not None:
        objects.remember_ledger(blob, entries)
    return entries, (), parsed.text


def load_snapshot(reader: Reader, sha: str, files: Files, governance_fallback: bytes | None = None) -> Snapshot:
    """A ``Repository`` from git objects: the same findings ``load_repository`` makes on a checkout.

    ``reader.blobs`` must hold ``wanted_blobs(files)``. The vote files are listed, not read.
    """
    diags: list[Diagnostic] = []
    sources: dict[str, str] = {}
    raw_gov = _control_bytes(GOVERNANCE, files, reader.blobs, diags)
    raw_ledger = _control_bytes(LEDGER, files, reader.blobs, diags)
    raw_control = {k: v for k, v in ((GOVERNANCE, raw_gov), (LEDGER, raw_ledger)) if v is not None}
    governance = None
    if raw_gov is not None:
        governance, gdiags, gtext = _governance(raw_gov, reader.objects)
        diags.extend(gdiags)
        if gtext is not None:
            sources[GOVERNANCE] = gtext
    elif not diags:
        diags.append(rule("governance-invalid").at(GOVERNANCE, (1, 1), "governance.yaml is missing",
                                                   "every NEP repository needs governance.yaml at its top"))
    if governance is None:
        governance = governance_of(governance_fallback)
        if governance is None:
            return Snapshot(sha, None, RepositoryError(diags, sources), files, raw_control)
        diags = []
    stakes, ldiags, ltext = ledger_of(raw_ledger, reader.objects)
    diags.extend(ldiags)
    if ltext is not None:
        sources[LEDGER] = ltext
    proposals: list[Proposal] = []
    nep_blobs: dict[str, str] = {}
    # Regular vote files have no finding of their own here (``validate`` judges them), so only the other
    # entries are visited, in the path order an eager load reports them in.
    for rel, entry in files.others.items():
        if not rel.startswith(("neps/", "votes/")):
            continue
        kind = classify(rel)
        if kind == "keep":
            continue
        if kind == "unknown":
            diags.append(rule("unknown-file").at(rel, (1, 1), f"{rel} is not a NEP or vote file"))
            continue
        if not entry.is_regular or kind == "vote":
            what = "a symbolic link" if entry.is_symlink else "not a regular file"
            diags.append(rule("not-a-file").at(rel, (1, 1), f"{rel} is {what}; it is not read"))
            continue
        raw = reader.blobs.get(entry.sha)
        if raw is None and (rel, entry.sha) not in reader.neps:
            continue  # missing from the repository: not listed, as an eager load left it out
        result = reader.nep(rel, entry.sha, raw if raw is not None else b"")
        nep_blobs[rel] = entry.sha
        diags.extend(result.diagnostics)
        if result.text is not None:
            sources[rel] = result.text
        if result.proposal is not None:
            proposals.append(result.proposal)
    votes = GitVotes(files.votes, reader.votes, sources)
    ledger_blob = files.get(LEDGER)
    repo = Repository(reader.root, governance, stakes or (), proposals, votes, diags, sources, nep_blobs,
                      files.votes, ledger_valid=stakes is not None,
                      ledger_blob=ledger_blob.sha if ledger_blob is not None and stakes is not None else None)
    return Snapshot(sha, repo, None, files, raw_control)
