"""Fees and rewards of one proposal (SPEC 8), as a pure function of its tally and outcome.

"Total stake voted" (turnout) is Y + N + A of the counted votes, delegated
stake included (SPEC 11). A counted voter earns the voter rate on its own
weight; a delegator whose stake its delegate's vote carried earns it on that
stake, listed among the voters with role ``delegator``. All amounts are exact
decimals; rates and bounds come from the governance parameters in force at
the NEP's T0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Mapping

from tooling.core.model import Outcome, RewardRole, Rewards, Tally
from tooling.core.stakes import ZERO, exact_context


@dataclass(frozen=True)
class ProposalRewards:
    """What one proposal pays and earns.

    ``proposer_reward`` includes the refunded fee when the NEP is approved.
    The fee is refunded (approved), burned (rejected without quorum, which
    includes rejections at T0) or neither: kept by the treasury when rejected
    with quorum, held while undecided.
    """

    nep: int
    fee: Decimal
    fee_refunded: bool
    fee_burned: bool
    proposer: str | None
    proposer_reward: Decimal
    #: Every node paid for this NEP's vote, voters and delegators alike.
    voter_rewards: Mapping[str, Decimal] = field(default_factory=dict)
    total_voter_rewards: Decimal = ZERO
    #: Why each node of ``voter_rewards`` is paid.
    voter_roles: Mapping[str, RewardRole] = field(default_factory=dict)


def _tidy(amount: Decimal) -> Decimal:
    """Drop trailing zeros a rate multiplication leaves ("1.000" -> "1"); call in an exact context."""
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.normalize()


def proposal_rewards(
    nep: int,
    proposer: str | None,
    tally: Tally | None,
    outcome: Outcome | None,
    quorum_reached: bool,
    rewards: Rewards,
    fee: Decimal,
) -> ProposalRewards:
    """SPEC 8 for one NEP.

    ``outcome`` None means undecided: nothing is paid and the fee is held.
    A rejection with ``tally`` None (at T0: insufficient stake, resubmitted
    too soon) is treated as a rejection without quorum. Voters are paid only
    once the outcome is decided, whatever it is.
    """
    if outcome is None:
        return ProposalRewards(nep, fee, False, False, proposer, ZERO, MappingProxyType({}), ZERO,
                               MappingProxyType({}))

    turnout = tally.turnout_stake if tally is not None else ZERO
    voter_rewards: dict[str, Decimal] = {}
    roles: dict[str, RewardRole] = {}
    total_voters = ZERO
    with exact_context():
        if outcome is Outcome.APPROVED:
            base = min(max(turnout * rewards.approved_rate, rewards.approved_min), rewards.approved_max)
            proposer_reward = base + fee
            refunded, burned = True, False
        elif quorum_reached and tally is not None:
            proposer_reward = min(turnout * rewards.rejected_rate, rewards.rejected_max)
            refunded, burned = False, False
        else:
            proposer_reward = ZERO
            refunded, burned = False, True
        if tally is not None:
            paid = [(v.voter, v.own_weight, RewardRole.VOTER) for v in tally.votes if v.counted]
            paid += [(c.delegator, c.stake, RewardRole.DELEGATOR) for c in tally.carried]
            # A delegate without stake of its own is still a counted voter: listed, earning 0.
            for node, weight, role in paid:
                amount = _tidy(rewards.voter_rate * weight)
                voter_rewards[node] = voter_rewards.get(node, ZERO) + amount
                roles.setdefault(node, role)
                total_voters += amount
        proposer_reward = _tidy(proposer_reward)
        total_voters = _tidy(total_voters)
    return ProposalRewards(
        nep=nep,
        fee=fee,
        fee_refunded=refunded,
        fee_burned=burned,
        proposer=proposer,
        proposer_reward=proposer_reward,
        voter_rewards=MappingProxyType(voter_rewards),
        total_voter_rewards=total_voters,
        voter_roles=MappingProxyType(roles),
    )
