"""The phases of one NEP's life at ``as_of``: the single source for every timeline shown.

``phases`` is a pure function of a computed ``NEPState``, ``as_of`` and two
facts the state does not carry (the proposal's grace period, to project the
way ahead of an undecided NEP, and its ``created`` date, for the draft's
note). It returns ``Phase`` records with integer instants; the site
(``site.timeline``) and the reports (``reports.timeline``, ``nep show``) only
choose which phases to show and what to call them.

Rules (SPEC 2 and 7):

- Windows are half-open ``[start, end)``: a phase is ``current`` from the
  instant it starts and ``past`` from the instant it ends.
- ``submitted`` and ``decision`` are points (start = end): ``future`` before
  the instant, ``past`` from it on, never ``current``.
- Any other window known to be empty never happens and is left out (review
  on the emergency track, the grace period when it is 0 days, a review when
  the NEP is withdrawn at the instant of submission).
- ``submitted`` appears only where no review window marks the submission:
  on the emergency track (VS = T0) and for a NEP rejected at T0.
- An undecided NEP continues with its ``decision`` at VE and the way ahead
  if it is approved: ``scheduled`` and ``active``, marked ``projected``.
- A phase whose instants are unknown (a draft's review, say) is placed by
  its order on the path relative to the current status.
"""

from __future__ import annotations

from dataclasses import dataclass
from tooling.core.model import DAY, NEPState, NEPStatus, Outcome, PhaseState, Reason, TrackName
from tooling.core.model import Phase as Key

__all__ = ["KEYS", "POINTS", "REASON_TEXT", "T0_REASONS", "Phase", "PhaseState", "phases", "reason_text"]

#: Every phase key, in path order. Stable: outputs are keyed by these.
KEYS = tuple(Key)
#: Phases that are an instant rather than a window.
POINTS = frozenset({Key.SUBMITTED, Key.DECISION})

#: Rejections decided at T0, before any vote (SPEC 7).
T0_REASONS = frozenset({Reason.INSUFFICIENT_STAKE, Reason.RESUBMITTED_TOO_SOON})
REASON_TEXT = {
    Reason.NO_QUORUM: "no quorum",
    Reason.ALL_ABSTAIN: "only abstentions",
    Reason.NO_APPROVAL: "approval threshold not met",
    Reason.INSUFFICIENT_STAKE: "proposer's stake below the minimum",
    Reason.RESUBMITTED_TOO_SOON: "resubmitted too soon",
}


def reason_text(reason: Reason | None) -> str:
    """Why a NEP was rejected, in words ("" when there is no reason)."""
    return REASON_TEXT.get(reason, str(reason)) if reason is not None else ""


@dataclass(frozen=True)
class Phase:
    """One phase: ``key`` from ``KEYS``, instants as Unix seconds (None when unknown)."""

    key: Key
    start: int | None
    end: int | None
    state: PhaseState
    note: str = ""
    projected: bool = False  # on the way ahead only if the vote approves

    @property
    def is_point(self) -> bool:
        return self.key in POINTS


def _window_state(start: int | None, end: int | None, as_of: int) -> PhaseState | None:
    """Past, current or future for ``[start, end)``; None if the instants cannot tell."""
    if start is not None and as_of < start:
        return PhaseState.FUTURE
    if end is not None and as_of >= end:
        return PhaseState.PAST
    if start is not None:
        return PhaseState.CURRENT
    return None


def _grace_note(grace_period_days: int | None) -> str:
    if grace_period_days is None:
        return "if approved"
    if grace_period_days <= 0:
        return "if approved, with no grace period"
    return f"if approved, after a {grace_period_days}-day grace period"


def phases(
    state: NEPState,
    as_of: int,
    *,
    grace_period_days: int | None = None,
    created: str | None = None,
) -> tuple[Phase, ...]:
    """The phases of ``state`` in path order, each past, current or future at ``as_of``.

    ``state`` is expected to be computed at the same ``as_of``;
    ``grace_period_days`` (None when the proposal has no upgrade path) only
    dates the projected activation of an undecided NEP.
    """
    s = state
    t0, vs, ve = s.submitted, s.voting_start, s.voting_end
    # (key, start, end, note, projected)
    ph: list[tuple[Key, int | None, int | None, str, bool]] = []

    def add(key: Key, start: int | None, end: int | None, note: str = "", projected: bool = False) -> None:
        if start is not None and start == end and key not in POINTS:
            return
        ph.append((key, start, end, note, projected))

    def draft(end: int | None) -> None:
        add(Key.DRAFT, None, end, f"created {created}" if created else "")

    def submission_path() -> None:
        draft(t0)
        no_review = vs == t0 if vs is not None and t0 is not None else s.track == TrackName.EMERGENCY
        if no_review:
            add(Key.SUBMITTED, t0, t0, "emergency track: no review")
        else:
            add(Key.REVIEW, t0, vs, "" if t0 is not None else "starts when the NEP is submitted")
        add(Key.VOTING, vs, ve)

    if s.status is NEPStatus.WITHDRAWN:
        wa = s.withdrawn_at
        if t0 is None or (wa is not None and wa < t0):
            draft(wa)
        else:
            draft(t0)
            add(Key.REVIEW, t0, wa)
        add(Key.WITHDRAWN, wa, None, "never submitted" if t0 is None else "")
    elif s.outcome is Outcome.REJECTED and s.reason in T0_REASONS:
        draft(t0)
        add(Key.SUBMITTED, t0, t0)
        add(Key.DECISION, s.decided_at, s.decided_at, f"rejected at submission: {reason_text(s.reason)}")
        add(Key.REJECTED, s.decided_at, None, reason_text(s.reason))
    elif s.outcome is Outcome.REJECTED:
        submission_path()
        add(Key.DECISION, s.decided_at, s.decided_at, f"rejected: {reason_text(s.reason)}" if s.reason else str(Outcome.REJECTED))
        add(Key.REJECTED, s.decided_at, None, reason_text(s.reason))
    elif s.outcome is Outcome.APPROVED:
        submission_path()
        add(Key.DECISION, s.decided_at, s.decided_at, str(Outcome.APPROVED))
        add(Key.SCHEDULED, ve, s.activates_at, "grace period")
        if s.status is NEPStatus.DEPRECATED:
            add(Key.ACTIVE, s.activates_at, s.deprecated_at)
            add(Key.DEPRECATED, s.deprecated_at, None,
                f"superseded by NEP-{s.deprecated_by:04d}" if s.deprecated_by is not None else "")
        else:
            add(Key.ACTIVE, s.activates_at, None)
    else:  # draft, review, voting: the way ahead if approved
        submission_path()
        add(Key.DECISION, ve, ve, "approved or rejected when voting ends")
        at = ve + max(0, grace_period_days) * DAY if ve is not None and grace_period_days is not None else None
        add(Key.SCHEDULED, ve, at, "grace period, if approved", projected=True)
        add(Key.ACTIVE, at, None, _grace_note(grace_period_days), projected=True)

    keys = [p[0] for p in ph]
    here = keys.index(s.status.value) if s.status.value in keys else len(keys)
    out = []
    for i, (key, start, end, note, projected) in enumerate(ph):
        st = _window_state(start, end, as_of)
        if st is None:
            # Unknown instants: the phase's place on the path relative to the current status decides.
            st = PhaseState.PAST if i < here else PhaseState.CURRENT if i == here else PhaseState.FUTURE
        out.append(Phase(key, start, end, st, note, projected))
    return tuple(out)
