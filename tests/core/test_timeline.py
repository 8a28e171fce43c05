"""The one timeline core (tooling.core.timeline): half-open windows, points, omitted empty windows, the way ahead."""

from __future__ import annotations

import dataclasses

import pytest

from tooling.present import reports
from tooling.present import site
from tooling.core import timeline as tl
from tooling.core.model import DAY, HOUR, NEPState, NEPStatus, Outcome, Proposal, Reason, UpgradePath
from helpers import AT, T0, VE, VS, make_state

GRACE = 7
state = make_state


REJECTED = dict(outcome=Outcome.REJECTED, reason=Reason.NO_QUORUM, decided_at=VE)
DEPRECATED_AT = AT + 30 * DAY
WITHDRAWN_AT = T0 + 2 * DAY
EMERGENCY = dict(track="emergency", voting_start=T0, voting_end=T0 + 48 * HOUR)


def states_of(s: NEPState, as_of: int, grace: int | None = GRACE) -> dict[str, str]:
    return {p.key: p.state for p in tl.phases(s, as_of, grace_period_days=grace)}


def keys(s: NEPState, as_of: int, grace: int | None = GRACE) -> list[str]:
    return [p.key for p in tl.phases(s, as_of, grace_period_days=grace)]


# --------------------------------------------------------------------------
# Each window is current from the instant it starts and future one second before
# (the state before is the one the lifecycle computes one second earlier).


@pytest.mark.parametrize(
    "key, before, at, instant",
    [
        ("review", state(NEPStatus.DRAFT), state(NEPStatus.REVIEW), T0),
        ("voting", state(NEPStatus.REVIEW), state(NEPStatus.VOTING), VS),
        ("scheduled", state(NEPStatus.VOTING), state(NEPStatus.SCHEDULED), VE),
        ("active", state(NEPStatus.SCHEDULED), state(NEPStatus.ACTIVE), AT),
    ],
)
def test_a_phase_is_current_from_the_instant_it_starts_and_future_one_second_before(key, before, at, instant):
    assert states_of(before, instant - 1)[key] == "future"
    assert states_of(at, instant)[key] == "current"


@pytest.mark.parametrize(
    "key, s, instant",
    [
        ("review", state(NEPStatus.REVIEW), T0),
        ("voting", state(NEPStatus.VOTING), VS),
        ("scheduled", state(NEPStatus.SCHEDULED), VE),
        ("active", state(NEPStatus.ACTIVE), AT),
        ("rejected", state(NEPStatus.REJECTED, **REJECTED), VE),
        ("withdrawn", state(NEPStatus.WITHDRAWN, voting_start=None, voting_end=None, withdrawn_at=WITHDRAWN_AT),
         WITHDRAWN_AT),
        ("deprecated", state(NEPStatus.DEPRECATED, deprecated_at=DEPRECATED_AT), DEPRECATED_AT),
    ],
)
def test_the_window_rule_alone_with_known_instants(key, s, instant):
    assert states_of(s, instant - 1)[key] == "future"
    assert states_of(s, instant)[key] == "current"


@pytest.mark.parametrize(
    "key, s, end",
    [
        ("review", state(NEPStatus.VOTING), VS),
        ("voting", state(NEPStatus.SCHEDULED), VE),
        ("scheduled", state(NEPStatus.ACTIVE), AT),
        ("active", state(NEPStatus.DEPRECATED, deprecated_at=DEPRECATED_AT), DEPRECATED_AT),
    ],
)
def test_a_window_is_past_from_the_instant_it_ends(key, s, end):
    assert states_of(s, end - 1)[key] == "current"
    assert states_of(s, end)[key] == "past"


def test_draft_is_current_until_the_instant_of_submission():
    assert states_of(state(NEPStatus.DRAFT), T0 - 1)["draft"] == "current"
    assert states_of(state(NEPStatus.REVIEW), T0)["draft"] == "past"


def test_the_decision_is_a_point_future_before_voting_ends_and_past_at_that_instant():
    before = next(p for p in tl.phases(state(NEPStatus.VOTING), VE - 1) if p.key == "decision")
    assert (before.start, before.end, before.state, before.is_point) == (VE, VE, "future", True)
    assert states_of(state(NEPStatus.SCHEDULED), VE)["decision"] == "past"
    assert states_of(state(NEPStatus.REJECTED, **REJECTED), VE)["decision"] == "past"


def test_submission_on_the_emergency_track_is_a_point_with_no_review():
    s = state(NEPStatus.VOTING, **EMERGENCY)
    assert keys(s, T0) == ["draft", "submitted", "voting", "decision", "scheduled", "active"]
    submitted = tl.phases(s, T0)[1]
    assert (submitted.start, submitted.end, submitted.note) == (T0, T0, "emergency track: no review")
    assert states_of(s, T0) == {"draft": "past", "submitted": "past", "voting": "current", "decision": "future",
                                "scheduled": "future", "active": "future"}
    assert states_of(s, T0 - 1)["submitted"] == "future"
    # An emergency draft has no review ahead either.
    assert "review" not in keys(state(NEPStatus.DRAFT, track="emergency"), T0 - DAY)


def test_exactly_one_phase_is_current_in_every_computed_state():
    cases = [
        (state(NEPStatus.DRAFT), T0 - 1),
        (state(NEPStatus.REVIEW), T0),
        (state(NEPStatus.VOTING), VS),
        (state(NEPStatus.VOTING, **EMERGENCY), T0),
        (state(NEPStatus.SCHEDULED), VE),
        (state(NEPStatus.ACTIVE), AT),
        (state(NEPStatus.ACTIVE, activates_at=VE), VE),  # grace 0: active at VE
        (state(NEPStatus.REJECTED, **REJECTED), VE),
        (state(NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=Reason.INSUFFICIENT_STAKE, decided_at=T0,
               voting_start=None, voting_end=None), T0),
        (state(NEPStatus.WITHDRAWN, voting_start=None, voting_end=None, withdrawn_at=WITHDRAWN_AT), WITHDRAWN_AT),
        (state(NEPStatus.WITHDRAWN, submitted=None, voting_start=None, voting_end=None, withdrawn_at=None), T0),
        (state(NEPStatus.DEPRECATED, deprecated_at=DEPRECATED_AT), DEPRECATED_AT),
    ]
    for s, as_of in cases:
        current = [p.key for p in tl.phases(s, as_of, grace_period_days=GRACE) if p.state == "current"]
        assert current == [s.status.value], (s.status, as_of, current)


def test_phases_come_in_path_order():
    for s, as_of in [(state(NEPStatus.DEPRECATED, deprecated_at=DEPRECATED_AT), DEPRECATED_AT),
                     (state(NEPStatus.REJECTED, **REJECTED), VE), (state(NEPStatus.VOTING, **EMERGENCY), T0)]:
        ks = keys(s, as_of)
        assert ks == sorted(ks, key=tl.KEYS.index)


# --------------------------------------------------------------------------
# Empty windows, endings, notes


def test_grace_zero_has_no_scheduled_window_and_activation_at_voting_end():
    ahead = tl.phases(state(NEPStatus.VOTING), VS, grace_period_days=0)
    assert "scheduled" not in [p.key for p in ahead]
    active = ahead[-1]
    assert (active.key, active.start, active.projected, active.note) == (
        "active", VE, True, "if approved, with no grace period")
    assert "scheduled" not in keys(state(NEPStatus.ACTIVE, activates_at=VE), VE)


def test_the_way_ahead_of_an_undecided_nep_is_projected_from_the_grace_period():
    ahead = {p.key: p for p in tl.phases(state(NEPStatus.VOTING), VS, grace_period_days=GRACE)}
    assert (ahead["scheduled"].start, ahead["scheduled"].end, ahead["scheduled"].projected) == (VE, AT, True)
    assert (ahead["active"].start, ahead["active"].note) == (AT, "if approved, after a 7-day grace period")
    assert ahead["decision"].projected is False
    unknown = {p.key: p for p in tl.phases(state(NEPStatus.VOTING), VS, grace_period_days=None)}
    assert unknown["active"].start is None and unknown["active"].note == "if approved"
    assert unknown["active"].state == "future"


def test_a_draft_has_unknown_instants_placed_by_its_status():
    ph = tl.phases(state(NEPStatus.DRAFT), T0, created="2025-12-01")
    assert ph[0] == tl.Phase("draft", None, None, "current", "created 2025-12-01")
    assert [p.state for p in ph[1:]] == ["future"] * (len(ph) - 1)
    assert ph[1].key == "review" and ph[1].note == "starts when the NEP is submitted"
    assert tl.phases(state(NEPStatus.DRAFT), T0)[0].note == ""


def test_rejected_at_t0_has_submission_decision_and_rejection_at_the_same_instant():
    s = state(NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=Reason.RESUBMITTED_TOO_SOON, decided_at=T0,
              voting_start=None, voting_end=None)
    ph = tl.phases(s, T0)
    assert [(p.key, p.start, p.state) for p in ph] == [
        ("draft", None, "past"), ("submitted", T0, "past"), ("decision", T0, "past"), ("rejected", T0, "current")]
    assert ph[2].note == "rejected at submission: resubmitted too soon"
    assert ph[3].note == "resubmitted too soon"


def test_rejection_by_vote_notes_the_reason_in_words():
    ph = {p.key: p for p in tl.phases(state(NEPStatus.REJECTED, outcome=Outcome.REJECTED,
                                                reason=Reason.NO_APPROVAL, decided_at=VE), VE)}
    assert ph["decision"].note == "rejected: approval threshold not met"
    assert ph["rejected"].note == "approval threshold not met"


def test_withdrawals():
    at_submission = state(NEPStatus.WITHDRAWN, voting_start=None, voting_end=None, withdrawn_at=T0)
    assert keys(at_submission, T0) == ["draft", "withdrawn"]  # the review window [T0, T0) is empty
    never = tl.phases(state(NEPStatus.WITHDRAWN, submitted=None, voting_start=None, voting_end=None,
                            withdrawn_at=T0), T0)
    assert [(p.key, p.state, p.note) for p in never] == [("draft", "past", ""),
                                                          ("withdrawn", "current", "never submitted")]


def test_deprecation_names_the_superseding_nep():
    ph = tl.phases(state(NEPStatus.DEPRECATED, deprecated_at=DEPRECATED_AT, deprecated_by=12), DEPRECATED_AT)
    assert (ph[-2].key, ph[-2].end, ph[-2].state) == ("active", DEPRECATED_AT, "past")
    assert (ph[-1].key, ph[-1].note) == ("deprecated", "superseded by NEP-0012")


def test_phase_is_frozen():
    ph = tl.phases(state(NEPStatus.VOTING), VS)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ph.state = "past"  # type: ignore[misc]


# --------------------------------------------------------------------------
# Both adapters are views of the core


def _proposal(grace: int) -> Proposal:
    # site.timeline reads only created and upgrade_path.
    fields = {f.name: None for f in dataclasses.fields(Proposal)}
    fields.update(nep=1, created="2025-12-01", upgrade_path=UpgradePath(grace_period_days=grace))
    return Proposal(**fields)


ADAPTER_CASES = [
    (state(NEPStatus.DRAFT), T0 - 1),
    (state(NEPStatus.REVIEW), T0),
    (state(NEPStatus.VOTING), VS),
    (state(NEPStatus.VOTING, **EMERGENCY), T0),
    (state(NEPStatus.SCHEDULED), VE),
    (state(NEPStatus.REJECTED, **REJECTED), VE),
    (state(NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=Reason.INSUFFICIENT_STAKE, decided_at=T0,
           voting_start=None, voting_end=None), T0),
    (state(NEPStatus.DEPRECATED, deprecated_at=DEPRECATED_AT, deprecated_by=2), DEPRECATED_AT),
]


@pytest.mark.parametrize("s, as_of", ADAPTER_CASES)
def test_reports_timeline_is_the_core_in_its_vocabulary(s, as_of):
    core = [p for p in tl.phases(s, as_of, grace_period_days=GRACE) if p.key != "submitted"]
    out = reports.timeline(s, as_of, grace_period_days=GRACE)
    assert [(o["phase"], o["state"], o["note"]) for o in out] == [(p.key, p.state, p.note) for p in core]


@pytest.mark.parametrize("s, as_of", ADAPTER_CASES)
def test_site_timeline_agrees_with_the_core_on_every_shown_phase(s, as_of):
    core = {p.key: p for p in tl.phases(s, as_of, grace_period_days=GRACE, created="2025-12-01")}
    shown = site.timeline(_proposal(GRACE), s, as_of)
    assert sum(p.state == "current" for p in shown) == 1
    assert shown[0].note == "created 2025-12-01"
    if s.outcome is Outcome.REJECTED:
        assert "Decision" not in [p.name for p in shown] and shown[-1].name == "Rejected"
    if s.outcome is Outcome.APPROVED:
        approved = next(p for p in shown if p.name == "Approved")
        assert (approved.start, approved.end, approved.state) == (VE, None, core["decision"].state)
    if s.outcome is None and s.voting_end is not None:
        assert [p.name for p in shown][-2:] == ["Decision", "Activation"]
        assert shown[-1].start == s.voting_end + GRACE * DAY
