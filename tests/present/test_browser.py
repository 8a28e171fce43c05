"""The built site in a real browser: Debian's Chromium, headless, driven by Playwright.

Nothing is installed at run time: the test uses /usr/bin/chromium (apt
package ``chromium``) and the ``playwright`` Python package. On a
developer's machine it is skipped with the reason when either is missing; in
CI (``CI`` set, where ``.ci/run`` installs both) a missing one fails it, so a
broken install can never pass as a skip. The site is served from a local
http.server on 127.0.0.1; every request the page makes is routed, and any
that would leave 127.0.0.1 fails the test.

Layout is checked at a desktop (1280 px) and a phone (390 px) width on every
page kind of the example site (plus a NEP whose body has a 14-column table
and an unbreakable title), and on a sample of pages of a 600-NEP synthetic
site (``benchmarks/bench_site.py``'s generator): no page scrolls sideways,
and a voting NEP shows its banner and tally in the first 1,000 px.
Screenshots go to ``tests/screenshots/`` (or ``$NEP_SCREENSHOTS``); the
folder ignores itself in git (it holds a ``.gitignore`` of ``*``), and the
dashboard's heights at 600 NEPs are written to ``heights.txt`` there.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from dataclasses import replace
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from test_site import AS_OF, GOV, fixture_site, make_state, site_input
from tooling.core.model import NEPStatus
from tooling.present.site import SiteInput, render_site, write_site

CHROMIUM = Path("/usr/bin/chromium")
_IN_CI = bool(os.environ.get("CI"))
if not CHROMIUM.exists():
    if _IN_CI:
        raise RuntimeError("CI must install Debian's chromium (/usr/bin/chromium): see .ci/run")
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)", allow_module_level=True)
if _IN_CI:
    import playwright.sync_api as sync_api  # ImportError fails the run: the test extras must be installed
else:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def _serve(root: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


WIDE_BODY = (
    "## A wide table\n\n"
    + "| " + " | ".join(f"Column {i} heading" for i in range(14)) + " |\n"
    + "|" + "---|" * 14 + "\n"
    + "| " + " | ".join(f"value-{i}-0.000123" for i in range(14)) + " |\n\n"
    "> A quoted remark from the discussion, styled as a quotation.\n\n"
    "- [ ] an open task\n- [x] a finished task\n\n"
    "```\n" + "x = " + "1234567890" * 20 + "\n```\n\n"
    + "Prose " * 200 + "\n"
)


def example_input() -> SiteInput:
    """The test suite's example site plus NEP-0010: a 14-column table, a long unbroken title word."""
    proposals, states, protocol = fixture_site()
    wide = replace(proposals[0], nep=10, path="neps/nep-0010.md", body=WIDE_BODY,
                   title="Rename " + "SuperCalifragilisticExpialidociousParameter" * 2, supersedes=())
    states = {**states, 10: make_state(10, NEPStatus.DRAFT)}
    return SiteInput(AS_OF, GOV, [*proposals, wide], states, protocol, "https://neps.example.org/site",
                     repo_url="https://github.com/neuroshard/neps")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("served") / "_site"
    write_site(render_site(example_input()), root)
    yield from _serve(root)


def _bench_module() -> object:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_site.py"
    spec = importlib.util.spec_from_file_location("bench_site", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BIG = 600


@pytest.fixture(scope="module")
def served_big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    bench = _bench_module()
    as_of = bench.START + 90 * bench.DAY
    sampled = {int(name[4:8]) for name in BIG_PAGES if name.startswith("nep-")}
    # Only the sampled NEPs keep the generator's long body: the lists are what 600 NEPs stress.
    proposals = [bench.proposal(n) if n in sampled else replace(bench.proposal(n), body="Short.\n")
                 for n in range(1, BIG + 1)]
    states = {p.nep: bench.state(p.nep, 30, as_of) for p in proposals}
    protocol = bench.ProtocolState(as_of, "1.0.0", bench.GOVERNANCE.features, dict(bench.GOVERNANCE.parameters), {}, ())
    root = tmp_path_factory.mktemp("big") / "_site"
    write_site(render_site(SiteInput(as_of, bench.GOVERNANCE, proposals, states, protocol)), root)
    yield from _serve(root)


def shots_dir() -> Path:
    d = Path(os.environ.get("NEP_SCREENSHOTS") or Path(__file__).resolve().parents[1] / "screenshots")
    d.mkdir(parents=True, exist_ok=True)
    (d / ".gitignore").write_text("*\n", encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Watch:
    """Every request, console error and page error of one page."""

    def __init__(self, page: object) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        page.route("**/*", self._route)
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))

    def _route(self, route: object) -> None:
        url = route.request.url
        self.requests.append(url)
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def assert_clean(self) -> None:
        assert self.requests, "the page made no request at all"
        assert self.blocked == [], f"requests left 127.0.0.1: {self.blocked}"
        assert self.console_errors == []
        assert self.page_errors == []


def test_dashboard_in_chromium(browser: object, served: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    watch = Watch(page)
    response = page.goto(served + "index.html", wait_until="load")
    assert response is not None and response.status == 200
    assert page.title() == "Dashboard · NeuroShard NEPs"
    assert page.locator("main h1").inner_text() == "NeuroShard Enhancement Proposals"
    card = page.locator("#h-now + .cards > article.card")
    assert "NEP-0003" in card.locator("h3").inner_text()
    assert card.locator(".time-left").inner_text() == "5d left"  # white-space: nowrap keeps it whole
    assert card.locator(".bar").count() == 2
    # The stylesheet loaded: the quorum line is positioned by CSS, the yes bar has width.
    assert page.locator(".bar .line").first.evaluate("e => getComputedStyle(e).position") == "absolute"
    assert card.locator(".seg.yes").first.bounding_box()["width"] > 0
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 1000
    watch.assert_clean()
    page.close()


def test_nep_page_in_chromium(browser: object, served: str, tmp_path: Path) -> None:
    page = browser.new_page(color_scheme="dark")
    watch = Watch(page)
    response = page.goto(served + "nep-0003.html", wait_until="load")
    assert response is not None and response.status == 200
    tally = page.locator("#nep-tally").locator("xpath=..")
    assert "Turnout 20.0 %" in tally.inner_text()
    assert tally.locator(".bar").count() == 2
    assert page.locator("ol.timeline li.phase.current .phase-name").inner_text() == "Voting"
    assert page.locator("ol.timeline li.phase").count() == 5
    impact = page.locator("table.impact")
    assert impact.locator("tbody tr").count() == 9
    assert impact.locator("tbody tr.neutral").count() == 9
    votes = page.locator("table.votes tbody tr")
    assert votes.count() == 5
    assert "BAD_SIGNATURE" in page.locator("table.votes").inner_text()
    assert page.locator("section[aria-labelledby=nep-verify] pre code").last.inner_text().splitlines()[1] == (
        "nep tally 3 --at 2026-03-01T00:00:00Z")
    assert page.locator(".how-to-vote pre code").inner_text().startswith("nep vote 3 yes --key ")
    # Dark mode applies the dark palette.
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert bg == "rgb(13, 17, 23)"
    # In-page anchors of the body work.
    page.click("nav.toc a[href='#wire-format']")
    assert page.evaluate("location.hash") == "#wire-format"
    shot = tmp_path / "nep-0003.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.exists() and shot.stat().st_size > 1000
    watch.assert_clean()
    page.close()


def test_hostile_nep_page_runs_nothing(browser: object, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(served + "nep-0005.html", wait_until="load")
    assert page.locator("script").count() == 0
    assert page.locator("main img").count() == 0
    assert "<script>alert(1)</script>" in page.locator(".body").inner_text()
    assert dialogs == []
    watch.assert_clean()
    page.close()


# --------------------------------------------------------------------------
# Layout at a desktop and a phone width

WIDTHS = {"desktop": 1280, "phone": 390}
EXAMPLE_PAGES = [
    "index.html", "neps.html", "neps-by-title.html", "neps-newest.html", "status-voting.html", "type-econ.html",
    "protocol.html", *[f"nep-{n:04d}.html" for n in range(1, 11)],
]
BIG_PAGES = ["index.html", "neps.html", "neps-newest.html", "status-voting.html", "type-econ.html", "protocol.html",
             *[f"nep-{n:04d}.html" for n in (1, 2, 3, 4, 5, 6, 7, 8, 600)]]
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def _check_pages(browser: object, base: str, pages: list[str], width: int, tag: str, scheme: str,
                 full: set[str]) -> dict[str, int]:
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    watch = Watch(page)
    heights: dict[str, int] = {}
    shots = shots_dir()
    for name in pages:
        response = page.goto(base + name, wait_until="load")
        assert response is not None and response.status == 200, name
        assert page.evaluate(OVERFLOW) <= 1, f"{name} scrolls sideways at {width} px"
        heights[name] = page.evaluate("document.documentElement.scrollHeight")
        stem = name.removesuffix(".html")
        page.screenshot(path=str(shots / f"{tag}-{stem}-{width}-{scheme}.png"), full_page=name in full)
    watch.assert_clean()
    page.close()
    return heights


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_page_of_the_example_site_scrolls_sideways(browser: object, served: str, width: int) -> None:
    full = {"index.html", "protocol.html", "nep-0003.html", "nep-0010.html"}
    _check_pages(browser, served, EXAMPLE_PAGES, width, "example", "light", full)
    _check_pages(browser, served, ["index.html", "nep-0003.html", "protocol.html"], width, "example", "dark", full)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_sampled_page_of_a_600_nep_site_scrolls_sideways(browser: object, served_big: str, width: int) -> None:
    heights = _check_pages(browser, served_big, BIG_PAGES, width, "big", "light", {"index.html", "nep-0002.html"})
    with (shots_dir() / "heights.txt").open("a", encoding="utf-8") as out:
        out.write(f"{BIG} NEPs, dashboard at {width} px: {heights['index.html']} px tall\n")


def _first_screen(browser: object, url: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(url, wait_until="load")
    banner = page.locator(".banner").bounding_box()
    tally = page.locator("#nep-tally").bounding_box()
    assert banner is not None and banner["y"] + banner["height"] <= 1000
    assert tally is not None and tally["y"] < 1000, f"the tally starts at {tally['y']} px"
    page.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_voting_nep_shows_banner_and_tally_in_the_first_screen(browser: object, served: str, served_big: str,
                                                               width: int) -> None:
    _first_screen(browser, served + "nep-0003.html", width)
    _first_screen(browser, served_big + "nep-0002.html", width)  # the generator's status is n % 8: NEP-0002 votes


def test_the_search_box_filters_the_list(browser: object, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served + "neps.html", wait_until="load")
    box = page.locator("form.find input")
    assert box.is_visible()
    box.fill("sharded")
    page.wait_for_function("document.querySelector('form.find output').textContent.includes('shown')")
    visible = page.locator("tr[data-nep]:not([hidden])")
    assert visible.count() >= 1 and "NEP-0001" in visible.first.inner_text()
    watch.assert_clean()
    page.close()
