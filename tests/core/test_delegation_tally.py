"""SPEC 11 tally and rewards with delegation, at their boundaries, plus properties over random tallies."""

from __future__ import annotations

import dataclasses
import hashlib
from decimal import Decimal

import pytest

from tooling.core import votes
from tooling.core.delegation import DelegationVersion, delegates_at, judge_versions
from tooling.core.delegation import sign_delegation
from tooling.core.model import DAY, CarriedStake, Choice, Outcome, Reason, RewardRole, Vote, VoteCode
from tooling.core.rewards import proposal_rewards
from tooling.core.stakes import Snapshot
from tooling.core.tally import VoteFile, tally

from helpers import GENESIS

NET = "neuroshard-mainnet"
NEP = 7
CH = hashlib.sha256(b"content of nep 7").hexdigest()
VS = 1_768_000_000
VE = VS + 7 * DAY
Q, AP = GENESIS.quorum, GENESIS.approval
RATES = GENESIS.rewards


def always_ok(vote: Vote) -> bool:
    return True


def node(i: int) -> str:
    return votes.node_id("02" + f"{i:064x}")


A, B, C, D, E = (node(i) for i in range(1, 6))


def vote_of(n: str, choice: str = "yes", ts: int = VS + 10, **changes) -> VoteFile:
    i = next(i for i in range(1, 200) if node(i) == n)
    v = Vote(path=votes.vote_path(NEP, n), nep=NEP, voter=n, public_key="02" + f"{i:064x}", choice=Choice(choice),
             timestamp=ts, reason="", content_hash=CH, network=NET, signature="")
    v = dataclasses.replace(v, **changes)
    return VoteFile(path=v.path, vote=v, included_at=ts)


def snap(**weights: str) -> Snapshot:
    w = {globals()[k]: Decimal(v) for k, v in weights.items() if Decimal(v) > 0}
    return Snapshot(at=VS, weights=w, total=sum(w.values(), Decimal(0)))


def run(files, snapshot, delegates=None, *, delegation=True, as_of=VE, signature_ok=always_ok):
    return tally(NEP, files, network=NET, content_hash=CH, voting_start=VS, voting_end=VE, snapshot=snapshot,
                 quorum=Q, approval=AP, as_of=as_of, signature_ok=signature_ok, delegation=delegation,
                 delegates=delegates or {})


def row(t, voter):
    return next(r for r in t.votes if r.voter == voter)


# --------------------------------------------------------------------------
# Who carries what


def test_delegated_stake_follows_the_delegate_vote():
    t = run([vote_of(B, "yes")], snap(A="60", B="10", C="30"), {A: B})
    r = row(t, B)
    assert (r.weight, r.own_weight, r.delegated_weight, r.delegators) == (Decimal(70), Decimal(10), Decimal(60), (A,))
    assert r.counted and r.code is None
    assert t.yes == Decimal(70) and t.total_stake == Decimal(100)
    assert t.carried == (CarriedStake(A, B, Decimal(60)),)


def test_feature_off_ignores_delegations_entirely():
    on = run([vote_of(B)], snap(A="60", B="10", C="30"), {A: B})
    off = run([vote_of(B)], snap(A="60", B="10", C="30"), {A: B}, delegation=False)
    assert off.yes == Decimal(10) and not off.delegation and off.carried == ()
    assert row(off, B).delegated_weight == 0 and row(off, B).delegators == ()
    assert off.outcome is Outcome.REJECTED and off.reason is Reason.NO_QUORUM
    assert on.outcome is Outcome.APPROVED


def test_own_counted_vote_overrides_the_delegation():
    t = run([vote_of(A, "no"), vote_of(B, "yes")], snap(A="60", B="40"), {A: B})
    assert (t.yes, t.no) == (Decimal(40), Decimal(60))
    assert row(t, B).delegators == () and row(t, A).delegated_weight == 0


@pytest.mark.parametrize(
    "bad",
    [
        dict(ts=VE),  # TOO_LATE
        dict(ts=VS - 1),  # TOO_EARLY
        dict(content_hash="0" * 64),  # STALE_CONTENT
        dict(network="testnet"),  # WRONG_NETWORK
    ],
)
def test_delegator_own_vote_that_does_not_count_is_as_if_not_cast(bad):
    ts = bad.pop("ts", VS + 10)
    t = run([vote_of(A, "no", ts=ts, **bad), vote_of(B, "yes")], snap(A="60", B="40"), {A: B})
    assert not row(t, A).counted
    assert row(t, A).weight == Decimal(60) and row(t, A).delegated_weight == 0  # the snapshot stake, as before
    assert (t.yes, t.no) == (Decimal(100), Decimal(0))


def test_delegate_whose_own_vote_is_invalid_carries_nothing():
    t = run([vote_of(B, "yes", ts=VE)], snap(A="60", B="40"), {A: B})
    r = row(t, B)
    assert r.code is VoteCode.TOO_LATE and not r.counted
    assert (r.weight, r.delegated_weight, r.delegators) == (Decimal(40), Decimal(0), ())
    assert t.turnout_stake == 0 and t.carried == ()


def test_delegate_with_bad_signature_carries_nothing():
    t = run([vote_of(B, "yes")], snap(A="60", B="40"), {A: B}, signature_ok=lambda v: False)
    assert row(t, B).code is VoteCode.BAD_SIGNATURE and t.turnout_stake == 0


def test_delegate_without_stake_of_its_own_carries_delegated_stake():
    t = run([vote_of(E, "abstain")], snap(A="25", B="75"), {A: E})
    r = row(t, E)
    assert r.counted and r.code is None
    assert (r.weight, r.own_weight, r.delegated_weight) == (Decimal(25), Decimal(0), Decimal(25))
    assert t.abstain == Decimal(25) and t.quorum_reached


def test_delegate_without_stake_and_without_delegators_is_no_stake():
    t = run([vote_of(E, "yes")], snap(A="25", B="75"), {A: D})
    assert row(t, E).code is VoteCode.NO_STAKE and not row(t, E).counted and row(t, E).weight == 0


def test_delegator_without_stake_adds_nothing():
    t = run([vote_of(E, "yes")], snap(A="25"), {D: E})
    assert row(t, E).code is VoteCode.NO_STAKE and t.carried == ()


def test_delegate_without_a_vote_leaves_the_stake_uncounted():
    t = run([vote_of(C, "yes")], snap(A="50", C="50"), {A: B})
    assert t.yes == Decimal(50) and t.carried == ()


def test_chain_a_to_b_to_c_moves_stake_one_hop_only():
    delegates = {A: B, B: C}
    # B votes: A's stake follows B's vote; B's own vote overrides B's delegation to C.
    t = run([vote_of(B, "no"), vote_of(C, "yes")], snap(A="10", B="20", C="30"), delegates)
    assert (t.yes, t.no) == (Decimal(30), Decimal(30))
    assert row(t, B).delegators == (A,) and row(t, C).delegators == ()
    # B silent: B's stake goes to C, A's stake never travels on to C.
    t = run([vote_of(C, "yes")], snap(A="10", B="20", C="30"), delegates)
    assert t.yes == Decimal(50) and row(t, C).delegators == (B,)
    assert t.carried == (CarriedStake(B, C, Decimal(20)),)


def test_cycle_a_and_b_is_harmless():
    delegates = {A: B, B: A}
    both = run([vote_of(A, "yes"), vote_of(B, "no")], snap(A="10", B="20"), delegates)
    assert (both.yes, both.no) == (Decimal(10), Decimal(20)) and both.carried == ()
    one = run([vote_of(A, "yes")], snap(A="10", B="20"), delegates)
    assert one.yes == Decimal(30) and row(one, A).delegators == (B,)
    none_ = run([], snap(A="10", B="20"), delegates)
    assert none_.turnout_stake == 0


def test_several_delegators_are_listed_sorted():
    t = run([vote_of(D, "yes")], snap(A="1", B="2", C="3", D="4"), {C: D, A: D, B: D})
    assert row(t, D).delegators == tuple(sorted((A, B, C)))
    assert row(t, D).weight == Decimal(10) and t.yes == Decimal(10)
    assert [c.delegator for c in t.carried] == sorted((A, B, C))


def test_a_pending_delegate_vote_carries_nothing():
    vf = vote_of(B, "yes")
    t = run([dataclasses.replace(vf, included_at=None)], snap(A="60", B="40"), {A: B}, as_of=VS + DAY)
    assert row(t, B).code is VoteCode.PENDING and t.turnout_stake == 0


def test_provisional_tally_counts_delegations_too():
    t = run([vote_of(B, "yes")], snap(A="60", B="40"), {A: B}, as_of=VS + DAY)
    assert not t.final and t.outcome is None and t.projected_outcome is Outcome.APPROVED and t.yes == Decimal(100)


def test_exact_decimals_with_many_digits():
    t = run([vote_of(B)], snap(A="123456789012345678901234567890.123456789012345678", B="0.000000000000000001"),
            {A: B})
    r = row(t, B)
    assert r.weight == Decimal("123456789012345678901234567890.123456789012345679")
    assert r.own_weight == Decimal("0.000000000000000001")


# --------------------------------------------------------------------------
# Delegations taken at VS, from signed files (the whole pipe of the core)


def signed_versions(token: str, delegate: str | None, ts: int, included_at: int):
    d = sign_delegation(votes.private_key_from_token(token), network=NET, delegate=delegate, timestamp=ts)
    return d.delegator, DelegationVersion(d.path, d, included_at)


def test_delegation_included_exactly_at_vs_counts_and_one_second_after_does_not():
    delegator, v_at = signed_versions("alice", B, VS - 5, VS)
    files_at = {v_at.path: judge_versions([v_at], network_at=lambda t: NET)}
    _, v_after = signed_versions("alice", B, VS - 5, VS + 1)
    files_after = {v_after.path: judge_versions([v_after], network_at=lambda t: NET)}
    stakes = Snapshot(at=VS, weights={delegator: Decimal(60), B: Decimal(40)}, total=Decimal(100))
    at = run([vote_of(B)], stakes, delegates_at(files_at, VS))
    after = run([vote_of(B)], stakes, delegates_at(files_after, VS))
    assert at.yes == Decimal(100) and row(at, B).delegators == (delegator,)
    assert after.yes == Decimal(40) and row(after, B).delegators == ()


def test_revocation_in_force_at_vs_carries_nothing_and_a_re_delegation_does():
    alice = votes.private_key_from_token("alice")
    me = votes.node_id(votes.public_key_hex(alice))
    seq = [(B, VS - 300), (None, VS - 200), (C, VS - 100)]
    versions = []
    for delegate, at in seq:
        d = sign_delegation(alice, network=NET, delegate=delegate, timestamp=at)
        versions.append(DelegationVersion(d.path, d, at))
    judged = judge_versions(versions, network_at=lambda t: NET)
    files = {versions[0].path: judged}
    assert delegates_at(files, VS - 250) == {me: B}
    assert delegates_at(files, VS - 150) == {}
    assert delegates_at(files, VS) == {me: C}


# --------------------------------------------------------------------------
# Rewards


def test_rewards_pay_own_weight_to_voters_and_stake_to_carried_delegators():
    t = run([vote_of(B, "yes"), vote_of(E, "no")], snap(A="600000", B="100000", C="300000", D="10000"),
            {A: B, D: E})
    r = proposal_rewards(NEP, B, t, t.outcome, t.quorum_reached, RATES, Decimal(10))
    assert t.turnout_stake == Decimal(710000)
    assert r.proposer_reward == Decimal(710 + 10)  # total stake voted includes delegated stake
    assert dict(r.voter_rewards) == {B: Decimal(10), A: Decimal(60), E: Decimal(0), D: Decimal(1)}
    assert dict(r.voter_roles) == {B: RewardRole.VOTER, A: RewardRole.DELEGATOR, E: RewardRole.VOTER,
                                   D: RewardRole.DELEGATOR}
    assert r.total_voter_rewards == Decimal(71)


def test_rewards_without_delegation_are_unchanged():
    t = run([vote_of(B, "yes")], snap(A="600000", B="400000"), {A: B}, delegation=False)
    r = proposal_rewards(NEP, B, t, t.outcome, t.quorum_reached, RATES, Decimal(10))
    assert dict(r.voter_rewards) == {B: Decimal(40)} and dict(r.voter_roles) == {B: RewardRole.VOTER}


# --------------------------------------------------------------------------
# Properties

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NODES = [node(i) for i in range(1, 9)]
_amount = st.integers(min_value=0, max_value=10**6).map(lambda n: Decimal(n) / 100)
_vote = st.one_of(
    st.none(),
    st.tuples(st.sampled_from(["yes", "no", "abstain"]), st.sampled_from(["ok", "late", "stale"])),
)


@st.composite
def scenarios(draw):
    stakes = {n: draw(_amount) for n in NODES}
    cast = {n: draw(_vote) for n in NODES}
    delegates = {n: draw(st.sampled_from(NODES)) for n in NODES if draw(st.booleans())}
    files = []
    for n, v in cast.items():
        if v is None:
            continue
        choice, kind = v
        changes = {"ts": VE} if kind == "late" else ({"content_hash": "1" * 64} if kind == "stale" else {})
        ts = changes.pop("ts", VS + 10)
        files.append(vote_of(n, choice, ts=ts, **changes))
    w = {n: s for n, s in stakes.items() if s > 0}
    return files, Snapshot(at=VS, weights=w, total=sum(w.values(), Decimal(0))), delegates


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_without_delegation_the_tally_is_todays_tally(scenario):
    files, snapshot, delegates = scenario
    today = run(files, snapshot, delegation=False)
    assert run(files, snapshot, delegates, delegation=False) == today
    assert dataclasses.replace(run(files, snapshot, {}, delegation=True), delegation=False) == today


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_counted_weight_never_exceeds_total_stake_and_each_stake_counts_once(scenario):
    files, snapshot, delegates = scenario
    t = run(files, snapshot, delegates)
    assert t.total_stake == snapshot.total
    assert t.turnout_stake <= t.total_stake
    counted = [r for r in t.votes if r.counted]
    owners = [r.voter for r in counted if r.own_weight > 0] + [c.delegator for c in t.carried]
    assert len(owners) == len(set(owners))  # nobody's stake is counted twice
    assert t.turnout_stake == sum((snapshot.weight(n) for n in owners), Decimal(0))
    for r in t.votes:
        assert r.weight == r.own_weight + r.delegated_weight
        assert r.own_weight == snapshot.weight(r.voter)
        if not r.counted:
            assert r.delegated_weight == 0 and r.delegators == ()
    for c in t.carried:
        # One hop: the carrying vote is the delegate's own, and the delegator did not count itself.
        assert delegates[c.delegator] == c.delegate
        assert c.delegator not in {r.voter for r in counted if r.own_weight > 0}


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_delegators_who_all_vote_themselves_change_nothing(scenario):
    files, snapshot, delegates = scenario
    today = run(files, snapshot, delegation=False)
    counted_own = {r.voter for r in today.votes if r.counted}
    overridden = {n: d for n, d in delegates.items() if n in counted_own}
    assert dataclasses.replace(run(files, snapshot, overridden), delegation=False) == today
