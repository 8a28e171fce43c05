"""Properties of the tally (SPEC 6, 7): exact for all stakes, blind to order, thresholds inclusive.

The reference answer is computed with ``fractions.Fraction`` from the same
stake entries and choices; the tally must agree with it for every draw.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples

from tooling.core.model import Choice, Outcome, Reason, StakeEntry, Vote
from tooling.core.stakes import exact_context, snapshot
from tooling.core.tally import VoteFile, tally
from tooling.core.tally import decide as _decide
from tooling.core.votes import node_id, private_key_from_token, public_key_hex, vote_path

NETWORK = "neuroshard-mainnet"
CHASH = "ab" * 32
VS, VE = 1_000_000, 1_604_800
NEP = 7
KEYS = [public_key_hex(private_key_from_token(f"prop-{i}")) for i in range(11)]
NODES = [node_id(k) for k in KEYS]
QUORUM, APPROVAL = Decimal("0.20"), Decimal("0.66")


def amounts() -> st.SearchStrategy[Decimal]:
    """Positive decimal amounts with 0 to 18 decimals, from 1e-18 to 1e12."""
    return st.builds(lambda m, k: Decimal(m).scaleb(-k), st.integers(1, 10**30), st.integers(0, 18)).filter(
        lambda d: d <= Decimal(10) ** 12)


def votes_for(voters: list[int], choices: list[Choice], *, network: str = NETWORK) -> list[VoteFile]:
    out = []
    for i, choice in zip(voters, choices):
        ts = VS + 3600 * (i + 1)
        vote = Vote(path=vote_path(NEP, NODES[i]), nep=NEP, voter=NODES[i], public_key=KEYS[i], choice=choice,
                    timestamp=ts, reason="", content_hash=CHASH, network=network, signature="00" * 8)
        out.append(VoteFile(vote.path, vote, included_at=ts))
    return out


def run_tally(files, entries, *, quorum=QUORUM, approval=APPROVAL, as_of=VE):
    return tally(NEP, files, network=NETWORK, content_hash=CHASH, voting_start=VS, voting_end=VE,
                 snapshot=snapshot(entries, VS), quorum=quorum, approval=approval, as_of=as_of,
                 signature_ok=lambda v: True)


@st.composite
def elections(draw):
    """Stake entries (several per node, some not in force at VS) and a choice for a subset of the nodes."""
    entries = []
    for i in range(draw(st.integers(1, len(NODES) - 1))):
        for _ in range(draw(st.integers(1, 3))):
            since = draw(st.sampled_from([VS - 10, VS - 1, VS, VS + 1]))
            until = draw(st.sampled_from([VS + 1, VS, VS + 10**6]))
            entries.append(StakeEntry(NODES[i], draw(amounts()), since, until))
    voters = draw(st.lists(st.integers(0, len(NODES) - 2), unique=True, max_size=len(NODES) - 1))
    choices = draw(st.lists(st.sampled_from(list(Choice)), min_size=len(voters), max_size=len(voters)))
    return entries, voters, choices


def reference(entries, voters, choices, quorum=QUORUM, approval=APPROVAL):
    """The exact answer with rationals: (yes, no, abstain, total, outcome, reason)."""
    weight = {n: Fraction(0) for n in NODES}
    for e in entries:
        if e.since < VS < e.locked_until:
            weight[e.node] += Fraction(e.amount)
    total = sum(weight.values(), Fraction(0))
    sums = {c: Fraction(0) for c in Choice}
    for i, c in zip(voters, choices):
        if weight[NODES[i]] > 0:
            sums[c] += weight[NODES[i]]
    yes, no, abstain = sums[Choice.YES], sums[Choice.NO], sums[Choice.ABSTAIN]
    if not (total > 0 and yes + no + abstain >= Fraction(quorum) * total):
        return yes, no, abstain, total, Outcome.REJECTED, Reason.NO_QUORUM
    if yes + no == 0:
        return yes, no, abstain, total, Outcome.REJECTED, Reason.ALL_ABSTAIN
    if yes < Fraction(approval) * (yes + no):
        return yes, no, abstain, total, Outcome.REJECTED, Reason.NO_APPROVAL
    return yes, no, abstain, total, Outcome.APPROVED, None


@examples(150)
@given(elections(), st.sampled_from([Decimal("0.20"), Decimal("0"), Decimal("1"), Decimal("0.333333333333333333")]),
       st.sampled_from([Decimal("0.66"), Decimal("0.5"), Decimal("1"), Decimal("0.666666666666666667")]))
def test_the_tally_equals_the_exact_rational_answer(election, quorum, approval):
    entries, voters, choices = election
    t = run_tally(votes_for(voters, choices), entries, quorum=quorum, approval=approval)
    yes, no, abstain, total, outcome, reason = reference(entries, voters, choices, quorum, approval)
    assert (Fraction(t.yes), Fraction(t.no), Fraction(t.abstain), Fraction(t.total_stake)) == (yes, no, abstain, total)
    assert (t.outcome, t.reason, t.decided_at) == (outcome, reason, VE)


@examples(100)
@given(elections(), st.randoms(use_true_random=False))
def test_permuting_votes_and_ledger_entries_changes_nothing(election, rnd):
    entries, voters, choices = election
    files = votes_for(voters, choices) + votes_for([len(NODES) - 1], [Choice.NO], network="other-net")
    before = run_tally(files, entries)
    rnd.shuffle(files)
    rnd.shuffle(entries)
    assert run_tally(files, entries) == before


def thresholds() -> st.SearchStrategy[tuple[Decimal, Decimal]]:
    """(total stake, decisive stake) with up to 16 decimals, so 20 % and 66 % of them are exact at 18."""
    def pair(m: int, k: int, share: int) -> tuple[Decimal, Decimal]:
        with exact_context():
            total = Decimal(m).scaleb(-k)
            return total, (total * share).scaleb(-6)

    return st.builds(pair, st.integers(1, 10**28), st.integers(0, 10), st.integers(1, 10**6))


TINY = Decimal("1e-18")


def decide(*args: Decimal) -> tuple:
    """(quorum_reached, approval_reached, outcome, reason) of the core's decision record."""
    d = _decide(*args)
    return d.quorum_reached, d.approval_reached, d.outcome, d.reason


@examples(200)
@given(thresholds())
def test_quorum_is_inclusive_at_exactly_20_percent(pair):
    total, _ = pair
    with exact_context():  # the test's own arithmetic must not round either
        at = QUORUM * total
        below_at = at - TINY
    assert decide(at, Decimal(0), Decimal(0), total, QUORUM, APPROVAL)[2] == Outcome.APPROVED
    assert decide(Decimal(0), Decimal(0), at, total, QUORUM, APPROVAL)[3] == Reason.ALL_ABSTAIN
    below = decide(below_at, Decimal(0), Decimal(0), total, QUORUM, APPROVAL)
    assert (below[0], below[2], below[3]) == (False, Outcome.REJECTED, Reason.NO_QUORUM)


@examples(200)
@given(thresholds())
def test_approval_is_inclusive_at_exactly_66_percent(pair):
    _, decisive = pair
    total = decisive  # everyone voted: quorum is never the question
    with exact_context():
        yes, no = APPROVAL * decisive, decisive - APPROVAL * decisive
        yes_short, no_more = yes - TINY, no + TINY
    assert decide(yes, no, Decimal(0), total, QUORUM, APPROVAL)[1:3] == (True, Outcome.APPROVED)
    short = decide(yes_short, no_more, Decimal(0), total, QUORUM, APPROVAL)
    assert short[1:] == (False, Outcome.REJECTED, Reason.NO_APPROVAL)


@examples(60)
@given(elections(), st.integers(VS - 5, VE + 10**7))
def test_the_decision_never_depends_on_as_of_after_voting_end(election, as_of):
    entries, voters, choices = election
    files = votes_for(voters, choices)
    t, at_end = run_tally(files, entries, as_of=as_of), run_tally(files, entries, as_of=VE)
    if as_of >= VE:
        assert (t.outcome, t.reason, t.decided_at, t.votes) == (at_end.outcome, at_end.reason, VE, at_end.votes)
    else:
        assert (t.outcome, t.reason, t.decided_at) == (None, None, None)
        assert t.projected_outcome == at_end.outcome
