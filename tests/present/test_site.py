"""The static site (issue: site): pages, API JSON, feed, calendar, safety, links and determinism.

Every test builds its input from the factory below: proposals, lifecycle
states and tallies constructed directly, one NEP in each status, as the
lifecycle would compute them at ``AS_OF``.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

from tooling.present import site
from tooling.core.model import (
    DAY,
    Author,
    EconomicImpact,
    NEPState,
    NEPStatus,
    NEPType,
    Outcome,
    ParameterChange,
    Positions,
    Proposal,
    ProtocolState,
    Reason,
    Tally,
    UpgradePath,
    VoteCode,
    VoteResult,
)
from tooling.present.site import SiteInput, nep_json, render_site, write_site

from helpers import GENESIS, example_repo, make_vote_result, tally_of

# --------------------------------------------------------------------------
# Factory

D = 1_767_225_600  # 2026-01-01T00:00:00Z
AS_OF = D + 59 * DAY  # 2026-03-01T00:00:00Z
BASE = "https://neps.example.org/site"

GOV = GENESIS

BODY = """
## Abstract

Short abstract.

## Motivation

Why. See [the specification](#specification).

## Specification

### Wire format

Details.

## Economic Impact

None.

## Upgrade Path

Upgrade.
"""

EVIL_BODY = """
## Abstract

<script>alert(1)</script>

<img src=x onerror=alert(1)>

[click](javascript:alert(1)) [click2](JAVASCRIPT:alert(1)) [c3](vbscript:msgbox(1))
[c4](data:text/html;base64,PHNjcmlwdD4=) ![pixel](data:image/png;base64,AAAA)
![tracker](https://tracker.example/pixel.png)

## Motivation

See [NEP-0001](nep-0001.md#abstract) and [a missing one](nep-0999.md).

## Abstract

Duplicate heading.

## Specification

| a | b |
|---|---|
| 1 | 2 |

## Economic Impact

Training rewards.

## Upgrade Path

x
"""


def node(c: str) -> str:
    return c * 32


def make_proposal(
    nep: int,
    *,
    title: str | None = None,
    type: NEPType = NEPType.ARCHITECTURE,
    authors: tuple[Author, ...] | None = None,
    body: str = BODY,
    impact: EconomicImpact = EconomicImpact(),
    changes: tuple[ParameterChange, ...] = (),
    upgrade: UpgradePath = UpgradePath(),
    requires: tuple[int, ...] = (),
    supersedes: tuple[int, ...] = (),
    discussion: str | None = None,
    created: str = "2025-11-01",
) -> Proposal:
    return Proposal(
        path=f"neps/nep-{nep:04d}.md",
        nep=nep,
        title=title or f"Proposal number {nep}",
        type=type,
        status=None,
        authors=authors or (Author("Alice Example", node("a"), github="alice"),),
        created=created,
        discussion=discussion,
        requires=requires,
        supersedes=supersedes,
        resubmission_of=None,
        economic_impact=impact,
        parameter_changes=changes,
        upgrade_path=upgrade,
        submitted=None,
        resolution=None,
        activated=None,
        body=body,
        body_line=1,
        content_hash=hashlib.sha256(f"nep-{nep}".encode()).hexdigest(),
        front_matter={},
        positions=Positions(),
        text="",
    )


def make_vote(c: str, choice: str | None, weight: str, code: VoteCode | None = None, *, ts: int, inc: int | None,
              reason: str = "") -> VoteResult:
    return make_vote_result(node(c), choice, weight, code, path=f"votes/{node(c)}.yaml", timestamp=ts, included_at=inc,
                            reason=reason)


def make_tally(nep: int, *, votes: tuple[VoteResult, ...], total: str, as_of: int, ve: int) -> Tally:
    """A tally decided by SPEC 7's rule (the core's ``decide``), final from ``ve`` on."""
    final = as_of >= ve
    return tally_of(votes, total, nep=nep, final=final, as_of=as_of, decided_at=ve if final else None)


def make_state(nep: int, status: NEPStatus, **kw: object) -> NEPState:
    fields = dict(
        outcome=None, reason=None, submitted=None, voting_start=None, voting_end=None, decided_at=None,
        activates_at=None, activated=None, deprecated_at=None, deprecated_by=None, withdrawn_at=None,
        track="standard", tally=None,
    )
    fields.update(kw)
    return NEPState(nep=nep, status=status, **fields)  # type: ignore[arg-type]


def windows(t0: int) -> dict[str, int]:
    return {"submitted": t0, "voting_start": t0 + 7 * DAY, "voting_end": t0 + 14 * DAY}


def decided(nep: int, t0: int, votes: tuple[VoteResult, ...], total: str = "1000", grace: int = 7) -> dict:
    w = windows(t0)
    t = make_tally(nep, votes=votes, total=total, as_of=AS_OF, ve=w["voting_end"])
    extra: dict = {"outcome": t.outcome, "reason": t.reason, "decided_at": w["voting_end"], "tally": t}
    if t.outcome is Outcome.APPROVED:
        extra["activates_at"] = w["voting_end"] + grace * DAY
    return {**w, **extra}


ECON_IMPACT = EconomicImpact(training_reward_multiplier=1.1, net_earnings_change_percent=5.0)
FEATURE = ParameterChange("network", "feature_sharded_gossip", False, True, "Turn on sharded gossip.")
REWARD = ParameterChange(
    "economics.constants", "TRAINING_REWARD_PER_BATCH_PER_LAYER", 0.0005, 0.00055, "Pay trainers 10 % more."
)


def fixture_site() -> tuple[list[Proposal], dict[int, NEPState], ProtocolState]:
    yes = lambda c, w, t: make_vote(c, "yes", w, ts=t, inc=t + 60)  # noqa: E731
    no = lambda c, w, t: make_vote(c, "no", w, ts=t, inc=t + 60)  # noqa: E731

    p = [
        make_proposal(1, title="Sharded gossip", changes=(FEATURE,), supersedes=(8,),
                      upgrade=UpgradePath("1.0.1", "1.1.0", 7, True, False, ()),
                      discussion="https://forum.example.org/t/1"),
        make_proposal(2, title="Raise training rewards", type=NEPType.ECONOMICS, impact=ECON_IMPACT,
                      changes=(REWARD,), requires=(1,), upgrade=UpgradePath("1.1.0", "1.2.0", 28, True, False, ())),
        make_proposal(3, title="Lower the quorum & more", type=NEPType.GOVERNANCE,
                      authors=(Author("Bob", node("b")), Author("Carol", node("c"), github="carol-c"))),
        make_proposal(4, title="Faster peer discovery", type=NEPType.NETWORK),
        make_proposal(5, title="Attack <b>bold</b> & <script>x</script>", type=NEPType.TRAINING, body=EVIL_BODY,
                      authors=(Author("Eve <img src=x onerror=alert(1)>", node("e"), github="bad handle!"),),
                      discussion="javascript:alert(1)",
                      impact=EconomicImpact(min_memory_change_mb=200, training_efficiency_multiplier=2.0)),
        make_proposal(6, title="Cut inference cost", type=NEPType.ECONOMICS,
                      impact=EconomicImpact(inference_cost_multiplier=0.9, net_earnings_change_percent=-2.0)),
        make_proposal(7, title="Withdrawn idea", type=NEPType.NETWORK),
        make_proposal(8, title="Old gossip", upgrade=UpgradePath("1.0.0", "1.0.1", 7, True, False, ())),
        make_proposal(9, title="Underfunded proposal", type=NEPType.EMERGENCY),
    ]
    t1, t2, t3, t4, t6, t7, t8, t9 = (D, D + 31 * DAY, D + 50 * DAY, D + 55 * DAY, D + 4 * DAY, D + 9 * DAY,
                                      D - 31 * DAY, D + 40 * DAY)
    s1 = decided(1, t1, (yes("1", "600", t1 + 8 * DAY), no("2", "100", t1 + 9 * DAY)))
    s1.update(activated=s1["activates_at"])
    s2 = decided(2, t2, (yes("1", "700", t2 + 8 * DAY),), grace=28)
    vs3 = t3 + 7 * DAY
    votes3 = (
        yes("1", "150", vs3 + 100),
        no("2", "50", vs3 + 200),
        make_vote("3", "yes", "300", VoteCode.BAD_SIGNATURE, ts=vs3 + 300, inc=vs3 + 400),
        make_vote("4", "no", "80", VoteCode.TOO_EARLY, ts=t3, inc=vs3 + 10, reason="early bird"),
        make_vote("5", "yes", "20", VoteCode.PENDING, ts=vs3 + 500, inc=None),
    )
    s3 = {**windows(t3), "tally": make_tally(3, votes=votes3, total="1000", as_of=AS_OF, ve=t3 + 14 * DAY)}
    s6 = decided(6, t6, (yes("1", "100", t6 + 8 * DAY),))
    s8 = decided(8, t8, (yes("1", "900", t8 + 8 * DAY),))
    s8.update(activated=s8["activates_at"], deprecated_at=s1["activates_at"], deprecated_by=1)
    states = {
        1: make_state(1, NEPStatus.ACTIVE, **s1),
        2: make_state(2, NEPStatus.SCHEDULED, **s2),
        3: make_state(3, NEPStatus.VOTING, **s3),
        4: make_state(4, NEPStatus.REVIEW, **windows(t4)),
        5: make_state(5, NEPStatus.DRAFT),
        6: make_state(6, NEPStatus.REJECTED, **s6),
        7: make_state(7, NEPStatus.WITHDRAWN, submitted=t7, withdrawn_at=t7 + 2 * DAY),
        8: make_state(8, NEPStatus.DEPRECATED, **s8),
        9: make_state(9, NEPStatus.REJECTED, submitted=t9, outcome=Outcome.REJECTED,
                      reason=Reason.INSUFFICIENT_STAKE, decided_at=t9, track="emergency"),
    }
    protocol = ProtocolState(
        as_of=AS_OF,
        version="1.1.0",
        features=("diloco", "ponw", "sharded_gossip"),
        parameters={**GOV.parameters, "network.feature_sharded_gossip": True},
        set_by={"network.feature_sharded_gossip": 1},
        versions=((s8["activates_at"], "1.0.1", 8), (s1["activates_at"], "1.1.0", 1)),
    )
    return p, states, protocol


def site_input(base_url: str = BASE) -> SiteInput:
    proposals, states, protocol = fixture_site()
    return SiteInput(AS_OF, GOV, proposals, states, protocol, base_url)


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return render_site(site_input())


def text(files: dict[str, bytes], path: str) -> str:
    # A number and its unit are joined by a non-breaking space on the page; the tests read it as a space.
    return files[path].decode("utf-8").replace("\u00a0", " ")


# --------------------------------------------------------------------------
# An HTML reader for the structural checks

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.decl: list[str] = []
        self.feed(html)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {self.stack}")

    def handle_decl(self, decl: str) -> None:
        self.decl.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if len(a) != len(attrs):
            self.errors.append(f"duplicate attribute in <{tag}>")
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"] or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close {self.stack[-1:] or 'anything'}")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def html_files(files: dict[str, bytes]) -> dict[str, Page]:
    return {p: Page(b.decode("utf-8")) for p, b in files.items() if p.endswith(".html")}


# --------------------------------------------------------------------------
# Files and determinism


def test_every_expected_file_is_built(built: dict[str, bytes]) -> None:
    expected = {
        "index.html", "neps.html", "protocol.html", "feed.xml", "calendar.ics",
        "api/neps.json", "api/neps.schema.json", "static/style.css",
    }
    expected |= {f"nep-{n:04d}.html" for n in range(1, 10)} | {f"api/nep-{n:04d}.json" for n in range(1, 10)}
    expected |= {f"status-{s.value}.html" for s in NEPStatus} | {f"type-{t.value}.html" for t in NEPType}
    expected |= {path for _, _, path in site.SORT_COLUMNS}
    assert expected <= set(built)
    assert list(built) == sorted(built)


def test_same_input_gives_byte_identical_output_whatever_the_input_order(built: dict[str, bytes]) -> None:
    proposals, states, protocol = fixture_site()
    shuffled = SiteInput(AS_OF, GOV, list(reversed(proposals)), dict(reversed(list(states.items()))), protocol, BASE)
    assert render_site(shuffled) == built
    assert render_site(site_input()) == built


def test_output_depends_on_as_of_only_through_the_input() -> None:
    later = replace(site_input(), as_of=AS_OF + 3600)
    files = render_site(later)
    assert json.loads(files["api/neps.json"])["generated_at"] == "2026-03-01T01:00:00Z"


def test_missing_state_or_duplicate_number_is_a_clear_error() -> None:
    proposals, states, protocol = fixture_site()
    del states[4]
    with pytest.raises(ValueError, match="no lifecycle state for NEP"):
        render_site(SiteInput(AS_OF, GOV, proposals, states, protocol))
    proposals, states, protocol = fixture_site()
    with pytest.raises(ValueError, match="duplicate NEP numbers: \\[1\\]"):
        render_site(SiteInput(AS_OF, GOV, proposals + [proposals[0]], states, protocol))


def test_base_url_must_be_absolute_http() -> None:
    with pytest.raises(ValueError, match="base URL"):
        render_site(replace(site_input(), base_url="ftp://x/"))
    with pytest.raises(ValueError, match="base URL"):
        render_site(replace(site_input(), base_url="/relative"))


# --------------------------------------------------------------------------
# Untrusted text renders inert

SCRIPT_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data):", re.I)
# The one script the site ships: the list pages' optional search box, a file of its own (no inline code).
OUR_SCRIPT_TAG = '<script src="static/find.js" defer></script>'
OUR_SCRIPT_ATTRS = {"src": "static/find.js", "defer": None}


def is_our_script(tag: str, attrs: dict) -> bool:
    return tag == "script" and attrs == OUR_SCRIPT_ATTRS


def test_untrusted_body_title_and_authors_render_inert(built: dict[str, bytes]) -> None:
    for path, page in html_files(built).items():
        html = text(built, path)
        assert "<script" not in html.lower().replace(OUR_SCRIPT_TAG, ""), path
        for tag, attrs in page.tags:
            assert tag != "script" or is_our_script(tag, attrs), path
            for name, value in attrs.items():
                assert not name.startswith("on"), (path, tag, name)
                if name in ("href", "src", "action", "formaction"):
                    assert not SCRIPT_SCHEMES.match(value or ""), (path, tag, value)
    evil = text(built, "nep-0005.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in evil
    assert "&lt;img src=x onerror=alert(1)&gt;" in evil
    assert "Attack &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;" in evil
    assert "Eve &lt;img src=x onerror=alert(1)&gt;" in evil
    # An unsafe discussion URL is shown as text, never linked; a bad GitHub handle is not linked.
    assert 'href="javascript:' not in evil and "github.com/bad" not in evil


@pytest.mark.parametrize(
    "src",
    [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](java&#115;cript:alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![x](data:image/png;base64,AAAA)",
        "![x](DATA:image/svg+xml,<svg onload=alert(1)>)",
        "[x](file:///etc/passwd)",
        "[x]: javascript:alert(1)\n\n[x]",
        "<javascript:alert(1)>",
    ],
)
def test_validate_link_neutralises_script_schemes(src: str) -> None:
    html = site.render_markdown(site.make_markdown(), src).html
    page = Page(html)
    assert page.all("a") == [] and page.all("img") == []


@pytest.mark.parametrize("url", ["https://example.org/x", "http://a.b", "nep-0002.html", "#abstract", "mailto:a@b.c"])
def test_validate_link_keeps_ordinary_links(url: str) -> None:
    page = Page(site.render_markdown(site.make_markdown(), f"[x]({url})").html)
    assert [a["href"] for a in page.all("a")] == [url]


def test_validate_link_directly() -> None:
    assert not site.validate_link("javascript:alert(1)")
    assert not site.validate_link("  Java\tScript:alert(1)")
    assert not site.validate_link("data:image/png;base64,AAAA")
    assert site.validate_link("https://example.org")


def test_remote_images_become_links_so_pages_fetch_nothing_from_elsewhere() -> None:
    html = site.render_markdown(site.make_markdown(), "![a chart](https://cdn.example/c.png) ![local](img/x.png)").html
    page = Page(html)
    assert [i["src"] for i in page.all("img")] == ["img/x.png"]
    assert page.all("img")[0]["alt"] == "local"
    assert [(a["href"], a["rel"]) for a in page.all("a")] == [("https://cdn.example/c.png", "nofollow noopener")]
    assert "[image: a chart]" in html


def test_raw_html_and_tables() -> None:
    html = site.render_markdown(site.make_markdown(), "| a | b |\n|---|---|\n| <i>1</i> | 2 |\n").html
    assert "<table>" in html and "<th scope=\"col\">a</th>" in html and "&lt;i&gt;1&lt;/i&gt;" in html


# --------------------------------------------------------------------------
# Headings, anchors and table of contents


def test_heading_ids_are_stable_slugs_shifted_under_the_page_and_listed_in_the_toc() -> None:
    body = site.render_markdown(
        site.make_markdown(),
        "## Abstract\n\nx\n\n## Economic Impact: `fees` & *more*\n\n### Sub-part (v2)\n\n## Abstract\n\n"
        "#### Deep\n\n## Ünïcode ✓\n\n## Overview\n\n## !!!\n",
    )
    ids = [a["id"] for t, a in Page(body.html).tags if t in ("h3", "h4", "h5")]
    assert ids == ["abstract", "economic-impact-fees-more", "sub-part-v2", "abstract-1", "deep", "unicode",
                   "overview", "section"]
    assert '<h3 id="abstract">Abstract <a class="anchor" href="#abstract"' in body.html
    assert [(e.anchor, [c.anchor for c in e.children]) for e in body.toc] == [
        ("abstract", []), ("economic-impact-fees-more", ["sub-part-v2"]), ("abstract-1", []), ("unicode", []),
        ("overview", []), ("section", []),
    ]
    assert body.toc[1].text == "Economic Impact: fees & more"


def test_body_headings_never_take_the_pages_own_ids() -> None:
    body = site.render_markdown(site.make_markdown(), "## nep tally\n\n## Main\n")
    assert [a["id"] for _, a in Page(body.html).tags if "id" in a] == ["nep-tally-1", "main-1"]


def test_links_to_nep_files_point_to_their_pages(built: dict[str, bytes]) -> None:
    hrefs = [a["href"] for a in Page(text(built, "nep-0005.html")).all("a")]
    assert "nep-0001.html#abstract" in hrefs
    assert "nep-0999.md" in hrefs  # an unknown NEP stays as written


# --------------------------------------------------------------------------
# Links and structure


def test_every_relative_link_resolves_to_a_built_file_and_fragment(built: dict[str, bytes]) -> None:
    pages = html_files(built)
    ids = {p: set(page.ids) for p, page in pages.items()}
    checked = 0
    for path, page in pages.items():
        for _tag, attrs in page.tags:
            for name in ("href", "src"):
                url = attrs.get(name)
                if url is None:
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    continue
                if path == "nep-0005.html" and url == "nep-0999.md":
                    continue  # the author's own dangling link, kept as written
                target = path if not parts.path else str(PurePosixPath(path).parent / unquote(parts.path))
                target = target.removeprefix("./")
                assert target in built, f"{path}: {name}={url!r} does not resolve"
                if parts.fragment:
                    assert unquote(parts.fragment) in ids.get(target, set()), f"{path}: {url!r} has no target id"
                checked += 1
    assert checked > 500


def test_pages_are_well_formed_accessible_html5(built: dict[str, bytes]) -> None:
    for path, page in html_files(built).items():
        assert page.decl == ["DOCTYPE html"], path
        assert page.errors == [], (path, page.errors)
        assert len(page.ids) == len(set(page.ids)), (path, sorted(i for i in page.ids if page.ids.count(i) > 1))
        tags = [t for t, _ in page.tags]
        html_attrs = page.all("html")[0]
        assert html_attrs.get("lang") == "en"
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in tags, (path, landmark)
        assert tags.count("main") == 1 and tags.count("h1") == 1, path
        assert page.all("meta")[0] == {"charset": "utf-8"}
        assert any(m.get("name") == "viewport" for m in page.all("meta"))
        for th in page.all("th"):
            assert th.get("scope") in ("col", "row"), path
        assert tags.count("table") == tags.count("caption") or path.startswith("nep-"), path
        for img in page.all("img"):
            assert "alt" in img, path
        # No external stylesheet, script, font or frame: the site works offline.
        for link in page.all("link"):
            assert not urlsplit(link.get("href") or "").scheme, (path, link)
        assert "iframe" not in tags
        assert all(is_our_script(t, a) for t, a in page.tags if t == "script"), path
        assert "script" not in tags or path.startswith("neps"), path  # only the all-NEPs lists have the search box


def test_site_tables_have_captions(built: dict[str, bytes]) -> None:
    # Body tables come from Markdown and have none; every table the site itself draws has one.
    page = Page(text(built, "nep-0003.html"))
    tags = [t for t, _ in page.tags]
    assert tags.count("table") == tags.count("caption") == 5


def test_stylesheet_has_dark_mode_and_no_external_resources(built: dict[str, bytes]) -> None:
    css = text(built, "static/style.css")
    assert "prefers-color-scheme: dark" in css
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


# --------------------------------------------------------------------------
# api/*.json


def test_neps_json_has_the_documented_shape_and_matches_its_schema(built: dict[str, bytes]) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(built["api/neps.schema.json"])
    Draft202012Validator.check_schema(schema)
    data = json.loads(built["api/neps.json"])
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=str)
    assert errors == []
    assert data["generated_at"] == "2026-03-01T00:00:00Z"
    assert list(data["neps"]) == [str(n) for n in range(1, 10)]
    assert data["neps"]["1"]["nep"] == 1


def test_schema_rejects_a_float_amount(built: dict[str, bytes]) -> None:
    from jsonschema import Draft202012Validator

    data = json.loads(built["api/neps.json"])
    data["neps"]["3"]["tally"]["yes"] = 150.0
    assert list(Draft202012Validator(json.loads(built["api/neps.schema.json"])).iter_errors(data))


def test_nep_json_of_a_nep_in_voting(built: dict[str, bytes]) -> None:
    rec = json.loads(built["api/neps.json"])["neps"]["3"]
    for key in ("nep", "title", "type", "type_label", "status", "outcome", "reason", "authors", "created",
                "discussion", "requires", "supersedes", "superseded_by", "submitted", "voting_start",
                "voting_end", "decided_at", "activates_at", "activated", "content_hash", "economic_impact",
                "impact_summary", "parameter_changes", "upgrade_path", "tally"):
        assert key in rec, key
    assert rec["type"] == "gov" and rec["type_label"] == "NEP-GOV" and rec["status"] == "voting"
    assert rec["outcome"] is None and rec["decided_at"] is None and rec["activated"] is None
    assert rec["voting_end"] == "2026-03-06T00:00:00Z"
    assert rec["authors"][1] == {"name": "Carol", "node": node("c"), "github": "carol-c", "email": None}
    assert len(rec["economic_impact"]) == 9
    assert rec["economic_impact"]["upgrade_cost_neuro"] == "0"
    assert rec["impact_summary"] == "No economic change" and rec["impact_neutral"] is True
    assert rec["tally"] == {
        "final": False, "as_of": "2026-03-01T00:00:00Z",
        "yes": "150", "no": "50", "abstain": "0", "voted": "200", "total_stake": "1000",
        "turnout": "0.2", "yes_share": "0.75", "quorum": "0.2", "approval": "0.66",
        "quorum_reached": True, "approval_reached": True, "outcome": None, "projected_outcome": "approved",
        "reason": None, "decided_at": None, "votes_counted": 2, "votes_rejected": 2, "votes_pending": 1,
    }


def test_nep_json_reverse_links_and_changes(built: dict[str, bytes]) -> None:
    neps = json.loads(built["api/neps.json"])["neps"]
    assert neps["1"]["required_by"] == [2] and neps["2"]["requires"] == [1]
    assert neps["8"]["superseded_by"] == [1] and neps["8"]["status"] == "deprecated"
    assert neps["8"]["deprecated_at"] == neps["1"]["activated"] == "2026-01-22T00:00:00Z"
    assert neps["2"]["parameter_changes"] == [{
        "module": "economics.constants", "parameter": "TRAINING_REWARD_PER_BATCH_PER_LAYER",
        "old_value": 0.0005, "new_value": 0.00055, "rationale": "Pay trainers 10 % more.",
    }]
    assert neps["2"]["impact_summary"] == "Training rewards: +10.0%; Net earnings: +5.0%"
    assert neps["5"]["tally"] is None and neps["5"]["submitted"] is None
    assert neps["9"]["reason"] == "insufficient_stake" and neps["9"]["track"] == "emergency"
    assert neps["6"]["tally"]["final"] is True and neps["6"]["tally"]["reason"] == "no_quorum"


def test_nep_json_function_directly() -> None:
    proposals, states, _ = fixture_site()
    rec = nep_json(proposals[0], states[1], superseded_by=[5, 3], required_by=[2])
    assert rec["superseded_by"] == [3, 5] and rec["required_by"] == [2]
    assert rec["upgrade_path"]["migration_steps"] == [] and rec["activated"] == "2026-01-22T00:00:00Z"


def test_per_nep_json_lists_every_vote_with_its_code(built: dict[str, bytes]) -> None:
    rec = json.loads(built["api/nep-0003.json"])
    assert rec["generated_at"] == "2026-03-01T00:00:00Z" and rec["nep"] == 3
    codes = {v["voter"][0]: (v["counted"], v["code"], v["weight"]) for v in rec["votes"]}
    assert codes == {
        "1": (True, None, "150"), "2": (True, None, "50"), "3": (False, "BAD_SIGNATURE", "300"),
        "4": (False, "TOO_EARLY", "80"), "5": (False, "PENDING", "20"),
    }
    pending = next(v for v in rec["votes"] if v["code"] == "PENDING")
    assert pending["included_at"] is None and pending["timestamp"].endswith("Z")


# --------------------------------------------------------------------------
# Pages


def test_dashboard_counts_decide_now_activations_and_protocol(built: dict[str, bytes]) -> None:
    html = text(built, "index.html")
    counts = re.findall(r'<a href="status-(\w+)\.html"><span class="count">(\d+)</span>', html)
    assert counts == [("active", "1"), ("scheduled", "1"), ("voting", "1"), ("review", "1"), ("draft", "1"),
                      ("rejected", "2"), ("withdrawn", "1"), ("deprecated", "1")]
    decide = html.split('id="h-now"')[1].split('id="h-review"')[0]
    assert "NEP-0003: Lower the quorum &amp; more" in decide
    assert "5d left" in decide
    # Turnout exactly 20 % of the stake: on the quorum line, and reached.
    assert "provisionally approved" in decide
    assert "turnout 20.0 % of 20.0 % needed" in decide and "yes 75.0 % of 66.0 % needed" in decide
    assert 'class="line" style="left: 20.0%"' in decide and 'class="line" style="left: 66.0%"' in decide
    upcoming = html.split('id="h-upcoming"')[1].split('id="h-force"')[0]
    assert "NEP-0002" in upcoming and "2026-03-15 00:00Z" in upcoming and "14d" in upcoming
    assert "NEP-0004" in html.split('id="h-review"')[1].split('id="h-upcoming"')[0]
    force = html.split('id="h-force"')[1]
    assert '<strong class="version">1.1.0</strong>' in force and "<code>sharded_gossip</code>" in force


def test_tally_bars_never_round_up_onto_a_threshold() -> None:
    t = make_tally(1, votes=(make_vote("1", "yes", "199.99", ts=0, inc=0),), total="1000", as_of=0, ve=10)
    assert t.quorum_reached is False
    bars = site.tally_view(t).bars
    assert bars.turnout == "19.9" and bars.quorum_line == "20.0" and bars.yes_share == "100.0"


def test_tally_bars_with_no_stake_or_only_abstain() -> None:
    t = make_tally(1, votes=(make_vote("1", "abstain", "5", ts=0, inc=0),), total="0", as_of=0, ve=10)
    tv = site.tally_view(t)
    assert tv.bars.turnout == "—" and tv.bars.yes_share == "—" and not tv.share_known


def test_nep_page_header_timeline_impact_changes_upgrade(built: dict[str, bytes]) -> None:
    html = text(built, "nep-0002.html")
    assert '<span class="badge status-scheduled">scheduled</span>' in html
    assert '<a href="type-econ.html">NEP-ECON</a> (standard track)' in html
    assert '<tr><th scope="row">Requires</th><td><a href="nep-0001.html">NEP-0001</a></td></tr>' in html
    html1 = text(built, "nep-0001.html")
    assert '<tr><th scope="row">Required by</th><td><a href="nep-0002.html">NEP-0002</a></td></tr>' in html1
    assert '<tr><th scope="row">Supersedes</th><td><a href="nep-0008.html">NEP-0008</a></td></tr>' in html1
    assert '<a href="https://forum.example.org/t/1" rel="nofollow noopener">' in html1
    assert '<a href="https://github.com/alice" rel="nofollow noopener">@alice</a>' in html1
    phases = re.findall(r'<li class="phase (\w+)">\s*<span class="phase-name">(\w+)</span>', html)
    assert phases == [("past", "Draft"), ("past", "Review"), ("past", "Voting"), ("past", "Approved"),
                      ("current", "Scheduled"), ("future", "Active")]
    rows = re.findall(r'<tr class="(neutral|changed)"><th scope="row"><span title="\w+">([^<]+)</span></th>', html)
    assert len(rows) == 9
    assert [label for cls, label in rows if cls == "changed"] == ["Training rewards", "Net earnings"]
    assert "<strong>Summary:</strong> Training rewards: +10.0%; Net earnings: +5.0%" in html
    assert "<code>0.0005</code> → <code>0.00055</code>" in html
    assert "<td>Pay trainers 10 % more.</td>" in html
    assert "from <code>1.1.0</code> to <code>1.2.0</code>" in html and "<td>28 days</td>" in html


def test_nep_page_tally_votes_and_verification(built: dict[str, bytes]) -> None:
    html = text(built, "nep-0003.html")
    assert "<strong>Provisional</strong>" in html and "would be <strong>approved</strong>" in html
    assert "Voting ends" in html and "5d left" in html
    assert "Provisional tally, stake snapshot at voting start" in html
    votes = html.split('id="nep-votes"')[1].split('id="nep-text"')[0]
    assert votes.count("<tr class=") == 5
    assert "not counted: <code>BAD_SIGNATURE</code>" in votes
    assert "not counted: <code>TOO_EARLY</code>" in votes and "early bird" in votes
    assert "not counted: <code>PENDING</code>" in votes and "not yet included" in votes
    assert "5 vote files: 2 counted, 2 not counted, 1 pending" in votes
    assert hashlib.sha256(b"nep-3").hexdigest() in html
    assert "nep tally 3 --at 2026-03-01T00:00:00Z" in html
    final = text(built, "nep-0006.html")
    assert "<strong>Final:</strong> rejected (no quorum)" in final
    assert "nep tally 6 --at 2026-01-19T00:00:00Z" in final
    assert "quorum not reached" in final


def test_nep_page_body_toc_and_anchors(built: dict[str, bytes]) -> None:
    html = text(built, "nep-0004.html")
    toc = html.split('id="nep-toc"')[1].split("</nav>")[0]
    assert re.findall(r'href="#([\w-]+)"', toc) == ["abstract", "motivation", "specification", "wire-format",
                                                      "economic-impact", "upgrade-path"]
    assert '<h4 id="wire-format">Wire format <a class="anchor" href="#wire-format"' in html
    assert '<a href="#specification">the specification</a>' in html


@pytest.mark.parametrize(
    "nep, expected",
    [
        (1, [("past", "Draft"), ("past", "Review"), ("past", "Voting"), ("past", "Approved"), ("past", "Scheduled"),
             ("current", "Active")]),
        (3, [("past", "Draft"), ("past", "Review"), ("current", "Voting"), ("future", "Decision"),
             ("future", "Activation")]),
        (4, [("past", "Draft"), ("current", "Review"), ("future", "Voting"), ("future", "Decision"),
             ("future", "Activation")]),
        (5, [("current", "Draft"), ("future", "Review"), ("future", "Voting"), ("future", "Decision")]),
        (6, [("past", "Draft"), ("past", "Review"), ("past", "Voting"), ("current", "Rejected")]),
        (7, [("past", "Draft"), ("past", "Review"), ("current", "Withdrawn")]),
        (8, [("past", "Draft"), ("past", "Review"), ("past", "Voting"), ("past", "Approved"), ("past", "Scheduled"),
             ("past", "Active"), ("current", "Deprecated")]),
        (9, [("past", "Draft"), ("past", "Submitted"), ("current", "Rejected")]),
    ],
)
def test_timeline_phases_per_status(nep: int, expected: list[tuple[str, str]]) -> None:
    proposals, states, _ = fixture_site()
    phases = site.timeline(proposals[nep - 1], states[nep], AS_OF)
    assert [(p.state, p.name) for p in phases] == expected


def test_timeline_at_the_instant_voting_opens_and_closes() -> None:
    proposals, states, _ = fixture_site()
    s = states[4]
    vs, ve = s.voting_start, s.voting_end
    at = lambda t: {p.name: p.state for p in site.timeline(proposals[3], s, t)}  # noqa: E731
    assert at(vs - 1)["Review"] == "current" and at(vs - 1)["Voting"] == "future"
    assert at(vs)["Review"] == "past" and at(vs)["Voting"] == "current"
    assert at(ve - 1)["Voting"] == "current" and at(ve)["Voting"] == "past"


def test_protocol_page_versions_features_parameters(built: dict[str, bytes]) -> None:
    html = text(built, "protocol.html")
    assert '<tr><th scope="row">1.0.0</th><td>genesis</td>' in html
    assert re.search(r'<tr><th scope="row">1\.1\.0</th><td><time[^>]*>2026-01-22 00:00Z</time></td>'
                     r'<td><a href="nep-0001.html">NEP-0001</a></td></tr>', html)
    assert '<tr><th scope="row"><code>sharded_gossip</code></th><td><a href="nep-0001.html">' in html
    assert '<tr><th scope="row"><code>diloco</code></th><td>genesis</td></tr>' in html
    assert ('<tr><th scope="row"><code>network.feature_sharded_gossip</code></th><td><code>true</code></td>'
            '<td><a href="nep-0001.html">NEP-0001</a></td></tr>') in html
    assert ('<code>economics.constants.TRAINING_REWARD_PER_BATCH_PER_LAYER</code></th><td><code>0.0005</code>'
            '</td><td>genesis</td>') in html


def rows_of(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="nep-\d+\.html">(NEP-\d+)</a></th>', html)


def test_all_neps_table_and_its_sorted_views(built: dict[str, bytes]) -> None:
    assert rows_of(text(built, "neps-by-number.html")) == [f"NEP-{n:04d}" for n in range(1, 10)]
    # neps.html groups by status, in the dashboard's order, each group by number.
    assert rows_of(text(built, "neps.html")) == ["NEP-0001", "NEP-0002", "NEP-0003", "NEP-0004", "NEP-0005",
                                                 "NEP-0006", "NEP-0009", "NEP-0007", "NEP-0008"]
    by_title = rows_of(text(built, "neps-by-title.html"))
    assert by_title == ["NEP-0005", "NEP-0006", "NEP-0004", "NEP-0003", "NEP-0008", "NEP-0002", "NEP-0001",
                        "NEP-0009", "NEP-0007"]
    by_status = rows_of(text(built, "neps-by-status.html"))
    assert by_status == ["NEP-0005", "NEP-0004", "NEP-0003", "NEP-0002", "NEP-0001", "NEP-0006", "NEP-0009",
                         "NEP-0007", "NEP-0008"]
    # Undated rows come last.
    assert rows_of(text(built, "neps-by-activates.html"))[:3] == ["NEP-0008", "NEP-0001", "NEP-0002"]
    html = text(built, "neps-by-title.html")
    assert '<th scope="col" aria-sort="ascending">Title' in html
    assert '<th scope="col"><a href="neps-by-number.html" title="Order by number">NEP</a></th>' in html
    assert "<title>All NEPs, by title · NeuroShard NEPs</title>" in html


def test_status_and_type_pages(built: dict[str, bytes]) -> None:
    assert rows_of(text(built, "status-rejected.html")) == ["NEP-0009", "NEP-0006"]  # newest first
    assert rows_of(text(built, "status-voting.html")) == ["NEP-0003"]
    assert rows_of(text(built, "type-econ.html")) == ["NEP-0002", "NEP-0006"]
    assert "No NEPs here." not in text(built, "type-emergency.html")
    assert rows_of(text(built, "type-emergency.html")) == ["NEP-0009"]
    assert "aria-sort" not in text(built, "status-voting.html")


# --------------------------------------------------------------------------
# Feed and calendar

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_lists_status_changes_up_to_as_of(built: dict[str, bytes]) -> None:
    root = ET.fromstring(built["feed.xml"])
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text.startswith("tag:neuroshard-mainnet,2025:")
    self_link = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == ["https://neps.example.org/site/feed.xml"]
    entries = root.findall(f"{ATOM}entry")
    kinds = [(e.find(f"{ATOM}category").get("term"), e.find(f"{ATOM}link").get("href").rsplit("/", 1)[1])
             for e in entries]
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids) and all(re.match(r"^tag:neuroshard-mainnet,2025:nep-\d{4}/[\w-]+/\d+$", i)
                                             for i in ids)
    dates = [e.find(f"{ATOM}updated").text for e in entries]
    assert all(d <= "2026-03-01T00:00:00Z" for d in dates) and dates == sorted(dates, reverse=True)
    assert root.find(f"{ATOM}updated").text == dates[0]
    assert all(e.find(f"{ATOM}link").get("href").startswith(BASE + "/nep-") for e in entries)
    assert set(kinds) == {
        ("submitted", f"nep-{n:04d}.html") for n in (1, 2, 3, 4, 6, 7, 8, 9)
    } | {("voting-started", f"nep-{n:04d}.html") for n in (1, 2, 3, 6, 8)} | {
        ("decided", f"nep-{n:04d}.html") for n in (1, 2, 6, 8, 9)
    } | {("activated", "nep-0001.html"), ("activated", "nep-0008.html"), ("withdrawn", "nep-0007.html"),
         ("deprecated", "nep-0008.html")}
    # NEP-0002 activates after as_of: no entry yet; NEP-0004's vote opens after as_of: none either.


def test_feed_without_base_url_uses_relative_links() -> None:
    root = ET.fromstring(render_site(site_input(""))["feed.xml"])
    hrefs = {e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")}
    assert "nep-0001.html" in hrefs


def unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


def test_calendar_is_rfc5545_with_utc_times(built: dict[str, bytes]) -> None:
    raw = built["calendar.ics"]
    ics = raw.decode("utf-8")
    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in ics.split("\r\n"))
    lines = unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    uids = sorted(line.split(":", 1)[1].split("@")[0] for line in lines if line.startswith("UID:"))
    # Voting windows of every NEP that was or will be voted on; activations of approved NEPs.
    assert uids == ["nep-0001-activation", "nep-0001-voting", "nep-0002-activation", "nep-0002-voting",
                    "nep-0003-voting", "nep-0004-voting", "nep-0006-voting", "nep-0008-activation",
                    "nep-0008-voting"]
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 9
    assert "UID:nep-0003-voting@neuroshard-mainnet" in lines
    assert "DTSTART:20260227T000000Z" in lines and "DTEND:20260306T000000Z" in lines
    assert "UID:nep-0002-activation@neuroshard-mainnet" in lines and "DTSTART:20260315T000000Z" in lines
    assert "SUMMARY:Vote on NEP-0003: Lower the quorum & more" in lines
    assert "URL:https://neps.example.org/site/nep-0003.html" in lines
    for line in lines:
        if line.startswith(("DTSTART", "DTEND", "DTSTAMP")):
            assert re.fullmatch(r"DT\w+:\d{8}T\d{6}Z", line), line


def test_ics_folding_never_splits_a_character_and_unfolds_exactly() -> None:
    line = "SUMMARY:" + "Größe ✓ " * 30
    folded = site.ics_fold(line)
    assert len(folded) > 1
    assert all(len(f.encode("utf-8")) <= 75 for f in folded)
    assert all(f.startswith(" ") for f in folded[1:])
    assert folded[0] + "".join(f[1:] for f in folded[1:]) == line
    assert site.ics_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


# --------------------------------------------------------------------------
# The writer


def test_write_site_replaces_the_folder_in_one_step(tmp_path: Path, built: dict[str, bytes]) -> None:
    out = tmp_path / "_site"
    out.mkdir()
    (out / "stale.html").write_text("old")
    (out / ".nep-site").write_text("an earlier build\n")  # only a folder nep built is ever replaced
    write_site(built, out)
    assert not (out / "stale.html").exists()
    assert (out / "api" / "neps.json").read_bytes() == built["api/neps.json"]
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert on_disk == sorted([*built, ".nep-site"])
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]  # no temporary folder left behind
    write_site({"index.html": b"new"}, out)
    assert sorted(p.name for p in out.iterdir()) == [".nep-site", "index.html"]


def test_write_site_creates_parents_and_refuses_unsafe_paths(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "site"
    write_site({"x/y.txt": b"1"}, out)
    assert (out / "x" / "y.txt").read_bytes() == b"1"
    for bad in ("../evil", "/abs", "a//b", "a/./b", ""):
        with pytest.raises(ValueError, match="relative"):
            write_site({bad: b"x"}, out)
    assert (out / "x" / "y.txt").read_bytes() == b"1"  # the old site is untouched
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="not a folder"):
        write_site({"i": b""}, tmp_path / "file")


# --------------------------------------------------------------------------
# The EIP-derived corpus (shared/corpus/eips): real Markdown at scale renders and stays inert

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "eips" / "neps"


def corpus_proposal(path: Path) -> Proposal:
    import yaml

    raw = path.read_text(encoding="utf-8")
    _, fm_text, body = raw.split("---\n", 2)
    fm = yaml.load(fm_text, Loader=yaml.BaseLoader)  # strings only: no implicit dates or floats
    ei = fm["economic_impact"]
    up = fm["upgrade_path"]
    return replace(
        make_proposal(int(fm["nep"]), body=body),
        title=fm["title"],
        type=NEPType(fm["type"]),
        status=NEPStatus(fm["status"]),
        authors=tuple(Author(a["name"], a["node"]) for a in fm["authors"]),
        created=fm["created"],
        discussion=fm.get("discussion"),
        requires=tuple(int(x) for x in fm.get("requires", [])),
        economic_impact=EconomicImpact(
            **{k: (Decimal(v) if k == "upgrade_cost_neuro" else int(v) if k == "min_memory_change_mb" else float(v))
               for k, v in ei.items()}
        ),
        upgrade_path=UpgradePath(up["min_version"], up["target_version"], int(up["grace_period_days"]),
                                 up["backward_compatible"] == "true", up["requires_checkpoint_reload"] == "true",
                                 tuple(up["migration_steps"])),
    )


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus/eips is not beside the repository")
def test_corpus_renders() -> None:
    proposals = [corpus_proposal(p) for p in sorted(CORPUS.glob("nep-*.md"))]
    states = {}
    for p in proposals:
        if p.status is NEPStatus.REVIEW:
            states[p.nep] = make_state(p.nep, NEPStatus.REVIEW, submitted=AS_OF - DAY, voting_start=AS_OF + 6 * DAY,
                                       voting_end=AS_OF + 13 * DAY)
        elif p.status is NEPStatus.WITHDRAWN:
            states[p.nep] = make_state(p.nep, NEPStatus.WITHDRAWN)
        else:
            states[p.nep] = make_state(p.nep, NEPStatus.DRAFT)
    _, _, protocol = fixture_site()
    files = render_site(SiteInput(AS_OF, GOV, proposals, states, protocol, BASE))
    assert len(proposals) > 500
    assert {f"nep-{p.nep:04d}.html" for p in proposals} <= set(files)
    for path, page in html_files(files).items():
        assert page.errors == [], (path, page.errors[:3])
        for tag, attrs in page.tags:
            assert tag not in ("iframe", "object") and (tag != "script" or is_our_script(tag, attrs)), path
            for name, value in attrs.items():
                assert not name.startswith("on"), (path, tag, name)
                if name in ("href", "src"):
                    assert not SCRIPT_SCHEMES.match(value or ""), (path, value)
                if tag == "img" and name == "src":
                    assert not urlsplit(value or "").scheme, (path, value)  # nothing fetched from elsewhere
    one = files["nep-0001.html"].decode("utf-8")
    assert '<h3 id="abstract">Abstract' in one and "EIP Purpose and Guidelines" in one


# --------------------------------------------------------------------------
# The shell behind `nep site build`, on a copy of the example repository

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not (REPO / "governance.yaml").is_file(), reason="no example repository")
def test_build_reads_the_repository_and_writes_the_site(tmp_path: Path) -> None:
    repo = example_repo(tmp_path / "repo", ("neps", "stakes", "votes"))
    out = tmp_path / "public"
    count = site.build(repo, AS_OF, out, base_url=BASE)
    numbers = sorted(int(p.stem[4:]) for p in (repo / "neps").glob("nep-*.md"))
    assert count == sum(1 for p in out.rglob("*") if p.is_file() and p.name != ".nep-site")
    data = json.loads((out / "api" / "neps.json").read_text(encoding="utf-8"))
    assert [int(n) for n in data["neps"]] == numbers
    assert all((out / f"nep-{n:04d}.html").is_file() for n in numbers)
    again = tmp_path / "again"
    site.build(repo, AS_OF, again, base_url=BASE)
    assert all((again / p.relative_to(out)).read_bytes() == p.read_bytes() for p in out.rglob("*") if p.is_file())


def test_feed_stays_well_formed_xml_with_control_characters_in_a_title() -> None:
    proposals, states, protocol = fixture_site()
    proposals[0] = replace(proposals[0], title="Bell\x07 and <tag> & \"quotes\"")
    root = ET.fromstring(render_site(SiteInput(AS_OF, GOV, proposals, states, protocol, BASE))["feed.xml"])
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert 'NEP-0001: Bell and <tag> & "quotes" — activated' in titles


def test_site_build_never_replaces_a_folder_it_did_not_build(tmp_path, capsys):
    """`--out .` or `--out neps` must not delete the repository (a review found it did)."""
    import shutil as _sh

    from tooling.cli import main as nep

    root = Path(__file__).resolve().parents[2]
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("governance.yaml", "neps", "stakes"):
        src = root / name
        (_sh.copytree if src.is_dir() else _sh.copy)(src, repo / name)
    before = sorted(p.name for p in (repo / "neps").iterdir())
    for out in (repo, repo / "neps"):
        assert nep(["site", "build", "--repo", str(repo), "--out", str(out), "--at", "2026-12-01T00:00:00Z"]) == 2
        assert "not built by `nep site build`" in capsys.readouterr().err
    assert sorted(p.name for p in (repo / "neps").iterdir()) == before
    assert (repo / "governance.yaml").is_file()
    # Its own output is replaced freely, build after build.
    site = tmp_path / "site"
    for _ in range(2):
        assert nep(["site", "build", "--repo", str(repo), "--out", str(site), "--at", "2026-12-01T00:00:00Z"]) == 0
    assert (site / ".nep-site").is_file() and (site / "index.html").is_file()
