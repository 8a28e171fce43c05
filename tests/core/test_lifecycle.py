"""The lifecycle (SPEC 7) at the instants where it changes: T0, VS, VE, AT, and one second before each.

Votes are real signed votes (tooling.core.votes) checked by the real tally, so a
state here is exactly what ``nep status`` would compute from the same facts.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

import pytest

from tooling.core import votes
from tooling.core.lifecycle import (
    EffectiveGovernance,
    NEPFacts,
    Timeline,
    compute_states,
    governance_at,
    governance_change_error,
    parameters_at,
    protocol_at,
    value_in_force,
    values_equal,
)
from tooling.core.model import (
    DAY,
    HOUR,
    Governance,
    NEPStatus,
    NEPType,
    Outcome,
    ParameterChange,
    Reason,
    StakeEntry,
)
from tooling.core.tally import VoteFile

from helpers import AT, GENESIS, T0, VE, VS

NET = "neuroshard-testnet"
FOREVER = 4_000_000_000
#: The example's genesis governance on a test network (standard track: 7 days of review, 7 of voting).
GOV = replace(GENESIS, network=NET)

# P proposes; A, B and C vote. Keys are derived from wallet tokens, as nodes do.
KEYS = {name: votes.private_key_from_token(f"lifecycle-test-{name}") for name in "PABC"}
NODE = {name: votes.node_id(votes.public_key_hex(key)) for name, key in KEYS.items()}


def ledger(**amounts: str) -> tuple[StakeEntry, ...]:
    """One entry per node, staked from the epoch to far in the future."""
    return tuple(StakeEntry(NODE[name], Decimal(a), 0, FOREVER) for name, a in amounts.items())


# Total stake 1000: A alone is a 25 % turnout (quorum at 20 % yes, at 30 % no).
STAKES = ledger(P="100", A="250", B="650")


def chash(n: int) -> str:
    return f"{n:064x}"


@lru_cache(maxsize=None)
def ballot(n: int, who: str, choice: str, timestamp: int, content_hash: str | None = None) -> VoteFile:
    """A correctly signed vote by ``who`` at ``timestamp``, included one minute later."""
    v = votes.sign_vote(
        KEYS[who], network=NET, nep=n, content_hash=content_hash or chash(n), choice=choice, timestamp=timestamp
    )
    return VoteFile(path=v.path, vote=v, included_at=timestamp + 60)


def nep(
    n: int,
    t0: int | None = T0,
    *,
    type: NEPType = NEPType.ARCHITECTURE,
    ballots: dict[str, str] | None = None,
    vote_at: int | None = None,
    grace: int = 7,
    changes: tuple[tuple[str, str, object], ...] = (),
    **kw: object,
) -> NEPFacts:
    """A NEP proposed by P, submitted at ``t0``; ballots are cast at ``vote_at`` (default: its standard VS)."""
    if vote_at is None and t0 is not None:
        vote_at = t0 if type is NEPType.EMERGENCY else t0 + 168 * HOUR
    vote_files = tuple(ballot(n, who, choice, vote_at) for who, choice in (ballots or {}).items())
    fields: dict[str, object] = dict(
        nep=n,
        type=type,
        author_status=NEPStatus.REVIEW if t0 is not None else NEPStatus.DRAFT,
        proposer=NODE["P"],
        content_hash=chash(n),
        submitted=t0,
        grace_period_days=grace,
        target_version="1.1.0",
        parameter_changes=tuple(ParameterChange(m, p, None, v, "because") for m, p, v in changes),
        vote_files=vote_files,
    )
    fields.update(kw)
    return NEPFacts(**fields)  # type: ignore[arg-type]


def states(*facts: NEPFacts, as_of: int, stakes=STAKES, governance: Governance = GOV):
    return compute_states(facts, governance, stakes, as_of)


def state(facts: NEPFacts, as_of: int, **kw):
    return states(facts, as_of=as_of, **kw)[facts.nep]


YES = {"A": "yes"}  # 25 % turnout, all yes: approved under the genesis values


# --------------------------------------------------------------------------
# draft, review, voting


def test_draft_before_submission_and_without_submission() -> None:
    assert state(nep(1), T0 - 1).status is NEPStatus.DRAFT
    s = state(nep(1, None), FOREVER)
    assert (s.status, s.submitted, s.voting_start, s.tally) == (NEPStatus.DRAFT, None, None, None)


def test_never_submitted_and_withdrawn_is_withdrawn() -> None:
    assert state(nep(1, None, author_status=NEPStatus.WITHDRAWN), T0).status is NEPStatus.WITHDRAWN
    s = state(nep(1, None, withdrawn_at=T0 - 5), T0)
    assert (s.status, s.withdrawn_at) == (NEPStatus.WITHDRAWN, T0 - 5)


def test_review_at_exactly_t0() -> None:
    s = state(nep(1), T0)
    assert (s.status, s.submitted, s.voting_start, s.voting_end) == (NEPStatus.REVIEW, T0, VS, VE)
    assert s.tally is None and s.decided_at is None and s.track == "standard"


def test_review_at_vs_minus_1_and_voting_at_exactly_vs() -> None:
    assert state(nep(1, ballots=YES), VS - 1).status is NEPStatus.REVIEW
    s = state(nep(1, ballots=YES), VS)
    assert s.status is NEPStatus.VOTING
    assert s.tally is not None and s.tally.final is False and s.tally.outcome is None


def test_voting_at_ve_minus_1_has_provisional_tally() -> None:
    s = state(nep(1, ballots=YES), VE - 1)
    assert s.status is NEPStatus.VOTING and s.outcome is None and s.decided_at is None
    assert s.tally.final is False
    assert s.tally.projected_outcome is Outcome.APPROVED
    assert s.tally.yes == Decimal("250") and s.tally.total_stake == Decimal("1000")


# --------------------------------------------------------------------------
# decision, grace, activation


def test_decided_at_exactly_ve_scheduled_until_at() -> None:
    s = state(nep(1, ballots=YES), VE)
    assert (s.status, s.outcome, s.decided_at) == (NEPStatus.SCHEDULED, Outcome.APPROVED, VE)
    assert s.tally.final is True and s.tally.outcome is Outcome.APPROVED
    assert s.activates_at == AT and s.activated is None


def test_scheduled_at_at_minus_1_active_at_exactly_at() -> None:
    before = state(nep(1, ballots=YES), AT - 1)
    assert (before.status, before.activates_at, before.activated) == (NEPStatus.SCHEDULED, AT, None)
    s = state(nep(1, ballots=YES), AT)
    assert (s.status, s.activates_at, s.activated) == (NEPStatus.ACTIVE, AT, AT)


def test_grace_zero_is_active_at_ve() -> None:
    assert state(nep(1, ballots=YES, grace=0), VE - 1).status is NEPStatus.VOTING
    s = state(nep(1, ballots=YES, grace=0), VE)
    assert (s.status, s.decided_at, s.activated) == (NEPStatus.ACTIVE, VE, VE)


def test_rejected_at_ve_with_the_tally_reason() -> None:
    no_votes = state(nep(1), VE)
    assert (no_votes.status, no_votes.reason, no_votes.decided_at) == (NEPStatus.REJECTED, Reason.NO_QUORUM, VE)
    against = state(nep(1, ballots={"A": "yes", "B": "no"}), VE)
    assert (against.status, against.reason) == (NEPStatus.REJECTED, Reason.NO_APPROVAL)
    abstain = state(nep(1, ballots={"B": "abstain"}), VE)
    assert (abstain.status, abstain.reason) == (NEPStatus.REJECTED, Reason.ALL_ABSTAIN)
    assert abstain.activates_at is None and abstain.tally.final is True


def test_decided_at_stays_ve_long_after_ve() -> None:
    later = VE + 400 * DAY
    s = state(nep(1, ballots=YES), later)
    assert (s.status, s.decided_at, s.activated) == (NEPStatus.ACTIVE, VE, AT)
    assert s.tally.decided_at == VE and s.tally.as_of == later
    r = state(nep(2), later)
    assert (r.status, r.decided_at) == (NEPStatus.REJECTED, VE)


def test_emergency_track_votes_from_t0_for_48_hours() -> None:
    f = nep(1, type=NEPType.EMERGENCY, ballots=YES, grace=0)
    s = state(f, T0)
    assert (s.status, s.voting_start, s.voting_end, s.track) == (NEPStatus.VOTING, T0, T0 + 48 * HOUR, "emergency")
    assert state(f, T0 + 48 * HOUR - 1).status is NEPStatus.VOTING
    assert state(f, T0 + 48 * HOUR).status is NEPStatus.ACTIVE


def test_snapshot_is_taken_at_vs_not_at_as_of() -> None:
    # A's stake ends one second after VS: it still weighs 250 in a tally read long after VE,
    # and stake B adds at exactly VS counts for nothing.
    stakes = ledger(P="100", B="650") + (
        StakeEntry(NODE["A"], Decimal("250"), 0, VS + 1),
        StakeEntry(NODE["B"], Decimal("5000"), VS, FOREVER),
    )
    s = state(nep(1, ballots=YES), VE + 100 * DAY, stakes=stakes)
    assert s.tally.total_stake == Decimal("1000") and s.tally.yes == Decimal("250")
    assert s.status is NEPStatus.ACTIVE


def test_votes_bind_to_the_content_hash_at_vs() -> None:
    old = chash(1)
    f = nep(1, ballots=YES, content_hash="e" * 64, content_hash_at_vs=old)
    s = state(f, VE)
    assert s.tally.yes == Decimal("250") and s.status is NEPStatus.SCHEDULED
    stale = state(nep(1, ballots=YES, content_hash="e" * 64), VE)
    assert stale.tally.yes == 0 and stale.reason is Reason.NO_QUORUM


# --------------------------------------------------------------------------
# checks at T0


def test_proposer_stake_exactly_100_passes() -> None:
    s = state(nep(1), T0, stakes=ledger(P="100", A="900"))
    assert s.status is NEPStatus.REVIEW


def test_proposer_stake_99_99_is_rejected_at_t0() -> None:
    s = state(nep(1), T0, stakes=ledger(P="99.99", A="900"))
    assert (s.status, s.outcome, s.reason) == (NEPStatus.REJECTED, Outcome.REJECTED, Reason.INSUFFICIENT_STAKE)
    assert (s.decided_at, s.submitted, s.voting_start, s.tally) == (T0, T0, None, None)


def test_proposer_stake_added_at_exactly_t0_does_not_count() -> None:
    stakes = ledger(A="900") + (StakeEntry(NODE["P"], Decimal("100"), T0, FOREVER),)
    assert state(nep(1), T0, stakes=stakes).reason is Reason.INSUFFICIENT_STAKE


def test_rejected_at_t0_stays_rejected_even_if_withdrawn_before_vs() -> None:
    s = state(nep(1, withdrawn_at=T0 + 10), VE, stakes=ledger(P="1", A="900"))
    assert (s.status, s.reason) == (NEPStatus.REJECTED, Reason.INSUFFICIENT_STAKE)


D = VE  # NEP 1 (no votes) is rejected for no quorum at its VE
WAIT = 30 * DAY


def test_resubmission_exactly_at_decision_plus_30_days_is_allowed() -> None:
    s = states(nep(1), nep(2, D + WAIT, resubmission_of=1), as_of=D + WAIT)
    assert s[1].decided_at == D
    assert (s[2].status, s[2].submitted) == (NEPStatus.REVIEW, D + WAIT)


def test_resubmission_one_second_early_is_rejected_at_t0() -> None:
    s = states(nep(1), nep(2, D + WAIT - 1, resubmission_of=1), as_of=D + WAIT + 100 * DAY)
    assert (s[2].status, s[2].reason, s[2].decided_at) == (
        NEPStatus.REJECTED,
        Reason.RESUBMITTED_TOO_SOON,
        D + WAIT - 1,
    )


def test_resubmission_of_a_nep_not_rejected_by_t0_is_not_checked() -> None:
    # NEP 1 is still voting when NEP 2 comes in; the validator reports the bad reference.
    s = states(nep(1), nep(2, VS + 1, resubmission_of=1), as_of=VE + 1)
    assert s[1].status is NEPStatus.REJECTED and s[1].decided_at == VE
    assert (s[2].status, s[2].reason) == (NEPStatus.VOTING, None)  # its own VS is VS + 1 + 7 days
    approved = states(nep(1, ballots=YES), nep(2, VE + DAY, resubmission_of=1), as_of=VE + DAY)
    assert approved[2].status is NEPStatus.REVIEW


def test_resubmission_wait_is_the_one_frozen_at_t0() -> None:
    # NEP 3 (gov) shortens the wait to 10 days from its activation, before NEP 2's T0.
    wait_10 = (("governance", "resubmit_wait_days", 10),)
    gov = nep(3, T0 - 30 * DAY, type=NEPType.GOVERNANCE, ballots=YES, changes=wait_10)
    s = states(gov, nep(1), nep(2, D + 10 * DAY, resubmission_of=1), as_of=D + 10 * DAY)
    assert s[3].activated is not None and s[3].activated <= T0
    assert s[2].status is NEPStatus.REVIEW
    early = states(gov, nep(1), nep(2, D + 10 * DAY - 1, resubmission_of=1), as_of=D + 10 * DAY)
    assert early[2].reason is Reason.RESUBMITTED_TOO_SOON


# --------------------------------------------------------------------------
# withdrawal


def test_withdrawal_one_second_before_vs_withdraws() -> None:
    s = state(nep(1, ballots=YES, withdrawn_at=VS - 1, author_status=NEPStatus.WITHDRAWN), VE)
    assert (s.status, s.withdrawn_at, s.outcome, s.tally) == (NEPStatus.WITHDRAWN, VS - 1, None, None)


def test_withdrawal_at_exactly_vs_is_ignored() -> None:
    f = nep(1, ballots=YES, withdrawn_at=VS, author_status=NEPStatus.WITHDRAWN)
    assert state(f, VS).status is NEPStatus.VOTING
    assert state(f, VE).status is NEPStatus.SCHEDULED


def test_withdrawal_is_not_seen_before_it_happens() -> None:
    f = nep(1, withdrawn_at=T0 + DAY, author_status=NEPStatus.WITHDRAWN)
    assert state(f, T0 + DAY - 1).status is NEPStatus.REVIEW
    assert state(f, T0 + DAY).status is NEPStatus.WITHDRAWN


def test_file_says_withdrawn_without_history_counts_as_before_vs() -> None:
    s = state(nep(1, ballots=YES, author_status=NEPStatus.WITHDRAWN), VE)
    assert (s.status, s.withdrawn_at) == (NEPStatus.WITHDRAWN, None)


def test_emergency_nep_cannot_be_withdrawn_once_submitted() -> None:
    f = nep(1, type=NEPType.EMERGENCY, ballots=YES, grace=0, withdrawn_at=T0, author_status=NEPStatus.WITHDRAWN)
    assert state(f, T0).status is NEPStatus.VOTING


# --------------------------------------------------------------------------
# deprecation

LATER = T0 + 30 * DAY  # NEP 2 is submitted after NEP 1 is active
AT2 = LATER + 2 * 168 * HOUR + 7 * DAY


def test_deprecated_at_the_activation_of_a_later_nep_that_supersedes_it() -> None:
    one, two = nep(1, ballots=YES), nep(2, LATER, ballots=YES, supersedes=(1,))
    before = states(one, two, as_of=AT2 - 1)
    assert before[1].status is NEPStatus.ACTIVE and before[2].status is NEPStatus.SCHEDULED
    s = states(one, two, as_of=AT2)
    assert (s[1].status, s[1].deprecated_at, s[1].deprecated_by) == (NEPStatus.DEPRECATED, AT2, 2)
    assert s[1].activated == AT and s[1].outcome is Outcome.APPROVED
    assert s[2].status is NEPStatus.ACTIVE


def test_superseding_a_rejected_nep_changes_nothing() -> None:
    s = states(nep(1), nep(2, LATER, ballots=YES, supersedes=(1,)), as_of=AT2)
    assert (s[1].status, s[1].deprecated_at, s[1].deprecated_by) == (NEPStatus.REJECTED, None, None)


def test_superseding_a_nep_before_it_is_active_changes_nothing() -> None:
    # NEP 2 (grace 0) activates before NEP 1 (grace 30): NEP 1 was not active then.
    one = nep(1, ballots=YES, grace=30)
    two = nep(2, T0 + 1, ballots=YES, grace=0, supersedes=(1,))
    s = states(one, two, as_of=VE + 31 * DAY)
    assert (s[1].status, s[1].deprecated_at) == (NEPStatus.ACTIVE, None)


def test_the_first_superseding_activation_deprecates() -> None:
    one = nep(1, ballots=YES)
    two = nep(2, LATER, ballots=YES, supersedes=(1,))
    three = nep(3, LATER + DAY, ballots=YES, supersedes=(1,))
    s = states(one, two, three, as_of=AT2 + 2 * DAY)
    assert (s[1].deprecated_at, s[1].deprecated_by) == (AT2, 2)


# --------------------------------------------------------------------------
# governance values frozen at T0

GOV_T0 = T0 - 60 * DAY
GOV_AT = GOV_T0 + 2 * 168 * HOUR + 7 * DAY  # activation of the quorum change


def quorum_30() -> NEPFacts:
    return nep(90, GOV_T0, type=NEPType.GOVERNANCE, ballots=YES, changes=(("governance", "quorum", "0.30"),))


def test_quorum_030_applies_to_a_nep_submitted_at_its_activation() -> None:
    s = states(quorum_30(), nep(1, GOV_AT, ballots=YES), as_of=GOV_AT + 30 * DAY)
    assert s[90].activated == GOV_AT
    assert s[1].tally.quorum == Decimal("0.30")
    assert (s[1].status, s[1].reason) == (NEPStatus.REJECTED, Reason.NO_QUORUM)  # 25 % < 30 %


def test_quorum_030_does_not_apply_to_a_nep_submitted_one_second_before() -> None:
    s = states(quorum_30(), nep(1, GOV_AT - 1, ballots=YES), as_of=GOV_AT + 30 * DAY)
    assert s[1].tally.quorum == Decimal("0.20")
    assert s[1].status is NEPStatus.ACTIVE


def test_governance_at_overlays_active_gov_changes() -> None:
    f = quorum_30()
    s = states(f, as_of=GOV_AT)
    assert governance_at(GOV, s, {90: f}, GOV_AT - 1) == EffectiveGovernance.from_genesis(GOV)
    after = governance_at(GOV, s, {90: f}, GOV_AT)
    assert after.quorum == Decimal("0.30") and after.approval == Decimal("0.66")


def test_voting_hours_change_lengthens_later_votes_only() -> None:
    gov = nep(
        90,
        GOV_T0,
        type=NEPType.GOVERNANCE,
        ballots=YES,
        changes=(("governance", "tracks.standard.voting_hours", 240), ("governance.rewards", "approved_rate", 0.002)),
    )
    s = states(gov, nep(1, GOV_AT), nep(2, GOV_AT - 1), as_of=GOV_AT)
    assert s[1].voting_end - s[1].voting_start == 240 * HOUR
    assert s[2].voting_end - s[2].voting_start == 168 * HOUR
    eg = governance_at(GOV, s, {90: gov}, GOV_AT)
    assert eg.tracks["standard"].voting_hours == 240 and eg.rewards.approved_rate == Decimal("0.002")
    assert eg.tracks["emergency"] == GOV.tracks["emergency"]


def test_governance_changes_from_a_non_gov_nep_do_not_apply() -> None:
    f = nep(90, GOV_T0, type=NEPType.ECONOMICS, ballots=YES, changes=(("governance", "quorum", "0.30"),))
    s = states(f, nep(1, GOV_AT, ballots=YES), as_of=GOV_AT + 30 * DAY)
    assert s[1].tally.quorum == Decimal("0.20")
    assert "governance.quorum" not in protocol_at(GOV, s, {90: f}, GOV_AT).parameters


@pytest.mark.parametrize(
    ("parameter", "value", "ok"),
    [
        ("quorum", "0.30", True),
        ("quorum", 0.3, True),
        ("quorum", "1.5", False),
        ("quorum", True, False),
        ("min_stake_to_propose", "-1", False),
        ("resubmit_wait_days", 10, True),
        ("resubmit_wait_days", "1.5", False),
        ("tracks.standard.voting_hours", 0, False),
        ("tracks.emergency.review_hours", 0, True),
        ("tracks.fast.voting_hours", 10, False),
        ("rewards.voter_rate", "0.0002", True),
        ("network", "other", False),
    ],
)
def test_governance_change_error(parameter: str, value: object, ok: bool) -> None:
    change = ParameterChange("governance", parameter, None, value, "r")
    assert (governance_change_error(change) is None) is ok


# --------------------------------------------------------------------------
# protocol state at an instant

PARAM = "economics.constants.TRAINING_REWARD_PER_BATCH_PER_LAYER"


def protocol_neps() -> tuple[NEPFacts, NEPFacts]:
    one = nep(
        1,
        ballots=YES,
        changes=(
            ("economics.constants", "TRAINING_REWARD_PER_BATCH_PER_LAYER", 0.001),
            ("protocol", "feature_sharding", True),
        ),
    )
    two = nep(
        2,
        LATER,
        ballots=YES,
        target_version="1.2.0",
        supersedes=(1,),
        changes=(("protocol", "feature_ponw", False), ("network", "GOSSIP_FANOUT", 8)),
    )
    return one, two


def test_protocol_at_before_and_at_activation() -> None:
    one, two = protocol_neps()
    s = states(one, two, as_of=AT2)
    by = {1: one, 2: two}
    genesis = protocol_at(GOV, s, by, AT - 1)
    assert (genesis.version, genesis.features, genesis.versions) == ("1.0.0", ("diloco", "ponw"), ())
    assert genesis.set_by == {}
    assert genesis.parameters == {PARAM: 0.0005}
    p = protocol_at(GOV, s, by, AT)
    assert p.as_of == AT and p.version == "1.1.0"
    assert p.features == ("diloco", "ponw", "sharding")
    assert p.parameters[PARAM] == 0.001 and p.set_by[PARAM] == 1
    assert p.versions == ((AT, "1.1.0", 1),)


def test_protocol_at_after_superseding_activation_keeps_deprecated_changes() -> None:
    one, two = protocol_neps()
    s = states(one, two, as_of=AT2)
    assert s[1].status is NEPStatus.DEPRECATED
    p = protocol_at(GOV, s, {1: one, 2: two}, AT2)
    assert p.version == "1.2.0"
    assert p.features == ("diloco", "sharding")  # feature_ponw: false turns a genesis feature off
    assert p.parameters[PARAM] == 0.001 and p.set_by[PARAM] == 1
    assert p.parameters["network.GOSSIP_FANOUT"] == 8 and p.set_by["network.GOSSIP_FANOUT"] == 2
    assert p.versions == ((AT, "1.1.0", 1), (AT2, "1.2.0", 2))


def test_same_activation_instant_orders_by_nep_number() -> None:
    a = nep(5, ballots=YES, target_version="1.3.0", changes=(("m", "X", 1),))
    b = nep(4, ballots=YES, target_version="1.2.0", changes=(("m", "X", 2),))
    s = states(a, b, as_of=AT)
    p = protocol_at(GOV, s, {4: b, 5: a}, AT)
    assert (p.version, p.parameters["m.X"], p.set_by["m.X"]) == ("1.3.0", 1, 5)


def test_parameters_at_includes_governance_values_for_the_stale_check() -> None:
    f = quorum_30()
    s = states(f, as_of=GOV_AT)
    before = parameters_at(GOV, s, {90: f}, GOV_AT - 1)
    after = parameters_at(GOV, s, {90: f}, GOV_AT)
    assert before["governance.quorum"] == Decimal("0.20") and after["governance.quorum"] == Decimal("0.30")
    assert before["governance.tracks.standard.voting_hours"] == 168 and before[PARAM] == 0.0005
    assert values_equal("0.20", before["governance.quorum"]) and values_equal(0.2, before["governance.quorum"])
    assert not values_equal("0.30", before["governance.quorum"])
    assert not values_equal(True, 1) and values_equal(True, True)


def test_value_in_force_of_a_never_set_feature_is_its_genesis_presence() -> None:
    tl = Timeline.build(GOV, {}, {})
    p = tl.protocol_at(T0)
    on = ParameterChange("protocol", "feature_ponw", True, False, "r")
    off = ParameterChange("protocol", "feature_sharding", False, True, "r")
    assert value_in_force(tl.parameters_at(T0), p.features, on) == (True, True)
    assert value_in_force(tl.parameters_at(T0), p.features, off) == (True, False)
    assert value_in_force({}, (), ParameterChange("m", "Y", 1, 2, "r")) == (False, None)


# --------------------------------------------------------------------------
# purity


def test_same_inputs_same_states_whatever_the_order_of_facts() -> None:
    fs = [quorum_30(), nep(1, GOV_AT, ballots=YES), nep(2, GOV_AT - 1, ballots=YES), nep(3, None)]
    assert states(*fs, as_of=GOV_AT + 30 * DAY) == states(*reversed(fs), as_of=GOV_AT + 30 * DAY)


def test_duplicate_nep_numbers_are_an_error() -> None:
    with pytest.raises(ValueError, match="NEP 1 appears twice"):
        states(nep(1), nep(1), as_of=T0)


def test_indexed_snapshot_equals_stakes_snapshot_at_every_boundary() -> None:
    # The lifecycle reads snapshots from an index; it must agree with stakes.snapshot to the last digit.
    from tooling.core import stakes as stakes_mod
    from tooling.core.lifecycle import _StakeIndex

    nodes = [f"{i:032x}" for i in range(5)]
    entries = [
        StakeEntry(nodes[i % 5], Decimal(f"{i}.{i:03d}") + 1, since, until)
        for i, (since, until) in enumerate([(0, 10), (5, 15), (10, 10), (12, 11), (3, 30), (10, 20), (0, 1), (29, 40)])
    ]
    index = _StakeIndex(entries)
    for t in range(-1, 42):
        want = stakes_mod.snapshot(entries, t)
        got = index.snapshot(t)
        assert got.total == want.total, t
        assert {n: got.weight(n) for n in nodes} == {n: want.weight(n) for n in nodes}, t
        assert dict(got.weights) == dict(want.weights), t
