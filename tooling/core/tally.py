"""The tally of one NEP (SPEC 4 vote checks, SPEC 7 decision rule), as pure functions.

The caller gathers the vote files (working tree or history) with their
inclusion times and the stake snapshot at voting start; everything here is a
function of those and ``as_of``. Arithmetic is exact decimal: quorum and
approval are compared by multiplication, never by a division or a float.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Sequence

from tooling.core import votes
from tooling.core.model import (
    FUTURE_TOLERANCE_SECONDS,
    Choice,
    Outcome,
    Reason,
    Tally,
    Vote,
    VoteCode,
    VoteResult,
)
from tooling.core.stakes import ZERO, Snapshot, exact_context


@dataclass(frozen=True)
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


def decide(
    yes: Decimal,
    no: Decimal,
    abstain: Decimal,
    total: Decimal,
    quorum: Decimal,
    approval: Decimal,
) -> tuple[bool, bool, Outcome, Reason | None]:
    """SPEC 7: (quorum_reached, approval_reached, outcome, reason), both thresholds inclusive.

    ``approval_reached`` is the approval criterion alone; the reason is the
    first of no_quorum, all_abstain, no_approval that applies.
    """
    with exact_context():
        decisive = yes + no
        quorum_reached = total > 0 and decisive + abstain >= quorum * total
        approval_reached = decisive > 0 and yes >= approval * decisive
    if not quorum_reached:
        return quorum_reached, approval_reached, Outcome.REJECTED, Reason.NO_QUORUM
    if decisive == 0:
        return quorum_reached, approval_reached, Outcome.REJECTED, Reason.ALL_ABSTAIN
    if not approval_reached:
        return quorum_reached, approval_reached, Outcome.REJECTED, Reason.NO_APPROVAL
    return quorum_reached, approval_reached, Outcome.APPROVED, None


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
) -> Tally:
    """The tally of NEP ``nep`` at ``as_of``: final (decided at VE) once ``as_of >= voting_end``.

    While voting is open ``outcome``, ``reason`` and ``decided_at`` are None and
    ``projected_outcome`` says what the outcome would be if voting ended now.
    Votes are listed by path.
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
    sums = {Choice.YES.value: ZERO, Choice.NO.value: ZERO, Choice.ABSTAIN.value: ZERO}
    with exact_context():
        for r in rows:
            if r.counted and r.choice is not None:
                sums[r.choice] += r.weight
    yes, no, abstain = sums["yes"], sums["no"], sums["abstain"]
    quorum_reached, approval_reached, projected, reason = decide(
        yes, no, abstain, snapshot.total, quorum, approval
    )
    final = as_of >= voting_end
    return Tally(
        nep=nep,
        as_of=as_of,
        final=final,
        total_stake=snapshot.total,
        yes=yes,
        no=no,
        abstain=abstain,
        quorum_reached=quorum_reached,
        approval_reached=approval_reached,
        outcome=projected if final else None,
        projected_outcome=projected,
        reason=reason if final else None,
        decided_at=voting_end if final else None,
        votes=tuple(rows),
        quorum=quorum,
        approval=approval,
    )
