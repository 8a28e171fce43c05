"""From what is on disk and in git to what holds at ``as_of``.

``gather`` is the shell: it reads the repository, the history and the
history's versions of vote files. ``evaluate`` is pure: the lifecycle of
every NEP, the protocol in force, and the facts the validator needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from tooling.shell.history import EMPTY_HISTORY, History
from tooling.core.lifecycle import EffectiveGovernance, NEPFacts, Timeline, compute_states
from tooling.core.model import NEPState, NEPStatus, Proposal, ProtocolState, Vote
from tooling.parse.proposals import VOTE_PATH, ParsedVote, parse_vote
from tooling.shell.repository import Repository, load_repository
from tooling.core.tally import VoteFile

FAR_FUTURE = 253402300799


@dataclass
class World:
    """Everything read from disk and git for one run."""

    repo: Repository
    history: History
    git: bool
    committed_votes: dict[str, ParsedVote] = field(default_factory=dict)  # first included version, where it differs
    #: Reads one git blob (the shell's door into history, used only for the rare forced edit after VS).
    read_blob: Callable[[str], bytes | None] = lambda blob: None
    #: Verified-signature cache of ``.nep-cache`` (warm runs); None outside git.
    signatures: Any = None
    _folders: dict[str, list[str]] | None = None

    def vote_paths(self, folder: str) -> list[str]:
        """Working-tree vote paths in ``folder``; indexed once, not scanned per NEP."""
        if self._folders is None:
            index: dict[str, list[str]] = {}
            for path in self.repo.votes:
                index.setdefault(path.rsplit("/", 1)[0] + "/", []).append(path)
            self._folders = index
        return self._folders.get(folder, [])

    def signature_ok(self) -> Callable[[Vote], bool] | None:
        return self.signatures.checker() if self.signatures is not None else None

    def save_caches(self) -> None:
        """Write what this run learned back to ``.nep-cache`` (never an error)."""
        if self.signatures is not None:
            try:
                self.signatures.save()
            except OSError:
                pass


def gather(root: Path, *, history: History | None = None, cache: bool = True) -> World:
    from tooling.shell.history import read_blobs, read_history

    repo = load_repository(root)
    git = (Path(root) / ".git").exists()
    if history is None:
        history = read_history(Path(root), cache_dir=(Path(root) / ".nep-cache") if cache and git else None) if git else EMPTY_HISTORY
    committed: dict[str, ParsedVote] = {}
    want: dict[str, str] = {}
    for path in history.paths("votes/", FAR_FUTURE):
        blob = history.first_blob(path, FAR_FUTURE)
        if blob and repo.vote_blobs.get(path) != blob:
            want[path] = blob
    if want:
        blobs = read_blobs(Path(root), set(want.values()))
        for path, blob in want.items():
            if blob in blobs and VOTE_PATH.match(path):
                committed[path] = parse_vote(path, blobs[blob])
    root_path = Path(root)

    def read_blob(blob: str) -> bytes | None:
        return read_blobs(root_path, [blob]).get(blob)

    signatures = None
    if cache and git:
        from tooling.shell.sigcache import SignatureCache

        signatures = SignatureCache.load(ensure_cache_dir(root_path))
    return World(repo, history, git or bool(history.commits), committed, read_blob, signatures)


def ensure_cache_dir(root: Path) -> Path:
    """``.nep-cache/`` with its own ``.gitignore`` so it never shows as a change."""
    d = root / ".nep-cache"
    d.mkdir(exist_ok=True)
    gi = d / ".gitignore"
    if not gi.exists():
        gi.write_text("*\n", encoding="utf-8")
    return d


@dataclass(frozen=True)
class Evaluation:
    as_of: int
    states: dict[int, NEPState]
    facts: dict[int, NEPFacts]
    proposals: dict[int, Proposal]  # the first file per number
    timeline: Timeline

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


def vote_files_for(world: World, nep: int, as_of: int) -> tuple[VoteFile, ...]:
    folder = f"votes/nep-{nep:04d}/"
    paths = set(world.vote_paths(folder))
    paths.update(p for p in world.history.paths(folder, as_of) if VOTE_PATH.match(p))
    out = []
    for path in sorted(paths):
        included = world.history.inclusion_time(path, as_of)
        parsed = world.committed_votes.get(path) if included is not None else None
        if parsed is None:
            parsed = world.repo.votes.get(path)
        if parsed is None:
            continue  # deleted from the tree and never readable from history
        error = "; ".join(d.message for d in parsed.diagnostics) or None
        out.append(VoteFile(path, parsed.vote, included, error))
    return tuple(out)


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
    submitted = p.submitted
    if submitted is None:
        if world.git:
            # Any status past draft counts: the bot may have written 'voting' in the same commit.
            submitted = h.first_status_time(
                p.path, {s.value for s in NEPStatus if s not in (NEPStatus.DRAFT, NEPStatus.WITHDRAWN)}, as_of
            )
        elif p.status not in (None, NEPStatus.DRAFT, NEPStatus.WITHDRAWN):
            submitted = as_of  # outside git, a review file is submitted "now" (SPEC 7)
    withdrawn_at = h.first_status_time(p.path, {"withdrawn"}, as_of) if world.git else None
    up = p.upgrade_path
    assert p.type is not None
    return NEPFacts(
        nep=p.nep,
        type=p.type,
        author_status=_committed_status(world, p, as_of) if world.git else p.status,
        proposer=p.proposer,
        content_hash=p.content_hash,
        submitted=submitted,
        withdrawn_at=withdrawn_at,
        resubmission_of=p.resubmission_of,
        supersedes=p.supersedes,
        parameter_changes=p.parameter_changes,
        grace_period_days=up.grace_period_days if up else 0,
        target_version=up.target_version if up else "",
        vote_files=vote_files_for(world, p.nep, as_of),
    )


def evaluate(world: World, as_of: int, *, signature_ok: Callable[[Vote], bool] | None = None) -> Evaluation:
    proposals: dict[int, Proposal] = {}
    for p in sorted(world.repo.proposals, key=lambda p: p.path):
        if p.type is not None and p.nep >= 1:
            proposals.setdefault(p.nep, p)
    facts = {n: facts_for(world, p, as_of) for n, p in proposals.items()}
    if signature_ok is None:
        signature_ok = world.signature_ok()
    gov = world.repo.governance
    states = compute_states(list(facts.values()), gov, world.repo.stakes, as_of, signature_ok=signature_ok)
    changed = _bind_to_voting_start(world, proposals, facts, states)
    if changed:
        facts.update(changed)
        states = compute_states(list(facts.values()), gov, world.repo.stakes, as_of, signature_ok=signature_ok)
    timeline = Timeline.build(gov, states, facts)
    return Evaluation(as_of, states, facts, proposals, timeline)


def _bind_to_voting_start(
    world: World, proposals: Mapping[int, Proposal], facts: Mapping[int, NEPFacts], states: Mapping[int, NEPState]
) -> dict[int, NEPFacts]:
    """Votes bind to the content at voting start (SPEC 4): find NEPs whose file changed after VS.

    The policy check refuses such edits, so this only matters when one was
    forced through; then the tally still judges votes against the content
    the voters saw.
    """
    from dataclasses import replace

    from tooling.parse.proposals import parse_nep

    out: dict[int, NEPFacts] = {}
    for n, st in states.items():
        vs = st.voting_start
        if vs is None or st.tally is None:
            continue
        p = proposals[n]
        events = [e for e in world.history.events.get(p.path, ()) if e.clock <= vs]
        if not events or events[-1].blob is None or events[-1].blob == world.repo.nep_blobs.get(p.path):
            continue
        raw = world.read_blob(events[-1].blob)
        parsed = parse_nep(p.path, raw) if raw is not None else None
        if parsed is not None and parsed.proposal is not None:
            out[n] = replace(facts[n], content_hash_at_vs=parsed.proposal.content_hash)
    return out


def parameters_for(ev: Evaluation, p: Proposal) -> Mapping[str, Any]:
    return ev.timeline.parameters_at(ev.anchor(p))
