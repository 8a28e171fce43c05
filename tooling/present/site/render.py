"""``render_site``: the whole site as ``{relative path: bytes}``, a pure function of its input."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tooling.core.model import NEPStatus, NEPType
from tooling.present.site.api import json_bytes, nep_json, sorted_votes, votes_json
from tooling.present.site.feeds import render_calendar, status_events, tag_authority
from tooling.present.site.fmt import (
    dec_display,
    duration,
    human_instant,
    normalise_base,
    pct,
    pct_str,
    rfc3339,
    safe_url,
    value_display,
)
from tooling.present.site.markdown import make_markdown, render_markdown
from tooling.present.site.model import (
    DASHBOARD_STATUS_ORDER,
    FEED_LIMIT,
    GITHUB_HANDLE,
    SITE_DIR,
    SORT_COLUMNS,
    TAG_YEAR,
    XML_INVALID,
    SiteInput,
    api_name,
    page_name,
)
from tooling.present.site.schema import NEPS_SCHEMA
from tooling.present.site.views import NepView, impact_rows, sort_key, tally_view, timeline

if TYPE_CHECKING:  # pragma: no cover
    from jinja2 import Environment


def make_environment(templates: Path) -> Environment:
    """One Jinja environment per build: autoescape everywhere, undefined names are errors."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup, escape

    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    # Memos live as long as this environment, i.e. one build; instants repeat a lot (votes, tables).
    when_memo: dict[int, Markup] = {}
    day_memo: dict[int, Markup] = {}

    def when(t: int | None, empty: str = "—") -> Markup:
        if t is None:
            return escape(empty)
        m = when_memo.get(t)
        if m is None:
            # Both parts are digits and punctuation we format ourselves: nothing to escape.
            m = when_memo[t] = Markup(f'<time datetime="{rfc3339(t)}">{human_instant(t)}</time>')
        return m

    def day(t: int | None, empty: str = "—") -> Markup:
        if t is None:
            return escape(empty)
        m = day_memo.get(t)
        if m is None:
            m = day_memo[t] = Markup(f'<time datetime="{rfc3339(t)}">{time.strftime("%Y-%m-%d", time.gmtime(t))}</time>')
        return m

    env.filters.update(
        when=when,
        day=day,
        rfc3339=rfc3339,
        dec=dec_display,
        duration=duration,
        pct=lambda d: pct_str(pct(d, Decimal(1))),
        value=value_display,
        nep_label=lambda n: f"NEP-{n:04d}",
        nep_page=page_name,
        # XML 1.0 has no place for most control characters, even escaped; validate reports them, the feed drops them.
        xml_text=lambda t: XML_INVALID.sub("", str(t)),
        reason=lambda r: "" if r is None else str(r.value if hasattr(r, "value") else r).replace("_", " "),
    )
    return env


def render_site(inp: SiteInput, *, site_dir: Path | None = None) -> dict[str, bytes]:
    """Every file of the site as ``{relative path: bytes}``; a pure function of ``inp``."""
    site = site_dir or SITE_DIR
    base = normalise_base(inp.base_url)
    as_of = inp.as_of
    proposals = sorted(inp.proposals, key=lambda p: p.nep)
    numbers = [p.nep for p in proposals]
    if len(set(numbers)) != len(numbers):
        dupes = sorted({n for n in numbers if numbers.count(n) > 1})
        raise ValueError(f"duplicate NEP numbers: {dupes}")
    missing = [n for n in numbers if n not in inp.states]
    if missing:
        raise ValueError(f"no lifecycle state for NEP(s) {missing}")
    known = frozenset(numbers)

    required_by: dict[int, set[int]] = {n: set() for n in numbers}
    superseded_by: dict[int, set[int]] = {n: set() for n in numbers}
    for p in proposals:
        for r in p.requires:
            required_by.setdefault(r, set()).add(p.nep)
        for r in p.supersedes:
            superseded_by.setdefault(r, set()).add(p.nep)

    views: list[NepView] = []
    for p in proposals:
        s = inp.states[p.nep]
        record = nep_json(p, s, superseded_by=superseded_by[p.nep], required_by=required_by[p.nep])
        views.append(
            NepView(
                proposal=p,
                state=s,
                nep=p.nep,
                label=p.label,
                page=page_name(p.nep),
                api=api_name(p.nep),
                title=p.title,
                type_value="" if p.type is None else p.type.value,
                type_label="unknown" if p.type is None else p.type.label,
                status=s.status.value,
                author_names=", ".join(a.name for a in p.authors),
                created=p.created,
                requires=tuple(sorted(p.requires)),
                required_by=tuple(sorted(required_by[p.nep])),
                supersedes=tuple(sorted(p.supersedes)),
                superseded_by=tuple(record["superseded_by"]),
                tally=None if s.tally is None else tally_view(s.tally),
                record=record,
            )
        )
    by_nep = {v.nep: v for v in views}

    env = make_environment(site / "templates")
    md = make_markdown()
    events = status_events(views, as_of)
    common = {
        "as_of": as_of,
        "network": inp.governance.network,
        "protocol": inp.protocol,
        "known": known,
        "status_values": [s.value for s in NEPStatus],
        "type_values": [t for t in NEPType],
        "sort_columns": SORT_COLUMNS,
    }
    files: dict[str, bytes] = {}

    def page(path: str, template: str, **ctx: Any) -> None:
        files[path] = env.get_template(template).render(**common, **ctx).encode("utf-8")

    # Dashboard
    counts = [(st.value, sum(1 for v in views if v.state.status is st)) for st in DASHBOARD_STATUS_ORDER]
    voting = sorted((v for v in views if v.state.status is NEPStatus.VOTING),
                    key=lambda v: (v.state.voting_end or 0, v.nep))
    review = sorted((v for v in views if v.state.status is NEPStatus.REVIEW),
                    key=lambda v: (v.state.voting_start or 0, v.nep))
    upcoming = sorted((v for v in views if v.state.status is NEPStatus.SCHEDULED),
                      key=lambda v: (v.state.activates_at or 0, v.nep))
    page("index.html", "index.html", nav="index", counts=counts, total=len(views), voting=voting,
         review=review, upcoming=upcoming, recent=events[:10])

    # Index pages: all NEPs sorted by each column, one page per status and per type.
    for key, label, path in SORT_COLUMNS:
        rows = sorted(views, key=sort_key(key))
        page(path, "list.html", nav="neps", heading="All NEPs", rows=rows, sort_key=key, sortable=True,
             sort_label=label.lower(), caption=f"All {len(rows)} NEPs, sorted by {label.lower()}", intro="")
    for st in NEPStatus:
        rows = [v for v in views if v.state.status is st]
        page(f"status-{st.value}.html", "list.html", nav="neps", heading=f"Status: {st.value}", rows=rows,
             sort_key="number", sortable=False, sort_label="number", caption=f"NEPs with status {st.value} ({len(rows)})",
             intro=st.value)
    for ty in NEPType:
        rows = [v for v in views if v.proposal.type is ty]
        page(f"type-{ty.value}.html", "list.html", nav="neps", heading=f"Type: {ty.label}", rows=rows,
             sort_key="number", sortable=False, sort_label="number", caption=f"{ty.label} proposals ({len(rows)})",
             intro="")

    # One page and one JSON file per NEP.
    for v in views:
        body = render_markdown(md, v.proposal.body, known)
        ei = v.proposal.economic_impact
        tally_at = v.state.tally.decided_at if v.state.tally is not None and v.state.tally.final else None
        page(
            v.page,
            "nep.html",
            nav="neps",
            v=v,
            by_nep=by_nep,
            phases=timeline(v.proposal, v.state, as_of),
            impact=None if ei is None else impact_rows(ei),
            impact_summary=None if ei is None else ei.describe(),
            impact_neutral=None if ei is None else ei.is_neutral(),
            discussion=safe_url(v.proposal.discussion),
            github=lambda h: h if h and GITHUB_HANDLE.match(h) else None,
            votes=[] if v.state.tally is None else sorted_votes(v.state.tally),
            body=body,
            body_html=markup(body.html),
            verify_at=rfc3339(tally_at if tally_at is not None else as_of),
        )
        record = dict(v.record)
        record["generated_at"] = rfc3339(as_of)
        record["votes"] = [] if v.state.tally is None else votes_json(v.state.tally)
        files[v.api] = json_bytes(record)

    # Protocol in force.
    proto = inp.protocol
    params = [
        (k, value_display(proto.parameters[k]), proto.set_by.get(k)) for k in sorted(proto.parameters)
    ]
    feature_by = {}
    for k, n in proto.set_by.items():
        name = k.rsplit(".", 1)[-1]
        if name.startswith("feature_") and proto.parameters.get(k) is True:
            feature_by[name[len("feature_"):]] = n
    features = [(f, feature_by.get(f)) for f in proto.features]
    page("protocol.html", "protocol.html", nav="protocol", params=params, features=features,
         versions=list(proto.versions), genesis_version=inp.governance.protocol_version)

    # Machine-readable outputs.
    files["api/neps.json"] = json_bytes(
        {"generated_at": rfc3339(as_of), "neps": {str(v.nep): v.record for v in views}}
    )
    files["api/neps.schema.json"] = json_bytes(NEPS_SCHEMA)
    authority = tag_authority(inp.governance.network)
    feed_events = events[:FEED_LIMIT]
    page(
        "feed.xml",
        "feed.xml",
        base=base,
        events=feed_events,
        feed_id=f"tag:{authority},{TAG_YEAR}:neps/status",
        entry_id=lambda e: f"tag:{authority},{TAG_YEAR}:nep-{e.nep:04d}/{e.kind}/{e.at}",
        updated=rfc3339(feed_events[0].at if feed_events else as_of),
    )
    files["calendar.ics"] = render_calendar(views, as_of, authority, base)

    static = site / "static"
    for path in sorted(static.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files["static/" + path.relative_to(static).as_posix()] = path.read_bytes()
    return dict(sorted(files.items()))


def markup(html: str) -> Any:
    from markupsafe import Markup

    return Markup(html)
