"""``nep validate``: every rule over the selected files, judged at ``as_of``.

Pure over a gathered ``World``; the CLI only selects paths and renders.
"""

from __future__ import annotations

from typing import Callable, Collection

from tooling.core.diagnostics import Diagnostic, sort_key
from tooling.shell.diskvotes import DiskVotes
from tooling.shell.evaluate import Evaluation, World, evaluate, parameters_for
from tooling.core.model import NEPStatus, Proposal, Severity, TrackName, Vote, VoteCode
from tooling.parse.proposals import VOTE_PATH, ParsedVote
from tooling.checks.delegations import check_delegations
from tooling.checks.rules import Context, check_proposal, check_repository
from tooling.core.catalog import rule

_VOTE_RULE = {
    VoteCode.WRONG_PATH: ("vote-wrong-path", "voter"),
    VoteCode.WRONG_NETWORK: ("vote-wrong-network", "network"),
    VoteCode.BAD_KEY: ("vote-bad-key", "public_key"),
    VoteCode.BAD_SIGNATURE: ("vote-bad-signature", "signature"),
}


def context(world: World, ev: Evaluation) -> Context:
    by_number = world.repo.by_number()

    def status_of(p: Proposal) -> NEPStatus | None:
        st = ev.states.get(p.nep)
        return st.status if st else p.status

    return Context(
        by_number=by_number,
        governance=world.repo.governance,
        version_for=lambda p: ev.protocol(ev.anchor(p)).version,
        params_for=lambda p: parameters_for(ev, p),
        features_for=lambda p: ev.protocol(ev.anchor(p)).features,
        track_for=lambda p: ev.timeline.governance_at(ev.anchor(p)).track(p.type) if p.type else
        world.repo.governance.tracks[TrackName.STANDARD],
        status_of=status_of,
    )


def validate(world: World, as_of: int, selected: Collection[str] | None = None, *,
             pending_votes: bool = False) -> list[Diagnostic]:
    """All findings for the files in ``selected`` (repository-relative paths; None = everything).

    ``pending_votes``: judge a vote file not yet in history as if merged at ``as_of`` and report one
    that could not count as the error check-pr would refuse it with (``nep validate`` does; check-pr
    judges added votes itself and leaves this off).
    """

    def wanted(path: str) -> bool:
        return selected is None or path in selected

    ev = evaluate(world, as_of)
    ctx = context(world, ev)
    out = [d for d in world.repo.diagnostics if wanted(d.file)]
    for p in world.repo.proposals:
        if wanted(p.path):
            out += check_proposal(p, ctx)
    out += [d for d in check_repository(world.repo.proposals, ctx) if wanted(d.file)]
    out += check_votes(world, ev, wanted, pending_votes=pending_votes)
    out += check_delegations(world.repo.root, world, as_of, wanted)
    # Outside git the file's own findings (schema, syntax) already say what is wrong with an invalid file;
    # a missing one has none, so it is reported here.
    reported = {d.file for d in out}
    out += [_as_error(d) for d in ev.diagnostics
            if wanted(d.file) and (world.git or d.slug != "input-invalid" or d.file not in reported)]
    return sorted(out, key=sort_key)


def _as_error(d: Diagnostic) -> Diagnostic:
    """An invalid ledger or governance version is an error of ``validate`` (a warning elsewhere, SPEC 2)."""
    from dataclasses import replace

    return replace(d, severity=Severity.ERROR) if d.slug == "input-invalid" else d


def check_votes(world: World, ev: Evaluation, wanted: Callable[[str], bool], *,
                pending_votes: bool = False) -> list[Diagnostic]:
    """Vote files: intrinsic defects are errors; tally facts (too late, no stake...) are notices.

    Folder by folder; a folder's findings are taken from the memo (``shell.findcache``) when a digest of
    everything they depend on matches, so a warm run reads no vote of an unchanged folder.
    """
    folders: dict[int, list[str]] = {}
    votes = world.repo.votes
    if isinstance(votes, DiskVotes):  # grouped once by the listing, not matched path by path
        for folder in votes.folders():
            m = VOTE_PATH.match(folder + "x.yaml")
            if m:
                folders[int(m.group(1))] = votes.in_folder(folder)
    else:
        for path in votes:
            m = VOTE_PATH.match(path)
            if m:
                folders.setdefault(int(m.group(1)), []).append(path)
    memo = world.findings
    every = True
    out: list[Diagnostic] = []
    for nep in sorted(folders):
        paths = folders[nep]
        if not any(wanted(p) for p in paths):
            every = False
            continue
        key = _findings_key(world, ev, nep, pending_votes) if memo is not None else None
        found = memo.get(key) if key is not None else None
        if found is None:
            found = _check_folder(world, ev, nep, sorted(paths), pending_votes)
            if key is not None:
                memo.put(key, found)
        else:
            for d in found:
                world.repo.votes.get(d.file)  # read, so that its text is there to quote
        out += [d for d in found if wanted(d.file)]
    if memo is not None and every:
        memo.complete = True
    return out


def _findings_key(world: World, ev: Evaluation, nep: int, pending_votes: bool) -> str | None:
    """A digest of every input of ``_check_folder`` for NEP ``nep``'s folder; None where one is not named."""
    import hashlib

    from tooling.core.deferred import Deferred
    from tooling.shell.evaluate import folder_key

    files, deviates = folder_key(world, nep, ev.as_of)
    if files is None or (pending_votes and deviates):
        return None  # a vote not yet in history is judged at as_of
    st = ev.states.get(nep)
    rows = st.tally.votes if st is not None and st.tally is not None else None
    if rows is not None and not (isinstance(rows, Deferred) and rows.key is not None):
        return None
    proposal = ev.proposals.get(nep)
    named = ("findings", nep, files, st.status if st else None, rows.key if rows is not None else None,
             proposal.content_hash if proposal else None, world.repo.governance.network, pending_votes, world.git)
    return hashlib.sha256(repr(named).encode("utf-8", "surrogatepass")).hexdigest()


def _check_folder(world: World, ev: Evaluation, folder_nep: int, paths: list[str],
                  pending_votes: bool) -> list[Diagnostic]:
    from decimal import Decimal

    from tooling.core.stakes import Snapshot
    from tooling.core.tally import VoteFile, judge_vote
    from tooling.core.votes import verify_vote

    out: list[Diagnostic] = []
    network = world.repo.governance.network
    state = ev.states.get(folder_nep)
    judged: dict[str, VoteCode | None] = {}
    if state is not None and state.tally is not None:
        judged = {v.path: v.code for v in state.tally.votes}
    nobody = Snapshot(0, {}, Decimal(0))
    # Where every file was committed once and the work tree holds those very bytes, a counted row is the work
    # tree's file judged clean: nothing to read or report for it.
    summary = world.history.vote_folder(f"votes/nep-{folder_nep:04d}/")
    as_counted = (world.git and world.repo.index_clean is not None and world.staged is not None
                  and summary is not None and summary[2])
    deviating = set(world.deviations(f"votes/nep-{folder_nep:04d}/")) if as_counted else set()
    for path in paths:
        if as_counted and path not in deviating and path in judged and judged[path] is None:
            continue
        parsed = world.repo.votes.get(path)
        if parsed is None:
            continue
        if parsed.vote is None:
            out.extend(parsed.diagnostics)
            continue
        if path in judged:
            code = judged[path]
        else:
            # Not in a tally (yet): judge only what the file itself can tell.
            proposal = ev.proposals.get(folder_nep)
            res = judge_vote(
                VoteFile(path, parsed.vote, None), nep=folder_nep, network=network,
                content_hash=proposal.content_hash if proposal else "", voting_start=0, voting_end=1 << 62,
                snapshot=nobody, signature_ok=world.signature_ok() or verify_vote,
            )
            code = res.code if res.code in _VOTE_RULE else None
        if code not in _VOTE_RULE and folder_nep not in ev.proposals:
            # What the file itself gets wrong (WRONG_PATH first) is reported before the missing NEP.
            out.append(rule("vote-not-counted").at(
                path, (1, 1), f"vote for NEP-{folder_nep:04d}, which does not exist: it can never count",
                "vote only on NEPs in voting (`nep status`)"))
            continue
        if pending_votes and world.git and code not in _VOTE_RULE and \
                world.history.inclusion_time(path, ev.as_of) is None:
            # Not yet in a git repository's history: it can still be left out, so a vote that could not count
            # is an error, reported with the code check-pr refuses it with. One already included stays a notice.
            pending = _judge_pending(world, ev, path, parsed, folder_nep)
            if pending is not None:
                out.append(pending)
            continue
        if code in _VOTE_RULE:
            slug, key = _VOTE_RULE[code]
            pos = parsed.pos(key)
            out.append(rule(slug).at(path, pos, _vote_message(code, parsed.vote, network)))
        elif code is not None:
            status = state.status if state else "not found"
            out.append(rule("vote-not-counted").at(
                path, (1, 1), f"vote is not counted: {code} (NEP-{folder_nep:04d} is {status})",
                "votes already in history stay; see `nep tally` for the details"))
    return out


def _judge_pending(world: World, ev: Evaluation, path: str, parsed: "ParsedVote", nep: int) -> Diagnostic | None:
    """A vote not yet included in history, judged as if it were merged at ``as_of``."""
    from tooling.core import stakes as stakes_mod
    from tooling.core.instants import format_instant
    from tooling.core.tally import VoteFile, judge_vote
    from tooling.core.votes import verify_vote

    st = ev.states[nep]
    if st.status is not NEPStatus.VOTING or st.voting_start is None or st.voting_end is None:
        return rule("pr-vote-not-open").at(
            path, (1, 1), f"NEP-{nep:04d} is {st.status}, not in voting (as of {format_instant(ev.as_of)}): "
            "this vote could not count and check-pr refuses it")
    facts = ev.facts.get(nep)
    content_hash = (facts.content_hash_at_vs or facts.content_hash) if facts else ""
    res = judge_vote(VoteFile(path, parsed.vote, ev.as_of, None), nep=nep, network=world.repo.governance.network,
                     content_hash=content_hash, voting_start=st.voting_start, voting_end=st.voting_end,
                     snapshot=stakes_mod.snapshot(world.ledger_at(st.voting_start) or (), st.voting_start),
                     signature_ok=world.signature_ok() or verify_vote)
    if res.code is VoteCode.NO_STAKE and parsed.vote is not None and st.tally is not None and st.tally.delegation:
        from tooling.core.delegates import delegated_to

        snap = stakes_mod.snapshot(world.ledger_at(st.voting_start) or (), st.voting_start)
        if delegated_to(world.delegations, parsed.vote.voter, st.voting_start, snap)[0] > 0:
            return None  # a delegate without stake of its own carries its delegators' stake (SPEC 11)
    if res.code is None:
        return None
    assert parsed.vote is not None
    key = _VOTE_KEY.get(res.code)
    message = _vote_message(res.code, parsed.vote, world.repo.governance.network) if res.code in _VOTE_RULE \
        else _PENDING_WHY.get(res.code, str(res.code))
    return rule("pr-vote-not-counted").at(path, parsed.pos(key) if key else (1, 1),
                                          f"this vote would not count: {res.code}: {message}")


_VOTE_KEY = {VoteCode.WRONG_PATH: "voter", VoteCode.WRONG_NETWORK: "network", VoteCode.BAD_KEY: "public_key",
             VoteCode.BAD_SIGNATURE: "signature", VoteCode.STALE_CONTENT: "content_hash",
             VoteCode.TOO_EARLY: "timestamp", VoteCode.TOO_LATE: "timestamp", VoteCode.FUTURE_TIMESTAMP: "timestamp"}
_PENDING_WHY = {
    VoteCode.STALE_CONTENT: "it signs another content hash than the NEP's at voting start (`nep show N` prints it)",
    VoteCode.TOO_EARLY: "its timestamp is before the voting start",
    VoteCode.TOO_LATE: "its timestamp is at or after the voting end",
    VoteCode.FUTURE_TIMESTAMP: "its timestamp is more than 300 s in the future",
    VoteCode.NO_STAKE: "the voter has no stake at the snapshot (voting start)",
    VoteCode.LATE_INCLUSION: "voting has ended",
}


def _vote_message(code: VoteCode, vote: Vote, network: str) -> str:
    if code is VoteCode.WRONG_PATH:
        return f"vote for NEP {vote.nep} by {vote.voter} must be stored as votes/nep-{vote.nep:04d}/{vote.voter}.yaml"
    if code is VoteCode.WRONG_NETWORK:
        return f"vote is signed for network '{vote.network}', but this repository is '{network}'"
    if code is VoteCode.BAD_KEY:
        return "public_key does not hash to the voter's node id"
    return "signature does not verify (or is not low-s) for this vote's content"


def has_errors(diags: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diags)
