"""What the site is built from (``SiteInput``) and the names and orders every page shares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, MutableMapping, Protocol, Sequence

from tooling.core.delegates import DelegationsReport
from tooling.core.model import Governance, NEPState, NEPStatus, NEPType, Proposal, ProtocolState

def _default_site_dir() -> Path:
    """Templates and assets: ``tooling/site_assets`` in an installed wheel, else ``site/`` of the checkout."""
    package = Path(__file__).resolve().parents[2]
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
STATUS_RANK = {s: i for i, s in enumerate(NEPStatus)}
TYPE_RANK = {t: i for i, t in enumerate(NEPType)}

#: Ids used by the NEP page itself; body headings never take them.
PAGE_IDS = frozenset(
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

#: Orders of the all-NEPs list: key -> (label, page). ``neps.html`` itself groups NEPs by status.
SORT_ORDERS: tuple[tuple[str, str, str], ...] = (
    ("number", "by number", "neps-by-number.html"),
    ("newest", "newest first", "neps-newest.html"),
    ("type", "by type", "neps-by-type.html"),
    ("status", "by status", "neps-by-status.html"),
    ("title", "by title", "neps-by-title.html"),
    ("authors", "by authors", "neps-by-authors.html"),
    ("created", "by creation date", "neps-by-created.html"),
    ("submitted", "by submission date", "neps-by-submitted.html"),
    ("voting_end", "by end of voting", "neps-by-voting-end.html"),
    ("activates", "by activation date", "neps-by-activates.html"),
)
SORT_COLUMNS = SORT_ORDERS  # the older name

#: Columns of every NEP table: (header, the sort order its header links to, or "").
TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("NEP", "number"),
    ("Title and what changes", "title"),
    ("Type", "type"),
    ("Status", "status"),
    ("Outcome", ""),
    ("Voting ends", "voting_end"),
    ("Activates", "activates"),
)

TAG_YEAR = "2025"  # the tag: URI date (RFC 4151); fixed so ids never change
FEED_LIMIT = 200  # newest status changes in feed.xml; api/neps.json has the full record
NEP_MD_LINK = re.compile(r"^(?:\./|\.\./neps/|neps/)?nep-(\d+)\.md(#.*)?$")
GITHUB_HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class SiteInput:
    """Everything the site is rendered from; ``repo_url`` (http(s), optional) links sources and histories."""

    as_of: int
    governance: Governance
    proposals: Sequence[Proposal]
    states: Mapping[int, NEPState]
    protocol: ProtocolState
    base_url: str = ""
    repo_url: str = ""
    #: Markdown bodies already rendered, by ``markdown.body_key`` (the text's digest); the render adds what it
    #: renders (the caller may keep them: a body's HTML is a function of its text and of the answers to the
    #: questions it asked about NEP numbers, ``RenderedBody.fits``).
    bodies: MutableMapping[str, Any] | None = None
    #: Delegations in force at as_of (SPEC 11); None: no delegates page.
    delegates: DelegationsReport | None = None
    #: Pages rendered before, by their key (``keys.page_key``); None: render every page.
    pages: PageMemo | None = None


class PageMemo(Protocol):
    """Where pages are remembered between builds: the bytes of the page at ``path`` whose key was ``key``."""

    def get(self, path: str, key: str) -> bytes | None:
        """The bytes remembered for exactly this key, or None."""

    def put(self, path: str, key: str, data: bytes) -> None:
        """Remember ``data`` as the page at ``path`` for ``key``."""


def page_name(nep: int) -> str:
    return f"nep-{nep:04d}.html"


def api_name(nep: int) -> str:
    return f"api/nep-{nep:04d}.json"

