"""``nep tally``: amounts against the quorum and approval lines, then every vote."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tooling.core.model import Choice, NEPState, NEPStatus, Outcome, Tally, VoteCode, VoteResult
from tooling.core.stakes import exact_context
from tooling.present.format import (
    amount_text,
    decimal_str,
    format_instant,
    instant_text,
    percent,
    relative_text,
)
from tooling.present.reports.common import (
    BAR_WIDTH,
    T0_REASONS,
    bar,
    clean,
    columns,
    enum_value,
    label,
    paint,
    reason_text,
    short,
    verdict,
)


def vote_json(v: VoteResult, *, parse_error: bool = True) -> dict[str, Any]:
    """One vote as `nep tally --format json` and the site's API print it (SPEC 9, 11).

    ``parse_error``: include the parser's error text (the CLI does; the site's API never carried it).
    """
    entry = {
        "voter": v.voter,
        "choice": v.choice,
        "weight": decimal_str(v.weight),
        "own_weight": decimal_str(v.own_weight),
        "delegated_weight": decimal_str(v.delegated_weight),
        "delegators": list(v.delegators),
        "counted": v.counted,
        "code": enum_value(v.code),
        "timestamp": format_instant(v.timestamp),
        "included_at": format_instant(v.included_at),
        "reason": v.reason,
        "path": v.path,
    }
    return {**entry, "error": v.error} if parse_error else entry


def _counts(tally: Tally | None) -> dict[str, int]:
    votes = tally.votes if tally is not None else ()
    counted = sum(1 for v in votes if v.counted)
    pending = sum(1 for v in votes if v.code is VoteCode.PENDING)
    return {"files": len(votes), "counted": counted, "not_counted": len(votes) - counted - pending, "pending": pending}


def turnout_of(tally: Tally) -> Decimal:
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
            "outcome": enum_value(state.outcome),
            "projected_outcome": enum_value(state.outcome),
            "reason": enum_value(state.reason),
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
        "turnout": decimal_str(turnout_of(tally)),
        "quorum": decimal_str(tally.quorum),
        "approval": decimal_str(tally.approval),
        "quorum_reached": tally.quorum_reached,
        "approval_reached": tally.approval_reached,
        "outcome": enum_value(tally.outcome),
        "projected_outcome": enum_value(tally.projected_outcome),
        "reason": enum_value(tally.reason),
        "decided_at": format_instant(tally.decided_at),
        "delegation": tally.delegation,
        "counts": _counts(tally),
        "votes": [vote_json(v) for v in tally.votes],
    }


def _no_tally_text(state: NEPState, as_of: int) -> list[str]:
    s = state
    if s.outcome is Outcome.REJECTED and s.reason in T0_REASONS:
        return [
            f"FINAL — rejected at submission {instant_text(s.decided_at)}: {reason_text(s.reason)}.",
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
    lines = [paint(f"{label(state.nep)} tally as of {instant_text(as_of)}", "bold", color)]
    if tally is None:
        return "\n".join(lines + _no_tally_text(state, as_of)) + "\n"

    t = tally
    if t.final:
        lines.append(paint(f"FINAL — decided {instant_text(t.decided_at)}", "bold", color))
        if t.outcome is Outcome.APPROVED:
            lines.append("Outcome: " + paint("APPROVED", "green", color))
        else:
            why = f" — {reason_text(t.reason)}" if t.reason is not None else ""
            lines.append("Outcome: " + paint("REJECTED", "red", color) + why)
    else:
        ends = ""
        if state.voting_end is not None:
            ends = f" — voting ends {instant_text(state.voting_end)} ({relative_text(state.voting_end, as_of)})"
        lines.append(paint(f"PROVISIONAL{ends}", "bold", color))
        lines.append(f"Projected outcome: {t.projected_outcome.value} (if voting ended now)")

    with exact_context():
        decisive = t.yes + t.no
    turnout = turnout_of(t)
    lines.append("")
    rows = [
        ["", "NEURO", "of yes+no", ""],
        ["Yes", amount_text(t.yes), percent(t.yes, decisive), paint(bar(t.yes, decisive, width), "green", color)],
        ["No", amount_text(t.no), percent(t.no, decisive), paint(bar(t.no, decisive, width), "red", color)],
        ["Abstain", amount_text(t.abstain), "—", "counts toward quorum only"],
    ]
    lines += columns(rows, right=(1, 2))
    lines.append("")
    lines.append(
        f"  Turnout   {amount_text(turnout)} of {amount_text(t.total_stake)} NEURO staked = {percent(turnout, t.total_stake)}"
        f"   quorum {percent(t.quorum, Decimal(1))}   "
        + verdict(t.quorum_reached, "reached", "not reached", color)
    )
    lines.append("            " + bar(turnout, t.total_stake, width, marker=t.quorum, reached=t.quorum_reached))
    lines.append(
        f"  Approval  {percent(t.yes, decisive)} yes of yes+no"
        f"   needs {percent(t.approval, Decimal(1))}   "
        + verdict(t.approval_reached, "reached", "not reached", color)
    )
    lines.append("            " + bar(t.yes, decisive, width, marker=t.approval, reached=t.approval_reached))

    c = _counts(t)
    lines.append("")
    lines.append(
        paint(
            f"Votes ({c['files']} file{'' if c['files'] == 1 else 's'}: {c['counted']} counted, "
            f"{c['not_counted']} not counted, {c['pending']} pending)",
            "bold",
            color,
        )
    )
    if not t.votes:
        lines.append("  No vote files.")
        return "\n".join(lines) + "\n"
    delegated = t.delegation
    # With delegation in force (SPEC 11) a vote's weight is its own stake plus what its delegators lend it.
    vrows = [["VOTER", "CHOICE", "WEIGHT", *(("OWN", "DELEGATED") if delegated else ()), "COUNTED", "SIGNED",
              "INCLUDED"]]
    for v in t.votes:
        vrows.append(
            [
                short(v.voter),
                clean(v.choice) if v.choice else "—",
                amount_text(v.weight),
                *((amount_text(v.own_weight), amount_text(v.delegated_weight)) if delegated else ()),
                "✓" if v.counted else f"✗ {v.code.value if v.code else '?'}",
                instant_text(v.timestamp),
                instant_text(v.included_at, "not yet included"),
            ]
        )
    table = columns(vrows, right=(2, 3, 4) if delegated else (2,))
    lines.append(table[0])
    for line, v in zip(table[1:], t.votes):
        lines.append(line if not color else paint(line, "green" if v.counted else "red", color))
    lent = [v for v in t.votes if v.delegators]
    if lent:
        lines.append("")
        lines.append("Delegated stake carried (delegators whose own vote did not count follow their delegate):")
        for v in lent:
            lines.append(f"  {short(v.voter)} carries {amount_text(v.delegated_weight)} from "
                         + ", ".join(short(d) for d in v.delegators))
    notes = [f"  {short(v.voter)}: {clean(v.error)}" for v in t.votes if v.error]
    if notes:
        lines.append("")
        lines.append("Why files were not read:")
        lines += notes
    return "\n".join(lines) + "\n"
