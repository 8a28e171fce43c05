"""The policy on vote files: only additions, during voting, that would count (SPEC 4, 9)."""

from __future__ import annotations

from tooling.checks.policy.context import Context, Findings, VoteNote, fmt, found
from tooling.checks.policy.rules import r
from tooling.core.delegates import delegated_to
from tooling.core.model import NEPState, NEPStatus, Pos, VoteCode
from tooling.core.votes import vote_path
from tooling.parse.proposals import VOTE_PATH, ParsedVote

#: validate's findings on a vote file that the policy's own vote judgement replaces.
VOTE_SLUGS = frozenset({"vote-wrong-path", "vote-wrong-network", "vote-bad-key", "vote-bad-signature",
                        "vote-not-counted"})


def check_vote(ctx: Context, status: str, path: str) -> Findings:
    m = VOTE_PATH.match(path)
    assert m is not None
    nep, voter = int(m.group(1)), m.group(2)

    def note(verdict: str) -> tuple[VoteNote, ...]:
        return (VoteNote(path, nep, voter, verdict),)

    if status == "D":
        return found(r("pr-vote-deleted").at(path, (1, 1), f"the vote of {voter} on NEP-{nep:04d} is deleted; "
                                             "votes are final"), votes=note("deleted (refused)"))
    if status != "A":
        return found(r("pr-vote-changed").at(path, (1, 1), f"the vote of {voter} on NEP-{nep:04d} is changed; "
                                             "votes are final"), votes=note("changed (refused)"))
    included = ctx.history.inclusion_time(path, ctx.as_of)
    if included is not None:
        return found(r("pr-vote-changed").at(
            path, (1, 1), f"main already included a vote at {path} (at {fmt(included)}); the first included "
            "vote counts for good and cannot be replaced"), votes=note("re-added (refused)"))
    parsed = ctx.head.repo.votes.get(path) if ctx.head.repo is not None else None
    if parsed is None:
        return Findings()  # not a regular file: validate reports it
    replaced = frozenset((path, s) for s in VOTE_SLUGS)
    v = parsed.vote
    if v is not None and (v.nep != nep or path != vote_path(v.nep, v.voter)):
        # The file itself is wrong wherever it points (even at a NEP that does not exist): WRONG_PATH first.
        return found(r("pr-vote-not-counted").at(
            path, parsed.pos("nep" if v.nep != nep else "voter"),
            f"this vote would not count: {VoteCode.WRONG_PATH}: a vote by {v.voter} on NEP {v.nep} must be stored "
            f"as {vote_path(v.nep, v.voter)}, and this folder is for NEP {nep}"),
            votes=note(f"refused: {VoteCode.WRONG_PATH}"), replaced=replaced)
    st = ctx.states.get(nep)
    if st is None or st.status is not NEPStatus.VOTING:
        if st is None:
            why = f"NEP-{nep:04d} does not exist on the base branch"
        elif st.voting_start is not None and ctx.as_of < st.voting_start:
            why = f"NEP-{nep:04d} is {st.status}; its voting starts at {fmt(st.voting_start)}"
        elif st.voting_end is not None and ctx.as_of >= st.voting_end:
            why = f"NEP-{nep:04d} is {st.status}; its voting ended at {fmt(st.voting_end)}"
        else:
            why = f"NEP-{nep:04d} is {st.status}, not in voting"
        return found(r("pr-vote-not-open").at(path, (1, 1), f"{why} (as of {fmt(ctx.as_of)})"),
                     votes=note("refused: NEP not in voting"), replaced=replaced)
    code, message, key = judge_added_vote(ctx, path, parsed, nep, st)
    if code is None:
        assert parsed.vote is not None
        return found(votes=note(f"{parsed.vote.choice}: would count"), replaced=replaced)
    pos = parsed.pos(key) if key else Pos(1, 1)
    return found(r("pr-vote-not-counted").at(path, pos, f"this vote would not count: {code}: {message}"),
                 votes=note(f"refused: {code}"), replaced=replaced)


def judge_added_vote(ctx: Context, path: str, parsed: ParsedVote, nep: int,
                     st: NEPState) -> tuple[VoteCode | None, str, str]:
    """The tally's verdict on the vote as if it were included at as_of: (code, explanation, key to point at)."""
    from tooling.core import stakes as stakes_mod
    from tooling.core.tally import VoteFile, judge_vote
    from tooling.core.votes import verify_vote

    assert ctx.base.repo is not None
    network = ctx.network_for(nep) or ctx.base.repo.governance.network
    # The content at voting start, as the tally binds it: main's file as of VS (a later change is
    # refused, and even one forced through does not move what the votes bind to).
    f = ctx.facts.get(nep)
    content_hash = (f.content_hash_at_vs or f.content_hash) if f is not None else ""
    assert st.voting_start is not None and st.voting_end is not None
    snapshot = ctx.stake_snapshots.get(st.voting_start)
    if snapshot is None:
        snapshot = ctx.stake_snapshots[st.voting_start] = stakes_mod.snapshot(ctx.ledger_at(st.voting_start) or (), st.voting_start)
    error = "; ".join(d.message for d in parsed.diagnostics) or None
    res = judge_vote(VoteFile(path, parsed.vote, ctx.as_of, error), nep=nep, network=network,
                     content_hash=content_hash, voting_start=st.voting_start, voting_end=st.voting_end,
                     snapshot=snapshot, signature_ok=verify_vote)
    v = parsed.vote
    code = res.code
    if code is VoteCode.NO_STAKE and v is not None and st.tally is not None and st.tally.delegation and \
            delegated_to(ctx.delegations, v.voter, st.voting_start, snapshot)[0] > 0:
        code = None  # a delegate without stake of its own carries its delegators' stake (SPEC 11)
    if code is None:
        return None, "", ""
    if code is VoteCode.MALFORMED or v is None:
        return code, f"the file does not match the vote schema ({error or 'see schemas/vote.schema.json'})", ""
    explain = {
        VoteCode.WRONG_PATH: (f"a vote by {v.voter} on NEP {v.nep} must be stored as {vote_path(v.nep, v.voter)} "
                              f"and this folder is for NEP {nep}", "voter"),
        VoteCode.WRONG_NETWORK: (f"it is signed for network '{v.network}', but this repository is '{network}'",
                                 "network"),
        VoteCode.BAD_KEY: ("public_key does not hash to the voter's node id", "public_key"),
        VoteCode.BAD_SIGNATURE: ("the signature does not verify (or is not low-s) for this vote's content",
                                 "signature"),
        VoteCode.STALE_CONTENT: (f"it signs content hash {v.content_hash[:12]}…, but NEP-{nep:04d}'s content hash "
                                 f"at voting start is {content_hash[:12]}… (`nep show {nep}` prints it)",
                                 "content_hash"),
        VoteCode.TOO_EARLY: (f"timestamp {v.timestamp} is before the voting start {fmt(st.voting_start)}",
                             "timestamp"),
        VoteCode.TOO_LATE: (f"timestamp {v.timestamp} is at or after the voting end {fmt(st.voting_end)}",
                            "timestamp"),
        VoteCode.FUTURE_TIMESTAMP: (f"timestamp {v.timestamp} is more than 300 s after now ({fmt(ctx.as_of)}); "
                                    "sign with the current time", "timestamp"),
        VoteCode.NO_STAKE: (f"node {v.voter} has no stake at the snapshot (voting start {fmt(st.voting_start)}); "
                            "stake added at or after voting start does not count", "voter"),
    }
    message, key = explain.get(code, (f"the tally would list it as {code}", ""))
    return code, message, key
