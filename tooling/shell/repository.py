"""Reading a NEP repository from disk: the imperative shell around the parsers.

Everything here touches the file system; nothing here judges. The result is
plain data (``Repository``) that the pure core evaluates at any ``as_of``.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from tooling.core.diagnostics import Diagnostic
from tooling.core.instants import parse_instant
from tooling.core.model import Governance, Proposal, Rewards, StakeEntry, Track
from tooling.parse.proposals import (
    NEP_PATH,
    VOTE_PATH,
    ParsedNEP,
    ParsedVote,
    parse_control,
    parse_nep,
    parse_nep_loaded,
    parse_vote,
)
from tooling.core.catalog import rule
from tooling.shell.diskvotes import DiskVotes
from tooling.parse.yamlio import MAX_FILE_BYTES, LoadError, decode

if TYPE_CHECKING:  # pragma: no cover
    from tooling.shell.objcache import ObjectCache


class RepositoryError(Exception):
    """The repository cannot be used at all (exit 1): no or invalid governance.yaml."""

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: dict[str, str]):
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = list(diagnostics)
        self.sources = sources


@dataclass
class Repository:
    root: Path
    governance: Governance
    stakes: tuple[StakeEntry, ...]
    proposals: list[Proposal]
    votes: Mapping[str, ParsedVote]  # working-tree vote files by path (``DiskVotes`` when loaded from disk)
    diagnostics: list[Diagnostic]  # load, schema and layout findings
    sources: dict[str, str] = field(default_factory=dict)  # path -> text, for rendering diagnostics
    nep_blobs: dict[str, str] = field(default_factory=dict)  # path -> git blob id of the working-tree bytes
    vote_blobs: dict[str, str] = field(default_factory=dict)
    #: False when the work tree's ledger is missing or invalid (``stakes`` is then empty and decides nothing).
    ledger_valid: bool = True
    #: git blob id of the work tree's ledger bytes, so history's identical version is not parsed twice.
    ledger_blob: str | None = None
    #: Paths under neps/ and votes/ whose work-tree bytes are their git index entry (``shell.index``); None when
    #: git was not asked (outside git, no cache) or could not answer exactly.
    index_clean: Mapping[str, str] | None = None
    #: The other indexed paths there (changed or deleted in the work tree, not regular files, unmerged).
    index_unclean: frozenset[str] = frozenset()

    def by_number(self) -> dict[int, list[Proposal]]:
        out: dict[int, list[Proposal]] = {}
        for p in sorted(self.proposals, key=lambda p: p.path):
            out.setdefault(p.nep, []).append(p)
        return out


def blob_id(data: bytes) -> str:
    """Git's blob id of ``data``: lets us tell if a working-tree file equals a committed blob."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


#: The ledger of a large network outgrows the 1 MiB meant for hand-written files.
MAX_LEDGER_BYTES = 64 << 20


def _read_regular(path: str | Path, rel: str, diags: list[Diagnostic], limit: int = MAX_FILE_BYTES) -> bytes | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode):
        what = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "not a regular file"
        diags.append(rule("not-a-file").at(rel, (1, 1), f"{rel} is {what}; it is not read"))
        return None
    if st.st_size > limit:
        diags.append(rule("file-too-large").at(
            rel, (1, 1), f"file is {st.st_size:,} bytes; the limit is {limit:,} bytes ({limit >> 20} MiB)",
            "move large material (data, images) out of the file and link to it"))
        return None
    with open(path, "rb") as fh:
        # Never more than the limit plus one byte, even if the file grew since lstat.
        return fh.read(limit + 1)


def load_governance(
    root: Path, objects: ObjectCache | None = None
) -> tuple[Governance | None, list[Diagnostic], str | None]:
    rel = "governance.yaml"
    diags: list[Diagnostic] = []
    raw = _read_regular(root / rel, rel, diags)
    if raw is None:
        if not diags:
            diags.append(rule("governance-invalid").at(rel, (1, 1), "governance.yaml is missing",
                                                       "run nep in the repository root or pass --repo DIR"))
        return None, diags, None
    return governance_from_bytes(raw, rel, objects)


def governance_from_bytes(
    raw: bytes, rel: str = "governance.yaml", objects: ObjectCache | None = None
) -> tuple[Governance | None, list[Diagnostic], str | None]:
    """governance.yaml from its bytes (a work-tree file or a committed version): (value or None, findings, text).

    ``objects``: a blob parsed valid before is not loaded nor schema-checked again.
    """
    blob = blob_id(raw) if objects is not None else None
    if objects is not None and blob is not None and len(raw) <= MAX_FILE_BYTES:
        cached = objects.governance(blob)
        if cached is not None:
            return governance_from_mapping(cached), [], decode(raw)
    if len(raw) > MAX_FILE_BYTES:
        return None, [rule("file-too-large").at(rel, (1, 1), f"file is {len(raw):,} bytes; the limit is "
                                                f"{MAX_FILE_BYTES:,} bytes")], None
    parsed = parse_control("governance", rel, raw, MAX_FILE_BYTES)
    if parsed.data is None:
        return None, list(parsed.diagnostics), parsed.text
    value = governance_from_mapping(parsed.data)
    if objects is not None and blob is not None:
        objects.remember_governance(blob, parsed.data)
    return value, [], parsed.text


def governance_from_mapping(d: dict[str, Any]) -> Governance:
    return Governance(
        network=d["network"],
        protocol_version=d["protocol_version"],
        features=tuple(d["features"]),
        parameters=dict(d["parameters"]),
        min_stake_to_propose=Decimal(d["min_stake_to_propose"]),
        proposal_fee=Decimal(d["proposal_fee"]),
        quorum=Decimal(d["quorum"]),
        approval=Decimal(d["approval"]),
        resubmit_wait_days=d["resubmit_wait_days"],
        tracks={k: Track(**v) for k, v in d["tracks"].items()},
        rewards=Rewards(**{k: Decimal(v) for k, v in d["rewards"].items()}),
    )


def load_stakes(root: Path) -> tuple[tuple[StakeEntry, ...], list[Diagnostic], str | None]:
    """The work tree's ledger; () with findings if it is invalid (a missing ledger has no finding here)."""
    entries, diags, text = load_ledger(root)
    return (entries or ()), diags, text


def load_ledger(root: Path) -> tuple[tuple[StakeEntry, ...] | None, list[Diagnostic], str | None]:
    """The work tree's ledger: (entries, or None if missing or invalid; findings; text)."""
    entries, diags, text, _ = _load_ledger(root)
    return entries, diags, text


def _load_ledger(
    root: Path, objects: ObjectCache | None = None
) -> tuple[tuple[StakeEntry, ...] | None, list[Diagnostic], str | None, str | None]:
    rel = "stakes/ledger.yaml"
    diags: list[Diagnostic] = []
    raw = _read_regular(root / rel, rel, diags, MAX_LEDGER_BYTES)
    if raw is None:
        return None, diags, None, None
    blob = blob_id(raw)
    if objects is not None:
        cached = objects.ledger(blob)
        if cached is not None:  # the same bytes parsed valid before: only the text is needed
            return cached, [], decode(raw, MAX_LEDGER_BYTES), blob
    entries, found, text = ledger_from_bytes(raw, rel)
    if objects is not None and entries is not None:
        objects.remember_ledger(blob, entries)
    return entries, found, text, blob


def ledger_from_bytes(
    raw: bytes, rel: str = "stakes/ledger.yaml"
) -> tuple[tuple[StakeEntry, ...] | None, list[Diagnostic], str | None]:
    """The ledger from its bytes: (entries, or None if it is invalid in any way; findings; text)."""
    if len(raw) > MAX_LEDGER_BYTES:
        return None, [rule("file-too-large").at(rel, (1, 1), f"file is {len(raw):,} bytes; the limit is "
                                                f"{MAX_LEDGER_BYTES:,} bytes")], None
    parsed = parse_control("ledger", rel, raw, MAX_LEDGER_BYTES)  # its instants are checked there
    if parsed.data is None:
        return None, list(parsed.diagnostics), parsed.text
    return tuple(StakeEntry(e["node"], Decimal(e["amount"]), parse_instant(e["since"]), parse_instant(e["locked_until"]))
                 for e in parsed.data["entries"]), [], parsed.text


def list_files(root: Path, folder: str) -> list[str]:
    """Every entry below ``folder`` (repository-relative, '/' separated), links not followed.

    Files and links are listed; a directory is entered unless it is a link or is named like a NEP or vote
    file (then it is listed, so the loader reports it as not-a-file instead of passing over it).
    """
    base = root / folder
    if not base.is_dir() or base.is_symlink():
        return []
    out: list[str] = []
    stack = [(os.fspath(base), folder)]
    while stack:
        path, rel_dir = stack.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue  # unreadable: as os.walk, passed over
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}"
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                out.append(rel)
            elif entry.is_symlink() or classify(rel) in ("nep", "vote"):
                out.append(rel)
            else:
                stack.append((entry.path, rel))
    return sorted(out)


def classify(path: str) -> str:
    """'nep', 'vote', 'keep' (placeholder files) or 'unknown' for a path under neps/ or votes/."""
    if NEP_PATH.match(path):
        return "nep"
    if VOTE_PATH.match(path):
        return "vote"
    if path.rsplit("/", 1)[-1] in (".gitkeep", "README.md") and path.count("/") == 1:
        return "keep"
    return "unknown"


def _parse_nep(rel: str, raw: bytes, blob: str, objects: ObjectCache | None) -> ParsedNEP:
    """``parse_nep``, with the front matter of bytes seen before taken from the cache (same result)."""
    cached = objects.nep(rel, blob) if objects is not None else None
    if cached is not None:
        try:
            return parse_nep_loaded(rel, raw, *cached)
        except LoadError:
            pass  # not what the cache says it is: parse it
    parsed = parse_nep(rel, raw)
    if objects is not None and not parsed.diagnostics and parsed.proposal is not None:
        objects.remember_nep(rel, blob, parsed.proposal.front_matter, parsed.proposal.positions)
    return parsed


def load_repository(
    root: Path, fallback_governance: Governance | None = None, objects: ObjectCache | None = None
) -> Repository:
    """Load every file the process reads. Raises RepositoryError without a usable governance.yaml.

    In a git checkout the caller passes the last valid committed governance as
    ``fallback_governance``: an invalid work-tree file is then reported (its
    findings stay in ``diagnostics``) but changes nothing (SPEC 2).

    ``objects`` (warm runs): parses by blob id. A file git's index says is
    unchanged is then not opened when its parse is cached (``shell.index``);
    the result is the same ``Repository`` either way.
    """
    root = Path(root)
    top = os.fspath(root)  # file paths joined as strings: 100,000 pathlib objects cost more than the reads
    governance, gdiags, gtext = load_governance(root, objects)
    sources: dict[str, str] = {}
    if gtext is not None:
        sources["governance.yaml"] = gtext
    if governance is None:
        if fallback_governance is None:
            raise RepositoryError(gdiags, sources)
        governance = fallback_governance
    else:
        gdiags = []
    ledger, sdiags, stext, ledger_blob = _load_ledger(root, objects)
    clean: dict[str, str] = {}
    unclean: frozenset[str] = frozenset()
    if objects is not None and (root / ".git").exists():
        from tooling.shell.index import index_state

        clean, unclean = index_state(root, ("neps", "votes"))
    stakes = ledger or ()
    if stext is not None:
        sources["stakes/ledger.yaml"] = stext
    diags: list[Diagnostic] = [*gdiags, *sdiags]
    proposals: list[Proposal] = []
    votes = DiskVotes(objects, sources, lambda rel, blob: _read_regular(os.path.join(top, rel), rel, diags))
    # Warm (an earlier run left parsed votes): a vote file the index says is clean is read only if asked for.
    defer = objects is not None and bool(clean) and objects.votes_cached()
    nep_blobs: dict[str, str] = {}
    vote_blobs: dict[str, str] = {}
    for folder in ("neps", "votes"):
        base = root / folder
        if base.is_symlink() or (base.exists() and not base.is_dir()):
            what = "a symbolic link" if base.is_symlink() else "not a directory"
            diags.append(rule("not-a-file").at(folder, (1, 1), f"{folder}/ is {what}; it is not read",
                                               f"make {folder}/ a plain directory inside the repository"))
            continue
        is_vote, clean_get, defer_vote = VOTE_PATH.match, clean.get, votes.defer
        for rel in list_files(root, folder):
            if defer and is_vote(rel):
                # The common case of a warm run, kept to a few operations: 100,000 of these per run.
                known = clean_get(rel)
                if known is not None:
                    defer_vote(rel, known)
                    vote_blobs[rel] = known
                    continue
            kind = classify(rel)
            if kind == "keep":
                continue
            if kind == "unknown":
                diags.append(rule("unknown-file").at(rel, (1, 1), f"{rel} is not a NEP or vote file"))
                continue
            known = clean.get(rel)
            if kind == "vote" and known is not None and defer:
                votes.defer(rel, known)
                vote_blobs[rel] = known
                continue
            if kind == "vote" and known is not None and objects is not None:
                cached = objects.vote(rel, known)
                if cached is not None:
                    votes.add(rel, cached)
                    vote_blobs[rel] = known
                    continue
            raw = _read_regular(os.path.join(top, rel), rel, diags)
            if raw is None:
                continue
            blob = known or blob_id(raw)
            if kind == "nep":
                parsed = _parse_nep(rel, raw, blob, objects)
                nep_blobs[rel] = blob
                diags.extend(parsed.diagnostics)
                if parsed.text is not None:
                    sources[rel] = parsed.text
                if parsed.proposal is not None:
                    proposals.append(parsed.proposal)
            else:
                pv = parse_vote(rel, raw)
                vote_blobs[rel] = blob
                if objects is not None:
                    objects.remember_vote(blob, pv)
                votes.add(rel, pv)
                if pv.text is not None:
                    sources[rel] = pv.text
    return Repository(root, governance, stakes, proposals, votes, diags, sources, nep_blobs, vote_blobs,
                      ledger is not None, ledger_blob, clean or None, unclean if clean else frozenset())
