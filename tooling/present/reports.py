"""What `nep status`, `show`, `tally`, `config` and `rewards` print, as pure functions.

Each report comes twice: a JSON-ready dict (a stable shape that only grows by
added keys; decimals as exact strings, instants as RFC 3339 ``Z`` strings or
null) and plain text for a terminal. Everything is a function of computed
results (``NEPState``, ``Tally``, ``ProtocolState``, ``ProposalRewards``) and
``as_of``; nothing here reads a clock, decides an outcome or uses a float.
Percentages and bars are display only: the verdicts shown next to them come
from the ``Tally`` booleans.

Decisions where the spec is silent:

- Percentages are truncated (not rounded) to 0.1, so a figure below a
  threshold never displays as reaching it (19.96 % shows as 19.9 %).
- ``tally_json`` without a tally (voting not started, withdrawn, rejected at
  T0) has zero amounts, ``votes: []``, both criteria false, ``quorum`` and
  ``approval`` null, and takes ``outcome``, ``reason`` and ``decided_at`` from
  the state, so a NEP rejected at T0 reports ``final: true``, ``outcome:
  "rejected"``; ``projected_outcome`` equals ``outcome`` (null if undecided).
- ``status_json`` lists the NEPs that have a state (a NEP without a readable
  proposal still appears, with title, type and content_hash null).
- ``timeline`` omits empty windows (review on a track with no review time,
  scheduled with grace 0); phases whose instants are unknown are placed by
  the order of the path relative to the current status.
- Parameter and impact values keep their JSON type (numbers stay numbers);
  only ``Decimal`` values become strings.
- A fee is ``refunded``, ``burned``, ``kept`` (rejected with quorum) or
  ``held`` (undecided); ``rewards_json`` tells kept from held by the states
  when given, else by whether anything was paid. ``proposer_rewards`` in the
  totals includes refunded fees, as ``ProposalRewards.proposer_reward`` does.
- Text output replaces control and bidirectional-override characters in
  titles, names and reasons, so a file cannot rewrite the terminal.
"""

from __future__ import annotations

import enum
import json
import re
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from tooling.core.economics import describe, is_neutral, moved_fields
from tooling.present.format import (
    amount_text,
    decimal_str,
    duration_text,
    format_instant,
    instant_text,
    jsonable,
    percent,
    relative_text,
    scaled,
)
from tooling.core.model import (
    IMPACT_FIELDS,
    NEPState,
    Choice,
    FeeStatus,
    NEPStatus,
    Outcome,
    Phase,
    PhaseState,
    Proposal,
    ProtocolState,
    Tally,
    VoteCode,
)
from tooling.core import timeline as _timeline
from tooling.core.rewards import ProposalRewards
from tooling.core.stakes import ZERO, exact_context

__all__ = [
    "config_json",
    "config_text",
    "decimal_str",
    "duration_text",
    "percent",
    "rewards_json",
    "rewards_text",
    "show_json",
    "show_text",
    "status_json",
    "status_text",
    "tally_json",
    "tally_text",
    "timeline",
]

BAR_WIDTH = 50
TITLE_WIDTH = 44
FULL = "█"
EMPTY = "░"
MARK = "|"

_T0_REASONS = _timeline.T0_REASONS
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# --------------------------------------------------------------------------
# Formatting primitives


def _clean(text: str | None) -> str:
    """Text from files, safe for a terminal (no control or bidi override characters)."""
    return _UNSAFE.sub("\ufffd", text or "")


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _label(nep: int) -> str:
    return f"NEP-{nep:04d}"


def _value(e: enum.Enum | None) -> Any:
    return None if e is None else e.value


_reason_text = _timeline.reason_text


_ANSI = {"bold": "1", "dim": "2", "green": "32", "red": "31", "yellow": "33", "cyan": "36"}


def _paint(text: str, style: str, color: bool) -> str:
    if not color or not text:
        return text
    return f"\x1b[{_ANSI[style]}m{text}\x1b[0m"


def _table(rows: Sequence[Sequence[str]], right: Iterable[int] = (), indent: str = "  ") -> list[str]:
    """Rows of cells in aligned columns (the first row is the header)."""
    if not rows:
        return []
    right = set(right)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def _bar(
    part: Decimal,
    whole: Decimal,
    width: int = BAR_WIDTH,
    marker: Decimal | None = None,
    reached: bool | None = None,
) -> str:
    """``width`` cells filled in proportion part/whole, with ``MARK`` inserted at the threshold ``marker``.

    The marker is inserted (not drawn over a cell), so the cells before it
    stand for the threshold. ``reached`` (the tally's verdict) keeps the bar
    from contradicting it where a cell's rounding would: filled to the marker
    if and only if reached. With 50 cells, 20 % and 66 % fall on cell edges.
    """
    filled = 0 if whole == 0 else max(0, min(width, scaled(part, whole, width)))
    if marker is None:
        return FULL * filled + EMPTY * (width - filled)
    at = max(0, min(width, scaled(marker, Decimal(1), width)))
    if reached is True:
        filled = max(filled, at)
    elif reached is False and at > 0:
        filled = min(filled, at - 1)
    cells = FULL * filled + EMPTY * (width - filled)
    return cells[:at] + MARK + cells[at:]


# --------------------------------------------------------------------------
# Status


def _next_event(state: NEPState) -> dict[str, Any] | None:
    """The deadline a NEP waits for in its status: voting start, voting end or activation."""
    if state.status is NEPStatus.REVIEW and state.voting_start is not None:
        return {"event": "voting_start", "at": format_instant(state.voting_start)}
    if state.status is NEPStatus.VOTING and state.voting_end is not None:
        return {"event": "voting_end", "at": format_instant(state.voting_end)}
    if state.status is NEPStatus.SCHEDULED and state.activates_at is not None:
        return {"event": "activation", "at": format_instant(state.activates_at)}
    return None


def _state_instants(state: NEPState) -> dict[str, Any]:
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
        "label": _label(state.nep),
        "title": proposal.title if proposal is not None else None,
        "type": _value(ptype),
        "type_label": ptype.label if ptype is not None else None,
        "track": state.track,
        "status": state.status.value,
        "outcome": _value(state.outcome),
        "reason": _value(state.reason),
        "projected_outcome": _value(state.tally.projected_outcome) if state.tally is not None else None,
    }
    entry.update(_state_instants(state))
    entry["next_event"] = _next_event(state)
    entry["content_hash"] = proposal.content_hash if proposal is not None else None
    return entry


def status_json(states: Mapping[int, NEPState], proposals: Mapping[int, Proposal], as_of: int) -> dict:
    """``nep status --format json``: every NEP that has a state, sorted by number."""
    return {
        "as_of": format_instant(as_of),
        "neps": [_status_entry(states[n], proposals.get(n)) for n in sorted(states)],
    }


def _result_text(state: NEPState) -> str:
    if state.outcome is Outcome.APPROVED:
        return Outcome.APPROVED.value
    if state.outcome is Outcome.REJECTED:
        return f"{Outcome.REJECTED}: {_reason_text(state.reason)}" if state.reason else Outcome.REJECTED.value
    if state.tally is not None:
        return f"projected {state.tally.projected_outcome.value}"
    return "—"


def _deadline_text(state: NEPState, as_of: int) -> str:
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
        by = f" by {_label(s.deprecated_by)}" if s.deprecated_by is not None else ""
        return at(f"deprecated{by}", s.deprecated_at)
    return ""


_STATUS_STYLE = {
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
    lines = [_paint(head, "bold", color)]
    if not states:
        return "\n".join(lines + ["", "  No NEPs."]) + "\n"
    rows = [["NEP", "TYPE", "STATUS", "RESULT", "TITLE", "NEXT"]]
    statuses = []
    for nep in sorted(states):
        s, p = states[nep], proposals.get(nep)
        title = _truncate(_clean(p.title), title_width) if p is not None else "(unreadable)"
        ptype = p.type.label if p is not None and p.type is not None else "—"
        rows.append([_label(nep), ptype, s.status.value, _result_text(s), title, _deadline_text(s, as_of)])
        statuses.append(s.status)
    table = _table(rows)
    lines.append("")
    lines.append(_paint(table[0], "bold", color))
    for line, st in zip(table[1:], statuses):
        # Colour is applied after alignment so escape codes never skew the columns.
        lines.append(_paint(line, _STATUS_STYLE[st], color) if color else line)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Tally


def _vote_entry(v: Any) -> dict[str, Any]:
    return {
        "voter": v.voter,
        "choice": v.choice,
        "weight": decimal_str(v.weight),
        "counted": v.counted,
        "code": _value(v.code),
        "timestamp": format_instant(v.timestamp),
        "included_at": format_instant(v.included_at),
        "reason": v.reason,
        "path": v.path,
        "error": v.error,
    }


def _counts(tally: Tally | None) -> dict[str, int]:
    votes = tally.votes if tally is not None else ()
    counted = sum(1 for v in votes if v.counted)
    pending = sum(1 for v in votes if v.code is VoteCode.PENDING)
    return {"files": len(votes), "counted": counted, "not_counted": len(votes) - counted - pending, "pending": pending}


def _turnout(tally: Tally) -> Decimal:
    with exact_context():
        return tally.yes + tally.no + tally.abstain


def tally_json(tally: Tally | None, state: NEPState, as_of: int) -> dict:
    """``nep tally --format json``; with no tally (voting not started) the amounts are zero and votes empty."""
    common = {
        "nep": state.nep,
        "as_of": format_instant(as_of),
        "status": state.status.value,
        "voting_start": format_instant(state.voting_start),
        "voting_end": format_instant(state.voting_end),
    }
    if tally is None:
        return {
            **common,
            "final": state.outcome is not None,
            "total_stake": "0",
            Choice.YES.value: "0",
            Choice.NO.value: "0",
            Choice.ABSTAIN.value: "0",
            "turnout": "0",
            "quorum": None,
            "approval": None,
            "quorum_reached": False,
            "approval_reached": False,
            "outcome": _value(state.outcome),
            "projected_outcome": _value(state.outcome),
            "reason": _value(state.reason),
            "decided_at": format_instant(state.decided_at),
            "counts": _counts(None),
            "votes": [],
        }
    return {
        **common,
        "final": tally.final,
        "total_stake": decimal_str(tally.total_stake),
        Choice.YES.value: decimal_str(tally.yes),
        Choice.NO.value: decimal_str(tally.no),
        Choice.ABSTAIN.value: decimal_str(tally.abstain),
        "turnout": decimal_str(_turnout(tally)),
        "quorum": decimal_str(tally.quorum),
        "approval": decimal_str(tally.approval),
        "quorum_reached": tally.quorum_reached,
        "approval_reached": tally.approval_reached,
        "outcome": _value(tally.outcome),
        "projected_outcome": _value(tally.projected_outcome),
        "reason": _value(tally.reason),
        "decided_at": format_instant(tally.decided_at),
        "counts": _counts(tally),
        "votes": [_vote_entry(v) for v in tally.votes],
    }


def _short(voter: str) -> str:
    voter = _clean(voter)
    return voter if len(voter) <= 9 else voter[:8] + "…"


def _verdict(ok: bool, yes: str, no: str, color: bool) -> str:
    return _paint(f"✓ {yes}", "green", color) if ok else _paint(f"✗ {no}", "red", color)


def _no_tally_text(state: NEPState, as_of: int) -> list[str]:
    s = state
    if s.outcome is Outcome.REJECTED and s.reason in _T0_REASONS:
        return [
            f"FINAL — rejected at submission {instant_text(s.decided_at)}: {_reason_text(s.reason)}.",
            "No vote was held.",
        ]
    if s.status is NEPStatus.WITHDRAWN:
        when = f" {instant_text(s.withdrawn_at)}" if s.withdrawn_at is not None else ""
        return [f"No vote: withdrawn{when}, before voting started."]
    if s.voting_start is not None:
        close = f", closes {instant_text(s.voting_end)}" if s.voting_end is not None else ""
        return [f"NOT STARTED — voting opens {instant_text(s.voting_start)} ({relative_text(s.voting_start, as_of)}){close}."]
    if s.status is NEPStatus.DRAFT:
        return ["NOT STARTED — the NEP has not been submitted for review."]
    return ["No tally."]


def tally_text(
    tally: Tally | None, state: NEPState, as_of: int, *, color: bool = False, width: int = BAR_WIDTH
) -> str:
    """``nep tally``: results with bars against the quorum and approval lines, then every vote."""
    lines = [_paint(f"{_label(state.nep)} tally as of {instant_text(as_of)}", "bold", color)]
    if tally is None:
        return "\n".join(lines + _no_tally_text(state, as_of)) + "\n"

    t = tally
    if t.final:
        lines.append(_paint(f"FINAL — decided {instant_text(t.decided_at)}", "bold", color))
        if t.outcome is Outcome.APPROVED:
            lines.append("Outcome: " + _paint("APPROVED", "green", color))
        else:
            why = f" — {_reason_text(t.reason)}" if t.reason is not None else ""
            lines.append("Outcome: " + _paint("REJECTED", "red", color) + why)
    else:
        ends = ""
        if state.voting_end is not None:
            ends = f" — voting ends {instant_text(state.voting_end)} ({relative_text(state.voting_end, as_of)})"
        lines.append(_paint(f"PROVISIONAL{ends}", "bold", color))
        lines.append(f"Projected outcome: {t.projected_outcome.value} (if voting ended now)")

    with exact_context():
        decisive = t.yes + t.no
    turnout = _turnout(t)
    lines.append("")
    rows = [
        ["", "NEURO", "of yes+no", ""],
        ["Yes", amount_text(t.yes), percent(t.yes, decisive), _paint(_bar(t.yes, decisive, width), "green", color)],
        ["No", amount_text(t.no), percent(t.no, decisive), _paint(_bar(t.no, decisive, width), "red", color)],
        ["Abstain", amount_text(t.abstain), "—", "counts toward quorum only"],
    ]
    lines += _table(rows, right=(1, 2))
    lines.append("")
    lines.append(
        f"  Turnout   {amount_text(turnout)} of {amount_text(t.total_stake)} NEURO staked = {percent(turnout, t.total_stake)}"
        f"   quorum {percent(t.quorum, Decimal(1))}   "
        + _verdict(t.quorum_reached, "reached", "not reached", color)
    )
    lines.append("            " + _bar(turnout, t.total_stake, width, marker=t.quorum, reached=t.quorum_reached))
    lines.append(
        f"  Approval  {percent(t.yes, decisive)} yes of yes+no"
        f"   needs {percent(t.approval, Decimal(1))}   "
        + _verdict(t.approval_reached, "reached", "not reached", color)
    )
    lines.append("            " + _bar(t.yes, decisive, width, marker=t.approval, reached=t.approval_reached))

    c = _counts(t)
    lines.append("")
    lines.append(
        _paint(
            f"Votes ({c['files']} file{'' if c['files'] == 1 else 's'}: {c['counted']} counted, "
            f"{c['not_counted']} not counted, {c['pending']} pending)",
            "bold",
            color,
        )
    )
    if not t.votes:
        lines.append("  No vote files.")
        return "\n".join(lines) + "\n"
    vrows = [["VOTER", "CHOICE", "WEIGHT", "COUNTED", "SIGNED", "INCLUDED"]]
    for v in t.votes:
        vrows.append(
            [
                _short(v.voter),
                _clean(v.choice) if v.choice else "—",
                amount_text(v.weight),
                "✓" if v.counted else f"✗ {v.code.value if v.code else '?'}",
                instant_text(v.timestamp),
                instant_text(v.included_at, "not yet included"),
            ]
        )
    table = _table(vrows, right=(2,))
    lines.append(table[0])
    for line, v in zip(table[1:], t.votes):
        lines.append(line if not color else _paint(line, "green" if v.counted else "red", color))
    notes = [f"  {_short(v.voter)}: {_clean(v.error)}" for v in t.votes if v.error]
    if notes:
        lines.append("")
        lines.append("Why files were not read:")
        lines += notes
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Timeline


_PHASE_NAMES = {phase: phase.value.capitalize() for phase in Phase if phase is not Phase.SUBMITTED}


_Phase = tuple[str, int | None, int | None, str, str]  # phase, start, end, past|current|future, note


def _phases(state: NEPState, as_of: int, grace_period_days: int | None) -> list[_Phase]:
    """(phase, start, end, state, note) with instants as Unix seconds; see ``timeline``."""
    # The reports keep their phase vocabulary (_PHASE_NAMES): the submission point is the
    # boundary between draft and what follows, not a phase of its own here.
    return [
        (p.key, p.start, p.end, p.state, p.note)
        for p in _timeline.phases(state, as_of, grace_period_days=grace_period_days)
        if p.key in _PHASE_NAMES
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
            "name": _PHASE_NAMES[phase],
            "start": format_instant(start),
            "end": format_instant(end),
            "state": st,
            "note": note,
        }
        for phase, start, end, st, note in _phases(state, as_of, grace_period_days)
    ]


# --------------------------------------------------------------------------
# Show


def _impact_json(proposal: Proposal) -> dict[str, Any] | None:
    imp = proposal.economic_impact
    if imp is None:
        return None
    return {
        "fields": {f.name: jsonable(getattr(imp, f.name)) for f in IMPACT_FIELDS},
        "changed": [f.name for f in moved_fields(imp)],
        "summary": describe(imp),
        "neutral": is_neutral(imp),
    }


def show_json(proposal: Proposal, state: NEPState, as_of: int) -> dict:
    """``nep show --format json``: the NEP's essentials, timeline, impact, changes and tally."""
    p, s = proposal, state
    grace = p.upgrade_path.grace_period_days if p.upgrade_path is not None else None
    out: dict[str, Any] = {
        "nep": p.nep,
        "label": p.label,
        "as_of": format_instant(as_of),
        "title": p.title,
        "type": _value(p.type),
        "type_label": p.type.label if p.type is not None else None,
        "track": s.track,
        "status": s.status.value,
        "file_status": _value(p.status),
        "outcome": _value(s.outcome),
        "reason": _value(s.reason),
        "path": p.path,
        "authors": [jsonable(a) for a in p.authors],
        "proposer": p.proposer,
        "created": p.created,
        "discussion": p.discussion,
        "requires": list(p.requires),
        "supersedes": list(p.supersedes),
        "resubmission_of": p.resubmission_of,
        "content_hash": p.content_hash,
    }
    out.update(_state_instants(s))
    out["next_event"] = _next_event(s)
    out["timeline"] = timeline(s, as_of, grace_period_days=grace)
    out["impact"] = _impact_json(p)
    out["parameter_changes"] = [
        {
            "module": c.module,
            "parameter": c.parameter,
            "key": c.key,
            "old_value": jsonable(c.old_value),
            "new_value": jsonable(c.new_value),
            "rationale": c.rationale,
        }
        for c in p.parameter_changes
    ]
    out["upgrade_path"] = jsonable(p.upgrade_path) if p.upgrade_path is not None else None
    out["tally"] = tally_json(s.tally, s, as_of) if s.tally is not None else None
    return out


def _value_text(value: Any) -> str:
    """A file value as the author would write it (JSON form, Decimal as a bare number)."""
    v = jsonable(value)
    if isinstance(value, Decimal):
        return v
    return _clean(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))


_PHASE_MARK = {PhaseState.PAST: "✓", PhaseState.CURRENT: "▶", PhaseState.FUTURE: "·"}


def show_text(proposal: Proposal, state: NEPState, as_of: int, *, color: bool = False) -> str:
    """``nep show``: one NEP in full."""
    p, s = proposal, state
    lines = [_paint(f"{p.label}: {_clean(p.title)}", "bold", color)]
    result = _result_text(s)
    lines.append(
        f"  {p.type.label if p.type is not None else '—'} ({s.track} track) · status "
        + _paint(s.status.value, _STATUS_STYLE[s.status], color)
        + (f" · {result}" if result != "—" else "")
        + f" · as of {instant_text(as_of)}"
    )
    nxt = _deadline_text(s, as_of)
    if nxt:
        lines.append(f"  {nxt}")
    authors = []
    for a in p.authors:
        extra = f" @{_clean(a.github)}" if a.github else ""
        authors.append(f"{_clean(a.name)} ({_short(a.node)}){extra}")
    lines.append(f"  authors: {', '.join(authors) if authors else '—'}")
    discussion = f" · discussion {_clean(p.discussion)}" if p.discussion else ""
    lines.append(f"  created {_clean(p.created) or '—'}{discussion}")
    refs = []
    if p.requires:
        refs.append("requires " + ", ".join(_label(n) for n in p.requires))
    if p.supersedes:
        refs.append("supersedes " + ", ".join(_label(n) for n in p.supersedes))
    if p.resubmission_of is not None:
        refs.append(f"resubmission of {_label(p.resubmission_of)}")
    if refs:
        lines.append("  " + " · ".join(refs))
    lines.append(f"  file {_clean(p.path)} · content hash {p.content_hash}")

    grace = p.upgrade_path.grace_period_days if p.upgrade_path is not None else None
    lines += ["", _paint("Timeline", "bold", color)]
    trows = []
    for phase, t_start, t_end, st, note in _phases(s, as_of, grace):
        start, end = instant_text(t_start, ""), instant_text(t_end, "")
        if phase == "decision":
            span = start or "—"
        elif start and end:
            span = f"{start} → {end}"
        elif start:
            span = f"from {start}"
        elif end:
            span = f"until {end}"
        else:
            span = "—"
        trows.append([_PHASE_MARK[st], phase, span, note])
    lines += _table(trows)

    lines += ["", _paint("Economic impact", "bold", color)]
    imp = p.economic_impact
    if imp is None:
        lines.append("  (no valid economic impact declaration)")
    else:
        lines.append(f"  {'Neutral: ' if is_neutral(imp) else ''}{describe(imp)}")
        moved = {f.name for f in moved_fields(imp)}
        # "*" marks the fields that move; the others are listed too, since completeness is the point.
        rows = [
            [("* " if f.name in moved else "  ") + f.label, _value_text(getattr(imp, f.name)), f.name]
            for f in IMPACT_FIELDS
        ]
        lines += _table(rows)

    lines += ["", _paint("Parameter changes", "bold", color)]
    if not p.parameter_changes:
        lines.append("  none")
    for c in p.parameter_changes:
        lines.append(f"  {_clean(c.key)}: {_value_text(c.old_value)} → {_value_text(c.new_value)}")
        if c.rationale:
            lines.append(f"      {_clean(c.rationale)}")

    lines += ["", _paint("Upgrade path", "bold", color)]
    u = p.upgrade_path
    if u is None:
        lines.append("  (no valid upgrade path)")
    else:
        lines.append(
            f"  {_clean(u.min_version)} → {_clean(u.target_version)} · grace {u.grace_period_days} "
            f"day{'' if u.grace_period_days == 1 else 's'} · "
            + ("backward compatible" if u.backward_compatible else "not backward compatible")
            + " · "
            + ("checkpoint reload required" if u.requires_checkpoint_reload else "no checkpoint reload")
        )
        for i, step in enumerate(u.migration_steps, 1):
            lines.append(f"    {i}. {_clean(step)}")

    lines += ["", _paint("Tally", "bold", color)]
    body = tally_text(s.tally, s, as_of, color=color).splitlines()[1:]  # the heading repeats the label
    lines += ["  " + line if line else "" for line in body]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Config


def config_json(protocol: ProtocolState, governance_effective: Any | None = None) -> dict:
    """``nep config --format json``: version, features and parameters in force (``set_by`` null = genesis)."""
    return {
        "as_of": format_instant(protocol.as_of),
        "protocol_version": protocol.version,
        "features": list(protocol.features),
        "parameters": {
            key: {"value": jsonable(protocol.parameters[key]), "set_by": protocol.set_by.get(key)}
            for key in sorted(protocol.parameters)
        },
        "versions": [
            {"at": format_instant(at), "version": version, "nep": nep} for at, version, nep in protocol.versions
        ],
        "governance": jsonable(governance_effective) if governance_effective is not None else None,
    }


def _governance_lines(g: Mapping[str, Any]) -> list[str]:
    rows = []
    for key in sorted(g):
        value = g[key]
        if isinstance(value, Mapping) and all(isinstance(v, Mapping) for v in value.values()):
            for sub in sorted(value):
                inner = ", ".join(f"{k} {v}" for k, v in value[sub].items())
                rows.append([f"{key}.{sub}", inner])
        elif isinstance(value, Mapping):
            rows.append([key, ", ".join(f"{k} {v}" for k, v in value.items())])
        else:
            rows.append([key, str(value)])
    return _table(rows)


def config_text(protocol: ProtocolState, governance_effective: Any | None = None, *, color: bool = False) -> str:
    """``nep config``: what is in force at ``protocol.as_of``."""
    data = config_json(protocol, governance_effective)
    lines = [_paint(f"Protocol in force at {instant_text(protocol.as_of)}", "bold", color)]
    since = ""
    if protocol.versions:
        at, _, nep = protocol.versions[-1]
        since = f" (since {instant_text(at)}" + (f", {_label(nep)})" if nep is not None else ")")
    else:
        since = " (genesis)"
    lines.append(f"  version   {_clean(protocol.version)}{since}")
    lines.append(f"  features  {', '.join(_clean(f) for f in protocol.features) or 'none'}")
    lines += ["", _paint("Parameters", "bold", color)]
    if not data["parameters"]:
        lines.append("  none")
    else:
        rows = [["PARAMETER", "VALUE", "SET BY"]]
        for key, item in data["parameters"].items():
            by = _label(item["set_by"]) if item["set_by"] is not None else "genesis"
            rows.append([_clean(key), _value_text(protocol.parameters[key]), by])
        lines += _table(rows)
    if data["governance"] is not None:
        lines += ["", _paint("Governance", "bold", color)]
        g = data["governance"]
        lines += _governance_lines(g) if isinstance(g, Mapping) else [f"  {g}"]
    lines += ["", _paint("Version history", "bold", color)]
    if not protocol.versions:
        lines.append("  no upgrade yet")
    for at, version, nep in protocol.versions:
        by = _label(nep) if nep is not None else "genesis"
        lines.append(f"  {instant_text(at)}  {_clean(version)}  {by}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Rewards


def _fee_status(r: ProposalRewards, state: NEPState | None) -> FeeStatus:
    if r.fee_refunded:
        return FeeStatus.REFUNDED
    if r.fee_burned:
        return FeeStatus.BURNED
    if state is not None:
        return FeeStatus.HELD if state.outcome is None else FeeStatus.KEPT
    # Without the state: proposal_rewards pays nothing at all while undecided.
    return FeeStatus.KEPT if r.proposer_reward > 0 or r.voter_rewards else FeeStatus.HELD


def _rewards_entry(r: ProposalRewards, state: NEPState | None) -> dict[str, Any]:
    return {
        "nep": r.nep,
        "proposer": r.proposer,
        "fee": decimal_str(r.fee),
        "fee_status": _fee_status(r, state).value,
        "fee_refunded": r.fee_refunded,
        "fee_burned": r.fee_burned,
        "proposer_reward": decimal_str(r.proposer_reward),
        "voter_rewards": {v: decimal_str(r.voter_rewards[v]) for v in sorted(r.voter_rewards)},
        "voters": len(r.voter_rewards),
        "total_voter_rewards": decimal_str(r.total_voter_rewards),
    }


def rewards_json(
    items: Sequence[ProposalRewards], as_of: int, *, states: Mapping[int, NEPState] | None = None
) -> dict:
    """``nep rewards --format json``: per proposal and totals; ``proposer_rewards`` includes refunded fees."""
    ordered = sorted(items, key=lambda r: r.nep)
    entries = [_rewards_entry(r, states.get(r.nep) if states is not None else None) for r in ordered]
    sums: dict[str, Decimal] = {k: ZERO for k in ("collected", "proposer", "voter", *FeeStatus)}
    with exact_context():
        for r, e in zip(ordered, entries):
            sums["collected"] += r.fee
            sums[e["fee_status"]] += r.fee
            sums["proposer"] += r.proposer_reward
            sums["voter"] += r.total_voter_rewards
    return {
        "as_of": format_instant(as_of),
        "proposals": entries,
        "totals": {
            "fees_collected": decimal_str(sums["collected"]),
            **{f"fees_{k}": decimal_str(sums[k]) for k in FeeStatus},
            "proposer_rewards": decimal_str(sums["proposer"]),
            "voter_rewards": decimal_str(sums["voter"]),
        },
    }


def rewards_text(
    items: Sequence[ProposalRewards],
    as_of: int,
    *,
    states: Mapping[int, NEPState] | None = None,
    color: bool = False,
) -> str:
    """``nep rewards``: one row per proposal, then the totals."""
    data = rewards_json(items, as_of, states=states)
    lines = [_paint(f"Fees and rewards as of {instant_text(as_of)}", "bold", color)]
    if not data["proposals"]:
        lines.append("  No submitted proposals.")
    else:
        rows = [["NEP", "FEE", "FEE STATUS", "PROPOSER", "PROPOSER REWARD", "VOTERS", "VOTER REWARDS"]]
        for e in data["proposals"]:
            rows.append(
                [
                    _label(e["nep"]),
                    amount_text(Decimal(e["fee"])),
                    e["fee_status"],
                    _short(e["proposer"]) if e["proposer"] else "—",
                    amount_text(Decimal(e["proposer_reward"])),
                    str(e["voters"]),
                    amount_text(Decimal(e["total_voter_rewards"])),
                ]
            )
        lines += _table(rows, right=(1, 4, 5, 6))
    t = {k: amount_text(Decimal(v)) for k, v in data["totals"].items()}
    lines += [
        "",
        _paint("Totals (NEURO)", "bold", color),
        f"  fees collected {t['fees_collected']}: refunded {t['fees_refunded']}, burned {t['fees_burned']}, "
        f"kept {t['fees_kept']}, held {t['fees_held']}",
        f"  proposer rewards {t['proposer_rewards']} (refunded fees included)",
        f"  voter rewards {t['voter_rewards']}",
    ]
    return "\n".join(lines) + "\n"
