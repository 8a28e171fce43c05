"""SPEC 8: proposer reward, fee and voter rewards, exact at the clamp boundaries."""

from __future__ import annotations

from decimal import Decimal

from tooling.core.model import Outcome, Tally, VoteCode, VoteResult
from tooling.core.rewards import proposal_rewards

from helpers import GENESIS, make_vote_result
from helpers import make_tally as tally

RATES = GENESIS.rewards
FEE = Decimal("10")
PROPOSER = "p" * 32
VE = 1_768_000_000


def make_tally(yes: str, no: str = "0", abstain: str = "0", *, outcome: Outcome | None,
               quorum_reached: bool = True, extra: tuple[VoteResult, ...] = ()) -> Tally:
    rows = tuple(
        make_vote_result(c * 32, choice, w, timestamp=VE - 10, included_at=VE - 10)
        for c, choice, w in (("a", "yes", yes), ("b", "no", no), ("c", "abstain", abstain))
        if Decimal(w) > 0
    ) + extra
    return tally(yes, no, abstain, "1000000000", votes=rows, as_of=VE, final=outcome is not None,
                 quorum_reached=quorum_reached, approval_reached=True, outcome=outcome,
                 projected_outcome=outcome or Outcome.APPROVED, reason=None, decided_at=VE if outcome else None)


def approved(turnout: str):
    t = make_tally(turnout, outcome=Outcome.APPROVED)
    return proposal_rewards(1, PROPOSER, t, Outcome.APPROVED, True, RATES, FEE)


def test_approved_turnout_exactly_1000_earns_exactly_the_minimum_1_plus_fee():
    r = approved("1000")
    assert r.proposer_reward == Decimal("11") and r.fee_refunded and not r.fee_burned
    assert str(r.proposer_reward) == "11"


def test_approved_turnout_under_1000_is_raised_to_the_minimum():
    assert approved("999.999").proposer_reward == Decimal("11")


def test_approved_turnout_between_bounds_is_proportional():
    assert approved("250000").proposer_reward == Decimal("260")


def test_approved_turnout_exactly_one_million_earns_exactly_the_maximum_1000_plus_fee():
    assert approved("1000000").proposer_reward == Decimal("1010")


def test_approved_turnout_above_one_million_is_capped():
    assert approved("1000000.0001").proposer_reward == Decimal("1010")
    assert approved("50000000").proposer_reward == Decimal("1010")


def test_rejected_with_quorum_earns_turnout_rate_and_the_fee_is_kept():
    t = make_tally("100000", "400000", outcome=Outcome.REJECTED)
    r = proposal_rewards(1, PROPOSER, t, Outcome.REJECTED, True, RATES, FEE)
    assert r.proposer_reward == Decimal("50")
    assert not r.fee_refunded and not r.fee_burned


def test_rejected_with_quorum_exactly_one_million_hits_the_cap_of_100():
    t = make_tally("0", "1000000", outcome=Outcome.REJECTED)
    assert proposal_rewards(1, PROPOSER, t, Outcome.REJECTED, True, RATES, FEE).proposer_reward == Decimal("100")
    t = make_tally("0", "3000000", outcome=Outcome.REJECTED)
    assert proposal_rewards(1, PROPOSER, t, Outcome.REJECTED, True, RATES, FEE).proposer_reward == Decimal("100")


def test_rejected_without_quorum_earns_nothing_and_burns_the_fee():
    t = make_tally("10", outcome=Outcome.REJECTED, quorum_reached=False)
    r = proposal_rewards(1, PROPOSER, t, Outcome.REJECTED, False, RATES, FEE)
    assert r.proposer_reward == 0 and r.fee_burned and not r.fee_refunded
    assert r.voter_rewards == {"a" * 32: Decimal("0.001")}


def test_rejection_at_t0_without_a_tally_is_treated_as_no_quorum():
    # insufficient_stake and resubmitted_too_soon: rejected at T0, never voted on.
    r = proposal_rewards(1, PROPOSER, None, Outcome.REJECTED, False, RATES, FEE)
    assert r.proposer_reward == 0 and r.fee_burned and dict(r.voter_rewards) == {}
    assert r.total_voter_rewards == 0


def test_undecided_pays_nothing_and_holds_the_fee():
    t = make_tally("500000", outcome=None)
    r = proposal_rewards(1, PROPOSER, t, None, True, RATES, FEE)
    assert r.proposer_reward == 0 and not r.fee_refunded and not r.fee_burned
    assert dict(r.voter_rewards) == {} and r.total_voter_rewards == 0 and r.fee == FEE


def test_each_counted_voter_earns_voter_rate_times_weight_and_uncounted_earn_nothing():
    late = VoteResult(path="votes/nep-0001/" + "d" * 32 + ".yaml", voter="d" * 32, choice="yes",
                      weight=Decimal("999"), counted=False, code=VoteCode.LATE_INCLUSION,
                      timestamp=VE - 1, included_at=VE)
    t = make_tally("1500.25", "300", "0.5", outcome=Outcome.APPROVED, extra=(late,))
    r = proposal_rewards(1, PROPOSER, t, Outcome.APPROVED, True, RATES, FEE)
    assert dict(r.voter_rewards) == {
        "a" * 32: Decimal("0.150025"),
        "b" * 32: Decimal("0.03"),
        "c" * 32: Decimal("0.00005"),
    }
    assert r.total_voter_rewards == Decimal("0.180075")
    assert r.proposer == PROPOSER
