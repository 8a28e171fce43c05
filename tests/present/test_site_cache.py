"""The site's caches only save time: what they hold is exactly what a render without them gives.

Markdown bodies are remembered by the digest of their text and reused only where every question the
render asked about NEP numbers has the same answer.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from test_site import AS_OF, GOV, fixture_site, make_vote, site_input
from tooling.present import site
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


# --------------------------------------------------------------------------
# The page memo: a page whose key is remembered is not rendered, and is the same bytes


class Memo:
    """An in-memory ``PageMemo`` that tells which pages were taken from it and which were rendered."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, bytes]] = {}
        self.hits: list[str] = []
        self.puts: list[str] = []

    def get(self, path: str, key: str) -> bytes | None:
        entry = self.entries.get(path)
        if entry is None or entry[0] != key:
            return None
        self.hits.append(path)
        return entry[1]

    def put(self, path: str, key: str, data: bytes) -> None:
        self.entries[path] = (key, data)
        self.puts.append(path)

    def reset(self) -> None:
        self.hits.clear()
        self.puts.clear()


def _pages(files: dict[str, bytes]) -> set[str]:
    return {p for p in files if p.endswith(".html") or p == "feed.xml"}


@pytest.fixture(scope="module")
def warmed() -> tuple[Memo, dict[str, bytes]]:
    memo = Memo()
    cold = render_site(replace(site_input(), pages=memo))
    return memo, cold


def test_a_warm_render_is_the_cold_render_byte_for_byte_and_renders_nothing(warmed) -> None:
    memo, cold = warmed
    assert set(memo.puts) == _pages(cold)
    assert cold == render_site(site_input())  # the memo changes nothing in a cold render either
    memo.reset()
    assert render_site(replace(site_input(), pages=memo)) == cold
    assert memo.puts == [] and set(memo.hits) == _pages(cold)


def test_a_changed_nep_renders_its_page_and_the_pages_that_list_it(warmed) -> None:
    memo, _ = warmed
    memo.reset()
    inp = site_input()
    proposals = [replace(p, title="Faster peer discovery, revised") if p.nep == 4 else p for p in inp.proposals]
    changed = replace(inp, proposals=proposals)
    warm = render_site(replace(changed, pages=memo))
    assert warm == render_site(changed)
    lists = {path for _, _, path in site.SORT_COLUMNS} | {"neps.html", "status-review.html", "type-net.html"}
    # NEP-0004 is in review: the dashboard lists it, the feed has its submission.
    assert set(memo.puts) == {"nep-0004.html", "index.html", "feed.xml", *lists}



def test_a_changed_body_renders_its_page_and_a_new_vote_its_page_and_the_dashboard(warmed) -> None:
    memo, _ = warmed
    render_site(replace(site_input(), pages=memo))  # back to the fixture's pages at AS_OF
    memo.reset()
    inp = site_input()
    edited = replace(inp, proposals=[replace(p, body=p.body + "\nOne more line.\n") if p.nep == 1 else p
                                     for p in inp.proposals])
    assert render_site(replace(edited, pages=memo)) == render_site(edited)
    assert memo.puts == ["nep-0001.html"]  # lists show no body (nor the content hash)
    render_site(replace(site_input(), pages=memo))
    memo.reset()
    s3 = inp.states[3]
    assert s3.tally is not None and not s3.tally.final
    extra = make_vote("9", "no", "10", ts=AS_OF - 3600, inc=AS_OF - 3000)
    voted = replace(inp, states={**inp.states, 3: replace(s3, tally=replace(
        s3.tally, no=s3.tally.no + 10, votes=(*s3.tally.votes, extra)))})
    assert render_site(replace(voted, pages=memo)) == render_site(voted)
    # NEP-0003 is in voting: the dashboard shows its tally; no list does.
    assert sorted(memo.puts) == ["index.html", "nep-0003.html"]


def test_a_later_instant_renders_only_the_pages_that_show_time(warmed) -> None:
    memo, _ = warmed
    render_site(replace(site_input(), pages=memo))  # back to the fixture's pages at AS_OF
    memo.reset()
    later = replace(site_input(), as_of=AS_OF + 3600)
    warm = render_site(replace(later, pages=memo))
    assert warm == render_site(later)
    # Decided NEPs with a final tally and every list of NEPs do not depend on the instant.
    assert {"nep-0001.html", "nep-0006.html", "nep-0008.html", "neps.html", "neps-by-number.html"} <= set(memo.hits)
    # Countdowns (voting, review, scheduled), the dashboard and the protocol page are rendered again; the
    # "nep show --at" line of a NEP without a final tally (a draft, 5) is a hole, filled in.
    assert set(memo.puts) == {"index.html", "nep-0002.html", "nep-0003.html", "nep-0004.html", "protocol.html"}
    assert {"nep-0005.html", "nep-0007.html", "nep-0009.html"} <= set(memo.hits)


# --------------------------------------------------------------------------
# Keys: one canonical form per value, and none for what cannot be named


def test_keys_tell_apart_what_a_template_tells_apart() -> None:
    from decimal import Decimal

    from markupsafe import Markup

    from tooling.core.model import NEPStatus, Outcome
    from tooling.present.site.keys import Keys

    k = Keys()
    distinct = [
        "a<b", Markup("a<b"), Decimal("1"), Decimal("1.0"), Decimal("-0"), 1, 1.0, True, None, "1", "",
        ("a", "b"), ["a", "b"], ("ab",), ("a", ("b",)), {"a": 1, "b": 2}, {"b": 2, "a": 1}, NEPStatus.DRAFT,
        "draft", Outcome.APPROVED, frozenset({1}), (1,), float("nan"), -0.0, 0.0,
    ]
    digests = [k.digest(v) for v in distinct]
    assert len(set(digests)) == len(digests)
    assert k.digest(("a", Decimal("2.50"))) == Keys().digest(("a", Decimal("2.50")))


def test_a_value_without_a_canonical_form_makes_the_page_unremembered() -> None:
    from tooling.present.site.keys import Keys, Unkeyable

    n = 3
    with pytest.raises(Unkeyable):
        Keys().digest(lambda: n)
    with pytest.raises(Unkeyable):
        Keys().digest(object())
    proposals, states, protocol = fixture_site()
    memo = Memo()
    inp = SiteInput(AS_OF, GOV, proposals, states, protocol, pages=memo)
    from tooling.present.site import memo as memo_mod

    real = memo_mod.page_key

    def unkeyable_for_one(keys, environment, template, context, base=None):  # type: ignore[no-untyped-def]
        if context.get("v") is not None and context["v"].nep == 3:
            raise Unkeyable("test")
        return real(keys, environment, template, context, base)

    mp = pytest.MonkeyPatch()
    mp.setattr(memo_mod, "page_key", unkeyable_for_one)
    try:
        files = render_site(inp)
    finally:
        mp.undo()
    assert "nep-0003.html" not in memo.puts and "nep-0001.html" in memo.puts
    assert files == render_site(site_input(base_url=""))


def test_holes_are_written_as_is_where_the_templates_say_and_a_page_holding_a_mark_is_rendered_whole(
    tmp_path: Path,
) -> None:
    import re

    from markupsafe import Markup

    from tooling.present.site.env import Formats
    from tooling.present.site.keys import AT_MARK, FOOTER_MARK, Hole, Keys
    from tooling.present.site.memo import Pages

    templates = Path(site.SITE_DIR) / "templates"
    # A hole is written as is, and only there: built_at once in the footer of base.html (which every page
    # extends), verify_at twice in nep.html (render._VERIFY_LINES).
    sources = {p.name: p.read_text(encoding="utf-8") for p in templates.iterdir()}
    for name, where in (("built_at", {"base.html": 1}), ("verify_at", {"nep.html": 2})):
        assert {n: len(re.findall(name, src)) for n, src in sources.items() if name in src} == where
        assert {n: src.count("{{ %s }}" % name) for n, src in sources.items() if name in src} == where
    for name, src in sources.items():
        if name.endswith(".html") and name not in ("base.html", "_macros.html"):
            assert src.startswith('{% extends "base.html" %}'), name
    assert Keys().digest(Hole(AT_MARK, "2026-01-01T00:00:00Z", 2)) == Keys().digest(Hole(AT_MARK, "x", 2))
    assert Keys().digest(Hole(AT_MARK, "x", 2)) != Keys().digest(Hole(AT_MARK, "x", 1))

    (tmp_path / "t.html").write_text("<p>{{ x }}</p><footer>{{ built_at }}</footer>\n", encoding="utf-8")
    formats = Formats()
    footer = formats.when(AS_OF)
    memo = Memo()
    pages = Pages(tmp_path, formats, memo)
    hole = Hole.of(FOOTER_MARK, footer)
    plain = pages.render("a.html", "t.html", {"x": "<&>", "built_at": hole})
    assert plain == f"<p>&lt;&amp;&gt;</p><footer>{footer}</footer>\n".encode() and memo.puts == ["a.html"]
    assert memo.entries["a.html"][1] == f"<p>&lt;&amp;&gt;</p><footer>{FOOTER_MARK}</footer>\n".encode()
    # Markup holding a mark's text: only a render with the value itself is certain.
    forged = pages.render("b.html", "t.html", {"x": Markup(FOOTER_MARK), "built_at": hole})
    assert forged == f"<p>{FOOTER_MARK}</p><footer>{footer}</footer>\n".encode() and memo.puts == ["a.html"]
    later = Hole.of(FOOTER_MARK, formats.when(AS_OF + 61))
    assert pages.render("a.html", "t.html", {"x": "<&>", "built_at": later}) == plain.replace(
        str(footer).encode(), str(later.text).encode())
    assert memo.hits == ["a.html"]


# --------------------------------------------------------------------------
# The page store in the cache folder, through `nep site build`


def _folder(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_warm_build_equals_a_cold_one_and_a_damaged_page_entry_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nepfixtures import VS, content_hash, genesis, nep_text, vote_file

    from tooling.present.site import build
    from tooling.present.site.cache import PageStore, decode_page, encode_page

    text = nep_text(1, status="review")
    repo = genesis(tmp_path / "repo", {1: text, 2: nep_text(2)})
    path, vote = vote_file("ada", 1, "yes", VS + 60, content_hash(text))
    repo.write(path, vote)
    repo.commit("a vote", at=VS + 120)
    at = VS + 3600

    def cold(label: str, when: int) -> dict[str, bytes]:
        monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / f"cold-{label}"))
        build(repo.path, when, tmp_path / f"cold-{label}-site")
        return _folder(tmp_path / f"cold-{label}-site")

    cache = tmp_path / "warm"
    monkeypatch.setenv("NEP_CACHE_DIR", str(cache))
    out = tmp_path / "site"
    build(repo.path, at, out)
    entries = sorted(p for p in cache.iterdir() if p.name.startswith("page-"))
    # One entry per page, and the votes of the one NEP with a tally (api/nep-0001.json).
    assert len(entries) == sum(1 for name in _folder(out) if name.endswith(".html") or name == "feed.xml") + 1
    build(repo.path, at, out)
    assert _folder(out) == cold("same", at)
    # A minute later (NEP 1 is in voting: its page and the dashboard show the time left).
    build(repo.path, at + 60, out)
    assert _folder(out) == cold("later", at + 60)
    # One flipped bit in every entry: each reads as missing, and the build is still exact.
    for entry in entries:
        data = bytearray(entry.read_bytes())
        data[-20] ^= 1
        entry.write_bytes(bytes(data))
    store = PageStore(repo.path)
    assert all(store.get(p, "0" * 64) is None for p in ("index.html", "nep-0001.html"))
    build(repo.path, at + 60, out)
    assert _folder(out) == cold("later", at + 60)
    assert decode_page(encode_page("k", b"page"), "k") == b"page"
    assert decode_page(encode_page("k", b"page"), "j") is None
    assert decode_page(encode_page("k", b"page")[:-1], "k") is None


# --------------------------------------------------------------------------
# Writing: a file the old site holds with the same bytes is not written again


def test_an_unchanged_file_is_not_rewritten_and_the_folder_is_still_exactly_the_site(tmp_path: Path) -> None:
    import os

    from tooling.present.site import SITE_MARKER, write_site

    out = tmp_path / "_site"
    write_site({"a.html": b"same", "b.html": b"old", "c.html": b"gone", "api/x.json": b"{}", "d.html": b"hand"}, out)
    before = {name: os.stat(out / name).st_ino for name in ("a.html", "b.html", "api/x.json", "d.html")}
    (out / "d.html").write_bytes(b"HAND")  # edited by hand since: same size, other bytes
    outside = tmp_path / "outside.html"
    outside.write_bytes(b"link")
    os.link(outside, out / "e.html")  # a second name: never shared with the new site
    write_site({"a.html": b"same", "b.html": b"new", "api/x.json": b"{}", "d.html": b"hand", "e.html": b"link"}, out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        SITE_MARKER, "a.html", "api/x.json", "b.html", "d.html", "e.html"]
    assert os.stat(out / "a.html").st_ino == before["a.html"] and os.stat(out / "api/x.json").st_ino == before["api/x.json"]
    assert os.stat(out / "b.html").st_ino != before["b.html"] and (out / "b.html").read_bytes() == b"new"
    assert (out / "d.html").read_bytes() == b"hand"
    assert os.stat(out / "e.html").st_ino != os.stat(outside).st_ino and os.stat(outside).st_nlink == 1


def test_a_file_reached_through_a_symbolic_link_in_the_old_site_is_never_linked(tmp_path: Path) -> None:
    import os
    import shutil

    from tooling.present.site import write_site

    out = tmp_path / "_site"
    write_site({"api/x.json": b"{}"}, out)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.json").write_bytes(b"{}")
    shutil.rmtree(out / "api")
    os.symlink(elsewhere, out / "api")
    write_site({"api/x.json": b"{}"}, out)
    assert not (out / "api").is_symlink() and (out / "api/x.json").read_bytes() == b"{}"
    assert os.stat(out / "api/x.json").st_ino != os.stat(elsewhere / "x.json").st_ino


# --------------------------------------------------------------------------
# Votes the shell named (core.deferred): their rows and their JSON are remembered by that name


def _named_votes(inp: SiteInput) -> SiteInput:
    from tooling.core.deferred import Deferred

    states = {n: s if s.tally is None else replace(s, tally=replace(s.tally, votes=Deferred.of(
        s.tally.votes, key=f"rows-of-{n}-{len(s.tally.votes)}"))) for n, s in inp.states.items()}
    return replace(inp, states=states)


def test_named_votes_give_the_same_files_and_are_not_written_again_when_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tooling.present.site import render as render_mod

    plain = render_site(site_input())
    memo = Memo()
    named = _named_votes(site_input())
    assert render_site(replace(named, pages=memo)) == plain
    assert {"api/nep-0003.json", "nep-0003.html"} <= set(memo.puts)
    expected = render_site(replace(site_input(), as_of=AS_OF + 60))
    written: list[int] = []
    real_rows, real_json = render_mod.vote_rows, render_mod.votes_json
    monkeypatch.setattr(render_mod, "vote_rows", lambda votes, f: written.append(1) or real_rows(votes, f))
    monkeypatch.setattr(render_mod, "votes_json", lambda t: written.append(2) or real_json(t))
    memo.reset()
    later = replace(named, as_of=AS_OF + 60)
    assert render_site(replace(later, pages=memo)) == expected
    # Pages rendered again because they show time: rows are written for those with votes (2: scheduled,
    # 3: voting), and no vote's JSON is written (the API files' votes are remembered).
    assert {"nep-0002.html", "nep-0003.html"} <= set(memo.puts) and "nep-0001.html" in memo.hits
    assert {"api/nep-0001.json", "api/nep-0003.json"} <= set(memo.hits)
    assert written == [1, 1]


def test_the_votes_marker_in_a_value_makes_the_api_file_written_whole() -> None:
    from tooling.present.site.render import _VOTES

    inp = site_input()
    proposals = [replace(p, title=_VOTES) if p.nep == 3 else p for p in inp.proposals]
    plain = render_site(replace(inp, proposals=proposals))
    named = render_site(replace(_named_votes(replace(inp, proposals=proposals)), pages=Memo()))
    assert named["api/nep-0003.json"] == plain["api/nep-0003.json"]
    assert b"\\u0000nep-site:votes\\u0000" in plain["api/nep-0003.json"]
