"""``nep status``: one row per NEP, and the status fields every report repeats."""

from __future__ import annotations

from typing import Any, Mapping

from tooling.core.model import NEPState, NEPStatus, Outcome, Proposal
from tooling.present.format import format_instant, instant_text, relative_text
from tooling.present.reports.common import (
    TITLE_WIDTH,
    clean,
    columns,
    enum_value,
    label,
    paint,
    reason_text,
    truncate,
)


def next_event(state: NEPState) -> dict[str, Any] | None:
    """The deadline a NEP waits for in its status: voting start, voting end or activation."""
    if state.status is NEPStatus.REVIEW and state.voting_start is not None:
        return {"event": "voting_start", "at": format_instant(state.voting_start)}
    if state.status is NEPStatus.VOTING and state.voting_end is not None:
        return {"event": "voting_end", "at": format_instant(state.voting_end)}
    if state.status is NEPStatus.SCHEDULED and state.activates_at is not None:
        return {"event": "activation", "at": format_instant(state.activates_at)}
    return None


def state_instants(state: NEPState) -> dict[str, Any]:
    return {
        "submitted": format_instant(state.submitted),
        "voting_start": format_instant(state.voting_start),
        "voting_end": format_instant(state.voting_end),
        "decided_at": format_instant(state.decided_at),
        "activates_at": format_instant(state.activates_at),
        "activated": format_instant(state.activated),
        "withdrawn_at": format_instant(state.withdrawn_at),
        "deprecated_at": format_instant(state.deprecated_at),
        "deprecated_by": state.deprecated_by,
    }


def _status_entry(state: NEPState, proposal: Proposal | None) -> dict[str, Any]:
    ptype = proposal.type if proposal is not None else None
    entry: dict[str, Any] = {
        "nep": state.nep,
        "label": label(state.nep),
        "title": proposal.title if proposal is not None else None,
        "type": enum_value(ptype),
        "type_label": ptype.label if ptype is not None else None,
        "track": state.track,
        "status": state.status.value,
        "outcome": enum_value(state.outcome),
        "reason": enum_value(state.reason),
        "projected_outcome": enum_value(state.tally.projected_outcome) if state.tally is not None else None,
    }
    entry.update(state_instants(state))
    entry["next_event"] = next_event(state)
    entry["content_hash"] = proposal.content_hash if proposal is not None else None
    return entry


def status_json(states: Mapping[int, NEPState], proposals: Mapping[int, Proposal], as_of: int) -> dict:
    """``nep status --format json``: every NEP that has a state, sorted by number."""
    return {
        "as_of": format_instant(as_of),
        "neps": [_status_entry(states[n], proposals.get(n)) for n in sorted(states)],
    }


def result_text(state: NEPState) -> str:
    if state.outcome is Outcome.APPROVED:
        return Outcome.APPROVED.value
    if state.outcome is Outcome.REJECTED:
        return f"{Outcome.REJECTED}: {reason_text(state.reason)}" if state.reason else Outcome.REJECTED.value
    if state.tally is not None:
        return f"projected {state.tally.projected_outcome.value}"
    return "—"


def deadline_text(state: NEPState, as_of: int) -> str:
    s = state

    def at(verb: str, t: int | None) -> str:
        return f"{verb} {instant_text(t)} ({relative_text(t, as_of)})" if t is not None else verb

    if s.status is NEPStatus.DRAFT:
        return "not submitted"
    if s.status is NEPStatus.REVIEW:
        return at("voting starts", s.voting_start)
    if s.status is NEPStatus.VOTING:
        return at("voting ends", s.voting_end)
    if s.status is NEPStatus.SCHEDULED:
        return at("activates", s.activates_at)
    if s.status is NEPStatus.ACTIVE:
        return at("active since", s.activated if s.activated is not None else s.activates_at)
    if s.status is NEPStatus.REJECTED:
        return at("decided", s.decided_at)
    if s.status is NEPStatus.WITHDRAWN:
        return at(NEPStatus.WITHDRAWN.value, s.withdrawn_at)
    if s.status is NEPStatus.DEPRECATED:
        by = f" by {label(s.deprecated_by)}" if s.deprecated_by is not None else ""
        return at(f"deprecated{by}", s.deprecated_at)
    return ""


STATUS_STYLE = {
    NEPStatus.VOTING: "yellow",
    NEPStatus.REVIEW: "cyan",
    NEPStatus.SCHEDULED: "green",
    NEPStatus.ACTIVE: "green",
    NEPStatus.REJECTED: "red",
    NEPStatus.WITHDRAWN: "dim",
    NEPStatus.DEPRECATED: "dim",
    NEPStatus.DRAFT: "dim",
}


def status_text(
    states: Mapping[int, NEPState],
    proposals: Mapping[int, Proposal],
    as_of: int,
    *,
    color: bool = False,
    title_width: int = TITLE_WIDTH,
) -> str:
    """``nep status``: one row per NEP with its status, result and next deadline."""
    counts: dict[str, int] = {}
    for s in states.values():
        counts[s.status.value] = counts.get(s.status.value, 0) + 1
    summary = ", ".join(f"{counts[st.value]} {st.value}" for st in NEPStatus if st.value in counts)
    n = len(states)
    head = f"NEPs as of {instant_text(as_of)}: {n} NEP{'' if n == 1 else 's'}" + (f" ({summary})" if summary else "")
    lines = [paint(head, "bold", color)]
    if not states:
        return "\n".join(lines + ["", "  No NEPs."]) + "\n"
    rows = [["NEP", "TYPE", "STATUS", "RESULT", "TITLE", "NEXT"]]
    statuses = []
    for nep in sorted(states):
        s, p = states[nep], proposals.get(nep)
        title = truncate(clean(p.title), title_width) if p is not None else "(unreadable)"
        ptype = p.type.label if p is not None and p.type is not None else "—"
        rows.append([label(nep), ptype, s.status.value, result_text(s), title, deadline_text(s, as_of)])
        statuses.append(s.status)
    table = columns(rows)
    lines.append("")
    lines.append(paint(table[0], "bold", color))
    for line, st in zip(table[1:], statuses):
        # Colour is applied after alignment so escape codes never skew the columns.
        lines.append(paint(line, STATUS_STYLE[st], color) if color else line)
    return "\n".join(lines) + "\n"
