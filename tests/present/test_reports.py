"""Reports of status, show, tally, config and rewards (SPEC 9 JSON shapes, SPEC 2 instants and decimals)."""

from __future__ import annotations

import json
from decimal import Decimal
from types import MappingProxyType

import pytest

from tooling.present import reports
from tooling.present.reports.common import bar
from tooling.core.model import (
    DAY,
    HOUR,
    EconomicImpact,
    NEPStatus,
    NEPType,
    Outcome,
    ParameterChange,
    ProtocolState,
    Reason,
    VoteCode,
)
from tooling.core.rewards import ProposalRewards
from helpers import AT, GENESIS, HASH, NODE_A, T0, VE, VS, make_proposal, make_state, make_tally, make_vote_result

NODE_B = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
NODE_C = "00112233445566778899aabbccddeeff"

STATUS_KEYS = {
    "nep", "title", "type", "status", "outcome", "reason", "submitted", "voting_start",
    "voting_end", "decided_at", "activates_at", "content_hash",
}
TALLY_KEYS = {
    "nep", "as_of", "final", "total_stake", "yes", "no", "abstain", "quorum_reached",
    "approval_reached", "outcome", "projected_outcome", "reason", "decided_at", "votes",
}
VOTE_KEYS = {"voter", "choice", "weight", "counted", "code", "timestamp", "included_at"}


# --------------------------------------------------------------------------
# Factories (shared: tests/helpers.py)

proposal = make_proposal
vote = make_vote_result
tally = make_tally
state = make_state


def phases(tl: list[dict]) -> dict[str, str]:
    return {p["phase"]: p["state"] for p in tl}


# --------------------------------------------------------------------------
# Primitives


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("0"), "0"),
        (Decimal("0E-8"), "0"),
        (Decimal("-0"), "0"),
        (Decimal("1500.2500"), "1500.25"),
        (Decimal("1E+3"), "1000"),
        (Decimal("100"), "100"),
        (Decimal("0.0001"), "0.0001"),
        (Decimal("12345678901234567890123456789012.5"), "12345678901234567890123456789012.5"),
        (7, "7"),
    ],
)
def test_decimal_str_is_exact_and_never_uses_an_exponent(value, text):
    assert reports.decimal_str(value) == text


def test_decimal_str_refuses_non_finite_and_floats():
    with pytest.raises(ValueError):
        reports.decimal_str(Decimal("NaN"))
    with pytest.raises(TypeError):
        reports.decimal_str(0.1)


@pytest.mark.parametrize(
    "part, whole, text",
    [
        ("200", "1000", "20.0 %"),  # exactly the quorum line
        ("66", "100", "66.0 %"),  # exactly the approval line
        ("1", "3", "33.3 %"),
        ("2", "3", "66.6 %"),  # truncated, not rounded up
        ("1999", "10000", "19.9 %"),  # 19.99 % never displays as reaching 20 %
        ("0", "5", "0.0 %"),
        ("5", "5", "100.0 %"),
        ("1", "0", "—"),
    ],
)
def test_percent_is_truncated_to_a_tenth(part, whole, text):
    assert reports.percent(Decimal(part), Decimal(whole)) == text


@pytest.mark.parametrize(
    "seconds, text",
    [(3 * DAY + 4 * HOUR + 59, "3d 4h"), (45 * 60, "45m"), (12, "12s"), (0, "0s"), (2 * HOUR + 5 * 60 + 7, "2h 5m"),
     (DAY + 30, "1d"), (-90, "-1m 30s")],
)
def test_duration_text_shows_the_two_largest_units(seconds, text):
    assert reports.duration_text(seconds) == text


# --------------------------------------------------------------------------
# Status


def test_status_json_has_the_spec_keys_sorted_by_nep_with_null_instants():
    states = {
        2: state(NEPStatus.DRAFT, nep=2),
        1: state(NEPStatus.SCHEDULED, nep=1),
    }
    props = {1: proposal(1), 2: proposal(2, title="Second one", type=NEPType.ECONOMICS)}
    out = reports.status_json(states, props, VE + HOUR)
    assert out["as_of"] == "2026-01-15T01:00:00Z"
    assert [e["nep"] for e in out["neps"]] == [1, 2]
    for e in out["neps"]:
        assert STATUS_KEYS <= e.keys()
    first, draft = out["neps"]
    assert first["status"] == "scheduled" and first["outcome"] == "approved" and first["reason"] is None
    assert first["type"] == "train" and first["content_hash"] == HASH
    assert first["submitted"] == "2026-01-01T00:00:00Z"
    assert first["activates_at"] == "2026-01-22T00:00:00Z"
    assert first["next_event"] == {"event": "activation", "at": "2026-01-22T00:00:00Z"}
    assert draft["submitted"] is None and draft["voting_start"] is None and draft["decided_at"] is None
    assert draft["type"] == "econ"
    json.dumps(out)  # JSON-ready: no Decimal, enum or tuple left


def test_status_json_lists_a_nep_without_a_readable_proposal():
    out = reports.status_json({3: state(nep=3)}, {}, VS)
    assert out["neps"][0]["title"] is None and out["neps"][0]["content_hash"] is None


def test_status_text_shows_deadline_result_and_truncated_title():
    states = {
        1: state(NEPStatus.SCHEDULED),
        2: state(NEPStatus.REJECTED, nep=2, outcome=Outcome.REJECTED, reason=Reason.NO_QUORUM, decided_at=VE),
    }
    long_title = "A very long title " * 6
    props = {1: proposal(1), 2: proposal(2, title=long_title)}
    text = reports.status_text(states, props, AT - 3 * DAY - 4 * HOUR)
    assert "NEP-0001" in text and "NEP-TRAIN" in text and "scheduled" in text
    assert "activates 2026-01-22 00:00Z (in 3d 4h)" in text
    assert "rejected: no quorum" in text
    assert long_title not in text and "…" in text
    assert "\x1b[" not in text


def test_status_text_colour_only_on_request():
    text = reports.status_text({1: state()}, {1: proposal()}, VS, color=True)
    assert "\x1b[" in text


def test_status_text_neutralises_control_characters_in_titles():
    text = reports.status_text({1: state()}, {1: proposal(title="Evil\x1b[2J title\u202e")}, VS)
    assert "\x1b" not in text and "\u202e" not in text


# --------------------------------------------------------------------------
# Tally


def test_tally_json_has_the_spec_keys_and_rejected_vote_shows_its_code():
    votes = [
        vote(NODE_A, "yes", "300"),
        vote(NODE_B, "no", "100", VoteCode.TOO_LATE, timestamp=VE),
        vote(NODE_C, None, "0", VoteCode.PENDING, included_at=None, timestamp=None),
    ]
    t = tally("300", total="1000", votes=votes)
    out = reports.tally_json(t, state(tally=t), VS + DAY)
    assert TALLY_KEYS <= out.keys()
    assert out["final"] is False and out["outcome"] is None and out["projected_outcome"] == "approved"
    assert out["yes"] == "300" and out["no"] == "0" and out["total_stake"] == "1000" and out["turnout"] == "300"
    assert out["quorum"] == "0.2" and out["approval"] == "0.66"
    rows = {v["voter"]: v for v in out["votes"]}
    for v in out["votes"]:
        assert VOTE_KEYS <= v.keys()
    assert rows[NODE_A]["counted"] is True and rows[NODE_A]["code"] is None
    assert rows[NODE_A]["timestamp"] == "2026-01-08T01:00:00Z"
    assert rows[NODE_B]["counted"] is False and rows[NODE_B]["code"] == "TOO_LATE"
    assert rows[NODE_C]["code"] == "PENDING" and rows[NODE_C]["included_at"] is None
    assert rows[NODE_C]["timestamp"] is None and rows[NODE_C]["weight"] == "0"
    assert out["counts"] == {"files": 3, "counted": 1, "not_counted": 1, "pending": 1}
    json.dumps(out)


def test_tally_json_tiny_weights_never_use_exponents():
    t = tally("0.0000001", total="0.0000001", votes=[vote(NODE_A, "yes", "0.0000001")], final=True)
    out = reports.tally_json(t, state(NEPStatus.SCHEDULED, tally=t), VE)
    assert out["yes"] == "0.0000001" and out["votes"][0]["weight"] == "0.0000001"
    assert out["final"] is True and out["decided_at"] == "2026-01-15T00:00:00Z"


def test_tally_json_before_voting_is_zero_and_undecided():
    out = reports.tally_json(None, state(NEPStatus.REVIEW), VS - 1)
    assert TALLY_KEYS <= out.keys()
    assert out["final"] is False and out["outcome"] is None and out["projected_outcome"] is None
    assert out["yes"] == out["no"] == out["abstain"] == out["total_stake"] == "0"
    assert out["votes"] == [] and out["decided_at"] is None
    assert out["quorum_reached"] is False and out["approval_reached"] is False


def test_tally_json_rejected_at_t0_is_final_without_votes():
    s = state(NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=Reason.INSUFFICIENT_STAKE,
              decided_at=T0, voting_start=None, voting_end=None)
    out = reports.tally_json(None, s, T0)
    assert out["final"] is True and out["outcome"] == "rejected" and out["reason"] == "insufficient_stake"
    assert out["decided_at"] == "2026-01-01T00:00:00Z" and out["votes"] == []


def test_tally_text_provisional_with_bars_and_markers():
    votes = [vote(NODE_A, "yes", "132"), vote(NODE_B, "no", "68"),
             vote(NODE_C, "yes", "50", VoteCode.BAD_SIGNATURE)]
    t = tally("132", "68", total="1000", votes=votes)
    text = reports.tally_text(t, state(tally=t), VE - 5 * HOUR)
    assert "PROVISIONAL — voting ends 2026-01-15 00:00Z (in 5h)" in text
    assert "Projected outcome: approved" in text
    # Exactly 20 % turnout and exactly 66 % approval: both lines displayed and reached.
    assert "= 20.0 %" in text and "quorum 20.0 %   ✓ reached" in text
    assert "66.0 % yes of yes+no" in text and "needs 66.0 %   ✓ reached" in text
    assert "█" * 10 + "|" + "░" * 40 in text  # turnout bar (50 cells) filled exactly to the quorum marker
    assert "█" * 33 + "|" + "░" * 17 in text  # approval bar filled exactly to the 66 % marker
    assert "✗ BAD_SIGNATURE" in text and "✓" in text
    assert "5f2b9c0e…" in text
    assert "\x1b[" not in text


def test_bars_just_below_the_lines_stop_short_of_the_markers():
    t = tally("1319", "681", total="10001", votes=[vote(NODE_A, "yes", "1319"), vote(NODE_B, "no", "681")])
    assert not t.quorum_reached and not t.approval_reached
    text = reports.tally_text(t, state(tally=t), VS)
    assert "= 19.9 %" in text and "65.9 % yes of yes+no" in text
    assert "█" * 9 + "░|" in text and "█" * 32 + "░|" in text
    assert text.count("✗ not reached") == 2


def test_bar_never_contradicts_the_verdict_when_cells_round():
    # 66.4 % on a 40-cell bar floors to cell 26 like 66.0 % does; the verdict decides which side of the marker.
    assert bar(Decimal("0.659"), Decimal(1), 40, Decimal("0.66"), reached=False) == "█" * 25 + "░|" + "░" * 14
    reached = bar(Decimal("0.66"), Decimal(1), 40, Decimal("0.66"), reached=True)
    assert reached == "█" * 26 + "|" + "░" * 14


def test_tally_text_final_rejected_names_the_reason():
    t = tally("100", total="1000", votes=[vote(NODE_A, "yes", "100")], final=True)
    s = state(NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=Reason.NO_QUORUM, decided_at=VE, tally=t)
    text = reports.tally_text(t, s, VE + DAY)
    assert "FINAL — decided 2026-01-15 00:00Z" in text
    assert "REJECTED — no quorum" in text
    assert "quorum 20.0 %   ✗ not reached" in text
    assert "PROVISIONAL" not in text


def test_tally_text_without_votes_or_stake_does_not_divide_by_zero():
    t = tally(total="0", final=True)
    text = reports.tally_text(t, state(NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=Reason.NO_QUORUM,
                                       decided_at=VE, tally=t), VE)
    assert "—" in text and "No vote files." in text


def test_tally_text_before_voting_says_when_it_opens():
    text = reports.tally_text(None, state(NEPStatus.REVIEW), VS - 2 * HOUR)
    assert "NOT STARTED — voting opens 2026-01-08 00:00Z (in 2h)" in text


def test_tally_text_malformed_file_explains_itself():
    bad = vote(NODE_A, None, "0", VoteCode.MALFORMED, timestamp=None, error="choice: 'maybe' is not one of ...")
    t = tally(total="1000", votes=[bad])
    text = reports.tally_text(t, state(tally=t), VS)
    assert "✗ MALFORMED" in text and "choice: 'maybe'" in text


# --------------------------------------------------------------------------
# Timeline (half-open windows)


def test_timeline_at_the_instant_voting_starts():
    s = state(NEPStatus.VOTING)
    assert phases(reports.timeline(s, VS))["review"] == "past"
    assert phases(reports.timeline(s, VS))["voting"] == "current"
    before = phases(reports.timeline(state(NEPStatus.REVIEW), VS - 1))
    assert before["review"] == "current" and before["voting"] == "future" and before["draft"] == "past"


def test_timeline_at_the_instant_voting_ends_decision_is_past_and_grace_current():
    s = state(NEPStatus.SCHEDULED)
    ph = phases(reports.timeline(s, VE))
    assert ph == {"draft": "past", "review": "past", "voting": "past", "decision": "past",
                  "scheduled": "current", "active": "future"}
    one_before = phases(reports.timeline(state(NEPStatus.VOTING), VE - 1, grace_period_days=7))
    assert one_before["voting"] == "current" and one_before["decision"] == "future"


def test_timeline_at_activation_active_is_current():
    tl = reports.timeline(state(NEPStatus.ACTIVE), AT)
    assert phases(tl)["scheduled"] == "past" and phases(tl)["active"] == "current"
    active = next(p for p in tl if p["phase"] == "active")
    assert active["start"] == "2026-01-22T00:00:00Z" and active["end"] is None


def test_timeline_of_a_draft_has_null_instants_and_draft_current():
    tl = reports.timeline(state(NEPStatus.DRAFT), T0)
    assert tl[0] == {"phase": "draft", "name": "Draft", "start": None, "end": None, "state": "current", "note": ""}
    assert all(p["state"] == "future" for p in tl[1:])


def test_timeline_projects_activation_from_grace_and_omits_empty_windows():
    tl = reports.timeline(state(NEPStatus.VOTING), VS, grace_period_days=0)
    assert "scheduled" not in phases(tl)
    active = next(p for p in tl if p["phase"] == "active")
    assert active["start"] == "2026-01-15T00:00:00Z" and active["state"] == "future"
    emergency = state(NEPStatus.VOTING, voting_start=T0, voting_end=T0 + 48 * HOUR, track="emergency")
    assert "review" not in phases(reports.timeline(emergency, T0))
    assert phases(reports.timeline(emergency, T0))["voting"] == "current"


def test_timeline_endings():
    rejected = state(NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=Reason.NO_APPROVAL, decided_at=VE)
    assert phases(reports.timeline(rejected, VE)) == {
        "draft": "past", "review": "past", "voting": "past", "decision": "past", "rejected": "current"}
    at_t0 = state(NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=Reason.RESUBMITTED_TOO_SOON,
                  decided_at=T0, voting_start=None, voting_end=None)
    assert list(phases(reports.timeline(at_t0, T0))) == ["draft", "decision", "rejected"]
    withdrawn = state(NEPStatus.WITHDRAWN, voting_start=None, voting_end=None, withdrawn_at=T0 + DAY)
    assert phases(reports.timeline(withdrawn, T0 + DAY)) == {"draft": "past", "review": "past", "withdrawn": "current"}
    deprecated = state(NEPStatus.DEPRECATED, deprecated_at=AT + DAY, deprecated_by=7)
    tl = reports.timeline(deprecated, AT + DAY)
    assert phases(tl)["active"] == "past" and phases(tl)["deprecated"] == "current"
    assert tl[-1]["note"] == "superseded by NEP-0007"


# --------------------------------------------------------------------------
# Show


def test_show_json_has_everything_about_one_nep():
    change = ParameterChange("economics.constants", "TRAINING_REWARD_PER_BATCH_PER_LAYER", 0.0005, 0.0006, "Why")
    p = proposal(parameter_changes=(change,),
                 economic_impact=EconomicImpact(training_efficiency_multiplier=2.0, min_memory_change_mb=200,
                                                upgrade_cost_neuro=Decimal("1E-7")))
    t = tally("300", total="1000", votes=[vote(NODE_A, "yes", "300")])
    out = reports.show_json(p, state(tally=t), VS + DAY)
    assert out["nep"] == 1 and out["content_hash"] == HASH and out["status"] == "voting"
    assert out["type_label"] == "NEP-TRAIN" and out["authors"][0]["node"] == NODE_A
    assert [ph["phase"] for ph in out["timeline"]][:3] == ["draft", "review", "voting"]
    imp = out["impact"]
    assert imp["neutral"] is False
    assert imp["summary"].startswith("Training efficiency: +100.0%; Memory requirement: +200 MB")
    assert imp["fields"]["upgrade_cost_neuro"] == "0.0000001" and imp["fields"]["min_memory_change_mb"] == 200
    assert out["parameter_changes"][0]["key"] == "economics.constants.TRAINING_REWARD_PER_BATCH_PER_LAYER"
    assert out["parameter_changes"][0]["new_value"] == 0.0006
    assert out["upgrade_path"]["migration_steps"] == ["Update the node"]
    assert out["tally"]["yes"] == "300"
    json.dumps(out)


def test_show_json_without_tally_or_impact():
    out = reports.show_json(proposal(economic_impact=None), state(NEPStatus.REVIEW), VS - 1)
    assert out["tally"] is None and out["impact"] is None


def test_show_json_neutral_impact():
    out = reports.show_json(proposal(economic_impact=EconomicImpact()), state(NEPStatus.DRAFT), T0)
    assert out["impact"]["neutral"] is True and out["impact"]["summary"] == "No economic change"
    assert out["impact"]["changed"] == []


def test_show_text_contains_timeline_impact_and_tally():
    t = tally("300", total="1000", votes=[vote(NODE_A, "yes", "300")])
    text = reports.show_text(proposal(), state(tally=t), VS + DAY)
    assert "NEP-0001: Faster training with sparse gradients" in text
    assert "▶  voting" in text and "✓  review" in text
    assert "Training efficiency: +100.0%" in text
    assert "PROVISIONAL" in text and "█" in text
    assert HASH in text
    assert "\x1b[" not in text


# --------------------------------------------------------------------------
# Config


def protocol() -> ProtocolState:
    return ProtocolState(
        as_of=AT,
        version="1.1.0",
        features=("diloco", "ponw", "sparse"),
        parameters={"economics.constants.X": 0.0006, "governance.quorum": Decimal("0.25"), "genesis.only": 5},
        set_by={"economics.constants.X": 1, "governance.quorum": 2},
        versions=((AT, "1.1.0", 1),),
    )


def test_config_json_marks_genesis_parameters_with_null():
    out = reports.config_json(protocol())
    assert out["as_of"] == "2026-01-22T00:00:00Z" and out["protocol_version"] == "1.1.0"
    assert out["features"] == ["diloco", "ponw", "sparse"]
    assert out["parameters"]["genesis.only"] == {"value": 5, "set_by": None}
    assert out["parameters"]["economics.constants.X"] == {"value": 0.0006, "set_by": 1}
    assert out["parameters"]["governance.quorum"] == {"value": "0.25", "set_by": 2}
    assert out["versions"] == [{"at": "2026-01-22T00:00:00Z", "version": "1.1.0", "nep": 1}]
    assert out["governance"] is None
    json.dumps(out)


def test_config_with_effective_governance():
    from tooling.core.lifecycle import EffectiveGovernance
    from tooling.core.model import Track

    eg = EffectiveGovernance(
        quorum=Decimal("0.20"), approval=Decimal("0.66"), min_stake_to_propose=Decimal("100"), resubmit_wait_days=30,
        tracks={"standard": Track(168, 168, 7, 30)}, proposal_fee=Decimal("10"), rewards=GENESIS.rewards,
    )
    out = reports.config_json(protocol(), eg)
    assert out["governance"]["quorum"] == "0.2" and out["governance"]["tracks"]["standard"]["voting_hours"] == 168
    text = reports.config_text(protocol(), eg)
    assert "quorum" in text and "voting_hours 168" in text


def test_config_text_lists_values_and_who_set_them():
    text = reports.config_text(protocol())
    assert "1.1.0 (since 2026-01-22 00:00Z, NEP-0001)" in text
    assert "diloco, ponw, sparse" in text
    lines = {line.split()[0]: line for line in text.splitlines() if line.startswith("  ") and "." in line.split()[0]}
    assert lines["genesis.only"].endswith("genesis") and lines["economics.constants.X"].endswith("NEP-0001")


# --------------------------------------------------------------------------
# Rewards


def rewards() -> list[ProposalRewards]:
    return [
        ProposalRewards(2, Decimal("10"), False, True, NODE_B, Decimal("0")),
        ProposalRewards(1, Decimal("10"), True, False, NODE_A, Decimal("11.7"),
                        MappingProxyType({NODE_C: Decimal("0.1"), NODE_A: Decimal("0.07")}), Decimal("0.17")),
        ProposalRewards(3, Decimal("10"), False, False, NODE_C, Decimal("0.05"),
                        MappingProxyType({NODE_B: Decimal("0.05")}), Decimal("0.05")),
        ProposalRewards(4, Decimal("10"), False, False, NODE_C, Decimal("0")),
    ]


def test_rewards_json_per_proposal_and_totals():
    out = reports.rewards_json(rewards(), VE)
    assert [p["nep"] for p in out["proposals"]] == [1, 2, 3, 4]
    assert [p["fee_status"] for p in out["proposals"]] == ["refunded", "burned", "kept", "held"]
    assert out["proposals"][0]["voter_rewards"] == {NODE_C: "0.1", NODE_A: "0.07"}
    assert list(out["proposals"][0]["voter_rewards"]) == sorted([NODE_A, NODE_C])
    assert out["totals"] == {
        "fees_collected": "40", "fees_refunded": "10", "fees_burned": "10", "fees_kept": "10", "fees_held": "10",
        "proposer_rewards": "11.75", "voter_rewards": "0.22",
    }
    json.dumps(out)


def test_rewards_json_tells_kept_from_held_by_state():
    states = {4: state(NEPStatus.REJECTED, nep=4, outcome=Outcome.REJECTED, reason=Reason.ALL_ABSTAIN, decided_at=VE)}
    out = reports.rewards_json(rewards(), VE, states=states)
    assert out["proposals"][3]["fee_status"] == "kept"


def test_rewards_text_has_rows_and_totals():
    text = reports.rewards_text(rewards(), VE)
    assert "NEP-0001" in text and "refunded" in text and "11.7" in text
    assert "fees collected 40: refunded 10, burned 10, kept 10, held 10" in text
    assert "voter rewards 0.22" in text
    assert "No submitted proposals." in reports.rewards_text([], VE)
