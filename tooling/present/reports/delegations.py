"""``nep delegations``: every delegation in force at an instant, and the delegates by stake delegated to them."""

from __future__ import annotations

from tooling.core.delegates import DelegationsReport
from tooling.present.format import amount_text, decimal_str, format_instant, instant_text, percent
from tooling.present.reports.common import columns, paint, short


def delegations_json(report: DelegationsReport) -> dict:
    """``{as_of, delegations: [...], delegates: [...]}``; decimals as exact strings, instants RFC 3339."""
    return {
        "as_of": format_instant(report.as_of),
        "total_stake": decimal_str(report.total_stake),
        "delegations": [
            {
                "delegator": r.delegator,
                "delegate": r.delegate,
                "included_at": format_instant(r.included_at),
                "timestamp": r.timestamp,
                "stake": decimal_str(r.stake),
            }
            for r in report.delegations
        ],
        "delegates": [
            {
                "delegate": s.delegate,
                "delegated_stake": decimal_str(s.delegated_stake),
                "delegators": list(s.delegators),
            }
            for s in report.delegates
        ],
    }


def delegations_text(report: DelegationsReport, *, color: bool = False) -> str:
    lines = [paint(f"Delegations in force at {instant_text(report.as_of)}", "bold", color)]
    if not report.delegations:
        lines.append("  No delegation is in force.")
        return "\n".join(lines) + "\n"
    rows = [["DELEGATE", "DELEGATED STAKE", "SHARE OF ALL STAKE", "DELEGATORS"]]
    for s in report.delegates:
        rows.append([short(s.delegate), amount_text(s.delegated_stake),
                     percent(s.delegated_stake, report.total_stake), str(len(s.delegators))])
    lines += columns(rows, right=(1, 2, 3))
    lines += ["", paint("Delegations", "bold", color)]
    rows = [["DELEGATOR", "DELEGATE", "STAKE", "INCLUDED", "SIGNED"]]
    for r in report.delegations:
        rows.append([short(r.delegator), short(r.delegate), amount_text(r.stake), instant_text(r.included_at),
                     instant_text(r.timestamp)])
    lines += columns(rows, right=(2,))
    lines += ["", "A delegator's own counted vote overrides its delegation; stake follows one hop only."]
    return "\n".join(lines) + "\n"
