"""One revision's process files, read from git objects (never from a work tree, never via temp files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from tooling.core.catalog import rule
from tooling.core.diagnostics import Diagnostic
from tooling.core.model import Governance, Proposal, StakeEntry
from tooling.parse.proposals import ParsedNEP, ParsedVote, parse_control, parse_nep, parse_vote
from tooling.parse.yamlio import MAX_FILE_BYTES
from tooling.shell.evaluate import World
from tooling.shell.history import History, TreeEntry
from tooling.shell.repository import MAX_LEDGER_BYTES, Repository, RepositoryError, classify, governance_from_mapping

if TYPE_CHECKING:  # pragma: no cover
    from tooling.shell.objcache import ObjectCache
    from tooling.shell.sigcache import SignatureCache

GOVERNANCE = "governance.yaml"
LEDGER = "stakes/ledger.yaml"
CONTROL_FILES = (GOVERNANCE, LEDGER)
#: What the policy reads of each revision: the process files and nothing else.
READ_PREFIXES = ("neps/", "votes/", "delegations/", GOVERNANCE, LEDGER)

#: Parsed files by (path, blob id): a file that is the same in both revisions is parsed once.
ParseMemo = dict[tuple[str, str], "ParsedNEP | ParsedVote"]


@dataclass
class Snapshot:
    """One revision's process files, loaded like a work tree."""

    sha: str
    repo: Repository | None  # None when governance.yaml is unusable
    error: RepositoryError | None = None
    entries: Mapping[str, TreeEntry] = field(default_factory=dict)  # path -> tree entry
    raw_control: dict[str, bytes] = field(default_factory=dict)

    def proposal_at(self, path: str) -> Proposal | None:
        if self.repo is None:
            return None
        return next((p for p in self.repo.proposals if p.path == path), None)


def _control_bytes(rel: str, entries: Mapping[str, TreeEntry], blobs: Mapping[str, bytes],
                   diags: list[Diagnostic]) -> bytes | None:
    entry = entries.get(rel)
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


def ledger_of(raw: bytes | None) -> tuple[tuple[StakeEntry, ...] | None, tuple[Diagnostic, ...], str | None]:
    """The ledger's entries (None if invalid; empty if missing), its findings and text."""
    from tooling.core.instants import parse_instant
    from decimal import Decimal

    if raw is None:
        return (), (), None
    parsed = parse_control("ledger", LEDGER, raw, MAX_LEDGER_BYTES)
    if parsed.data is None:
        return None, parsed.diagnostics, parsed.text
    entries = tuple(StakeEntry(e["node"], Decimal(e["amount"]), parse_instant(e["since"]),
                               parse_instant(e["locked_until"])) for e in parsed.data["entries"])
    return entries, (), parsed.text


def load_snapshot(root: Path, sha: str, blobs: Mapping[str, bytes], memo: ParseMemo,
                  entries: Mapping[str, TreeEntry], governance_fallback: bytes | None = None,
                  objects: ObjectCache | None = None) -> Snapshot:
    """A ``Repository`` from git objects: the same findings ``load_repository`` makes on a checkout.

    ``objects``: vote parses by blob id; a vote whose parse is cached need not be among ``blobs``.
    """
    diags: list[Diagnostic] = []
    sources: dict[str, str] = {}
    raw_gov = _control_bytes(GOVERNANCE, entries, blobs, diags)
    raw_ledger = _control_bytes(LEDGER, entries, blobs, diags)
    raw_control = {k: v for k, v in ((GOVERNANCE, raw_gov), (LEDGER, raw_ledger)) if v is not None}
    governance = None
    if raw_gov is not None:
        parsed = parse_control("governance", GOVERNANCE, raw_gov, MAX_FILE_BYTES)
        diags.extend(parsed.diagnostics)
        if parsed.text is not None:
            sources[GOVERNANCE] = parsed.text
        if parsed.data is not None:
            governance = governance_from_mapping(parsed.data)
    elif not diags:
        diags.append(rule("governance-invalid").at(GOVERNANCE, (1, 1), "governance.yaml is missing",
                                                   "every NEP repository needs governance.yaml at its top"))
    if governance is None:
        governance = governance_of(governance_fallback)
        if governance is None:
            return Snapshot(sha, None, RepositoryError(diags, sources), entries, raw_control)
        diags = []
    stakes, ldiags, ltext = ledger_of(raw_ledger)
    diags.extend(ldiags)
    if ltext is not None:
        sources[LEDGER] = ltext
    proposals: list[Proposal] = []
    votes: dict[str, ParsedVote] = {}
    nep_blobs: dict[str, str] = {}
    vote_blobs: dict[str, str] = {}
    for rel in sorted(entries):
        if not rel.startswith(("neps/", "votes/")):
            continue
        kind = classify(rel)
        if kind == "keep":
            continue
        if kind == "unknown":
            diags.append(rule("unknown-file").at(rel, (1, 1), f"{rel} is not a NEP or vote file"))
            continue
        entry = entries[rel]
        if not entry.is_regular:
            what = "a symbolic link" if entry.is_symlink else "not a regular file"
            diags.append(rule("not-a-file").at(rel, (1, 1), f"{rel} is {what}; it is not read"))
            continue
        key = (rel, entry.sha)
        if kind == "vote" and objects is not None and key not in memo:
            cached = objects.vote(rel, entry.sha)
            if cached is not None:
                memo[key] = cached
        raw = blobs.get(entry.sha)
        if raw is None and key not in memo:
            continue
        if kind == "nep":
            result = memo.get(key)
            if not isinstance(result, ParsedNEP):
                assert raw is not None
                result = memo[key] = parse_nep(rel, raw)
            nep_blobs[rel] = entry.sha
            diags.extend(result.diagnostics)
            if result.text is not None:
                sources[rel] = result.text
            if result.proposal is not None:
                proposals.append(result.proposal)
        else:
            pv = memo.get(key)
            if not isinstance(pv, ParsedVote):
                assert raw is not None
                pv = memo[key] = parse_vote(rel, raw)
                if objects is not None:
                    objects.remember_vote(entry.sha, pv)
            vote_blobs[rel] = entry.sha
            votes[rel] = pv
            if pv.text is not None:
                sources[rel] = pv.text
    repo = Repository(root, governance, stakes or (), proposals, votes, diags, sources, nep_blobs, vote_blobs)
    return Snapshot(sha, repo, None, entries, raw_control)


def world_of(root: Path, snap: Snapshot, history: History, signatures: SignatureCache | None = None) -> World:
    """A ``World`` of the snapshot's files over the base's history (what ``gather`` builds on a checkout).

    ``signatures``: one cache shared by both revisions, so no signature is verified twice.
    """
    from tooling.parse.proposals import VOTE_PATH
    from tooling.shell.evaluate import FAR_FUTURE
    from tooling.shell.history import read_blobs

    assert snap.repo is not None
    committed = {}
    want: dict[str, str] = {}
    for path in history.paths("votes/", FAR_FUTURE):
        blob = history.first_blob(path, FAR_FUTURE)
        if blob and snap.repo.vote_blobs.get(path) != blob and VOTE_PATH.match(path):
            want[path] = blob
    if want:
        found = read_blobs(root, set(want.values()))
        for path, blob in want.items():
            if blob in found:
                committed[path] = parse_vote(path, found[blob])

    def read_blob(blob: str) -> bytes | None:
        return read_blobs(root, [blob]).get(blob)

    from tooling.shell.snapshots import read_snapshots

    # The deciding inputs as history gives them (SPEC 2), as gather does on a checkout.
    snapshots = read_snapshots(root, snap.repo, history, True)
    world = World(snap.repo, history, True, committed, read_blob, signatures=signatures, snapshots=snapshots)
    from tooling.shell.delegations import read_delegations

    world.delegations = read_delegations(root, history, snapshots.governance)  # SPEC 11, as gather does
    return world


def only_safe(entries: Mapping[str, TreeEntry]) -> dict[str, TreeEntry]:
    """Entries at plain relative paths only (a crafted tree's odd paths are refused elsewhere)."""
    out = {}
    for path, entry in entries.items():
        parts = path.split("/")
        if path.startswith("/") or any(p in ("", ".", "..", ".git") for p in parts):
            continue
        out[path] = entry
    return out
