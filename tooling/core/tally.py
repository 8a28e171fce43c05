"""The tally of one NEP (SPEC 4 vote checks, SPEC 7 decision rule, SPEC 11 delegation), as pure functions.

The caller gathers the vote files (working tree or history) with their
inclusion times and the stake snapshot at voting start; everything here is a
function of those and ``as_of``. Arithmetic is exact decimal: quorum and
approval are compared by multiplication, never by a division or a float.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Callable, Mapping, Sequence

from tooling.core import votes
from tooling.core.model import (
    FUTURE_TOLERANCE_SECONDS,
    CarriedStake,
    Choice,
    Outcome,
    Reason,
    Tally,
    Vote,
    VoteCode,
    VoteResult,
)
from tooling.core.deferred import Deferred
from tooling.core.stakes import ZERO, Snapshot, exact_context


@dataclass(frozen=True, slots=True)
class VoteFile:
    """One vote file as found (working tree or history)."""

    path: str  # e.g. "votes/nep-0001/<voter>.yaml"
    vote: Vote | None  # None when the file failed its schema (MALFORMED)
    included_at: int | None  # inclusion time (clock) at as_of, None if not yet included
    error: str | None = None  # why malformed, for display


def _voter_from_path(path: str) -> str:
    name = posixpath.basename(path)
    return name[: -len(".yaml")] if name.endswith(".yaml") else name


def judge_vote(
    vf: VoteFile,
    *,
    nep: int,
    network: str,
    content_hash: str,
    voting_start: int,
    voting_end: int,
    snapshot: Snapshot,
    signature_ok: Callable[[Vote], bool],
) -> VoteResult:
    """The vote's row in the tally: counted (code None) or the first failing code of SPEC 4."""
    vote = vf.vote
    if vote is None:
        # The voter named by the file is the best guess at whose vote this was meant to be.
        voter = _voter_from_path(vf.path)
        return VoteResult(
            path=vf.path,
            voter=voter,
            choice=None,
            weight=snapshot.weight(voter),
            counted=False,
            code=VoteCode.MALFORMED,
            timestamp=None,
            included_at=vf.included_at,
            error=vf.error or "the file does not match the vote schema",
        )

    def row(code: VoteCode | None) -> VoteResult:
        return VoteResult(
            path=vf.path,
            voter=vote.voter,
            choice=str(vote.choice),
            weight=snapshot.weight(vote.voter),
            counted=code is None,
            code=code,
            timestamp=vote.timestamp,
            included_at=vf.included_at,
            reason=vote.reason,
        )

    if vote.nep != nep or vf.path != votes.vote_path(nep, vote.voter):
        return row(VoteCode.WRONG_PATH)
    if vote.network != network:
        return row(VoteCode.WRONG_NETWORK)
    try:
        key_matches = votes.node_id(vote.public_key) == vote.voter
    except ValueError:
        key_matches = False
    if not key_matches:
        return row(VoteCode.BAD_KEY)
    if not signature_ok(vote):
        return row(VoteCode.BAD_SIGNATURE)
    if vote.content_hash != content_hash:
        return row(VoteCode.STALE_CONTENT)
    if vote.timestamp < voting_start:
        return row(VoteCode.TOO_EARLY)
    if vote.timestamp >= voting_end:
        return row(VoteCode.TOO_LATE)
    if vf.included_at is None:
        return row(VoteCode.PENDING)
    if vf.included_at >= voting_end:
        return row(VoteCode.LATE_INCLUSION)
    if vote.timestamp > vf.included_at + FUTURE_TOLERANCE_SECONDS:
        return row(VoteCode.FUTURE_TIMESTAMP)
    if snapshot.weight(vote.voter) <= 0:
        return row(VoteCode.NO_STAKE)
    return row(None)


@dataclass(frozen=True)
class Decision:
    """SPEC 7 applied to the sums: both thresholds inclusive.

    ``approval_reached`` is the approval criterion alone; ``reason`` is the
    first of no_quorum, all_abstain, no_approval that applies (None if approved).
    """

    quorum_reached: bool
    approval_reached: bool
    outcome: Outcome
    reason: Reason | None


def decide(
    yes: Decimal,
    no: Decimal,
    abstain: Decimal,
    total: Decimal,
    quorum: Decimal,
    approval: Decimal,
) -> Decision:
    """The decision on Y, N, A against the snapshot total TS."""
    with exact_context():
        decisive = yes + no
        quorum_reached = total > 0 and decisive + abstain >= quorum * total
        approval_reached = decisive > 0 and yes >= approval * decisive
    if not quorum_reached:
        return Decision(quorum_reached, approval_reached, Outcome.REJECTED, Reason.NO_QUORUM)
    if decisive == 0:
        return Decision(quorum_reached, approval_reached, Outcome.REJECTED, Reason.ALL_ABSTAIN)
    if not approval_reached:
        return Decision(quorum_reached, approval_reached, Outcome.REJECTED, Reason.NO_APPROVAL)
    return Decision(quorum_reached, approval_reached, Outcome.APPROVED, None)


def apply_delegations(
    rows: Sequence[VoteResult], delegates: Mapping[str, str], snapshot: Snapshot
) -> tuple[tuple[VoteResult, ...], tuple[CarriedStake, ...]]:
    """SPEC 11: the rows with the stake their delegators lend them, and who lent what.

    For every node n with stake at the snapshot: a counted own vote keeps its
    stake; otherwise, if n delegates (``delegates[n]``) to d and d's vote
    passes every check but NO_STAKE, d's vote carries it; otherwise it is not
    counted. One hop only: d's own delegation never moves n's stake further.
    A vote whose own stake is 0 counts once it carries some stake.
    """
    own_counted = {r.voter for r in rows if r.counted}
    # The vote a delegate may carry stake with; the path makes it unique per voter.
    carriers: dict[str, VoteResult] = {}
    for r in rows:
        if r.code is None or r.code is VoteCode.NO_STAKE:
            carriers.setdefault(r.voter, r)
    lent: dict[str, list[str]] = {}
    extra: dict[str, Decimal] = {}
    carried: list[CarriedStake] = []
    weights = snapshot.weights
    with exact_context():
        for delegator in sorted(delegates):
            delegate = delegates[delegator]
            stake = weights.get(delegator, ZERO)
            if stake <= 0 or delegator in own_counted or delegate == delegator or delegate not in carriers:
                continue
            lent.setdefault(delegate, []).append(delegator)
            extra[delegate] = extra.get(delegate, ZERO) + stake
            carried.append(CarriedStake(delegator, delegate, stake))
        out: list[VoteResult] = []
        for r in rows:
            delegators = lent.get(r.voter)
            if not delegators or carriers.get(r.voter) is not r:
                out.append(r)
                continue
            added = extra[r.voter]
            out.append(
                replace(
                    r,
                    weight=r.weight + added,
                    delegated_weight=added,
                    delegators=tuple(delegators),
                    counted=True,
                    code=None,
                )
            )
    return tuple(out), tuple(carried)


def tally(
    nep: int,
    vote_files: Sequence[VoteFile],
    *,
    network: str,
    content_hash: str,
    voting_start: int,
    voting_end: int,
    snapshot: Snapshot,
    quorum: Decimal,
    approval: Decimal,
    as_of: int,
    signature_ok: Callable[[Vote], bool] = votes.verify_vote,
    delegation: bool = False,
    delegates: Mapping[str, str] | None = None,
) -> Tally:
    """The tally of NEP ``nep`` at ``as_of``: final (decided at VE) once ``as_of >= voting_end``.

    While voting is open ``outcome``, ``reason`` and ``decided_at`` are None and
    ``projected_outcome`` says what the outcome would be if voting ended now.
    Votes are listed by path.

    ``delegation`` says whether the feature was in force at the NEP's T0 (the
    caller decides); only then do ``delegates`` (delegator -> delegate in force
    at VS, see ``tooling.core.delegation.delegates_at``) move any stake.
    TS is the snapshot total either way.
    """
    if signature_ok is votes.verify_vote:
        # Parse each distinct public key once for this tally.
        signature_ok = votes.signature_checker()
    rows = sorted(
        (
            judge_vote(
                vf,
                nep=nep,
                network=network,
                content_hash=content_hash,
                voting_start=voting_start,
                voting_end=voting_end,
                snapshot=snapshot,
                signature_ok=signature_ok,
            )
            for vf in vote_files
        ),
        key=lambda r: r.path,
    )
    carried: tuple[CarriedStake, ...] = ()
    if delegation and delegates:
        rows, carried = apply_delegations(rows, delegates, snapshot)
    return tally_from_rows(nep, tuple(rows), snapshot=snapshot, quorum=quorum, approval=approval, as_of=as_of,
                           voting_end=voting_end, delegation=delegation, carried=carried)


def tally_from_rows(
    nep: int,
    rows: Sequence[VoteResult],
    *,
    snapshot: Snapshot,
    quorum: Decimal,
    approval: Decimal,
    as_of: int,
    voting_end: int,
    delegation: bool = False,
    carried: tuple[CarriedStake, ...] = (),
    sums: tuple[Decimal, Decimal, Decimal] | None = None,
) -> Tally:
    """The tally from its judged rows (sorted by path): what ``tally`` returns for the same rows.

    ``sums``: the counted yes, no and abstain weights of those rows when already known (a memo's), so
    deferred rows (``core.deferred``) are not read for them.
    """
    if sums is None:
        by_choice = {Choice.YES.value: ZERO, Choice.NO.value: ZERO, Choice.ABSTAIN.value: ZERO}
        with exact_context():
            for r in rows:
                if r.counted and r.choice is not None:
                    by_choice[r.choice] += r.weight
        sums = by_choice[Choice.YES.value], by_choice[Choice.NO.value], by_choice[Choice.ABSTAIN.value]
    yes, no, abstain = sums
    decision = decide(yes, no, abstain, snapshot.total, quorum, approval)
    final = as_of >= voting_end
    return Tally(
        nep=nep,
        as_of=as_of,
        final=final,
        total_stake=snapshot.total,
        yes=yes,
        no=no,
        abstain=abstain,
        quorum_reached=decision.quorum_reached,
        approval_reached=decision.approval_reached,
        outcome=decision.outcome if final else None,
        projected_outcome=decision.outcome,
        reason=decision.reason if final else None,
        decided_at=voting_end if final else None,
        votes=rows if isinstance(rows, Deferred) else tuple(rows),
        quorum=quorum,
        approval=approval,
        delegation=delegation,
        carried=carried,
    )
