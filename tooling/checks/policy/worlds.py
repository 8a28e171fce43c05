"""The ``World`` of each revision (what ``gather`` builds on a checkout), named by reference where that is exact.

The base's history is read up to the base commit, so the base's tree *is*
history's head: every vote file is "clean" and nothing is "staged", as on a
checkout of main with nothing changed. The shell then names each vote folder
by history's digest (``shell.evaluate.folder_key``), and the tally and findings
memos answer without reading a vote. The head is the base plus the diff: the
changed vote files are its "staged" ones, so an unchanged folder keeps its
name and its memo entries, and only the folders a pull request touches are
read. Where history's head is not the base commit, nothing is named by
reference and every folder is read (never a wrong answer from a memo).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, AbstractSet, Any, Sequence

from tooling.checks.policy.files import CommittedVotes, Files, VoteParses
from tooling.checks.policy.snapshot import Snapshot
from tooling.core import tally as tally_mod
from tooling.core.tally import Tally, VoteFile
from tooling.shell.evaluate import World
from tooling.shell.history import History
from tooling.shell.snapshots import Snapshots

if TYPE_CHECKING:  # pragma: no cover
    from tooling.shell.objcache import ObjectCache
    from tooling.shell.sigcache import SignatureCache


@dataclass
class Caches:
    """The memos both worlds share (``World.save_caches`` writes them all; None where caches are off)."""

    objects: ObjectCache | None
    signatures: SignatureCache
    tallies: Any = None
    findings: Any = None

    @classmethod
    def load(cls, root: Path, cache_dir: Path | None) -> Caches:
        from tooling.shell import caches
        from tooling.shell.objcache import ObjectCache
        from tooling.shell.sigcache import SignatureCache

        objects = ObjectCache.load(cache_dir, root)
        # Verdicts are kept in the cache folder, outside the work tree (shell.caches): a warm run verifies only
        # new votes, and the one cache serves both revisions, so no signature is verified twice.
        signatures = SignatureCache.load(cache_dir or caches.UNUSABLE, root)
        if cache_dir is None:
            return cls(objects, signatures)
        from tooling.shell.findcache import FindingsMemo
        from tooling.shell.tallycache import TallyCache

        return cls(objects, signatures, TallyCache(cache_dir, root), FindingsMemo(cache_dir, root))


class HeadTallies:
    """The head's tally memo: a folder the pull request changes is tallied without it, every other folder reads the
    base's entry. The memo keeps one entry per NEP, and the base's (main's) is the one the next run needs, so the
    head's own tallies are never written over it."""

    def __init__(self, memo: Any, changed: AbstractSet[str]) -> None:
        self._memo = memo
        self._folders = {p[:p.rindex("/") + 1] for p in changed if p.startswith("votes/")}

    def tally(self, nep: int, vote_files: Sequence[VoteFile], **kw: Any) -> Tally:
        if f"votes/nep-{nep:04d}/" in self._folders:
            return tally_mod.tally(nep, vote_files, **kw)
        return self._memo.tally(nep, vote_files, **kw)

    def save(self) -> None:
        """Nothing of the head's is kept (see the class)."""


def _world(snap: Snapshot, history: History, caches: Caches, parses: VoteParses, snapshots: Snapshots,
           clean: Files | None, staged: AbstractSet[str], tallies: Any) -> World:
    """``clean``: the files equal to history's head (None: not known to be, so nothing is named by reference)."""
    repo = snap.repo
    assert repo is not None
    repo.index_clean = clean.votes if clean is not None else None
    return World(repo, history, True, CommittedVotes(history, repo.vote_blobs, parses),
                 signatures=caches.signatures, snapshots=snapshots, objects=caches.objects, tallies=tallies,
                 findings=caches.findings, staged=frozenset(staged) if clean is not None else None)


def _inputs(root: Path, snap: Snapshot, history: History, caches: Caches) -> Snapshots:
    """The deciding inputs as history gives them (SPEC 2), as ``gather`` reads them on a checkout."""
    from tooling.shell.snapshots import governance_versions, read_snapshots

    assert snap.repo is not None
    governance = governance_versions(root, history, caches.objects)
    return read_snapshots(root, snap.repo, history, True, governance, caches.objects)


def base_world(root: Path, snap: Snapshot, history: History, caches: Caches, parses: VoteParses) -> World:
    """The base's World over its own history."""
    from tooling.shell.delegations import read_delegations

    snapshots = _inputs(root, snap, history, caches)
    exact = history.head == snap.sha  # the base's tree is history's head tree
    world = _world(snap, history, caches, parses, snapshots, snap.files if exact else None, frozenset(),
                   caches.tallies)
    world.delegations = read_delegations(root, history, snapshots.governance)  # SPEC 11, as gather does
    return world


def head_world(root: Path, snap: Snapshot, base: Snapshot, base_world: World | None, changed: AbstractSet[str],
               history: History, caches: Caches, parses: VoteParses) -> World:
    """The head's World: its files over the base's history; ``changed``: the paths that differ from the base."""
    from tooling.shell.delegations import read_delegations

    assert snap.repo is not None
    exact = history.head == base.sha
    if base_world is None or base_world.snapshots is None:
        snapshots = _inputs(root, snap, history, caches)
        delegations = read_delegations(root, history, snapshots.governance)
    else:
        snapshots = _changed_neps(root, base_world.snapshots, snap, history, changed, caches)
        delegations = base_world.delegations
    staged = {p for p in changed if p in snap.files.votes}
    tallies = caches.tallies
    if base_world is not None and tallies is not None:
        tallies = HeadTallies(tallies, changed)
    world = _world(snap, history, caches, parses, snapshots, base.files if exact else None, staged, tallies)
    world.delegations = delegations
    return world


def _changed_neps(root: Path, snapshots: Snapshots, snap: Snapshot, history: History, changed: AbstractSet[str],
                  caches: Caches) -> Snapshots:
    """The base's snapshots with the versions of each changed NEP file judged against the head's file.

    ``read_snapshots`` decides each NEP path from that path's history and file alone, so it is run on those
    paths only; governance, ledger and every other NEP are the base's (the same history).
    """
    from tooling.shell.snapshots import read_snapshots

    assert snap.repo is not None
    paths = {p for p in changed if p.startswith("neps/")}
    if not paths:
        return snapshots
    part = History(history.commits, {p: history.events[p] for p in paths if p in history.events},
                   {p: s for p, s in history.nep_statuses.items() if p in paths}, history.head)
    repo = replace(snap.repo, proposals=[p for p in snap.repo.proposals if p.path in paths],
                   nep_blobs={p: b for p, b in snap.repo.nep_blobs.items() if p in paths})
    mine = read_snapshots(root, repo, part, True, snapshots.governance, caches.objects).neps
    neps = {p: v for p, v in snapshots.neps.items() if p not in paths}
    neps.update(mine)
    return replace(snapshots, neps=neps)
