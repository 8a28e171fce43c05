"""The site answers a token holder's first questions: where a NEP stands, what it changes, for whom, and when.

Built from the same example input as tests/present/test_site.py (one NEP in each
status at AS_OF): banners by status, the plain-language change summary,
pictures, the protocol page and its JSON, acting (vote command, repository
links, calendar reminders, feed links) and reading (titles, task lists).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from test_site import (
    AS_OF,
    GOV,
    fixture_site,
    make_tally,
    make_vote,
    site_input,
)
from tooling.core.model import DAY, EconomicImpact, ParameterChange

from helpers import example_repo
from tooling.present.site import SiteInput, make_markdown, render_markdown, render_site
from tooling.present.site.banner import quorum_shortfall, tally_parts
from tooling.present.site.changes import relative_change, summarise
from tooling.present.site.fmt import value_display
from tooling.present.site.svg import stake_chart, turnout_chart

REPO = "https://github.com/neuroshard/neps"


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return render_site(replace(site_input(), repo_url=REPO))


def html(built: dict[str, bytes], path: str) -> str:
    return built[path].decode("utf-8").replace("\u00a0", " ")  # non-breaking spaces read as spaces


def first(page: str, marker: str) -> int:
    i = page.find(marker)
    assert i >= 0, marker
    return i


# --------------------------------------------------------------------------
# Banner


def test_voting_banner_says_when_it_closes_and_how_the_vote_stands(built: dict[str, bytes]) -> None:
    page = html(built, "nep-0003.html")
    banner = page.split('<div class="banner banner-voting"')[1].split("</div>")[0]
    assert "Voting open" in banner and "closes <time" in banner and "in 5d" in banner
    assert "provisionally approved" in banner
    assert "turnout 20.0 % of 20.0 % needed" in banner and "yes 75.0 % of 66.0 % needed" in banner
    # The banner comes first, then the tally, and only then the impact table.
    assert first(page, 'class="banner') < first(page, 'id="nep-tally"') < first(page, 'id="nep-impact"')


def test_short_of_quorum_the_banner_says_how_much_more_stake_must_vote() -> None:
    t = make_tally(1, votes=(make_vote("1", "yes", "100", ts=0, inc=0),), total="21000", as_of=0, ve=10)
    assert quorum_shortfall(t) == Decimal("4100")
    texts = [p.text for p in tally_parts(t)]
    assert texts[0] == "provisionally rejected"
    assert "4,100 NEURO more turnout reaches quorum" in texts


@pytest.mark.parametrize(
    ("nep", "words"),
    [
        (1, ["Active: in force", "since <time"]),
        (2, ["Approved", "activates <time", "in 14d", "→ version 1.2.0"]),
        (4, ["In review", "vote opens <time", "in 3d", "voting closes"]),
        (5, ["Draft", "not yet submitted"]),
        (6, ["Rejected", "decided <time"]),
        (7, ["Withdrawn by its authors"]),
        (8, ["Deprecated", 'replaced by <a href="nep-0001.html">NEP-0001</a>']),
        (9, ["Rejected", "insufficient stake", "no vote took place"]),
    ],
)
def test_every_status_has_its_banner(built: dict[str, bytes], nep: int, words: list[str]) -> None:
    page = html(built, f"nep-{nep:04d}.html")
    banner = page.split('<div class="banner ')[1].split("</div>")[0]
    for w in words:
        assert w in banner, (nep, w)


# --------------------------------------------------------------------------
# What changes, for whom


@pytest.mark.parametrize(
    ("old", "new", "text"),
    [
        (0.0005, 0.0007, "+40.0 %"),
        (0.0005, 0.00055, "+10.0 %"),
        (200, 150, "-25.0 %"),
        (0, 5, "new"),
        (None, 5, "new"),
        (False, True, ""),
        ("a", "b", ""),
    ],
)
def test_relative_change(old: object, new: object, text: str) -> None:
    assert relative_change(old, new) == text


def test_summary_names_who_gains_and_who_pays_and_folds_the_unchanged() -> None:
    proposals, _, _ = fixture_site()
    s = summarise(replace(proposals[0], economic_impact=EconomicImpact(
        training_reward_multiplier=1.1, min_memory_change_mb=512, staking_multiplier_change=0.25),
        parameter_changes=(ParameterChange("economics.constants", "X", 0.0005, 0.0007, "r"),)))
    assert [(e.who, e.tone) for e in s.effects] == [("Trainers", "gain"), ("Hardware", "cost"), ("Stakers", "gain")]
    assert s.unchanged == 6
    assert s.text().startswith("economics.constants.X 0.0005 → 0.0007 (+40.0 %) · Trainers: training rewards +10.0 %")
    assert "6 unchanged" in s.text()


def test_change_summary_on_dashboard_index_and_nep_header(built: dict[str, bytes]) -> None:
    change = "+10.0 %"
    assert change in html(built, "nep-0002.html").split('id="nep-changes"')[1].split("</section>")[0]
    assert change in html(built, "index.html").split('id="h-upcoming"')[1].split('id="h-force"')[0]
    assert change in html(built, "neps.html")
    assert "7 unchanged" in html(built, "neps.html")
    record = json.loads(built["api/neps.json"])["neps"]["2"]
    assert "TRAINING_REWARD_PER_BATCH_PER_LAYER 0.0005 → 0.00055 (+10.0 %)" in record["changes_summary"]


def test_values_are_shown_as_written_never_with_an_exponent() -> None:
    assert value_display(2e-06) == "0.000002"
    assert value_display(1e20) == "100000000000000000000"
    assert value_display(0.0005) == "0.0005"


# --------------------------------------------------------------------------
# Protocol page and api/protocol.json


def test_protocol_page_lists_pending_changes_and_a_version_timeline(built: dict[str, bytes]) -> None:
    page = html(built, "protocol.html")
    pending = page.split('id="h-pending"')[1].split("</section>")[0]
    assert "TRAINING_REWARD_PER_BATCH_PER_LAYER" in pending and "<code>0.0005</code> → <code>0.00055</code>" in pending
    assert "+10.0 %" in pending and "activates <time" in pending and "→ version <strong>1.2.0</strong>" in pending
    svg = page.split('id="h-versions"')[1].split("</figure>")[0]
    assert "<svg" in svg and "<title" in svg and "<desc" in svg and "1.2.0 (pending)" in svg


def test_api_protocol_json(built: dict[str, bytes]) -> None:
    p = json.loads(built["api/protocol.json"])
    assert p["version"] == "1.1.0"
    assert {"name": "sharded_gossip", "enabled_by": 1} in p["features"]
    assert p["parameters"]["network.feature_sharded_gossip"] == {"value": True, "set_by": 1}
    assert [h["version"] for h in p["history"]] == ["1.0.0", "1.0.1", "1.1.0"]
    assert p["pending"][0]["nep"] == 2 and p["pending"][0]["relative_change"] == "+10.0 %"
    assert p["scheduled_versions"] == [{"nep": 2, "version": "1.2.0", "activates_at": "2026-03-15T00:00:00Z"}]


# --------------------------------------------------------------------------
# Pictures


def test_turnout_picture_draws_the_quorum_line_and_says_when_it_was_reached() -> None:
    _, states, _ = fixture_site()
    s = states[3]
    pic = turnout_chart(s.tally, s.voting_start, s.voting_end, AS_OF)
    assert pic is not None
    assert 'class="quorum"' in pic.svg and 'class="series"' in pic.svg and 'class="now"' in pic.svg
    assert "the quorum was reached at" in pic.caption and "20.0 %" in pic.caption
    assert 'role="img"' in pic.svg and "aria-labelledby" in pic.svg
    assert turnout_chart(s.tally, s.voting_start, s.voting_end, AS_OF).svg == pic.svg  # deterministic


def test_stake_picture_counts_the_nodes_it_takes_to_pass_half() -> None:
    votes = tuple(make_vote(str(i), "yes", w, ts=0, inc=0) for i, w in enumerate(("500", "300", "100", "100")))
    pic = stake_chart(make_tally(1, votes=votes, total="2000", as_of=0, ve=10))
    assert pic is not None
    assert "The largest holds 50.0 %" in pic.caption and "2 of them together cast more than half" in pic.caption


# --------------------------------------------------------------------------
# Acting


def test_a_voting_nep_shows_the_exact_vote_command(built: dict[str, bytes]) -> None:
    page = html(built, "nep-0003.html")
    assert "<pre><code>nep vote 3 yes --key ~/.neuroshard/vote.key --reason" in page
    assert "nep vote" not in html(built, "nep-0002.html")


def test_repository_links_when_a_url_is_configured(built: dict[str, bytes]) -> None:
    page = html(built, "nep-0003.html")
    assert f'href="{REPO}/blob/HEAD/neps/nep-0003.md"' in page
    assert f'href="{REPO}/commits/HEAD/neps/nep-0003.md"' in page
    assert f"git clone {REPO}" in page
    plain = render_site(site_input())["nep-0003.html"].decode()
    assert "/blob/HEAD/" not in plain and "git clone" not in plain


def test_a_repository_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="repository URL"):
        render_site(replace(site_input(), repo_url="javascript:alert(1)"))


def test_calendar_reminds_a_day_before_each_vote_closes(built: dict[str, bytes]) -> None:
    ics = built["calendar.ics"].decode()
    votes = ics.count("SUMMARY:Vote on")
    assert votes >= 1 and ics.count("BEGIN:VALARM") == votes == ics.count("TRIGGER;RELATED=END:-P1D")


def test_feed_self_link_only_with_a_base_url() -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    for base, want in (("https://neps.example.org/", ["https://neps.example.org/feed.xml"]), ("", [])):
        root = ET.fromstring(render_site(replace(site_input(), base_url=base))["feed.xml"])
        assert [x.get("href") for x in root.findall(f"{atom}link") if x.get("rel") == "self"] == want


# --------------------------------------------------------------------------
# Reading and scale


def test_every_page_has_its_own_title(built: dict[str, bytes]) -> None:
    titles = {p: re.search(r"<title>(.*?)</title>", html(built, p)).group(1) for p in built if p.endswith(".html")}
    assert len(set(titles.values())) == len(titles), sorted(titles.values())
    assert titles["type-emergency.html"] == "NEP-EMERGENCY NEPs · NeuroShard NEPs"
    assert "Sorted by" not in html(built, "neps-by-title.html")


def test_no_yes_or_no_votes_reads_as_such_not_as_a_dash(built: dict[str, bytes]) -> None:
    proposals, states, protocol = fixture_site()
    t = make_tally(3, votes=(make_vote("1", "abstain", "300", ts=0, inc=0),), total="1000", as_of=AS_OF,
                   ve=AS_OF + DAY)
    states = {**states, 3: replace(states[3], tally=t)}
    page = render_site(SiteInput(AS_OF, GOV, proposals, states, protocol))["nep-0003.html"].decode().replace("\u00a0", " ")
    assert "Approval — %" not in page and "no yes or no votes yet" in page
    assert '<span class="line-label">quorum 20.0 %</span>' in page
    assert '<span class="line-label">approval 66.0 %</span>' in page


def test_task_lists_render_as_marks() -> None:
    out = render_markdown(make_markdown(), "- [ ] open <b>\n- [x] done\n- not [ ] a task\n").html
    assert 'aria-label="to do">☐</span> open &lt;b&gt;' in out and 'aria-label="done">☑</span> done' in out
    assert "<li>not [ ] a task</li>" in out


def test_dashboard_lists_are_capped_with_a_link_to_all() -> None:
    proposals, states, protocol = fixture_site()
    extra = [replace(proposals[3], nep=100 + i, path=f"neps/nep-{100 + i:04d}.md") for i in range(15)]
    more = {p.nep: replace(states[4], nep=p.nep) for p in extra}
    page = render_site(SiteInput(AS_OF, GOV, [*proposals, *extra], {**states, **more}, protocol))["index.html"]
    review = page.decode().split('id="h-review"')[1].split('id="h-upcoming"')[0]
    assert review.count('class="card"') == 10
    assert '<a href="status-review.html">All 16 NEPs in review</a>' in review


def test_index_groups_by_status_with_counts_on_every_filter(built: dict[str, bytes]) -> None:
    page = html(built, "neps.html")
    assert re.findall(r'<h2 id="group-(\w+)">', page) == ["active", "scheduled", "voting", "review", "draft",
                                                           "rejected", "withdrawn", "deprecated"]
    assert '<a href="status-rejected.html">rejected <span class="n">2</span></a>' in page
    assert '<a href="neps.html" aria-current="page">all <span class="n">9</span></a>' in page
    assert "<th scope=\"col\">Outcome</th>" in page
    assert "approved" in page.split('id="group-active"')[1].split("</table>")[0]


def test_new_pages_are_deterministic() -> None:
    a, b = render_site(replace(site_input(), repo_url=REPO)), render_site(replace(site_input(), repo_url=REPO))
    for path in ("api/protocol.json", "protocol.html", "nep-0003.html", "calendar.ics", "neps.html"):
        assert a[path] == b[path]



# --------------------------------------------------------------------------
# `nep site build --repo-url` on a copy of the example repository

EXAMPLE = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not (EXAMPLE / "governance.yaml").is_file(), reason="no example repository")
def test_nep_site_build_takes_a_repository_url(tmp_path: Path) -> None:
    from tooling.cli import main as nep

    repo = example_repo(tmp_path / "repo", ("neps", "stakes", "votes"))
    out = tmp_path / "public"
    assert nep(["site", "build", "--repo", str(repo), "--out", str(out), "--at", "2026-03-01T00:00:00Z",
                "--repo-url", REPO + ".git"]) == 0
    page = next(out.glob("nep-*.html")).read_text(encoding="utf-8")
    assert f'href="{REPO}/blob/HEAD/neps/nep-' in page and f"git clone {REPO}" in page
    assert nep(["site", "build", "--repo", str(repo), "--out", str(tmp_path / "bad"),
                "--repo-url", "ftp://example.org/neps"]) != 0
