"""From what is on disk and in git to what holds at ``as_of``.

``gather`` is the shell: it reads the repository, the history, the
history's versions of vote files and the snapshots of every deciding input
(``shell.snapshots``: governance.yaml, the ledger and each NEP as history
gives them). ``evaluate`` is pure over that: the lifecycle of every NEP, the
protocol in force, the facts the validator needs, and the findings about
inputs (``Evaluation.diagnostics``: invalid versions, bot fields that
disagree with history).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from tooling.core.catalog import rule
from tooling.core.delegation import JudgedVersion
from tooling.core.diagnostics import Diagnostic
from tooling.core.inputs import Versions
from tooling.core.instants import format_instant
from tooling.core.lifecycle import EffectiveGovernance, NEPFacts, Timeline, compute_states
from tooling.core.model import NEPState, NEPStatus, Proposal, ProtocolState, Reason, StakeEntry, Vote
from tooling.core.deferred import Deferred
from tooling.core.tally import VoteFile
from tooling.parse.proposals import VOTE_PATH, ParsedVote, parse_vote
from tooling.shell.history import EMPTY_HISTORY, History
from tooling.shell.botfields import bot_field_findings
from tooling.shell.diskvotes import DiskVotes
from tooling.shell.repository import Repository, load_repository
from tooling.shell.snapshots import FAR_FUTURE, SUBMITTED_STATUSES, Snapshots, governance_versions, read_snapshots


@dataclass
class World:
    """Everything read from disk and git for one run."""

    repo: Repository
    history: History
    git: bool
    #: The first included version of each vote file, where it differs from the work tree; None: read when first
    #: needed (``committed_vote``).
    committed_votes: dict[str, ParsedVote] | None = field(default_factory=dict)
    #: Unused by ``evaluate`` (kept so that older callers can still pass one); inputs come from ``snapshots``.
    read_blob: Callable[[str], bytes | None] = lambda blob: None
    #: Verified-signature cache (warm runs); None when caches are off.
    signatures: Any = None
    #: What history fixes (``gather`` fills it); None: the files as they are stand for every instant.
    snapshots: Snapshots | None = None
    #: Parses by blob id (``shell.objcache``); None when caches are off.
    objects: Any = None
    #: Tallies by a digest of their inputs (``shell.tallycache``); None when caches are off.
    tallies: Any = None
    #: Vote findings by a digest of their inputs (``shell.findcache``); None when caches are off.
    findings: Any = None
    #: Delegation files (SPEC 11): path -> judged versions along history; empty outside git.
    delegations: Mapping[str, tuple[JudgedVersion, ...]] = field(default_factory=dict)
    _folders: dict[str, list[str]] | None = None
    #: Vote paths whose index entry differs from HEAD (staged); None: not known, so no folder is named by reference.
    staged: frozenset[str] | None = None
    _deviations: dict[str, list[str]] | None = None
    _committed: dict[str, dict[str, ParsedVote]] = field(default_factory=dict)

    def deviations(self, folder: str) -> list[str]:
        """Vote paths in ``folder`` whose work-tree file may not be its HEAD version: new, changed, deleted (in the
        work tree or the index) or staged. Found once for the whole tree with set operations.
        """
        if self._deviations is None:
            clean = self.repo.index_clean or {}
            odd = (set(self.repo.votes) - clean.keys()) | self.repo.index_unclean | (self.staged or frozenset())
            found: dict[str, list[str]] = {}
            for p in odd:
                if p.startswith("votes/"):
                    found.setdefault(p[:p.rindex("/") + 1], []).append(p)
            self._deviations = found
        return self._deviations.get(folder, [])

    def committed_vote(self, path: str) -> ParsedVote | None:
        if self.committed_votes is not None:
            return self.committed_votes.get(path)
        # Read folder by folder: a warm run after a commit needs the folders whose tallies missed, not all.
        cut = path.find("/", 6)
        folder = path[:cut + 1] if path.startswith("votes/") and cut > 0 else ""
        found = self._committed.get(folder)
        if found is None:
            found = self._committed[folder] = _committed_votes(self.repo, self.history, folder or "votes/")
        return found.get(path)

    def vote_paths(self, folder: str) -> list[str]:
        """Working-tree vote paths in ``folder``; indexed once, not scanned per NEP."""
        if isinstance(self.repo.votes, DiskVotes):
            return self.repo.votes.in_folder(folder)
        if self._folders is None:
            index: dict[str, list[str]] = {}
            for path in self.repo.votes:
                index.setdefault(path.rsplit("/", 1)[0] + "/", []).append(path)
            self._folders = index
        return self._folders.get(folder, [])

    def ledger_at(self, t: int) -> tuple[StakeEntry, ...] | None:
        """The ledger as of ``t`` (SPEC 2): the last valid committed version at or before t; None if none is valid.

        Outside git (or without snapshots) the work tree's ledger, None if it is missing or invalid.
        """
        if self.snapshots is not None:
            return self.snapshots.ledger.at(t)
        return self.repo.stakes if self.repo.ledger_valid else None

    def signature_ok(self) -> Callable[[Vote], bool] | None:
        return self.signatures.checker() if self.signatures is not None else None

    def save_caches(self) -> None:
        """Write what this run learned back to the cache folder (never an error, never in the work tree)."""
        if self.signatures is not None:
            if self.objects is not None:
                self.objects.record_verdicts(self.signatures.known)
            try:
                self.signatures.save()
            except OSError:
                pass
        for cache in (self.objects, self.tallies, self.findings):
            if cache is not None:
                try:
                    cache.save()
                except OSError:
                    pass


def gather(root: Path, *, history: History | None = None, cache: bool = True) -> World:
    """Read everything one run needs, before any evaluation: files, history, vote versions, snapshots."""
    from tooling.shell import caches
    from tooling.shell.history import read_history

    root = Path(root)
    git = (root / ".git").exists()
    cache_dir = caches.cache_dir(root) if cache else None
    if history is None:
        history = read_history(root, cache_dir=cache_dir) if git else EMPTY_HISTORY
    in_git = git or bool(history.commits)
    objects = None
    if cache_dir is not None:
        from tooling.shell.objcache import ObjectCache

        objects = ObjectCache.load(cache_dir, root if git else None)
    governance = governance_versions(root, history, objects) if in_git else None
    repo = load_repository(root, governance.at(FAR_FUTURE) if governance is not None else None, objects)
    staged: frozenset[str] | None = None
    if in_git and history.head is not None and repo.index_clean is not None:
        from tooling.shell import git as gitrun

        proc = gitrun.run(root, ["diff-index", "--cached", "--name-only", "-z", "HEAD", "--", "votes"])
        if proc.returncode == 0:
            staged = frozenset(gitrun.decode_path(p) for p in proc.stdout.split(b"\0") if p)
    snapshots = read_snapshots(root, repo, history, in_git, governance, objects)
    signatures = None
    if cache_dir is not None:
        from tooling.shell.sigcache import SignatureCache

        signatures = SignatureCache.load(cache_dir, root if git else None)
        if objects is not None:
            signatures.known.update(objects.verdicts())
            # A cold run verifies its votes on every core up front; a warm one has nothing left to verify.
            signatures.prime(objects.unverified())
    tallies = None
    if cache_dir is not None:
        from tooling.shell.tallycache import TallyCache

        tallies = TallyCache(cache_dir, root if git else None)
    findings = None
    if cache_dir is not None:
        from tooling.shell.findcache import FindingsMemo

        findings = FindingsMemo(cache_dir, root if git else None)
    world = World(repo, history, in_git, None, signatures=signatures, snapshots=snapshots, objects=objects,
                  tallies=tallies, findings=findings, staged=staged)
    if in_git:
        from tooling.shell.delegations import read_delegations

        world.delegations = read_delegations(root, history, governance)
    return world


def _committed_votes(repo: Repository, history: History, prefix: str = "votes/") -> dict[str, ParsedVote]:
    """Each vote file's first included version under ``prefix`` where it differs from the work tree's (SPEC 4: it
    is what counts)."""
    from tooling.shell.history import read_blobs

    committed: dict[str, ParsedVote] = {}
    want: dict[str, str] = {}
    for path in history.paths(prefix, FAR_FUTURE):
        blob = history.first_blob(path, FAR_FUTURE)
        if blob and repo.vote_blobs.get(path) != blob:
            want[path] = blob
    if want:
        blobs = read_blobs(repo.root, set(want.values()))
        for path, blob in want.items():
            if blob in blobs and VOTE_PATH.match(path):
                committed[path] = parse_vote(path, blobs[blob])
    return committed


@dataclass(frozen=True)
class Evaluation:
    as_of: int
    states: dict[int, NEPState]
    facts: dict[int, NEPFacts]
    proposals: dict[int, Proposal]  # the first file per number
    timeline: Timeline
    #: Findings about the inputs at as_of: ``input-invalid`` (warnings; ``validate`` reports them as errors)
    #: and ``history-disagrees``. Commands print them; ``invalid_input`` says whether to exit 1.
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def invalid_input(self) -> list[int]:
        """NEPs rejected because no valid ledger or governance version existed when needed (exit 1, SPEC 2)."""
        return sorted(n for n, st in self.states.items() if st.reason is Reason.INVALID_INPUT)

    def protocol(self, t: int | None = None) -> ProtocolState:
        return self.timeline.protocol_at(self.as_of if t is None else t)

    def governance_for(self, nep: int) -> EffectiveGovernance:
        """The governance values frozen for a NEP: at its T0, or at as_of for a draft."""
        st = self.states.get(nep)
        t = st.submitted if st and st.submitted is not None else self.as_of
        return self.timeline.governance_at(t)

    def anchor(self, p: Proposal) -> int:
        st = self.states.get(p.nep)
        return st.submitted if st and st.submitted is not None and st.submitted <= self.as_of else self.as_of


def vote_files_for(world: World, nep: int, as_of: int) -> Deferred[VoteFile]:
    """NEP ``nep``'s vote files at ``as_of``, named by reference where history and git's index allow it."""
    folder = f"votes/nep-{nep:04d}/"

    def load() -> tuple[VoteFile, ...]:
        paths = set(world.vote_paths(folder))
        paths.update(p for p in world.history.paths(folder, as_of) if VOTE_PATH.match(p))
        out = []
        for path in sorted(paths):
            included = world.history.inclusion_time(path, as_of)
            parsed = world.committed_vote(path) if included is not None else None
            if parsed is None:
                parsed = world.repo.votes.get(path)
            if parsed is None:
                continue  # deleted from the tree and never readable from history
            error = "; ".join(d.message for d in parsed.diagnostics) or None
            out.append(VoteFile(path, parsed.vote, included, error))
        return tuple(out)

    return Deferred(load, key=folder_key(world, nep, as_of)[0])


def folder_key(world: World, nep: int, as_of: int) -> tuple[str | None, bool]:
    """A digest of everything ``vote_files_for`` reads for NEP ``nep``'s folder (None where it cannot be named
    so), and whether any work-tree file there is not its HEAD version.

    From ``as_of`` at or after the folder's last event, history's part is its digest (paths, inclusion
    clocks, first blobs). The work tree matters only for files history has not included; every work-tree vote
    file that is not byte for byte its HEAD version (not clean in git's index, or staged) is named by path
    and blob id. Naming more than needed only costs a memo miss, never a wrong answer.
    """
    folder = f"votes/nep-{nep:04d}/"
    clean, staged = world.repo.index_clean, world.staged
    if not world.git or clean is None or staged is None or world.history.head is None:
        return None, True
    summary = world.history.vote_folder(folder)
    if summary is not None and as_of < summary[1]:
        return None, True
    extra = [(p, world.repo.vote_blobs.get(p)) for p in world.deviations(folder)]
    named = ("votes", nep, summary[0] if summary else None, sorted(extra, key=lambda e: e[0]))
    return hashlib.sha256(repr(named).encode("utf-8", "surrogatepass")).hexdigest(), bool(extra)


def _committed_status(world: World, p: Proposal, as_of: int) -> NEPStatus | None:
    """The file's status in the repository as of ``as_of`` (its last committed version by then)."""
    versions = [s for clock, s in world.history.nep_statuses.get(p.path, ()) if clock <= as_of]
    if not versions:
        return p.status  # never committed: a local draft, judged as it is
    try:
        return NEPStatus(versions[-1]) if versions[-1] else None
    except ValueError:
        return None


def facts_for(world: World, p: Proposal, as_of: int) -> NEPFacts:
    h = world.history
    snaps = world.snapshots
    versions = snaps.neps.get(p.path, ()) if snaps is not None and snaps.git else ()
    at_t0 = versions[0].proposal if versions and versions[0].proposal is not None else p
    submitted = p.submitted
    if snaps is not None and snaps.git:
        # History is the record (SPEC 2): T0 is the first commit whose file has a submitted status.
        submitted = versions[0].clock if versions else None
    elif submitted is None:
        if world.git:
            submitted = h.first_status_time(p.path, SUBMITTED_STATUSES, as_of)
        elif p.status not in (None, NEPStatus.DRAFT, NEPStatus.WITHDRAWN):
            submitted = as_of  # outside git, a review file is submitted "now" (SPEC 7)
    withdrawn_at = h.first_status_time(p.path, {NEPStatus.WITHDRAWN.value}, as_of) if world.git else None
    up = p.upgrade_path
    nep_type = at_t0.type if at_t0.type is not None else p.type
    assert nep_type is not None
    return NEPFacts(
        nep=p.nep,
        type=nep_type,
        author_status=_committed_status(world, p, as_of) if world.git else p.status,
        proposer=at_t0.proposer,
        content_hash=p.content_hash,
        submitted=submitted,
        withdrawn_at=withdrawn_at,
        resubmission_of=at_t0.resubmission_of,
        supersedes=p.supersedes,
        parameter_changes=p.parameter_changes,
        grace_period_days=up.grace_period_days if up else 0,
        target_version=up.target_version if up else "",
        vote_files=vote_files_for(world, p.nep, as_of),
        content_versions=tuple((v.clock, v.proposal.content_hash) for v in versions if v.proposal is not None),
    )


def _inputs(world: World) -> tuple[Versions[Any], Versions[Any]]:
    snaps = world.snapshots
    if snaps is not None:
        return snaps.governance, snaps.ledger
    return Versions.always(world.repo.governance), Versions.always(world.repo.stakes)


def evaluate(world: World, as_of: int, *, signature_ok: Callable[[Vote], bool] | None = None) -> Evaluation:
    proposals: dict[int, Proposal] = {}
    for p in sorted(world.repo.proposals, key=lambda p: p.path):
        if p.type is not None and p.nep >= 1:
            proposals.setdefault(p.nep, p)
    facts = {n: facts_for(world, p, as_of) for n, p in proposals.items()}
    # Tallies are remembered only when judged with the repository's own signature check (never a caller's).
    tally = world.tallies.tally if world.tallies is not None and signature_ok is None else None
    if signature_ok is None:
        signature_ok = world.signature_ok()
    governance, ledger = _inputs(world)
    states = compute_states(list(facts.values()), governance, ledger, as_of, signature_ok=signature_ok, tally=tally,
                            delegations=world.delegations)
    changed = _content_at_voting_start(world, proposals, facts, states)
    if changed:  # only after a forced edit past VS: decide from the content the voters saw
        facts.update(changed)
        states = compute_states(list(facts.values()), governance, ledger, as_of, signature_ok=signature_ok,
                                tally=tally, delegations=world.delegations)
    for n, st in states.items():
        # Callers read the content votes bind to from the facts: the version in force at VS.
        if st.voting_start is not None and facts[n].content_versions:
            facts[n] = replace(facts[n], content_hash_at_vs=facts[n].content_at(st.voting_start))
    # The protocol's genesis: governance.yaml as of as_of (its last valid version), else the work tree's.
    genesis = governance.at(as_of) or world.repo.governance
    timeline = Timeline.build(genesis, states, facts, governance if world.snapshots is not None else None)
    diags: list[Diagnostic] = world.snapshots.diagnostics(as_of) if world.snapshots is not None else []
    if world.snapshots is not None and world.snapshots.git:
        diags += bot_field_findings(proposals, states, as_of)
    return Evaluation(as_of, states, facts, proposals, timeline, tuple(diags))


def _content_at_voting_start(
    world: World, proposals: Mapping[int, Proposal], facts: Mapping[int, NEPFacts], states: Mapping[int, NEPState]
) -> dict[int, NEPFacts]:
    """Facts whose content-derived fields differ in the committed version in force at VS (SPEC 2)."""
    snaps = world.snapshots
    if snaps is None or not snaps.git:
        return {}
    out: dict[int, NEPFacts] = {}
    for n, st in states.items():
        if st.voting_start is None:
            continue
        chosen: Proposal | None = None
        for v in snaps.neps.get(proposals[n].path, ()):
            if v.clock > st.voting_start:
                break
            if v.proposal is not None:
                chosen = v.proposal
        if chosen is None or chosen is proposals[n]:
            continue
        up = chosen.upgrade_path
        new = replace(facts[n], supersedes=chosen.supersedes, parameter_changes=chosen.parameter_changes,
                      grace_period_days=up.grace_period_days if up else 0,
                      target_version=up.target_version if up else "")
        if new != facts[n]:
            out[n] = new
    return out


def parameters_for(ev: Evaluation, p: Proposal) -> Mapping[str, Any]:
    return ev.timeline.parameters_at(ev.anchor(p))
