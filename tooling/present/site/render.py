"""``render_site``: the whole site as ``{relative path: bytes}``, a pure function of its input."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from markupsafe import Markup

from tooling.core.deferred import Deferred
from tooling.core.model import NEPState, NEPStatus, Proposal, Tally
from tooling.present.format import duration_text, format_instant
from tooling.present.site.api import json_bytes, nep_json, sorted_votes, votes_json
from tooling.present.site.banner import banner
from tooling.present.site.changes import summarise
from tooling.present.site.env import Formats
from tooling.present.site.feeds import render_calendar, status_events, tag_authority
from tooling.present.site.fmt import normalise_base, safe_url
from tooling.present.site.keys import AT_MARK, FOOTER_MARK, Derived, Hole
from tooling.present.site.markdown import RenderedBody, body_key, make_markdown, render_markdown
from tooling.present.site.memo import Pages
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
from tooling.present.site.pages import dashboard, index_pages, protocol_json, protocol_page
from tooling.present.site.rows import vote_rows
from tooling.present.site.schema import NEPS_SCHEMA
from tooling.present.site.svg import stake_chart, turnout_chart
from tooling.present.site.views import (NepView, TallyView, impact_rows, proposal_view, state_view, tally_view,
                                        timeline)

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it import MarkdownIt

def repo_links(repo_url: str, path: str) -> Mapping[str, str] | None:
    """Source and history links of a file in a GitHub-style repository (``/blob/HEAD/…``, ``/commits/HEAD/…``)."""
    repo = safe_url(repo_url)
    if repo is None:
        return None
    repo = repo.rstrip("/")
    if repo.endswith(".git"):
        repo = repo[: -len(".git")]
    return {"repo": repo, "source": f"{repo}/blob/HEAD/{path}", "history": f"{repo}/commits/HEAD/{path}"}


def github_handle(handle: str | None) -> str | None:
    """A GitHub user name the page may link to, or None."""
    return handle if handle and GITHUB_HANDLE.match(handle) else None


def nep_views(proposals: Sequence[Proposal], states: Mapping[int, NEPState]
              ) -> tuple[list[NepView], dict[int, TallyView | None], dict[int, dict[str, Any]]]:
    """Each NEP's view (what lists show), its tally's view and its JSON record (``api/``)."""
    required_by: dict[int, set[int]] = {p.nep: set() for p in proposals}
    superseded_by: dict[int, set[int]] = {p.nep: set() for p in proposals}
    for p in proposals:
        for r in p.requires:
            required_by.setdefault(r, set()).add(p.nep)
        for r in p.supersedes:
            superseded_by.setdefault(r, set()).add(p.nep)
    views: list[NepView] = []
    tallies: dict[int, TallyView | None] = {}
    records: dict[int, dict[str, Any]] = {}
    for p in proposals:
        s = states[p.nep]
        record = nep_json(p, s, superseded_by=superseded_by[p.nep], required_by=required_by[p.nep])
        changes = summarise(p)
        record["changes_summary"] = changes.line
        records[p.nep] = record
        tallies[p.nep] = None if s.tally is None else tally_view(s.tally)
        views.append(
            NepView(
                state=state_view(s),
                nep=p.nep,
                type=p.type,
                parameter_changes=p.parameter_changes,
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
                changes=changes,
            )
        )
    return views, tallies, records


def render_site(inp: SiteInput, *, site_dir: Path | None = None, code: str = "") -> dict[str, bytes]:
    """Every file of the site as ``{relative path: bytes}``; a pure function of ``inp``.

    With ``inp.pages`` a page whose key (``keys.page_key``) is remembered is taken from it, not rendered;
    ``code`` names the tool's code in that key (``shell.caches.code_digest``).
    """
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
    views, tallies, records = nep_views(proposals, inp.states)

    formats = Formats()
    parsers: list[MarkdownIt] = []

    def markdown() -> MarkdownIt:
        # One Markdown parser per build, made on the first body to render.
        if not parsers:
            parsers.append(make_markdown())
        return parsers[0]

    pages = Pages(site / "templates", formats, inp.pages, code, shared=(NepView,))
    events = status_events(views, as_of)
    # What every page receives. Nothing here is the build instant: the footer's is a hole, filled in after
    # the memo, and a page that shows more of it receives that in its own context.
    common = {
        "network": inp.governance.network,
        "known": known,
        "sort_orders": SORT_ORDERS,
        "table_columns": TABLE_COLUMNS,
        "has_delegates": inp.delegates is not None,
        "feed_href": "feed.xml",  # pages link relatively (they work from file://); the feed itself uses base
        "built_at": Hole.of(FOOTER_MARK, formats.when(as_of)),
    }
    files: dict[str, bytes] = {}

    def page(path: str, template: str, **ctx: Any) -> None:
        files[path] = pages.render(path, template, ctx, common)

    # Dashboard and index pages (grouped by status, every order, one page per status and per type).
    for path, template, ctx in [dashboard(views, events, inp.states, tallies, inp.protocol, as_of), *index_pages(views)]:
        page(path, template, **ctx)

    # One page and one JSON file per NEP.
    for p, v in zip(proposals, views):
        s = inp.states[v.nep]
        page(v.page, "nep.html", **nep_context(inp, p, v, tallies[v.nep], s, known, formats, markdown))
        files[v.api] = nep_api(records[v.nep], s.tally, format_instant(as_of), pages, v.api)

    # Protocol in force.
    genesis_version = inp.governance.protocol_version
    path, template, ctx = protocol_page(views, inp.protocol, genesis_version, as_of)
    page(path, template, **ctx)
    files["api/protocol.json"] = json_bytes(protocol_json(views, inp.protocol, genesis_version, as_of))

    if inp.delegates is not None:
        from tooling.present.site.delegates import delegates_files

        files.update(delegates_files(inp.delegates, page))

    # Machine-readable outputs.
    files["api/neps.json"] = json_bytes(
        {"generated_at": format_instant(as_of), "neps": {str(v.nep): records[v.nep] for v in views}}
    )
    files["api/neps.schema.json"] = json_bytes(NEPS_SCHEMA)
    authority = tag_authority(inp.governance.network)
    feed_events = events[:FEED_LIMIT]
    # The feed is not a page of the site (no footer): it gets its own context, without the footer's hole.
    files["feed.xml"] = pages.render("feed.xml", "feed.xml", {
        "network": inp.governance.network,
        "base": base,
        "entries": [(e, f"tag:{authority},{TAG_YEAR}:nep-{e.nep:04d}/{e.kind}/{e.at}") for e in feed_events],
        "feed_id": f"tag:{authority},{TAG_YEAR}:neps/status",
        "updated": format_instant(feed_events[0].at if feed_events else as_of),
    })
    files["calendar.ics"] = render_calendar(views, as_of, authority, base)

    static = site / "static"
    for path in sorted(static.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files["static/" + path.relative_to(static).as_posix()] = path.read_bytes()
    return dict(sorted(files.items()))


def nep_context(inp: SiteInput, p: Proposal, v: NepView, tv: TallyView | None, s: NEPState, known: frozenset[int],
                formats: Formats, markdown: Callable[[], MarkdownIt]) -> dict[str, Any]:
    """What ``nep.html`` receives for one NEP: the view, and what the page shows of the build instant.

    The Markdown body is ``Derived`` from its text and the NEP numbers (rendered only if the page is);
    the vote rows too when the shell named them (``_rows``), else they are written here and are in the
    page's key as they are shown.
    """
    as_of = inp.as_of
    t = s.tally
    ei = p.economic_impact
    tally_at = t.decided_at if t is not None and t.final else None
    rendered: list[RenderedBody] = []

    def body() -> RenderedBody:
        if not rendered:
            rendered.append(_body(inp, p.body, known, markdown))
        return rendered[0]

    return {
        "nav": "neps",
        "v": v,
        "proposal": proposal_view(p),
        "tally": tv,
        "phases": timeline(p, s, as_of),
        "impact": None if ei is None else impact_rows(ei),
        "impact_summary": None if ei is None else ei.describe(),
        "impact_neutral": None if ei is None else ei.is_neutral(),
        "discussion": safe_url(p.discussion),
        "github": github_handle,
        "vote_count": 0 if t is None else len(t.votes),
        "vote_rows": _rows(t, formats),
        "body": Derived("markdown", (p.body, known), body),
        "body_html": Derived("markdown-html", (p.body, known), lambda: Markup(body().html)),
        "banner": banner(p, s, as_of),
        "turnout_picture": None if t is None or s.voting_start is None or s.voting_end is None
        else turnout_chart(t, s.voting_start, s.voting_end, as_of),
        "stake_picture": None if t is None else stake_chart(t),
        "links": repo_links(inp.repo_url, p.path),
        "vote_first": s.status is NEPStatus.VOTING,
        "verify_at": format_instant(tally_at) if tally_at is not None
        else Hole.of(AT_MARK, format_instant(as_of), times=_VERIFY_LINES),
        "time_left": duration_text(s.voting_end - as_of) if t is not None and not t.final and s.voting_end is not None
        else "",
    }


#: nep.html writes verify_at twice, in its "nep show" and "nep tally" lines.
_VERIFY_LINES = 2
#: Stands for the votes in api/nep-NNNN.json until they are put in; JSON writes it "\u0000nep-site:votes\u0000".
_VOTES = "\x00nep-site:votes\x00"


def nep_api(record: Mapping[str, Any], t: Tally | None, generated_at: str | None, pages: Pages, path: str) -> bytes:
    """``api/nep-NNNN.json``: the record, ``generated_at`` and every vote.

    The votes, most of the file, are a function of the tally's rows: when the shell named them
    (``Deferred.key``) their JSON is remembered by that name and put in place of a marker string in
    the rest of the document, which compact JSON writes the same wherever a value stands. Where the
    marker occurs other than once, the file is written whole.
    """
    def whole() -> bytes:
        return json_bytes({**record, "generated_at": generated_at, "votes": [] if t is None else votes_json(t)})

    if t is None or not isinstance(t.votes, Deferred) or t.votes.key is None:
        return whole()
    tally = t
    votes = pages.part(path, "api-votes", t.votes.key, lambda: json_bytes(votes_json(tally))[:-1])
    rest = json_bytes({**record, "generated_at": generated_at, "votes": _VOTES})
    marker = json_bytes(_VOTES)[:-1]
    if rest.count(marker) != 1:
        return whole()
    head, _, tail = rest.partition(marker)
    return head + votes + tail


def _rows(t: Tally | None, formats: Formats) -> Markup | Derived:
    """The vote table's rows; named by the rows' own key when the shell gave the votes one.

    A ``Deferred`` with a key is a sequence the key determines (``core.deferred``: the digest of
    everything its items are a function of), so the rows written from it are named by that key and
    written only if the page is rendered.
    """
    if t is None:
        return Markup("")
    key = t.votes.key if isinstance(t.votes, Deferred) else None
    if key is None:
        return vote_rows(sorted_votes(t), formats)
    return Derived("vote-rows", key, lambda: vote_rows(sorted_votes(t), formats))


def _body(inp: SiteInput, text: str, known: frozenset[int], markdown: Callable[[], MarkdownIt]) -> RenderedBody:
    """A NEP body's HTML: from ``inp.bodies`` when rendered before for the same answers, else rendered now."""
    key = body_key(text)
    body = inp.bodies.get(key) if inp.bodies is not None else None
    if body is None or not body.fits(known):
        body = render_markdown(markdown(), text, known)
        if inp.bodies is not None:
            inp.bodies[key] = body
    return body
