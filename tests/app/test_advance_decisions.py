"""Decisions are final (SPEC 2, v1.1): `nep advance` never rewrites a recorded decision, never stalls on one NEP,
and never dates a bot commit in the future.

NEP 1 is approved at VE (ada and dee vote yes: 17,000 of 20,000 NEURO) and the
bot records it. NEP 2 is a draft that its author submits later, so a later
run always has another NEP's change to commit next to the refused one.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from gitrepo import GitRepo
from nepfixtures import DAY, GOVERNANCE, T0, VE, VS, content_hash, genesis, ledger_text, nep_cli, nep_text, node, vote_file
from tooling.app.advance import AdvanceError, run
from tooling.app.advance_plan import decision_mismatch
from tooling.core.model import NEPStatus, Outcome, Reason
from tooling.shell.evaluate import evaluate, gather

BOT = ("neuroshard-nep-bot", "nep-bot@users.noreply.github.com")
NEP1 = nep_text(1, status="review")
NEP2 = nep_text(2, status="draft", proposer="bob")
P1, P2 = "neps/nep-0001.md", "neps/nep-0002.md"
LATER = VE + 2 * DAY


def advance(repo: GitRepo, at: int, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("commit", True)
    kw.setdefault("dry_run", False)
    return run(repo.path, at, bot_name=BOT[0], bot_email=BOT[1], **kw)


@pytest.fixture
def decided(tmp_path: Path) -> GitRepo:
    """NEP 1 approved and recorded by the bot at VE; NEP 2 submitted after that (it needs a bot commit)."""
    repo = genesis(tmp_path / "repo", {1: NEP1, 2: NEP2})
    h = content_hash(NEP1)
    for voter in ("ada", "dee"):
        path, text = vote_file(voter, 1, "yes", VS + 60, h)
        repo.write(path, text)
    repo.commit("votes", at=VS + 120)
    advance(repo, VE)
    assert 'outcome: "approved"' in repo.read(P1) and 'status: "scheduled"' in repo.read(P1)
    repo.write(P2, NEP2.replace('status: "draft"', 'status: "review"'))
    repo.commit("submit NEP 2", at=VE + DAY)
    return repo


def commits(repo: GitRepo, rev_range: str) -> list[str]:
    return repo.git("log", "--reverse", "--format=%s", rev_range).splitlines()


def test_a_forged_resolution_is_never_rewritten_and_the_other_neps_still_advance(decided):
    forged = decided.read(P1).replace('yes: "17000"', 'yes: "1"')
    assert forged != decided.read(P1)
    decided.write(P1, forged)
    decided.commit("edit the record behind the bot's back", at=VE + DAY + 60)
    start = decided.head()
    proc = nep_cli(decided.path, "advance", "--commit", "--at", str(LATER),
                   env={"NEP_BOT_NAME": BOT[0], "NEP_BOT_EMAIL": BOT[1]})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "decision-mismatch" in proc.stdout and "NEP-0001" in proc.stdout
    assert 'yes: 1' in proc.stdout and "yes: 17000" in proc.stdout  # both sides named
    assert decided.read(P1) == forged  # nothing written for NEP 1
    assert [m.split(":")[0] for m in commits(decided, f"{start}..HEAD")] == ["NEP-0002"]  # the other NEP went on
    assert decided.git("status", "--porcelain") == ""


def test_a_status_moved_back_by_hand_is_a_mismatch_not_a_rewrite(decided):
    text = decided.read(P1).replace('status: "scheduled"', 'status: "rejected"')
    decided.write(P1, text)
    decided.commit("reject by hand", at=VE + DAY + 60)
    result = advance(decided, LATER)
    assert [d.slug for d in result.mismatches] == ["decision-mismatch"]
    message = result.mismatches[0].message
    assert "records status rejected" in message and "scheduled, approved" in message
    assert decided.read(P1) == text
    assert [c.nep for c in result.changes] == [2]


def test_the_pure_rule_allows_moving_on_but_never_back(decided):
    world = gather(decided.path)
    ev = evaluate(world, VE + 1)
    p, state = ev.proposals[1], ev.states[1]
    assert decision_mismatch(p, state, VE + 1) is None  # scheduled, as recorded
    active = dataclasses.replace(state, status=NEPStatus.ACTIVE)
    assert decision_mismatch(p, active, VE + 1) is None  # scheduled -> active is the way forward
    rejected = dataclasses.replace(state, status=NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=Reason.NO_QUORUM)
    why = decision_mismatch(p, rejected, VE + 1)
    assert why is not None and "NEP-0001" in why and "approved" in why and "no_quorum" in why


def test_a_retroactive_stake_never_flips_the_recorded_outcome(decided):
    """The attack of the issue: 1,000,000 NEURO with `since` before VS, added after the decision."""
    ledger = ledger_text() + (f'  - node: "{node("eve")}"\n    amount: "1000000"\n'
                              '    since: "2025-12-01T00:00:00Z"\n    locked_until: "2027-12-01T00:00:00Z"\n')
    decided.write("stakes/ledger.yaml", ledger)
    decided.commit("retroactive stake", at=VE + DAY + 60)
    before = decided.read(P1)
    start = decided.head()
    result = advance(decided, LATER)
    assert decided.read(P1) == before
    assert 'outcome: "approved"' in before and 'status: "scheduled"' in before
    assert all(not m.startswith("NEP-0001") for m in commits(decided, f"{start}..HEAD"))
    # History holds the stake out (the ledger counts as of voting start): no disagreement at all.
    assert result.mismatches == [] and result.commits  # NEP 2's change still committed


def test_retroactive_governance_never_flips_the_recorded_outcome(decided):
    decided.write("governance.yaml", GOVERNANCE.replace('quorum: "0.20"', 'quorum: "0.99"'))
    decided.commit("retroactive quorum", at=VE + DAY + 60)
    before = decided.read(P1)
    result = advance(decided, LATER)
    assert decided.read(P1) == before
    assert result.mismatches == []  # governance.yaml counts as of T0


def test_dry_run_reports_the_mismatch_too(decided):
    decided.write(P1, decided.read(P1).replace('outcome: "approved"', 'outcome: "rejected"'))
    decided.commit("flip", at=VE + DAY + 60)
    result = advance(decided, LATER, dry_run=True)
    assert [d.slug for d in result.mismatches] == ["decision-mismatch"] and "error: decision-mismatch" in result.text


# --------------------------------------------------------------------------
# No bot commit dated in the future (SPEC 9)


def test_commit_more_than_300_s_after_the_wall_clock_is_refused_at_300_it_is_not(decided):
    start = decided.head()
    with pytest.raises(AdvanceError, match="300 s after the wall clock"):
        advance(decided, LATER + 301, now=LATER)
    assert decided.head() == start
    assert advance(decided, LATER + 300, now=LATER).commits  # exactly 300 s ahead is tolerated


def test_cli_refuses_a_future_at_with_exit_2_and_no_commit(decided):
    start = decided.head()
    proc = nep_cli(decided.path, "advance", "--commit", "--at", "2099-01-01T00:00:00Z")
    assert proc.returncode == 2 and "wall clock" in proc.stderr and "Traceback" not in proc.stderr
    assert decided.head() == start
    # A dry run as of a future instant commits nothing, so it stays allowed.
    assert nep_cli(decided.path, "advance", "--at", "2099-01-01T00:00:00Z", "--dry-run").returncode in (0, 1)


def test_a_future_dated_commit_on_main_stops_the_bot_instead_of_dragging_its_dates(decided):
    """Bot commit dates follow HEAD's clock; a commit dated 2099 must not lead the bot to date its own in 2099."""
    decided.commit("from the future", at=4070908800, allow_empty=True)  # 2099-01-01
    start = decided.head()
    now = int(time.time())
    with pytest.raises(AdvanceError, match="before the clock of HEAD"):
        advance(decided, now)
    with pytest.raises(AdvanceError, match="wall clock"):
        advance(decided, 4070908800)
    assert decided.head() == start
    dates = [int(x) for x in decided.git("log", "--format=%ct", "--author=" + BOT[0]).split()]
    assert all(d <= now + 300 for d in dates)
