"""``history-disagrees``: the bot's fields in a NEP file that history contradicts (history decides)."""

from __future__ import annotations

from typing import Mapping

from tooling.core.catalog import rule
from tooling.core.diagnostics import Diagnostic
from tooling.core.instants import format_instant
from tooling.core.model import NEPState, Proposal


def bot_field_findings(
    proposals: Mapping[int, Proposal], states: Mapping[int, NEPState], as_of: int
) -> list[Diagnostic]:
    """``history-disagrees``: a written ``submitted``, ``resolution`` or ``activated`` that history contradicts."""
    out: list[Diagnostic] = []
    for n, p in proposals.items():
        st = states.get(n)
        if st is None:
            continue
        found: list[tuple[str, str | None, str | None]] = []
        if p.submitted is not None and p.submitted != st.submitted:
            found.append(("submitted", format_instant(p.submitted), format_instant(st.submitted)))
        res = p.resolution
        if res is not None and st.outcome is not None and st.decided_at is not None:
            if res.outcome != st.outcome:
                found.append(("resolution", str(res.outcome), str(st.outcome)))
            elif res.decided_at != st.decided_at:
                found.append(("resolution", format_instant(res.decided_at), format_instant(st.decided_at)))
        if p.activated is not None and p.activated != st.activated:
            found.append(("activated", format_instant(p.activated), format_instant(st.activated)))
        for key, written, computed in found:
            out.append(rule("history-disagrees").at(
                p.path, p.positions.at((key,)), f"{p.label}: `{key}` says {written or 'nothing'} but history "
                f"gives {computed or 'nothing'} as of {format_instant(as_of)}; history decides"))
    return out
