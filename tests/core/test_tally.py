"""SPEC 4 vote checks and SPEC 7 decision rule, at their boundaries."""

from __future__ import annotations

import dataclasses
import hashlib
from decimal import Decimal

import pytest

from tooling.core import votes
from tooling.core.model import DAY, Choice, Outcome, Reason, StakeEntry, Vote, VoteCode
from tooling.core.stakes import Snapshot, snapshot
from tooling.core.tally import Decision, VoteFile, decide, judge_vote, tally

from helpers import high_s_twin

NET = "neuroshard-mainnet"
NEP = 3
CH = hashlib.sha256(b"content of nep 3").hexdigest()
VS = 1_768_000_000
VE = VS + 7 * DAY
Q = Decimal("0.20")
AP = Decimal("0.66")


# --------------------------------------------------------------------------
# Helpers


def always_ok(vote: Vote) -> bool:
    return True


def fake_vote(i: int, choice: str = "yes", ts: int = VS + 10, **changes) -> Vote:
    """An unsigned vote whose key hashes to its voter (for arithmetic with a stub verifier)."""
    pub = "02" + f"{i:064x}"
    voter = votes.node_id(pub)
    vote = Vote(
        path=votes.vote_path(NEP, voter), nep=NEP, voter=voter, public_key=pub, choice=Choice(choice),
        timestamp=ts, reason="", content_hash=CH, network=NET, signature="",
    )
    return dataclasses.replace(vote, **changes)


def real_vote(token: str, choice: str = "yes", ts: int = VS + 10, **kw) -> Vote:
    args = dict(network=NET, nep=NEP, content_hash=CH, choice=choice, timestamp=ts, reason="r")
    args.update(kw)
    return votes.sign_vote(votes.private_key_from_token(token), **args)


def filed(vote: Vote, included_at: int | None = None) -> VoteFile:
    return VoteFile(path=vote.path, vote=vote, included_at=vote.timestamp if included_at is None else included_at)


def snap(weights: dict[str, str], extra_total: str = "0") -> Snapshot:
    w = {k: Decimal(v) for k, v in weights.items()}
    return Snapshot(at=VS, weights=w, total=sum(w.values(), Decimal(0)) + Decimal(extra_total))


def run(files, snapshot_, *, as_of: int = VE, signature_ok=always_ok, quorum=Q, approval=AP):
    return tally(NEP, files, network=NET, content_hash=CH, voting_start=VS, voting_end=VE,
                 snapshot=snapshot_, quorum=quorum, approval=approval, as_of=as_of, signature_ok=signature_ok)


def judge(vf: VoteFile, snapshot_: Snapshot, signature_ok=always_ok):
    return judge_vote(vf, nep=NEP, network=NET, content_hash=CH, voting_start=VS, voting_end=VE,
                      snapshot=snapshot_, signature_ok=signature_ok)


def code_of(vote: Vote, included_at: int | None = None, weight: str = "100", signature_ok=always_ok):
    return judge(filed(vote, included_at), snap({vote.voter: weight}), signature_ok).code


# --------------------------------------------------------------------------
# Voting window and inclusion


def test_vote_at_exactly_voting_start_counts():
    assert code_of(fake_vote(1, ts=VS)) is None


def test_vote_one_second_before_voting_start_is_too_early():
    assert code_of(fake_vote(1, ts=VS - 1), included_at=VS) is VoteCode.TOO_EARLY


def test_vote_timestamped_exactly_at_voting_end_is_too_late():
    assert code_of(fake_vote(1, ts=VE), included_at=VE - 1) is VoteCode.TOO_LATE


def test_vote_one_second_before_voting_end_counts():
    assert code_of(fake_vote(1, ts=VE - 1), included_at=VE - 1) is None


def test_vote_included_exactly_at_voting_end_is_late_inclusion():
    assert code_of(fake_vote(1, ts=VE - 100), included_at=VE) is VoteCode.LATE_INCLUSION


def test_timestamp_exactly_300s_after_inclusion_counts():
    assert code_of(fake_vote(1, ts=VS + 1300), included_at=VS + 1000) is None


def test_timestamp_301s_after_inclusion_is_future_timestamp():
    assert code_of(fake_vote(1, ts=VS + 1301), included_at=VS + 1000) is VoteCode.FUTURE_TIMESTAMP


def test_vote_not_yet_included_is_pending_and_never_counted():
    vote = fake_vote(1)
    t = run([VoteFile(vote.path, vote, None)], snap({vote.voter: "100"}), as_of=VE + DAY)
    assert t.votes[0].code is VoteCode.PENDING and not t.votes[0].counted
    assert t.yes == 0 and t.outcome is Outcome.REJECTED and t.reason is Reason.NO_QUORUM


def test_stake_starting_at_voting_start_gives_no_stake():
    vote = fake_vote(1)
    ledger = [StakeEntry(node=vote.voter, amount=Decimal("500"), since=VS, locked_until=VE + DAY)]
    result = judge(filed(vote), snapshot(ledger, VS))
    assert result.code is VoteCode.NO_STAKE and result.weight == 0 and not result.counted


# --------------------------------------------------------------------------
# Intrinsic checks, with real signatures


def test_real_signed_vote_counts_with_default_verifier():
    vote = real_vote("alice")
    t = run([filed(vote)], snap({vote.voter: "100"}), signature_ok=votes.verify_vote)
    assert t.votes[0].code is None and t.votes[0].counted
    assert t.yes == Decimal("100") and t.outcome is Outcome.APPROVED


def test_vote_for_another_nep_is_wrong_path():
    other = real_vote("alice", nep=4)
    misplaced = dataclasses.replace(other, path=votes.vote_path(NEP, other.voter))
    assert code_of(misplaced, signature_ok=votes.verify_vote) is VoteCode.WRONG_PATH


def test_vote_under_another_file_name_is_wrong_path():
    vote = real_vote("alice")
    moved = dataclasses.replace(vote, path=votes.vote_path(NEP, "0" * 32))
    assert code_of(moved, signature_ok=votes.verify_vote) is VoteCode.WRONG_PATH


def test_vote_for_another_network_is_wrong_network():
    assert code_of(real_vote("alice", network="neuroshard-testnet"), signature_ok=votes.verify_vote) is (
        VoteCode.WRONG_NETWORK
    )


def test_public_key_of_another_node_is_bad_key():
    vote = real_vote("alice")
    bob_key = votes.public_key_hex(votes.private_key_from_token("bob"))
    assert code_of(dataclasses.replace(vote, public_key=bob_key), signature_ok=votes.verify_vote) is VoteCode.BAD_KEY


def test_high_s_re_encoding_is_bad_signature():
    vote = real_vote("alice")
    twin = dataclasses.replace(vote, signature=high_s_twin(vote.signature))
    assert twin.signature != vote.signature
    assert code_of(vote, signature_ok=votes.verify_vote) is None
    assert code_of(twin, signature_ok=votes.verify_vote) is VoteCode.BAD_SIGNATURE


def test_vote_on_other_content_is_stale_content():
    assert code_of(real_vote("alice", content_hash="f" * 64), signature_ok=votes.verify_vote) is (
        VoteCode.STALE_CONTENT
    )


def test_malformed_file_is_listed_with_its_error():
    path = votes.vote_path(NEP, "a" * 32)
    result = judge(VoteFile(path, None, VS, error="choice: 'maybe' is not one of yes, no, abstain"), snap({}))
    assert result.code is VoteCode.MALFORMED and not result.counted
    assert result.voter == "a" * 32 and result.choice is None and result.weight == 0
    assert "maybe" in result.error


def test_first_failing_check_wins_and_crypto_is_skipped_after_a_failure():
    calls: list[Vote] = []

    def recording(vote: Vote) -> bool:
        calls.append(vote)
        return False

    # Wrong network, stale, too early and unsigned at once: the network is reported.
    vote = fake_vote(1, ts=VS - 5, network="other", content_hash="0" * 64)
    assert code_of(vote, signature_ok=recording) is VoteCode.WRONG_NETWORK
    assert calls == []
    assert code_of(fake_vote(1, ts=VS - 5, content_hash="0" * 64), signature_ok=recording) is VoteCode.BAD_SIGNATURE
    assert len(calls) == 1


def test_every_vote_row_carries_the_snapshot_weight_and_votes_are_sorted_by_path():
    a, b, c = fake_vote(1), fake_vote(2, ts=VS - 1), fake_vote(3)
    s = snap({a.voter: "10", b.voter: "20", c.voter: "30"})
    t = run([filed(c), filed(b, VS), filed(a)], s)
    assert [r.path for r in t.votes] == sorted(v.path for v in (a, b, c))
    weights = {r.voter: r.weight for r in t.votes}
    assert weights == {a.voter: Decimal("10"), b.voter: Decimal("20"), c.voter: Decimal("30")}
    assert {r.voter: r.code for r in t.votes}[b.voter] is VoteCode.TOO_EARLY
    assert t.yes == Decimal("40")


# --------------------------------------------------------------------------
# Decision rule


def test_quorum_exactly_20_percent_is_reached():
    assert decide(Decimal(20), Decimal(0), Decimal(0), Decimal(100), Q, AP).quorum_reached is True


def test_quorum_a_hair_under_20_percent_fails():
    d = decide(Decimal("19.999999999999999999999999999999"), Decimal(0), Decimal(0), Decimal(100), Q, AP)
    assert d == Decision(False, True, Outcome.REJECTED, Reason.NO_QUORUM)  # approval alone would pass


def test_approval_exactly_66_percent_passes():
    d = decide(Decimal(66), Decimal(34), Decimal(0), Decimal(100), Q, AP)
    assert d == Decision(quorum_reached=True, approval_reached=True, outcome=Outcome.APPROVED, reason=None)


def test_approval_just_under_66_percent_fails():
    yes = Decimal("65.999999999999999999999999999999999")
    no = Decimal("34.000000000000000000000000000000001")
    d = decide(yes, no, Decimal(0), Decimal(100), Q, AP)
    assert d == Decision(True, False, Outcome.REJECTED, Reason.NO_APPROVAL)


def test_six_hundredths_of_thirty_hundredths_is_exactly_20_percent_quorum():
    vote = fake_vote(1)
    t = run([filed(vote)], snap({vote.voter: "0.06"}, extra_total="0.24"))
    assert t.total_stake == Decimal("0.30") and t.yes == Decimal("0.06")
    assert t.quorum_reached is True and t.outcome is Outcome.APPROVED


def test_abstain_only_is_all_abstain():
    vote = fake_vote(1, choice="abstain")
    t = run([filed(vote)], snap({vote.voter: "50"}, extra_total="50"))
    assert t.quorum_reached is True and t.approval_reached is False
    assert t.outcome is Outcome.REJECTED and t.reason is Reason.ALL_ABSTAIN


def test_abstain_counts_for_quorum_only():
    y, n, a = fake_vote(1, "yes"), fake_vote(2, "no"), fake_vote(3, "abstain")
    t = run([filed(y), filed(n), filed(a)], snap({y.voter: "7", n.voter: "3", a.voter: "90"}))
    assert t.quorum_reached is True and t.approval_reached is True  # 7 of 10 decisive
    assert t.outcome is Outcome.APPROVED


def test_zero_total_stake_is_no_quorum_without_division():
    d = decide(Decimal(0), Decimal(0), Decimal(0), Decimal(0), Q, AP)
    assert d == Decision(False, False, Outcome.REJECTED, Reason.NO_QUORUM)
    t = run([], Snapshot(at=VS))
    assert t.total_stake == 0 and t.reason is Reason.NO_QUORUM


def test_reasons_are_checked_no_quorum_first():
    # Under quorum and all abstain: no_quorum wins.
    assert decide(Decimal(0), Decimal(0), Decimal(1), Decimal(100), Q, AP).reason is Reason.NO_QUORUM


# --------------------------------------------------------------------------
# Provisional and final


def test_decided_at_is_voting_end_whatever_as_of_after_it():
    vote = fake_vote(1)
    for as_of in (VE, VE + 1, VE + 365 * DAY):
        t = run([filed(vote)], snap({vote.voter: "100"}), as_of=as_of)
        assert t.final is True and t.decided_at == VE and t.as_of == as_of
        assert t.outcome is Outcome.APPROVED


def test_tally_during_voting_is_provisional():
    vote = fake_vote(1, choice="no")
    t = run([filed(vote)], snap({vote.voter: "100"}), as_of=VE - 1)
    assert t.final is False and t.outcome is None and t.decided_at is None and t.reason is None
    assert t.projected_outcome is Outcome.REJECTED
    assert t.quorum == Q and t.approval == AP


@pytest.mark.parametrize("as_of", [VS, VE - 1])
def test_pending_vote_is_not_counted_in_the_projection(as_of):
    vote = fake_vote(1)
    t = run([VoteFile(vote.path, vote, None)], snap({vote.voter: "1"}), as_of=as_of)
    assert t.votes[0].code is VoteCode.PENDING and t.projected_outcome is Outcome.REJECTED
