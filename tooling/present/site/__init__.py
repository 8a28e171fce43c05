"""The static site: a pure renderer (``render_site``) and a thin writer (``write_site``).

``render_site`` turns the repository's proposals, their computed lifecycle
states and the protocol state in force into ``{relative path: bytes}``: HTML
pages (Jinja2 templates from ``site/templates``, autoescaped), ``feed.xml``
(Atom), ``calendar.ics`` (RFC 5545), ``api/*.json`` and the static assets.
It reads no clock and draws no random number, so the same input always
gives byte-identical output. ``write_site`` is the only function that
touches the file system's output folder, and replaces it atomically.

Modules, bottom up: ``fmt`` (formatting), ``model`` (input and shared
names), ``schema``/``api`` (JSON), ``markdown`` (bodies), ``views`` (per-NEP
view models), ``changes`` (what changes, for whom), ``banner`` (status
banners), ``svg`` (pictures), ``feeds`` (feed and calendar), ``env`` (the
Jinja filters), ``rows`` (the vote table), ``keys`` (a page's key),
``memo`` (pages through the memo), ``render`` (pages), ``cache`` (the page
memo and Markdown in the cache folder), ``write`` (the shell).
"""

from tooling.present.site.api import nep_json, tally_summary, votes_json
from tooling.present.site.feeds import FeedEvent, ics_escape, ics_fold, render_calendar, status_events
from tooling.present.site.markdown import make_markdown, render_markdown, slugify, validate_link
from tooling.present.site.model import SITE_DIR, SORT_COLUMNS, SiteInput, api_name, page_name
from tooling.present.site.env import make_environment
from tooling.present.site.render import render_site
from tooling.present.site.schema import NEPS_SCHEMA
from tooling.present.site.views import impact_rows, tally_view, timeline
from tooling.present.site.write import SITE_MARKER, build, write_site

__all__ = [
    "FeedEvent", "NEPS_SCHEMA", "SITE_DIR", "SITE_MARKER", "SORT_COLUMNS", "SiteInput", "api_name", "build",
    "ics_escape", "ics_fold", "impact_rows", "make_environment", "make_markdown", "nep_json",
    "page_name", "render_calendar", "render_markdown", "render_site", "slugify", "status_events",
    "tally_summary", "tally_view", "timeline", "validate_link", "votes_json", "write_site",
]
