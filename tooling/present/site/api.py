"""JSON records of the site's api/ folder (decimals as strings, instants as RFC 3339)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Iterable

from tooling.core.model import IMPACT_FIELDS, NEPState, Proposal, Tally, VoteCode, VoteResult
from tooling.present.format import decimal_str, format_instant, jsonable, scaled
from tooling.present.reports.tally import vote_json
from tooling.present.site.model import api_name, page_name


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """part/whole truncated to 4 places (never rounded up onto a threshold); None when whole is 0."""
    return None if whole <= 0 else Decimal(scaled(part, whole, 10_000)).scaleb(-4)


def sorted_votes(t: Tally) -> list[VoteResult]:
    return sorted(t.votes, key=lambda v: (v.voter, v.path))

def tally_summary(t: Tally) -> dict[str, Any]:
    """The tally without its votes, for api/neps.json (decimals as strings)."""
    voted = t.turnout_stake
    turnout = _ratio(voted, t.total_stake)
    yes_share = _ratio(t.yes, t.yes + t.no)
    counted = sum(1 for v in t.votes if v.counted)
    pending = sum(1 for v in t.votes if not v.counted and v.code is VoteCode.PENDING)
    return {
        "final": t.final,
        "as_of": format_instant(t.as_of),
        "yes": decimal_str(t.yes),
        "no": decimal_str(t.no),
        "abstain": decimal_str(t.abstain),
        "voted": decimal_str(voted),
        "total_stake": decimal_str(t.total_stake),
        "turnout": None if turnout is None else decimal_str(turnout),
        "yes_share": None if yes_share is None else decimal_str(yes_share),
        "quorum": decimal_str(t.quorum),
        "approval": decimal_str(t.approval),
        "quorum_reached": t.quorum_reached,
        "approval_reached": t.approval_reached,
        "outcome": None if t.outcome is None else t.outcome.value,
        "projected_outcome": t.projected_outcome.value,
        "reason": None if t.reason is None else t.reason.value,
        "decided_at": format_instant(t.decided_at),
        "votes_counted": counted,
        "votes_rejected": len(t.votes) - counted - pending,
        "votes_pending": pending,
    }


def votes_json(t: Tally) -> list[dict[str, Any]]:
    return [vote_json(v, parse_error=False) for v in sorted_votes(t)]


def nep_json(
    proposal: Proposal,
    state: NEPState,
    *,
    superseded_by: Iterable[int] = (),
    required_by: Iterable[int] = (),
) -> dict[str, Any]:
    """One NEP's record in api/neps.json and api/nep-NNNN.json.

    ``superseded_by`` and ``required_by`` are the reverse links, which only
    the whole set of proposals knows (``render_site`` passes them).
    """
    p, s = proposal, state
    ei = p.economic_impact
    up = p.upgrade_path
    sup_by = set(superseded_by)
    if s.deprecated_by is not None:
        sup_by.add(s.deprecated_by)
    return {
        "nep": p.nep,
        "label": p.label,
        "title": p.title,
        "type": None if p.type is None else p.type.value,
        "type_label": None if p.type is None else p.type.label,
        "status": s.status.value,
        "outcome": None if s.outcome is None else s.outcome.value,
        "reason": None if s.reason is None else s.reason.value,
        "track": s.track,
        "authors": [{"name": a.name, "node": a.node, "github": a.github, "email": a.email} for a in p.authors],
        "created": p.created,
        "discussion": p.discussion,
        "requires": sorted(p.requires),
        "required_by": sorted(set(required_by)),
        "supersedes": sorted(p.supersedes),
        "superseded_by": sorted(sup_by),
        "resubmission_of": p.resubmission_of,
        "submitted": format_instant(s.submitted),
        "voting_start": format_instant(s.voting_start),
        "voting_end": format_instant(s.voting_end),
        "decided_at": format_instant(s.decided_at),
        "activates_at": format_instant(s.activates_at),
        "activated": format_instant(s.activated),
        "deprecated_at": format_instant(s.deprecated_at),
        "deprecated_by": s.deprecated_by,
        "withdrawn_at": format_instant(s.withdrawn_at),
        "content_hash": p.content_hash,
        "economic_impact": None if ei is None else {f.name: jsonable(getattr(ei, f.name)) for f in IMPACT_FIELDS},
        "impact_neutral": None if ei is None else ei.is_neutral(),
        "impact_summary": None if ei is None else ei.describe(),
        "parameter_changes": [
            {
                "module": c.module,
                "parameter": c.parameter,
                "old_value": jsonable(c.old_value),
                "new_value": jsonable(c.new_value),
                "rationale": c.rationale,
            }
            for c in p.parameter_changes
        ],
        "upgrade_path": None
        if up is None
        else {
            "min_version": up.min_version,
            "target_version": up.target_version,
            "grace_period_days": up.grace_period_days,
            "backward_compatible": up.backward_compatible,
            "requires_checkpoint_reload": up.requires_checkpoint_reload,
            "migration_steps": list(up.migration_steps),
        },
        "tally": None if s.tally is None else tally_summary(s.tally),
        "page": page_name(p.nep),
        "api": api_name(p.nep),
    }

def json_bytes(obj: Any) -> bytes:
    # Compact (the C encoder; an indented dump of 100,000 votes is several times slower); browsers pretty-print.
    return (json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")

