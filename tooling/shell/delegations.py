"""Delegation files as history gives them (SPEC 11): every version of every ``delegations/*.yaml``, judged.

One ``cat-file --batch`` reads every distinct blob the files have had on the
first-parent history; ``tooling.parse.delegations`` turns each file's changes
into versions and judges them against the network in force at each
inclusion. Outside a git checkout nothing is included, so nothing is in force
(the work tree's files are judged by ``validate`` only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping

from tooling.core.delegation import Delegation, JudgedVersion, judge_versions, signature_checker
from tooling.core.inputs import Versions
from tooling.core.model import Governance
from tooling.parse.delegations import DELEGATION_PATH, versions_from_history
from tooling.shell.git import read_blobs
from tooling.shell.history import History
from tooling.shell.snapshots import FAR_FUTURE

DelegationFiles = Mapping[str, tuple[JudgedVersion, ...]]


def delegation_paths(history: History) -> list[str]:
    """Every ``delegations/<name>.yaml`` that history ever included (deleted ones too: their last version stays)."""
    return [p for p in history.paths("delegations/", FAR_FUTURE) if DELEGATION_PATH.match(p)]


def delegation_blob_ids(history: History) -> tuple[str, ...]:
    """Every blob id of every delegation file's changes, in history order (for cache keys)."""
    out: list[str] = []
    for path in delegation_paths(history):
        out += [f"{path}:{blob}" for _, _, blob in history.versions(path, FAR_FUTURE) if blob is not None]
    return tuple(out)


def network_reader(governance: Versions[Governance] | None) -> Callable[[int], str | None]:
    """The network of the governance.yaml in force at an instant (None: no valid version then)."""

    def network_at(t: int) -> str | None:
        if governance is None:
            return None
        g = governance.at(t)
        return g.network if g is not None else None

    return network_at


def read_delegations(
    root: Path,
    history: History,
    governance: Versions[Governance] | None,
    *,
    signature_ok: Callable[[Delegation], bool] | None = None,
) -> dict[str, tuple[JudgedVersion, ...]]:
    """path -> the judged versions of each delegation file on ``history`` (empty outside git)."""
    paths = delegation_paths(history)
    if not paths:
        return {}
    changes = {p: [(clock, blob) for clock, _, blob in history.versions(p, FAR_FUTURE)] for p in paths}
    wanted = {blob for ch in changes.values() for _, blob in ch if blob is not None}
    blobs = read_blobs(Path(root), wanted)
    network_at = network_reader(governance)
    check = signature_ok or signature_checker()
    out: dict[str, tuple[JudgedVersion, ...]] = {}
    for path, ch in changes.items():
        # A blob git cannot give back (a broken clone) reads as empty bytes: MALFORMED, never in force.
        versions = versions_from_history(path, ch, lambda b: blobs.get(b, b""))
        out[path] = judge_versions(versions, network_at=network_at, signature_ok=check)
    return out


def work_tree_files(root: Path) -> dict[str, bytes | None]:
    """The work tree's ``delegations/*.yaml`` files; None for a link or folder of that name (never followed)."""
    base = Path(root) / "delegations"
    if not base.is_dir() or base.is_symlink():
        return {}
    out: dict[str, bytes | None] = {}
    for entry in sorted(base.iterdir()):
        rel = f"delegations/{entry.name}"
        if DELEGATION_PATH.match(rel):
            out[rel] = entry.read_bytes() if entry.is_file() and not entry.is_symlink() else None
    return out


def blob_id(data: bytes) -> str:
    """git's object id of a blob with these bytes (to find a work-tree file's version in history)."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
