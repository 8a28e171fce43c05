"""The deciding inputs as history gives them (SPEC 2, "history is the record"), gathered before evaluation.

``read_snapshots`` turns the history the tool already read (one ``git log``
pass) into the arguments of the lifecycle core, with one ``cat-file --batch``
for the blobs it needs:

- every committed version of ``governance.yaml`` and ``stakes/ledger.yaml``,
  parsed (``Versions``; an invalid version — deleted, unreadable, schema-
  invalid — has value None and changes nothing);
- every committed version of each NEP file from its first submitted version
  on (type, proposer and ``resubmission_of`` as of T0; the content at VS).

Outside git the files as they are stand for every instant. ``file_as_of``
answers "file F as of t" for any other path, from the same history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from tooling.core.catalog import rule
from tooling.core.diagnostics import Diagnostic
from tooling.core.inputs import Version, Versions
from tooling.core.instants import MAX_INSTANT, format_instant
from tooling.core.model import Governance, NEPStatus, Proposal, StakeEntry
from tooling.parse.proposals import parse_nep
from tooling.shell.git import read_blobs
from tooling.shell.history import GOVERNANCE_PATH, LEDGER_PATH, History
from tooling.shell.repository import Repository, governance_from_bytes, ledger_from_bytes

if TYPE_CHECKING:  # pragma: no cover
    from tooling.shell.objcache import ObjectCache

#: Every version ever committed is "as of" the last instant a file can write.
FAR_FUTURE = MAX_INSTANT
#: A NEP file's status that means it has been submitted (T0 is the first commit with one of these).
SUBMITTED_STATUSES = frozenset(s.value for s in NEPStatus if s not in (NEPStatus.DRAFT, NEPStatus.WITHDRAWN))
_BOT_KEYS = ("status:", "submitted:", "resolution:", "activated:")


@dataclass(frozen=True)
class NEPVersion:
    """One committed version of a NEP file: its commit's clock and id, and the parsed proposal (None: unreadable)."""

    clock: int
    commit: str
    proposal: Proposal | None


@dataclass(frozen=True)
class Snapshots:
    """Everything history fixes, ready for the core: pass ``governance`` and ``ledger`` to ``compute_states``."""

    governance: Versions[Governance]
    ledger: Versions[tuple[StakeEntry, ...]]
    #: NEP path -> committed versions from the first one with a submitted status on (git only).
    neps: Mapping[str, tuple[NEPVersion, ...]] = field(default_factory=dict)
    git: bool = False

    def diagnostics(self, as_of: int) -> list[Diagnostic]:
        """``input-invalid`` findings: every invalid version committed by ``as_of`` (or the work-tree file)."""
        out: list[Diagnostic] = []
        for path, versions in ((GOVERNANCE_PATH, self.governance), (LEDGER_PATH, self.ledger)):
            for v in versions.invalid(as_of):
                out.append(_invalid_version(path, versions, v))
        return out


def _invalid_version(path: str, versions: Versions, v: Version) -> Diagnostic:  # type: ignore[type-arg]
    problem = v.problem or "invalid"
    if v.commit is None:
        return rule("input-invalid").at(
            path, (1, 1), f"{path} is {problem}; no NEP is decided from it",
            f"fix {path}: outside a git checkout the file as it is stands for every instant")
    idx = versions.items.index(v)
    before = any(w.value is not None for w in versions.items[:idx])
    tail = ("the last valid version before it stays in force" if before
            else "no valid version exists before it: a NEP that needs it then is rejected (invalid_input)")
    return rule("input-invalid").at(
        path, (1, 1), f"{path} in commit {v.commit[:12]} ({format_instant(v.clock)}) is {problem}; it is ignored and "
        f"{tail}")


def _problem(diags: list[Diagnostic]) -> str:
    return f"invalid ({diags[0].message})" if diags else "invalid"


def _versions_of(  # type: ignore[no-untyped-def]
    path: str, history: History, blobs: Mapping[str, bytes], parse, known: Mapping[str, object] | None = None
) -> Versions:
    items = []
    # ``known``: blobs already parsed valid (the work tree's file, when history has the same bytes).
    parsed: dict[str, tuple[object, str | None]] = {b: (v, None) for b, v in (known or {}).items()}
    for clock, commit, blob in history.versions(path, FAR_FUTURE):
        if blob is None:
            items.append(Version(clock, commit, None, "deleted"))
            continue
        if blob not in parsed:
            raw = blobs.get(blob)
            if raw is None:
                parsed[blob] = (None, "unreadable (its blob is missing from the repository)")
            else:
                value, diags, _ = parse(raw, path)
                parsed[blob] = (value, None if value is not None else _problem(diags))
        value, problem = parsed[blob]
        items.append(Version(clock, commit, value, problem))
    return Versions(tuple(items))


def _strip_bot_fields(text: str) -> str | None:
    """The file without its top-level bot-written keys (and their indented lines); None without front matter."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    out, skipping, in_fm = [lines[0]], False, True
    for line in lines[1:]:
        if in_fm and line.rstrip() == "---":
            in_fm, skipping = False, False
        elif in_fm and line.startswith(_BOT_KEYS):
            skipping = True
            continue
        elif in_fm and skipping and line[:1] in (" ", "\t"):
            continue
        else:
            skipping = False
        out.append(line)
    return "\n".join(out)


def _nep_versions(repo: Repository, history: History) -> tuple[dict[str, list[tuple[int, str, str | None]]], set[str]]:
    """Per NEP path, its committed versions from the first submitted one on; and the blobs to parse."""
    out: dict[str, list[tuple[int, str, str | None]]] = {}
    wanted: set[str] = set()
    for path, statuses in history.nep_statuses.items():
        start = next((i for i, (_, s) in enumerate(statuses) if s in SUBMITTED_STATUSES), None)
        if start is None:
            continue
        versions = history.versions(path, FAR_FUTURE)[start:]
        out[path] = versions
        current = repo.nep_blobs.get(path)
        wanted.update(b for _, _, b in versions if b is not None and b != current)
    return out, wanted


def governance_versions(root: Path, history: History, objects: ObjectCache | None = None) -> Versions[Governance]:
    """Every committed version of governance.yaml, parsed (read before the work tree, which may be invalid).

    ``objects``: versions parsed valid before come from it (their blobs are not read).
    """
    from tooling.shell.repository import governance_from_mapping

    wanted = {b for _, _, b in history.versions(GOVERNANCE_PATH, FAR_FUTURE) if b}
    known: dict[str, object] = {}
    if objects is not None:
        for blob in wanted:
            mapping = objects.governance(blob)
            if mapping is not None:
                known[blob] = governance_from_mapping(mapping)
    blobs = read_blobs(Path(root), wanted - set(known)) if wanted - set(known) else {}

    def parse(raw: bytes, path: str):  # type: ignore[no-untyped-def]
        return governance_from_bytes(raw, path, objects)

    return _versions_of(GOVERNANCE_PATH, history, blobs, parse, known)


def read_snapshots(
    root: Path, repo: Repository, history: History, git: bool, governance: Versions[Governance] | None = None,
    objects: ObjectCache | None = None,
) -> Snapshots:
    """The snapshots of ``repo`` at ``root`` along ``history`` (one ``cat-file --batch`` in git).

    ``governance``: the versions already read by ``governance_versions`` (not read twice).
    ``objects``: ledger versions parsed before are taken from it, not read from git again.
    """
    if not git:
        ledger: Versions[tuple[StakeEntry, ...]] = Versions.always(
            repo.stakes if repo.ledger_valid else None,
            None if repo.ledger_valid else ("missing" if LEDGER_PATH not in repo.sources else "invalid"))
        return Snapshots(Versions.always(repo.governance), ledger, {}, False)
    nep_versions, nep_blobs = _nep_versions(repo, history)
    paths = (LEDGER_PATH,) if governance is not None else (GOVERNANCE_PATH, LEDGER_PATH)
    input_blobs = {b for p in paths for _, _, b in history.versions(p, FAR_FUTURE) if b}
    known: dict[str, object] = {}
    if repo.ledger_blob and repo.ledger_valid:
        known[repo.ledger_blob] = repo.stakes
    if objects is not None:
        for _, _, blob in history.versions(LEDGER_PATH, FAR_FUTURE):
            if blob and blob not in known:
                cached = objects.ledger(blob)
                if cached is not None:
                    known[blob] = cached
    # Ledgers already parsed (the work tree's, cached ones: ``known`` below) need not be read again.
    input_blobs -= set(known)
    blobs = read_blobs(Path(root), input_blobs | nep_blobs) if input_blobs or nep_blobs else {}
    if governance is None:
        governance = _versions_of(GOVERNANCE_PATH, history, blobs, governance_from_bytes)
    ledger = _versions_of(LEDGER_PATH, history, blobs, ledger_from_bytes, known)
    if objects is not None:
        # ``_versions_of`` keeps history's order: one item per version.
        for (_, _, blob), v in zip(history.versions(LEDGER_PATH, FAR_FUTURE), ledger.items):
            if blob and v.value is not None:
                objects.remember_ledger(blob, v.value)
    by_path = {p.path: p for p in repo.proposals}
    neps: dict[str, tuple[NEPVersion, ...]] = {}
    for path, versions in nep_versions.items():
        current = by_path.get(path)
        current_blob = repo.nep_blobs.get(path)
        stripped_current = _strip_bot_fields(current.text) if current is not None else None
        items = []
        for clock, commit, blob in versions:
            proposal: Proposal | None = None
            if blob is not None and blob == current_blob:
                proposal = current
            elif blob is not None and blob in blobs:
                raw = blobs[blob]
                try:
                    same = stripped_current is not None and _strip_bot_fields(raw.decode("utf-8")) == stripped_current
                except UnicodeDecodeError:
                    same = False
                # Versions that differ only in bot fields (the bot's own commits) share the content.
                # Only the proposal is used: its schema findings are the work tree's business.
                proposal = current if same else parse_nep(path, raw, check_schema=False).proposal
            items.append(NEPVersion(clock, commit, proposal))
        neps[path] = tuple(items)
    return Snapshots(governance, ledger, neps, True)


def file_as_of(root: Path, history: History, path: str, t: int) -> bytes | None:
    """File ``path`` as of ``t`` (SPEC 2): its bytes in the last first-parent commit with clock <= t; None if absent.

    ``path`` must be one the history tracks (``neps/``, ``votes/``, governance.yaml, the ledger).
    """
    blob = history.blob_at(path, t)
    if blob is None:
        return None
    return read_blobs(Path(root), [blob]).get(blob)
