"""The static site: a pure renderer (``render_site``) and a thin writer (``write_site``).

``render_site`` turns the repository's proposals, their computed lifecycle
states and the protocol state in force into ``{relative path: bytes}``: HTML
pages (Jinja2 templates from ``site/templates``, autoescaped), ``feed.xml``
(Atom), ``calendar.ics`` (RFC 5545), ``api/*.json`` and the static assets.
It reads no clock and draws no random number, so the same input always
gives byte-identical output. ``write_site`` is the only function that
touches the file system's output folder, and replaces it atomically.

Pages link to each other with relative links only (the site works from
``file://``); the feed and the calendar use ``base_url`` for absolute links.
The shape of ``api/neps.json`` is documented in ``docs/site.md`` and given
as a JSON Schema in ``api/neps.schema.json`` (``NEPS_SCHEMA``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from tooling.core import timeline as _timeline
from tooling.core.model import (
    DAY,
    IMPACT_FIELDS,
    EconomicImpact,
    Governance,
    NEPState,
    NEPStatus,
    NEPType,
    Outcome,
    Proposal,
    ProtocolState,
    Reason,
    Tally,
    VoteCode,
)

if TYPE_CHECKING:  # pragma: no cover
    from jinja2 import Environment
    from markdown_it import MarkdownIt
    from tooling.core.delegates import DelegationsReport


def _default_site_dir() -> Path:
    """Templates and assets: ``tooling/site_assets`` in an installed wheel, else ``site/`` of the checkout."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "site_assets"
    return packaged if (packaged / "templates").is_dir() else package.parent / "site"


SITE_DIR = _default_site_dir()

#: Order of the dashboard's status counts (what readers look for first).
DASHBOARD_STATUS_ORDER: tuple[NEPStatus, ...] = (
    NEPStatus.ACTIVE,
    NEPStatus.SCHEDULED,
    NEPStatus.VOTING,
    NEPStatus.REVIEW,
    NEPStatus.DRAFT,
    NEPStatus.REJECTED,
    NEPStatus.WITHDRAWN,
    NEPStatus.DEPRECATED,
)
_STATUS_RANK = {s: i for i, s in enumerate(NEPStatus)}
_TYPE_RANK = {t: i for i, t in enumerate(NEPType)}

#: Ids used by the NEP page itself; body headings never take them.
_PAGE_IDS = frozenset(
    {
        "main",
        "nep-overview",
        "nep-timeline",
        "nep-impact",
        "nep-parameters",
        "nep-upgrade",
        "nep-tally",
        "nep-votes",
        "nep-text",
        "nep-toc",
        "nep-verify",
        "page-sections",
    }
)

#: Sortable columns of the all-NEPs table: key -> (header, page).
SORT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("number", "NEP", "neps.html"),
    ("type", "Type", "neps-by-type.html"),
    ("status", "Status", "neps-by-status.html"),
    ("title", "Title", "neps-by-title.html"),
    ("authors", "Authors", "neps-by-authors.html"),
    ("created", "Created", "neps-by-created.html"),
    ("submitted", "Submitted", "neps-by-submitted.html"),
    ("voting_end", "Voting ends", "neps-by-voting-end.html"),
    ("activates", "Activates", "neps-by-activates.html"),
)

_TAG_YEAR = "2025"  # the tag: URI date (RFC 4151); fixed so ids never change
_FEED_LIMIT = 200  # newest status changes in feed.xml; api/neps.json has the full record
_NEP_MD_LINK = re.compile(r"^(?:\./|\.\./neps/|neps/)?nep-(\d+)\.md(#.*)?$")
_GITHUB_HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class SiteInput:
    as_of: int
    governance: Governance
    proposals: Sequence[Proposal]
    states: Mapping[int, NEPState]
    protocol: ProtocolState
    base_url: str = ""
    #: Delegations in force at as_of (SPEC 11); None: no delegates page.
    delegates: "DelegationsReport | None" = None


# --------------------------------------------------------------------------
# Small formatters (instants, decimals, ratios)


def rfc3339(t: int | None) -> str | None:
    """``2026-01-08T00:00:00Z``; None stays None (an absent instant is null)."""
    if t is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def _human_instant(t: int) -> str:
    fmt = "%Y-%m-%d %H:%M UTC" if t % 60 == 0 else "%Y-%m-%d %H:%M:%S UTC"
    return time.strftime(fmt, time.gmtime(t))


def dec_str(d: Decimal) -> str:
    """A decimal in plain notation (never an exponent), as the spec writes amounts."""
    return format(d, "f")


def _dec_display(d: Decimal) -> str:
    return format(d, ",f")


def _ratio(num: Decimal, den: Decimal, places: int) -> Decimal | None:
    """num/den truncated (never rounded up, so a ratio just under a threshold never shows as on it)."""
    if den <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        return (num / den).quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def _pct(num: Decimal, den: Decimal) -> Decimal | None:
    r = _ratio(num * 100, den, 2)
    return None if r is None else min(r, Decimal(100))


def _pct_str(d: Decimal | None) -> str:
    return "—" if d is None else dec_str(d)


def _duration(seconds: int) -> str:
    """Compact remaining time: ``3 d 4 h``, ``5 h 20 min``, ``12 min``."""
    seconds = max(0, seconds)
    d, rest = divmod(seconds, DAY)
    h, rest = divmod(rest, 3600)
    m = rest // 60
    if d:
        return f"{d} d {h} h"
    if h:
        return f"{h} h {m} min"
    if m:
        return f"{m} min"
    return f"{seconds} s"


def _jsonable(v: Any) -> Any:
    if isinstance(v, Decimal):
        return dec_str(v)
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        return v
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return str(v)


def _value_display(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, Decimal):
        return dec_str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (int, str)):
        return str(v)
    return json.dumps(_jsonable(v), sort_keys=True, ensure_ascii=False)


def _safe_url(url: str | None) -> str | None:
    """An external URL we are willing to link to (http/https only)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _normalise_base(base_url: str) -> str:
    base = base_url.strip()
    if not base:
        return ""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base URL must be an absolute http(s) URL, got {base_url!r}")
    return base if base.endswith("/") else base + "/"


def page_name(nep: int) -> str:
    return f"nep-{nep:04d}.html"


def api_name(nep: int) -> str:
    return f"api/nep-{nep:04d}.json"


# --------------------------------------------------------------------------
# Economic impact


@dataclass(frozen=True)
class ImpactRow:
    name: str
    label: str
    value: str
    effect: str
    neutral: bool


def impact_rows(ei: EconomicImpact) -> tuple[ImpactRow, ...]:
    """The nine fields in file order; ``neutral`` is the field's own no-change test."""
    from tooling.core.economics import change, describe_field

    rows = []
    for f in IMPACT_FIELDS:
        neutral = change(ei, f) == 0
        effect = "no change"
        if not neutral:
            # The same words as describe(), without the label the table already shows.
            text = describe_field(ei, f)
            effect = text[len(f.label) + 2 :] if text.startswith(f.label + ": ") else text
        rows.append(ImpactRow(f.name, f.label, _value_display(getattr(ei, f.name)), effect, neutral))
    return tuple(rows)


# --------------------------------------------------------------------------
# JSON records (api/)


def tally_summary(t: Tally) -> dict[str, Any]:
    """The tally without its votes, for api/neps.json (decimals as strings)."""
    voted = t.turnout_stake
    turnout = _ratio(voted, t.total_stake, 4)
    yes_share = _ratio(t.yes, t.yes + t.no, 4)
    counted = sum(1 for v in t.votes if v.counted)
    pending = sum(1 for v in t.votes if not v.counted and v.code is VoteCode.PENDING)
    return {
        "final": t.final,
        "as_of": rfc3339(t.as_of),
        "yes": dec_str(t.yes),
        "no": dec_str(t.no),
        "abstain": dec_str(t.abstain),
        "voted": dec_str(voted),
        "total_stake": dec_str(t.total_stake),
        "turnout": None if turnout is None else dec_str(turnout),
        "yes_share": None if yes_share is None else dec_str(yes_share),
        "quorum": dec_str(t.quorum),
        "approval": dec_str(t.approval),
        "quorum_reached": t.quorum_reached,
        "approval_reached": t.approval_reached,
        "outcome": None if t.outcome is None else t.outcome.value,
        "projected_outcome": t.projected_outcome.value,
        "reason": None if t.reason is None else t.reason.value,
        "decided_at": rfc3339(t.decided_at),
        "votes_counted": counted,
        "votes_rejected": len(t.votes) - counted - pending,
        "votes_pending": pending,
    }


def votes_json(t: Tally) -> list[dict[str, Any]]:
    return [
        {
            "voter": v.voter,
            "path": v.path,
            "choice": v.choice,
            "weight": dec_str(v.weight),
            "own_weight": dec_str(v.own_weight),
            "delegated_weight": dec_str(v.delegated_weight),
            "delegators": list(v.delegators),
            "counted": v.counted,
            "code": None if v.code is None else v.code.value,
            "timestamp": rfc3339(v.timestamp),
            "included_at": rfc3339(v.included_at),
            "reason": v.reason,
        }
        for v in _sorted_votes(t)
    ]


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
        "submitted": rfc3339(s.submitted),
        "voting_start": rfc3339(s.voting_start),
        "voting_end": rfc3339(s.voting_end),
        "decided_at": rfc3339(s.decided_at),
        "activates_at": rfc3339(s.activates_at),
        "activated": rfc3339(s.activated),
        "deprecated_at": rfc3339(s.deprecated_at),
        "deprecated_by": s.deprecated_by,
        "withdrawn_at": rfc3339(s.withdrawn_at),
        "content_hash": p.content_hash,
        "economic_impact": None if ei is None else {f.name: _jsonable(getattr(ei, f.name)) for f in IMPACT_FIELDS},
        "impact_neutral": None if ei is None else ei.is_neutral(),
        "impact_summary": None if ei is None else ei.describe(),
        "parameter_changes": [
            {
                "module": c.module,
                "parameter": c.parameter,
                "old_value": _jsonable(c.old_value),
                "new_value": _jsonable(c.new_value),
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


_INSTANT = {"type": ["string", "null"], "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"}
_INSTANT_REQ = {"type": "string", "pattern": _INSTANT["pattern"]}
_DECIMAL = {"type": "string", "pattern": r"^(0|[1-9][0-9]*)(\.[0-9]+)?$"}
_DECIMAL_OR_NULL = {"type": ["string", "null"], "pattern": _DECIMAL["pattern"]}
_NEP_NUMBERS = {"type": "array", "items": {"type": "integer", "minimum": 1}}
_SCALAR = {"type": ["string", "number", "integer", "boolean", "null", "array", "object"]}

#: JSON Schema (draft 2020-12) of api/neps.json; published as api/neps.schema.json.
NEPS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "neps.schema.json",
    "title": "NeuroShard NEP index (api/neps.json)",
    "type": "object",
    "required": ["generated_at", "neps"],
    "properties": {
        "generated_at": _INSTANT_REQ,
        "neps": {
            "type": "object",
            "propertyNames": {"pattern": "^[1-9][0-9]*$"},
            "additionalProperties": {"$ref": "#/$defs/nep"},
        },
    },
    "$defs": {
        "nep": {
            "type": "object",
            "required": [
                "nep", "label", "title", "type", "type_label", "status", "outcome", "reason", "track",
                "authors", "created", "discussion", "requires", "required_by", "supersedes", "superseded_by",
                "resubmission_of", "submitted", "voting_start", "voting_end", "decided_at", "activates_at",
                "activated", "deprecated_at", "deprecated_by", "withdrawn_at", "content_hash",
                "economic_impact", "impact_neutral", "impact_summary", "parameter_changes", "upgrade_path",
                "tally", "page", "api",
            ],
            "properties": {
                "nep": {"type": "integer", "minimum": 1},
                "label": {"type": "string", "pattern": "^NEP-[0-9]{4,}$"},
                "title": {"type": "string"},
                "type": {"enum": [t.value for t in NEPType] + [None]},
                "type_label": {"type": ["string", "null"]},
                "status": {"enum": [s.value for s in NEPStatus]},
                "outcome": {"enum": [o.value for o in Outcome] + [None]},
                "reason": {"enum": [r.value for r in Reason] + [None]},
                "track": {"type": "string"},
                "authors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "node", "github", "email"],
                        "properties": {
                            "name": {"type": "string"},
                            "node": {"type": "string"},
                            "github": {"type": ["string", "null"]},
                            "email": {"type": ["string", "null"]},
                        },
                    },
                },
                "created": {"type": "string"},
                "discussion": {"type": ["string", "null"]},
                "requires": _NEP_NUMBERS,
                "required_by": _NEP_NUMBERS,
                "supersedes": _NEP_NUMBERS,
                "superseded_by": _NEP_NUMBERS,
                "resubmission_of": {"type": ["integer", "null"]},
                "submitted": _INSTANT,
                "voting_start": _INSTANT,
                "voting_end": _INSTANT,
                "decided_at": _INSTANT,
                "activates_at": _INSTANT,
                "activated": _INSTANT,
                "deprecated_at": _INSTANT,
                "deprecated_by": {"type": ["integer", "null"]},
                "withdrawn_at": _INSTANT,
                "content_hash": {"type": "string"},
                "economic_impact": {
                    "oneOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "required": [f.name for f in IMPACT_FIELDS],
                            "properties": {
                                **{f.name: {"type": "number"} for f in IMPACT_FIELDS if f.name != "upgrade_cost_neuro"},
                                "min_memory_change_mb": {"type": "integer"},
                                "upgrade_cost_neuro": _DECIMAL,
                            },
                            "additionalProperties": False,
                        },
                    ]
                },
                "impact_neutral": {"type": ["boolean", "null"]},
                "impact_summary": {"type": ["string", "null"]},
                "parameter_changes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["module", "parameter", "old_value", "new_value", "rationale"],
                        "properties": {
                            "module": {"type": "string"},
                            "parameter": {"type": "string"},
                            "old_value": _SCALAR,
                            "new_value": _SCALAR,
                            "rationale": {"type": "string"},
                        },
                    },
                },
                "upgrade_path": {
                    "oneOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "required": [
                                "min_version", "target_version", "grace_period_days", "backward_compatible",
                                "requires_checkpoint_reload", "migration_steps",
                            ],
                            "properties": {
                                "min_version": {"type": "string"},
                                "target_version": {"type": "string"},
                                "grace_period_days": {"type": "integer"},
                                "backward_compatible": {"type": "boolean"},
                                "requires_checkpoint_reload": {"type": "boolean"},
                                "migration_steps": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    ]
                },
                "tally": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/tally"}]},
                "page": {"type": "string"},
                "api": {"type": "string"},
            },
        },
        "tally": {
            "type": "object",
            "required": [
                "final", "as_of", "yes", "no", "abstain", "voted", "total_stake", "turnout", "yes_share",
                "quorum", "approval", "quorum_reached", "approval_reached", "outcome", "projected_outcome",
                "reason", "decided_at", "votes_counted", "votes_rejected", "votes_pending",
            ],
            "properties": {
                "final": {"type": "boolean"},
                "as_of": _INSTANT_REQ,
                "yes": _DECIMAL,
                "no": _DECIMAL,
                "abstain": _DECIMAL,
                "voted": _DECIMAL,
                "total_stake": _DECIMAL,
                "turnout": _DECIMAL_OR_NULL,
                "yes_share": _DECIMAL_OR_NULL,
                "quorum": _DECIMAL,
                "approval": _DECIMAL,
                "quorum_reached": {"type": "boolean"},
                "approval_reached": {"type": "boolean"},
                "outcome": {"enum": [o.value for o in Outcome] + [None]},
                "projected_outcome": {"enum": [o.value for o in Outcome]},
                "reason": {"enum": [r.value for r in Reason] + [None]},
                "decided_at": _INSTANT,
                "votes_counted": {"type": "integer", "minimum": 0},
                "votes_rejected": {"type": "integer", "minimum": 0},
                "votes_pending": {"type": "integer", "minimum": 0},
            },
        },
    },
}


def _json_bytes(obj: Any) -> bytes:
    # Compact (the C encoder; an indented dump of 100,000 votes is several times slower); browsers pretty-print.
    return (json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------
# Markdown


def _validate_link(url: str) -> bool:
    """Refuse script-capable and local schemes outright (data: images included), allow the rest."""
    probe = re.sub(r"[\x00-\x20\x7f]+", "", url).lower()
    return not probe.startswith(("javascript:", "vbscript:", "data:", "file:"))


def _is_remote(url: str) -> bool:
    return bool(_SCHEME.match(url)) or url.startswith("//")


def make_markdown() -> MarkdownIt:
    """The one Markdown renderer of a build: CommonMark + tables, raw HTML off, safe links."""
    from markdown_it import MarkdownIt
    from markdown_it.common.utils import escapeHtml

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.validateLink = _validate_link  # type: ignore[method-assign]
    default_image = md.renderer.rules["image"]

    def image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        # A remote image would make the page fetch from elsewhere (and track readers): link to it instead.
        tok = tokens[idx]
        src = tok.attrGet("src") or ""
        if _is_remote(src):
            alt = self.renderInlineAsText(tok.children or [], options, env) or src
            return f'<a href="{escapeHtml(src)}" rel="nofollow noopener">[image: {escapeHtml(alt)}]</a>'
        return default_image(tokens, idx, options, env)

    def link_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        tok = tokens[idx]
        if _is_remote(tok.attrGet("href") or ""):
            tok.attrSet("rel", "nofollow noopener")
        return self.renderToken(tokens, idx, options, env)

    def heading_close(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        tok = tokens[idx]
        anchor = tok.meta.get("anchor")
        if not anchor:
            return self.renderToken(tokens, idx, options, env)
        text = escapeHtml(tok.meta.get("text", ""))
        return f' <a class="anchor" href="#{anchor}" aria-label="Link to section: {text}">#</a></{tok.tag}>\n'

    md.add_render_rule("image", image)
    md.add_render_rule("link_open", link_open)
    md.add_render_rule("heading_close", heading_close)
    return md


def slugify(text: str) -> str:
    """Stable ASCII slug: ``Economic Impact`` -> ``economic-impact``."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9 _-]", "", s)
    s = re.sub(r"[\s_-]+", "-", s).strip("-")
    return s or "section"


def _inline_text(tok: Any) -> str:
    parts = []
    for c in tok.children or []:
        if c.type in ("text", "code_inline"):
            parts.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif c.type == "image":
            parts.append(_inline_text(c))
    return "".join(parts).strip()


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    text: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class RenderedBody:
    html: str
    toc: tuple[TocEntry, ...]


def render_markdown(md: MarkdownIt, text: str, known_neps: frozenset[int] = frozenset()) -> RenderedBody:
    """Body HTML with heading ids (levels shifted down one, under the page's own h2) and its TOC.

    Links to ``nep-NNNN.md`` of a known NEP become links to its page.
    """
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    used: set[str] = set(_PAGE_IDS)
    flat: list[tuple[int, str, str]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            inline = tokens[i + 1]
            text_ = _inline_text(inline)
            base = slugify(text_)
            slug, n = base, 0
            while slug in used:
                n += 1
                slug = f"{base}-{n}"
            used.add(slug)
            shifted = f"h{min(level + 1, 6)}"
            tok.tag = shifted
            tok.attrSet("id", slug)
            close = tokens[i + 2]  # a heading is always open, inline, close
            close.tag = shifted
            close.meta = {"anchor": slug, "text": text_}
            if level in (2, 3):
                flat.append((level, slug, text_))
        elif tok.type == "th_open":
            tok.attrSet("scope", "col")
        elif tok.type == "inline" and tok.children:
            for c in tok.children:
                if c.type == "link_open":
                    m = _NEP_MD_LINK.match(c.attrGet("href") or "")
                    if m and int(m.group(1)) in known_neps:
                        c.attrSet("href", page_name(int(m.group(1))) + (m.group(2) or ""))
    html = md.renderer.render(tokens, md.options, env)
    return RenderedBody(html, _nest_toc(flat))


def _nest_toc(flat: Sequence[tuple[int, str, str]]) -> tuple[TocEntry, ...]:
    top: list[tuple[int, str, str, list]] = []
    for level, anchor, text in flat:
        if level == 3 and top and top[-1][0] == 2:
            top[-1][3].append(TocEntry(3, anchor, text))
        else:
            top.append((level, anchor, text, []))
    return tuple(TocEntry(lv, a, t, tuple(ch)) for lv, a, t, ch in top)


# --------------------------------------------------------------------------
# View models (computed once per NEP, shared by every page that lists it)


@dataclass(frozen=True)
class Bars:
    """Percentages for the pure-CSS tally bars (truncated to 0.01, strings ready for style=)."""

    yes: str
    no: str
    abstain: str
    turnout: str
    quorum_line: str
    yes_share: str
    no_share: str
    approval_line: str


@dataclass(frozen=True)
class TallyView:
    tally: Tally
    bars: Bars
    turnout_known: bool
    share_known: bool
    voted: Decimal
    counted: int
    rejected: int
    pending: int


def tally_view(t: Tally) -> TallyView:
    voted = t.turnout_stake
    ts = t.total_stake
    yn = t.yes + t.no
    def share(x: Decimal) -> str:
        # With no stake at all the bar is simply empty.
        return _pct_str(_pct(x, ts) if ts > 0 else Decimal("0.00"))

    bars = Bars(
        yes=share(t.yes),
        no=share(t.no),
        abstain=share(t.abstain),
        turnout=_pct_str(_pct(voted, ts)),
        quorum_line=_pct_str(_pct(t.quorum, Decimal(1))),
        yes_share=_pct_str(_pct(t.yes, yn) if yn > 0 else None),
        no_share=_pct_str(_pct(t.no, yn) if yn > 0 else None),
        approval_line=_pct_str(_pct(t.approval, Decimal(1))),
    )
    counted = sum(1 for v in t.votes if v.counted)
    pending = sum(1 for v in t.votes if not v.counted and v.code is VoteCode.PENDING)
    return TallyView(t, bars, ts > 0, yn > 0, voted, counted, len(t.votes) - counted - pending, pending)


@dataclass(frozen=True)
class Phase:
    """One phase as the NEP page shows it (computed by ``tooling.core.timeline``)."""

    name: str
    start: int | None
    end: int | None
    state: str  # past | current | future
    note: str = ""


_PHASE_NAMES = {key: key.capitalize() for key in _timeline.KEYS}


def _site_phase(ph: _timeline.Phase, s: NEPState) -> Phase | None:
    """The page's view of one phase, or None where the page folds it into another."""
    if ph.key == "decision" and s.outcome is Outcome.REJECTED:
        return None  # the Rejected phase carries the instant and the reason
    if ph.projected and ph.key == "scheduled":
        return None  # the Activation note names the grace period
    if ph.projected and ph.key == "active" and ph.start is None:
        return None  # an activation that cannot be dated yet is not listed
    if ph.key == "decision" and s.outcome is Outcome.APPROVED:
        name, note = "Approved", ""
    elif ph.projected and ph.key == "active":
        name, note = "Activation", ph.note
    else:
        name, note = _PHASE_NAMES[ph.key], ph.note
    # A point shows one instant, not "t → t".
    return Phase(name, ph.start, None if ph.is_point else ph.end, ph.state, note)


def timeline(p: Proposal, s: NEPState, as_of: int) -> tuple[Phase, ...]:
    """The phases of one NEP with their instants, each past, current or future at ``as_of``."""
    grace = p.upgrade_path.grace_period_days if p.upgrade_path is not None else None
    core = _timeline.phases(s, as_of, grace_period_days=grace, created=p.created)
    return tuple(v for v in (_site_phase(ph, s) for ph in core) if v is not None)


@dataclass(frozen=True)
class NepView:
    """Everything templates need about one NEP, computed once."""

    proposal: Proposal
    state: NEPState
    nep: int
    label: str
    page: str
    api: str
    title: str
    type_value: str
    type_label: str
    status: str
    author_names: str
    created: str
    requires: tuple[int, ...]
    required_by: tuple[int, ...]
    supersedes: tuple[int, ...]
    superseded_by: tuple[int, ...]
    tally: TallyView | None
    record: Mapping[str, Any] = field(repr=False)

    @property
    def submitted(self) -> int | None:
        return self.state.submitted

    @property
    def voting_end(self) -> int | None:
        return self.state.voting_end

    @property
    def activates(self) -> int | None:
        return self.state.activates_at if self.state.outcome is Outcome.APPROVED else None


def _sort_key(column: str) -> Any:
    big = 1 << 62

    def instant(t: int | None) -> int:
        return big if t is None else t

    keys = {
        "number": lambda v: (v.nep,),
        "type": lambda v: (_TYPE_RANK.get(v.proposal.type, 99), v.nep),
        "status": lambda v: (_STATUS_RANK[v.state.status], v.nep),
        "title": lambda v: (v.title.casefold(), v.nep),
        "authors": lambda v: (v.author_names.casefold(), v.nep),
        "created": lambda v: (v.created, v.nep),
        "submitted": lambda v: (instant(v.submitted), v.nep),
        "voting_end": lambda v: (instant(v.voting_end), v.nep),
        "activates": lambda v: (instant(v.activates), v.nep),
    }
    return keys[column]


@dataclass(frozen=True)
class FeedEvent:
    at: int
    nep: int
    kind: str  # submitted | voting-started | decided | activated | withdrawn | deprecated
    title: str
    summary: str
    page: str


_EVENT_ORDER = {k: i for i, k in enumerate(("submitted", "voting-started", "decided", "activated", "withdrawn", "deprecated"))}


def status_events(views: Sequence[NepView], as_of: int) -> list[FeedEvent]:
    """Every status change that has happened by ``as_of``, newest first."""
    out: list[FeedEvent] = []
    for v in views:
        s = v.state
        name = f"{v.label}: {v.title}"

        def add(at: int | None, kind: str, title: str, summary: str) -> None:
            if at is not None and at <= as_of:
                out.append(FeedEvent(at, v.nep, kind, title, summary, v.page))

        add(s.submitted, "submitted", f"{name} — submitted for review", "Submitted; the review period starts.")
        if s.reason not in _timeline.T0_REASONS and s.status is not NEPStatus.WITHDRAWN:
            add(s.voting_start, "voting-started", f"{name} — voting started",
                f"Voting is open until {rfc3339(s.voting_end)}.")
        if s.outcome is not None:
            if s.outcome is Outcome.APPROVED:
                summary = f"Approved; activates at {rfc3339(s.activates_at)}."
            else:
                summary = f"Rejected ({s.reason.value if s.reason else 'rejected'})."
            add(s.decided_at, "decided", f"{name} — {s.outcome.value}", summary)
        add(s.activated, "activated", f"{name} — activated", "Now in force.")
        add(s.withdrawn_at, "withdrawn", f"{name} — withdrawn", "Withdrawn by its authors.")
        if s.deprecated_at is not None:
            by = f" by NEP-{s.deprecated_by:04d}" if s.deprecated_by is not None else ""
            add(s.deprecated_at, "deprecated", f"{name} — deprecated", f"Superseded{by}.")
    out.sort(key=lambda e: (-e.at, e.nep, -_EVENT_ORDER[e.kind]))
    return out


# --------------------------------------------------------------------------
# Calendar (RFC 5545)


def _ics_escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"\r\n|\r|\n", "\\\\n", text)


def _ics_fold(line: str) -> list[str]:
    """Fold a content line at 75 octets, never inside a UTF-8 sequence (RFC 5545 3.1)."""
    out: list[str] = []
    current, size, limit = [], 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(current))
            current, size, limit = [" "], 1, 75
        current.append(ch)
        size += n
    out.append("".join(current))
    return out


def _ics_time(t: int) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))


def render_calendar(views: Sequence[NepView], as_of: int, authority: str, base: str) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//NeuroShard//nep site//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:NeuroShard NEPs",
    ]

    def event(uid: str, start: int, end: int | None, summary: str, description: str, page: str) -> None:
        lines.extend(["BEGIN:VEVENT", f"UID:{uid}@{authority}", f"DTSTAMP:{_ics_time(as_of)}", f"DTSTART:{_ics_time(start)}"])
        if end is not None:
            lines.append(f"DTEND:{_ics_time(end)}")
        lines.append(f"SUMMARY:{_ics_escape(summary)}")
        lines.append(f"DESCRIPTION:{_ics_escape(description)}")
        if base:
            lines.append(f"URL:{base}{page}")
        lines.append("END:VEVENT")

    for v in views:
        s = v.state
        name = f"{v.label}: {v.title}"
        voted = s.reason not in _timeline.T0_REASONS and (
            s.status is not NEPStatus.WITHDRAWN
        )
        if voted and s.voting_start is not None and s.voting_end is not None:
            event(f"nep-{v.nep:04d}-voting", s.voting_start, s.voting_end, f"Vote on {name}",
                  f"Voting window of {v.label} (votes count from {rfc3339(s.voting_start)} until before "
                  f"{rfc3339(s.voting_end)}).", v.page)
        if s.outcome is Outcome.APPROVED and s.activates_at is not None:
            event(f"nep-{v.nep:04d}-activation", s.activates_at, None, f"{name} activates",
                  f"{v.label} comes into force.", v.page)
    lines.append("END:VCALENDAR")
    folded: list[str] = []
    for line in lines:
        folded.extend(_ics_fold(line))
    return ("\r\n".join(folded) + "\r\n").encode("utf-8")


# --------------------------------------------------------------------------
# The build


def _tag_authority(network: str) -> str:
    name = re.sub(r"[^a-z0-9.-]+", "-", network.lower()).strip("-.")
    return name or "neuroshard"


def _sorted_votes(t: Tally) -> list[Any]:
    return sorted(t.votes, key=lambda v: (v.voter, v.path))


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
            m = when_memo[t] = Markup(f'<time datetime="{rfc3339(t)}">{_human_instant(t)}</time>')
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
        dec=_dec_display,
        duration=_duration,
        pct=lambda d: _pct_str(_pct(d, Decimal(1))),
        value=_value_display,
        nep_label=lambda n: f"NEP-{n:04d}",
        nep_page=page_name,
        # XML 1.0 has no place for most control characters, even escaped; validate reports them, the feed drops them.
        xml_text=lambda t: _XML_INVALID.sub("", str(t)),
        reason=lambda r: "" if r is None else str(r.value if hasattr(r, "value") else r).replace("_", " "),
    )
    return env


def render_site(inp: SiteInput, *, site_dir: Path | None = None) -> dict[str, bytes]:
    """Every file of the site as ``{relative path: bytes}``; a pure function of ``inp``."""
    site = site_dir or SITE_DIR
    base = _normalise_base(inp.base_url)
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
        "has_delegates": inp.delegates is not None,
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
        rows = sorted(views, key=_sort_key(key))
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
            discussion=_safe_url(v.proposal.discussion),
            github=lambda h: h if h and _GITHUB_HANDLE.match(h) else None,
            votes=[] if v.state.tally is None else _sorted_votes(v.state.tally),
            body=body,
            body_html=_markup(body.html),
            verify_at=rfc3339(tally_at if tally_at is not None else as_of),
        )
        record = dict(v.record)
        record["generated_at"] = rfc3339(as_of)
        record["votes"] = [] if v.state.tally is None else votes_json(v.state.tally)
        files[v.api] = _json_bytes(record)

    # Protocol in force.
    proto = inp.protocol
    params = [
        (k, _value_display(proto.parameters[k]), proto.set_by.get(k)) for k in sorted(proto.parameters)
    ]
    feature_by = {}
    for k, n in proto.set_by.items():
        name = k.rsplit(".", 1)[-1]
        if name.startswith("feature_") and proto.parameters.get(k) is True:
            feature_by[name[len("feature_"):]] = n
    features = [(f, feature_by.get(f)) for f in proto.features]
    page("protocol.html", "protocol.html", nav="protocol", params=params, features=features,
         versions=list(proto.versions), genesis_version=inp.governance.protocol_version)

    if inp.delegates is not None:
        from tooling.present.site_delegates import delegates_files

        files.update(delegates_files(inp.delegates, page))

    # Machine-readable outputs.
    files["api/neps.json"] = _json_bytes(
        {"generated_at": rfc3339(as_of), "neps": {str(v.nep): v.record for v in views}}
    )
    files["api/neps.schema.json"] = _json_bytes(NEPS_SCHEMA)
    authority = _tag_authority(inp.governance.network)
    feed_events = events[:_FEED_LIMIT]
    page(
        "feed.xml",
        "feed.xml",
        base=base,
        events=feed_events,
        feed_id=f"tag:{authority},{_TAG_YEAR}:neps/status",
        entry_id=lambda e: f"tag:{authority},{_TAG_YEAR}:nep-{e.nep:04d}/{e.kind}/{e.at}",
        updated=rfc3339(feed_events[0].at if feed_events else as_of),
    )
    files["calendar.ics"] = render_calendar(views, as_of, authority, base)

    static = site / "static"
    for path in sorted(static.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files["static/" + path.relative_to(static).as_posix()] = path.read_bytes()
    return dict(sorted(files.items()))


def _markup(html: str) -> Any:
    from markupsafe import Markup

    return Markup(html)


# --------------------------------------------------------------------------
# The shell


def _check_rel_path(rel: str) -> None:
    parts = rel.split("/")
    if not rel or rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"site file path must be relative and normalised: {rel!r}")


SITE_MARKER = ".nep-site"


def write_site(files: Mapping[str, bytes], out: Path) -> None:
    """Write the site into ``out``, replacing what was there in one step.

    The files are written into a temporary folder beside ``out`` (same file
    system), which then takes ``out``'s place; a reader never sees a half-built
    site, and a failed build leaves the old site untouched.
    """
    out = Path(out)
    for rel in files:
        _check_rel_path(rel)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ValueError(f"output path exists and is not a folder: {out}")
    # Replacing a folder deletes what it held: only ever replace a site this tool built
    # (marked by SITE_MARKER), never a checkout, neps/ or anyone's documents.
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).is_file():
        raise ValueError(
            f"{out} is not empty and was not built by `nep site build` (no {SITE_MARKER} in it); "
            "choose an empty or new folder for --out (default: _site)")
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    old: Path | None = None
    try:
        os.chmod(tmp, 0o755)
        (tmp / SITE_MARKER).write_text("Built by `nep site build`; this folder is replaced on every build.\n",
                                        encoding="utf-8")
        for rel in sorted(files):
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            os.rmdir(old)
            os.replace(out, old)
        try:
            os.replace(tmp, out)
        except OSError:
            if old is not None:
                os.replace(old, out)
                old = None
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(root: Path, as_of: int, out: Path, *, base_url: str = "") -> int:
    """``nep site build``: read the repository at ``as_of``, render, write; returns the number of files.

    Proposals the lifecycle cannot evaluate (invalid type or number) are left
    out, as ``nep status`` leaves them out; ``nep validate`` reports them.
    """
    from tooling.shell.evaluate import evaluate, gather

    from tooling.present.site_delegates import delegates_at

    world = gather(Path(root))
    ev = evaluate(world, as_of)
    world.save_caches()
    delegates = delegates_at(world, as_of)
    proposals = [ev.proposals[n] for n in sorted(ev.proposals) if n in ev.states]
    files = render_site(
        SiteInput(
            as_of=as_of,
            governance=ev.timeline.genesis,
            proposals=proposals,
            states=ev.states,
            protocol=ev.protocol(),
            base_url=base_url,
            delegates=delegates,
        )
    )
    write_site(files, out)
    return len(files)
