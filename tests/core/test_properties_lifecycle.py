"""Properties of the lifecycle over random git histories (SPEC 7): status only moves forward, decisions stay.

Each example is a real git repository: three NEPs submitted at T0, votes on
two of them signed and committed at instants drawn around the rule
boundaries (VS, VE exactly and one second either side), and perhaps a
withdrawal of the third. The repository is evaluated at many instants.
"""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples
from nepfixtures import AT, STAKES, T0, VE, VS, content_hash, genesis, nep_text, vote_file

from tooling.core.model import NEPStatus
from tooling.shell.evaluate import evaluate, gather

S = NEPStatus
#: Where each status may go next, and on from there (the ladder, with its side exits).
NEXT = {
    S.DRAFT: {S.REVIEW, S.WITHDRAWN},
    S.REVIEW: {S.VOTING, S.REJECTED, S.WITHDRAWN},
    S.VOTING: {S.SCHEDULED, S.REJECTED},
    S.SCHEDULED: {S.ACTIVE, S.DEPRECATED},
    S.ACTIVE: {S.DEPRECATED},
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
    S.DEPRECATED: set(),
}


def reachable(start: NEPStatus) -> set[NEPStatus]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in NEXT[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


EDGES = [VS - 1, VS, VS + 1, VE - 1, VE, VE + 1]
NEPS = {1: nep_text(1, status="review"), 2: nep_text(2, status="review", proposer="bob"),
        3: nep_text(3, status="review", proposer="cy")}


@st.composite
def histories(draw):
    """Votes (voter, nep, choice, timestamp, commit instant) and an optional withdrawal instant of NEP 3."""
    votes = []
    for voter, nep in itertools.product(STAKES, (1, 2)):
        if draw(st.booleans()):
            ts = draw(st.sampled_from([VS - 1, VS, VS + 1, VE - 2, VE - 1, VE]))
            commit_at = draw(st.sampled_from(sorted({max(ts, T0 + 1), VS + 7, VE - 1, VE, VE + 1})))
            votes.append((voter, nep, draw(st.sampled_from(["yes", "no", "abstain"])), ts, commit_at))
    withdraw = draw(st.one_of(st.none(), st.sampled_from([T0 + 1, VS - 1, VS, VS + 1, VE])))
    return votes, withdraw


def build(tmp_path_factory, votes, withdraw):
    repo = genesis(tmp_path_factory.mktemp("hist"), NEPS)
    events = [(at, "vote", v) for v in votes for at in [v[4]]]
    if withdraw is not None:
        events.append((withdraw, "withdraw", None))
    for at, group in itertools.groupby(sorted(events, key=lambda e: (e[0], e[1])), key=lambda e: e[0]):
        for _, kind, v in group:
            if kind == "vote":
                voter, nep, choice, ts, _ = v
                path, text = vote_file(voter, nep, choice, ts, content_hash(NEPS[nep], f"neps/nep-{nep:04d}.md"))
                repo.write(path, text)
            else:
                repo.write("neps/nep-0003.md", NEPS[3].replace('status: "review"', 'status: "withdrawn"'))
        repo.commit(f"events at {at}", at=at)
    return repo


INSTANTS = sorted({T0, T0 + 1, *EDGES, AT - 1, AT, AT + 1, AT + 10**6, VE + 10**8})


@examples(6)
@given(histories())
def test_status_only_moves_forward_and_decisions_never_change_after_voting_end(tmp_path_factory, history):
    votes, withdraw = history
    world = gather(build(tmp_path_factory, votes, withdraw).path, cache=False)
    states = [evaluate(world, t).states for t in INSTANTS]
    for nep in NEPS:
        seq = [s[nep] for s in states if nep in s]
        for a, b in zip(seq, seq[1:]):
            assert b.status in reachable(a.status), (nep, a.status, b.status, [x.status for x in seq])
        after = [(s.outcome, s.reason, s.decided_at, s.voting_end) for t, s in zip(INSTANTS, seq)
                 if s.voting_end is not None and t >= s.voting_end]
        assert len(set(after)) <= 1, (nep, after)
        decided = [s for s in seq if s.decided_at is not None]
        assert all(s.decided_at == decided[0].decided_at for s in decided)
        if nep in (1, 2) and decided and decided[0].tally is not None:
            # The decision is the tally at VE: the same counted votes and sums whatever as_of after it (a vote
            # file that arrives later moves from PENDING to LATE_INCLUSION, counted neither time).
            rows = {(tuple((r.path, r.choice, r.weight) for r in s.tally.votes if r.counted), s.tally.yes,
                     s.tally.no, s.tally.abstain) for t, s in zip(INSTANTS, seq) if s.tally is not None and t >= VE}
            assert len(rows) == 1


@examples(4)
@given(histories(), st.lists(st.sampled_from([VE + 1, VE + 2, AT - 1, AT, AT + 1, AT + 10**6]), min_size=1,
                             max_size=4, unique=True).map(sorted))
def test_advance_twice_is_a_no_op_and_the_runs_agree_with_the_status(tmp_path_factory, history, instants):
    from tooling.app.advance import run

    votes, withdraw = history
    repo = build(tmp_path_factory, votes, withdraw)
    for at in instants:
        run(repo.path, at, commit=True, dry_run=False)
        head, files = repo.head(), {p: (repo.path / p).read_bytes() for p in ("neps/nep-0001.md", "neps/nep-0002.md",
                                                                              "neps/nep-0003.md")}
        again = run(repo.path, at, commit=True, dry_run=False)
        assert again.changes == [] and again.commits == [] and repo.head() == head
        assert {p: (repo.path / p).read_bytes() for p in files} == files
        assert repo.git("status", "--porcelain", "--untracked-files=no") == ""
        states = evaluate(gather(repo.path, cache=False), at).states
        for nep in NEPS:
            assert f'status: "{states[nep].status}"'.encode() in files[f"neps/nep-{nep:04d}.md"]
