"""The site's caches only save time: what they hold is exactly what a render without them gives.

Markdown bodies are remembered by the digest of their text and reused only where every question the
render asked about NEP numbers has the same answer.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from test_site import AS_OF, GOV, fixture_site, site_input
from tooling.present.site import SiteInput, make_markdown, render_markdown, render_site
from tooling.present.site.cache import BodyStore
from tooling.present.site.markdown import body_key

LINKS = "See [the first](nep-0001.md), [a later one](nep-0042.md) and [text](nep-0042.md#motivation).\n"


def test_a_body_records_the_nep_numbers_it_asked_about() -> None:
    body = render_markdown(make_markdown(), LINKS, frozenset({1, 2}))
    assert body.asked == ((1, True), (42, False))
    assert body.fits(frozenset({1, 3, 7})) and not body.fits(frozenset({1, 42})) and not body.fits(frozenset({2}))
    again = render_markdown(make_markdown(), LINKS, frozenset({1, 42}))
    assert 'href="nep-0042.html"' in again.html and 'href="nep-0042.html"' not in body.html


def test_a_remembered_body_is_reused_only_for_the_same_answers() -> None:
    proposals, states, protocol = fixture_site()
    proposals = [replace(proposals[0], body=LINKS), *proposals[1:]]
    bodies: dict[str, object] = {}
    first = render_site(SiteInput(AS_OF, GOV, proposals, states, protocol, bodies=bodies))
    assert set(bodies) == {body_key(p.body) for p in proposals}
    # A wrong HTML under the right name shows whether the render used it.
    key = body_key(LINKS)
    marked = replace(bodies[key], html="<p>remembered</p>\n")  # type: ignore[type-var]
    bodies[key] = marked
    reused = render_site(SiteInput(AS_OF, GOV, proposals, states, protocol, bodies=bodies))
    assert b"<p>remembered</p>" in reused["nep-0001.html"]
    # NEP 42 appears: the body's link now points at a page, so the remembered HTML no longer fits.
    p42 = replace(proposals[3], nep=42, path="neps/nep-0042.md")
    more = {**states, 42: replace(states[4], nep=42)}
    grown = render_site(SiteInput(AS_OF, GOV, [*proposals, p42], more, protocol, bodies=bodies))
    assert b"<p>remembered</p>" not in grown["nep-0001.html"] and b'href="nep-0042.html"' in grown["nep-0001.html"]
    assert grown["nep-0001.html"] == render_site(SiteInput(AS_OF, GOV, [*proposals, p42], more, protocol))[
        "nep-0001.html"]
    assert first["nep-0001.html"] != grown["nep-0001.html"]


def test_the_body_store_ignores_a_damaged_file_and_writes_only_after_a_new_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"  # caches are never inside the repository
    root.mkdir()
    store = BodyStore(root)
    store.save(set())
    assert not (tmp_path / "cache").exists()  # nothing rendered, nothing written
    inp = replace(site_input(), bodies=store)
    plain = render_site(site_input())
    assert render_site(inp) == plain
    keep = {body_key(p.body) for p in inp.proposals}
    store.save(keep)
    (entry,) = (tmp_path / "cache").iterdir()
    reread = BodyStore(root)
    assert set(reread) == keep and render_site(replace(site_input(), bodies=reread)) == plain
    entry.write_bytes(entry.read_bytes()[:-9] + b"]]]]]]]]]")
    assert len(BodyStore(root)) == 0
