"""Contexts of the pages that list NEPs (dashboard, index pages) and of the protocol page.

Each function returns ``(path, template, context)`` tuples; ``render_site``
renders them. Lists that can grow without bound are capped on the dashboard
(``DASHBOARD_LIMIT``, with an "all …" link); the index groups NEPs by status
and every filter shows its count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from tooling.core.model import NEPState, NEPStatus, NEPType, Outcome, ProtocolState
from tooling.present.site.banner import tally_parts
from tooling.present.site.changes import relative_change
from tooling.present.site.feeds import FeedEvent
from tooling.present.format import duration_text, format_instant, jsonable
from tooling.present.site.fmt import value_display
from tooling.present.site.model import DASHBOARD_STATUS_ORDER, SORT_COLUMNS, SORT_ORDERS
from tooling.present.site.svg import version_chart
from tooling.present.site.views import NepView, TallyView, sort_key

DASHBOARD_LIMIT = 10
PHONE_LIMIT = 5  # a phone shows the first five of each list (CSS), with the "all …" link
_VERSION_STOPS = 8  # the picture shows the newest versions; the table lists them all

Page = tuple[str, str, dict[str, Any]]


def _filters(views: Sequence[NepView]) -> dict[str, Any]:
    status_counts = [(s.value, sum(1 for v in views if v.state.status is s)) for s in NEPStatus]
    type_counts = [(t, sum(1 for v in views if v.type is t)) for t in NEPType]
    return {"status_counts": status_counts, "type_counts": type_counts, "total": len(views)}


def dashboard(views: Sequence[NepView], events: Sequence[FeedEvent], states: Mapping[int, NEPState],
              tallies: Mapping[int, TallyView | None], proto: ProtocolState, as_of: int) -> Page:
    """The dashboard. What it shows of the build instant is computed here (time left), so that its
    context, and so its key, holds no more of the instant than the page shows."""
    counts = [(st.value, sum(1 for v in views if v.state.status is st)) for st in DASHBOARD_STATUS_ORDER]

    def of(status: NEPStatus, key: Any) -> list[NepView]:
        return sorted((v for v in views if v.state.status is status), key=key)

    voting = of(NEPStatus.VOTING, lambda v: (v.state.voting_end or 0, v.nep))
    review = of(NEPStatus.REVIEW, lambda v: (v.state.voting_start or 0, v.nep))
    upcoming = of(NEPStatus.SCHEDULED, lambda v: (v.state.activates_at or 0, v.nep))
    voting, review, upcoming = voting[:DASHBOARD_LIMIT], review[:DASHBOARD_LIMIT], upcoming[:DASHBOARD_LIMIT]

    def until(at: int | None) -> str:
        return duration_text(at - as_of) if at is not None and at > as_of else ""

    # The three lists hold NEPs of three statuses: one NEP is in one list at most.
    left = {v.nep: duration_text(v.state.voting_end - as_of) for v in voting if v.state.voting_end is not None}
    left.update({v.nep: until(v.state.voting_start) for v in review})
    left.update({v.nep: until(v.state.activates_at) for v in upcoming})
    parts = {v.nep: tally_parts(t) for v in voting if (t := states[v.nep].tally) is not None}
    return ("index.html", "index.html", {
        "nav": "index", "counts": counts, "total": len(views), "phone_limit": PHONE_LIMIT,
        "voting": voting, "voting_total": sum(1 for v in views if v.state.status is NEPStatus.VOTING),
        "review": review, "review_total": sum(1 for v in views if v.state.status is NEPStatus.REVIEW),
        "upcoming": upcoming, "upcoming_total": sum(1 for v in views if v.state.status is NEPStatus.SCHEDULED),
        "recent": list(events[:DASHBOARD_LIMIT]), "left": left, "parts": parts,
        "tallies": {v.nep: tallies[v.nep] for v in voting},
        "version": proto.version, "features": proto.features,
    })


def index_pages(views: Sequence[NepView]) -> list[Page]:
    common = _filters(views)
    out: list[Page] = []
    groups = [(st.value, [v for v in views if v.state.status is st]) for st in DASHBOARD_STATUS_ORDER]
    out.append(("neps.html", "index_grouped.html", {
        **common, "nav": "neps", "heading": "All NEPs by status", "current": "all",
        "groups": [(s, rows) for s, rows in groups if rows], "sort_key": "", "client_filter": True,
    }))
    for key, label, path in SORT_ORDERS:
        rows = sorted(views, key=sort_key(key))
        out.append((path, "list.html", {
            **common, "nav": "neps", "heading": f"All NEPs, {label}", "rows": rows, "sort_key": key,
            "current": "", "caption": f"All {len(rows)} NEPs, {label}", "client_filter": True,
        }))
    for st in NEPStatus:
        rows = sorted((v for v in views if v.state.status is st), key=sort_key("newest"))
        out.append((f"status-{st.value}.html", "list.html", {
            **common, "nav": "neps", "heading": f"NEPs with status {st.value}", "rows": rows, "sort_key": "",
            "current": st.value, "caption": f"NEPs with status {st.value} ({len(rows)}), newest first",
            "client_filter": False,
        }))
    for ty in NEPType:
        rows = sorted((v for v in views if v.type is ty), key=sort_key("newest"))
        out.append((f"type-{ty.value}.html", "list.html", {
            **common, "nav": "neps", "heading": f"{ty.label} NEPs", "rows": rows, "sort_key": "",
            "current": ty.value, "caption": f"{ty.label} NEPs ({len(rows)}), newest first", "client_filter": False,
        }))
    return out


@dataclass(frozen=True)
class Pending:
    key: str
    current: str
    new: str
    relative: str
    nep: int
    status: str
    at: int | None  # activation (scheduled) or end of voting (voting)
    at_label: str


def _pending(views: Sequence[NepView], proto: ProtocolState) -> list[Pending]:
    out = []
    for v in views:
        s = v.state
        if s.status is NEPStatus.SCHEDULED:
            at, label = s.activates_at, "activates"
        elif s.status is NEPStatus.VOTING:
            at, label = s.voting_end, "vote closes"
        else:
            continue
        for c in v.parameter_changes:
            key = f"{c.module}.{c.parameter}"
            now = proto.parameters.get(key)
            out.append(Pending(key, "absent" if key not in proto.parameters else value_display(now),
                               value_display(c.new_value), relative_change(now if key in proto.parameters else None,
                                                                           c.new_value),
                               v.nep, s.status.value, at, label))
    return sorted(out, key=lambda p: (p.at or 0, p.nep, p.key))


def _feature_by(proto: ProtocolState) -> dict[str, int]:
    out = {}
    for k, n in proto.set_by.items():
        name = k.rsplit(".", 1)[-1]
        if name.startswith("feature_") and proto.parameters.get(k) is True:
            out[name[len("feature_"):]] = n
    return out


def protocol_page(views: Sequence[NepView], proto: ProtocolState, genesis_version: str, as_of: int) -> Page:
    params = [(k, value_display(proto.parameters[k]), proto.set_by.get(k)) for k in sorted(proto.parameters)]
    feature_by = _feature_by(proto)
    features = [(f, feature_by.get(f)) for f in proto.features]
    scheduled = sorted((v for v in views if v.state.status is NEPStatus.SCHEDULED and v.state.activates_at),
                       key=lambda v: (v.state.activates_at or 0, v.nep))
    stops = [(genesis_version, "genesis", False)] + [(ver, format_instant(at)[:10], False) for at, ver, _ in proto.versions]
    stops = stops[-_VERSION_STOPS:]
    stops += [(v.changes.target_version, format_instant(v.state.activates_at)[:10], True)
              for v in scheduled if v.changes.target_version][:3]
    return ("protocol.html", "protocol.html", {
        "nav": "protocol", "protocol": proto, "as_of": as_of, "params": params, "features": features, "versions": list(proto.versions),
        "genesis_version": genesis_version, "pending": _pending(views, proto), "scheduled": scheduled,
        "version_picture": version_chart(stops),
    })


def protocol_json(views: Sequence[NepView], proto: ProtocolState, genesis_version: str, as_of: int) -> dict[str, Any]:
    """api/protocol.json: the version, features and parameters in force, their history and what is pending."""
    feature_by = _feature_by(proto)
    return {
        "generated_at": format_instant(as_of),
        "version": proto.version,
        "features": [{"name": f, "enabled_by": feature_by.get(f)} for f in proto.features],
        "parameters": {k: {"value": jsonable(proto.parameters[k]), "set_by": proto.set_by.get(k)}
                       for k in sorted(proto.parameters)},
        "history": [{"at": None, "version": genesis_version, "nep": None}]
        + [{"at": format_instant(at), "version": ver, "nep": n} for at, ver, n in proto.versions],
        "pending": [{"parameter": p.key, "new_value": p.new, "relative_change": p.relative, "nep": p.nep,
                     "status": p.status, "at": format_instant(p.at)} for p in _pending(views, proto)],
        "scheduled_versions": [{"nep": v.nep, "version": v.changes.target_version,
                                "activates_at": format_instant(v.state.activates_at)}
                               for v in views if v.state.status is NEPStatus.SCHEDULED
                               and v.state.outcome is Outcome.APPROVED and v.changes.target_version],
    }


__all__ = ["DASHBOARD_LIMIT", "SORT_COLUMNS", "dashboard", "index_pages", "protocol_json", "protocol_page"]
