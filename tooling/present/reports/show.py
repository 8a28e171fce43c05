"""``nep show``: one NEP in full."""

from __future__ import annotations

from typing import Any

from tooling.core.economics import describe, is_neutral, moved_fields
from tooling.core.model import IMPACT_FIELDS, NEPState, Phase, PhaseState, Proposal
from tooling.present.format import format_instant, instant_text, jsonable
from tooling.present.reports.common import clean, columns, enum_value, label, paint, short, value_text
from tooling.present.reports.status import (
    STATUS_STYLE,
    deadline_text,
    next_event,
    result_text,
    state_instants,
)
from tooling.present.reports.tally import tally_json, tally_text
from tooling.present.reports.phases import phases, timeline


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
        "type": enum_value(p.type),
        "type_label": p.type.label if p.type is not None else None,
        "track": s.track,
        "status": s.status.value,
        "file_status": enum_value(p.status),
        "outcome": enum_value(s.outcome),
        "reason": enum_value(s.reason),
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
    out.update(state_instants(s))
    out["next_event"] = next_event(s)
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


_PHASE_MARK = {PhaseState.PAST: "✓", PhaseState.CURRENT: "▶", PhaseState.FUTURE: "·"}


def show_text(proposal: Proposal, state: NEPState, as_of: int, *, color: bool = False) -> str:
    """``nep show``: one NEP in full."""
    p, s = proposal, state
    lines = [paint(f"{p.label}: {clean(p.title)}", "bold", color)]
    result = result_text(s)
    lines.append(
        f"  {p.type.label if p.type is not None else '—'} ({s.track} track) · status "
        + paint(s.status.value, STATUS_STYLE[s.status], color)
        + (f" · {result}" if result != "—" else "")
        + f" · as of {instant_text(as_of)}"
    )
    nxt = deadline_text(s, as_of)
    if nxt:
        lines.append(f"  {nxt}")
    authors = []
    for a in p.authors:
        extra = f" @{clean(a.github)}" if a.github else ""
        authors.append(f"{clean(a.name)} ({short(a.node)}){extra}")
    lines.append(f"  authors: {', '.join(authors) if authors else '—'}")
    discussion = f" · discussion {clean(p.discussion)}" if p.discussion else ""
    lines.append(f"  created {clean(p.created) or '—'}{discussion}")
    refs = []
    if p.requires:
        refs.append("requires " + ", ".join(label(n) for n in p.requires))
    if p.supersedes:
        refs.append("supersedes " + ", ".join(label(n) for n in p.supersedes))
    if p.resubmission_of is not None:
        refs.append(f"resubmission of {label(p.resubmission_of)}")
    if refs:
        lines.append("  " + " · ".join(refs))
    lines.append(f"  file {clean(p.path)} · content hash {p.content_hash}")

    grace = p.upgrade_path.grace_period_days if p.upgrade_path is not None else None
    lines += ["", paint("Timeline", "bold", color)]
    trows = []
    for phase, t_start, t_end, st, note in phases(s, as_of, grace):
        start, end = instant_text(t_start, ""), instant_text(t_end, "")
        if phase == Phase.DECISION:
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
    lines += columns(trows)

    lines += ["", paint("Economic impact", "bold", color)]
    imp = p.economic_impact
    if imp is None:
        lines.append("  (no valid economic impact declaration)")
    else:
        lines.append(f"  {'Neutral: ' if is_neutral(imp) else ''}{describe(imp)}")
        moved = {f.name for f in moved_fields(imp)}
        # "*" marks the fields that move; the others are listed too, since completeness is the point.
        rows = [
            [("* " if f.name in moved else "  ") + f.label, value_text(getattr(imp, f.name)), f.name]
            for f in IMPACT_FIELDS
        ]
        lines += columns(rows)

    lines += ["", paint("Parameter changes", "bold", color)]
    if not p.parameter_changes:
        lines.append("  none")
    for c in p.parameter_changes:
        lines.append(f"  {clean(c.key)}: {value_text(c.old_value)} → {value_text(c.new_value)}")
        if c.rationale:
            lines.append(f"      {clean(c.rationale)}")

    lines += ["", paint("Upgrade path", "bold", color)]
    u = p.upgrade_path
    if u is None:
        lines.append("  (no valid upgrade path)")
    else:
        lines.append(
            f"  {clean(u.min_version)} → {clean(u.target_version)} · grace {u.grace_period_days} "
            f"day{'' if u.grace_period_days == 1 else 's'} · "
            + ("backward compatible" if u.backward_compatible else "not backward compatible")
            + " · "
            + ("checkpoint reload required" if u.requires_checkpoint_reload else "no checkpoint reload")
        )
        for i, step in enumerate(u.migration_steps, 1):
            lines.append(f"    {i}. {clean(step)}")

    lines += ["", paint("Tally", "bold", color)]
    body = tally_text(s.tally, s, as_of, color=color).splitlines()[1:]  # the heading repeats the label
    lines += ["  " + line if line else "" for line in body]
    return "\n".join(lines) + "\n"
