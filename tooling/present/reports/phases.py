"""The timeline of a NEP as reports show it (``nep show``)."""

from __future__ import annotations


from tooling.core import timeline as _timeline
from tooling.core.model import NEPState, Phase, PhaseState
from tooling.present.format import format_instant


PHASE_NAMES = {phase: phase.value.capitalize() for phase in Phase if phase is not Phase.SUBMITTED}


PhaseRow = tuple[Phase, int | None, int | None, PhaseState, str]  # phase, start, end, state, note


def phases(state: NEPState, as_of: int, grace_period_days: int | None) -> list[PhaseRow]:
    """(phase, start, end, state, note) with instants as Unix seconds; see ``timeline``."""
    # The reports keep their phase vocabulary (PHASE_NAMES): the submission point is the
    # boundary between draft and what follows, not a phase of its own here.
    return [
        (p.key, p.start, p.end, p.state, p.note)
        for p in _timeline.phases(state, as_of, grace_period_days=grace_period_days)
        if p.key in PHASE_NAMES
    ]


def timeline(state: NEPState, as_of: int, *, grace_period_days: int | None = None) -> list[dict]:
    """The phases of a NEP's life, each ``{phase, name, start, end, state, note}``.

    Windows are half-open, so a phase is ``current`` from the instant it
    starts; ``decision`` is a point (start = end) and is ``past`` from that
    instant on. For an undecided NEP the path continues with ``scheduled`` and
    ``active`` ("if approved"), projected from ``grace_period_days`` when given.
    ``state`` is expected to be computed at the same ``as_of``. The phases are
    ``tooling.core.timeline.phases`` less its ``submitted`` point.
    """
    return [
        {
            "phase": phase,
            "name": PHASE_NAMES[phase],
            "start": format_instant(start),
            "end": format_instant(end),
            "state": st,
            "note": note,
        }
        for phase, start, end, st, note in phases(state, as_of, grace_period_days)
    ]
