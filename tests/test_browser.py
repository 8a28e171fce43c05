"""The built site in a real browser: Debian's Chromium, headless, driven by Playwright.

Nothing is installed at run time: the test uses /usr/bin/chromium (apt
package ``chromium``) and the ``playwright`` Python package. On a
developer's machine it is skipped with the reason when either is missing; in
CI (``CI`` set, where ``.ci/run`` installs both) a missing one fails it, so a
broken install can never pass as a skip. The site is served from a local
http.server on 127.0.0.1; every request the page makes is routed, and any
that would leave 127.0.0.1 fails the test.
"""

from __future__ import annotations

import functools
import os
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from test_site import site_input
from tooling.present.site import render_site, write_site

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


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("served") / "_site"
    write_site(render_site(site_input()), root)
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
    card = page.locator("#h-now + article.card")
    assert "NEP-0003" in card.locator("h3").inner_text()
    assert card.locator(".time-left").inner_text() == "5 d 0 h left"
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
    assert "Turnout 20.00 %" in tally.inner_text()
    assert tally.locator(".bar").count() == 2
    assert page.locator("ol.timeline li.phase.current .phase-name").inner_text() == "Voting"
    assert page.locator("ol.timeline li.phase").count() == 5
    impact = page.locator("table.impact")
    assert impact.locator("tbody tr").count() == 9
    assert impact.locator("tbody tr.neutral").count() == 9
    votes = page.locator("table.votes tbody tr")
    assert votes.count() == 5
    assert "BAD_SIGNATURE" in page.locator("table.votes").inner_text()
    assert page.locator("pre code").inner_text().splitlines()[1] == "nep tally 3 --at 2026-03-01T00:00:00Z"
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
