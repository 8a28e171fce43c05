"""``render_site``: the whole site as ``{relative path: bytes}``, a pure function of its input."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from markupsafe import Markup

from tooling.core.model import NEPStatus
from tooling.present.site.api import json_bytes, nep_json, sorted_votes, votes_json
from tooling.present.site.banner import banner, tally_parts
from tooling.present.site.changes import summarise
from tooling.present.site.env import Formats, make_environment
from tooling.present.site.feeds import render_calendar, status_events, tag_authority
from tooling.present.format import format_instant
from tooling.present.site.fmt import normalise_base, safe_url
from tooling.present.site.markdown import body_key, make_markdown, render_markdown
from tooling.present.site.model import (
    FEED_LIMIT,
    GITHUB_HANDLE,
    SITE_DIR,
    SORT_ORDERS,
    TABLE_COLUMNS,
    TAG_YEAR,
    SiteInput,
    api_name,
    page_name,
)
from tooling.present.site.rows import vote_rows
from tooling.present.site.pages import dashboard, index_pages, protocol_json, protocol_page
from tooling.present.site.schema import NEPS_SCHEMA
from tooling.present.site.svg import stake_chart, turnout_chart
from tooling.present.site.views import NepView, impact_rows, tally_view, timeline


def repo_links(repo_url: str, path: str) -> Mapping[str, str] | None:
    """Source and history links of a file in a GitHub-style repository (``/blob/HEAD/…``, ``/commits/HEAD/…``)."""
    repo = safe_url(repo_url)
    if repo is None:
        return None
    repo = repo.rstrip("/")
    if repo.endswith(".git"):
        repo = repo[: -len(".git")]
    return {"repo": repo, "source": f"{repo}/blob/HEAD/{path}", "history": f"{repo}/commits/HEAD/{path}"}


def render_site(inp: SiteInput, *, site_dir: Path | None = None) -> dict[str, bytes]:
    """Every file of the site as ``{relative path: bytes}``; a pure function of ``inp``."""
    site = site_dir or SITE_DIR
    base = normalise_base(inp.base_url)
    if inp.repo_url.strip() and safe_url(inp.repo_url) is None:
        raise ValueError(f"repository URL must be an absolute http(s) URL, got {inp.repo_url!r}")
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
        changes = summarise(p)
        record["changes_summary"] = changes.line
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
                changes=changes,
                record=record,
            )
        )
    by_nep = {v.nep: v for v in views}

    formats = Formats()
    env = make_environment(site / "templates", formats)
    md = make_markdown()
    events = status_events(views, as_of)
    common = {
        "as_of": as_of,
        "network": inp.governance.network,
        "tally_parts": tally_parts,
        "protocol": inp.protocol,
        "known": known,
        "sort_orders": SORT_ORDERS,
        "table_columns": TABLE_COLUMNS,
        "has_delegates": inp.delegates is not None,
        "feed_href": "feed.xml",  # pages link relatively (they work from file://); the feed itself uses base
    }
    files: dict[str, bytes] = {}

    def page(path: str, template: str, **ctx: Any) -> None:
        files[path] = env.get_template(template).render(**{**common, **ctx}).encode("utf-8")

    # Dashboard and index pages (grouped by status, every order, one page per status and per type).
    for path, template, ctx in [dashboard(views, events), *index_pages(views)]:
        page(path, template, **ctx)

    # One page and one JSON file per NEP.
    for v in views:
        # Markdown is rendered once per body text (and set of NEPs): the caller may hand earlier renders in.
        key = body_key(v.proposal.body, known)
        body = inp.bodies.get(key) if inp.bodies is not None else None
        if body is None:
            body = render_markdown(md, v.proposal.body, known)
            if inp.bodies is not None:
                inp.bodies[key] = body
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
            vote_count=0 if v.state.tally is None else len(v.state.tally.votes),
            vote_rows=Markup("") if v.state.tally is None else vote_rows(sorted_votes(v.state.tally), formats),
            body=body,
            body_html=Markup(body.html),
            banner=banner(v.proposal, v.state, as_of),
            turnout_picture=None if v.state.tally is None or v.state.voting_start is None
            or v.state.voting_end is None else turnout_chart(v.state.tally, v.state.voting_start,
                                                              v.state.voting_end, as_of),
            stake_picture=None if v.state.tally is None else stake_chart(v.state.tally),
            links=repo_links(inp.repo_url, v.proposal.path),
            vote_first=v.state.status is NEPStatus.VOTING,
            verify_at=format_instant(tally_at if tally_at is not None else as_of),
        )
        record = dict(v.record)
        record["generated_at"] = format_instant(as_of)
        record["votes"] = [] if v.state.tally is None else votes_json(v.state.tally)
        files[v.api] = json_bytes(record)

    # Protocol in force.
    genesis_version = inp.governance.protocol_version
    path, template, ctx = protocol_page(views, inp.protocol, genesis_version)
    page(path, template, **ctx)
    files["api/protocol.json"] = json_bytes(protocol_json(views, inp.protocol, genesis_version, as_of))

    if inp.delegates is not None:
        from tooling.present.site.delegates import delegates_files

        files.update(delegates_files(inp.delegates, page))

    # Machine-readable outputs.
    files["api/neps.json"] = json_bytes(
        {"generated_at": format_instant(as_of), "neps": {str(v.nep): v.record for v in views}}
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
        updated=format_instant(feed_events[0].at if feed_events else as_of),
    )
    files["calendar.ics"] = render_calendar(views, as_of, authority, base)

    static = site / "static"
    for path in sorted(static.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files["static/" + path.relative_to(static).as_posix()] = path.read_bytes()
    return dict(sorted(files.items()))

