"""Robustness: the ~600 EIP-derived proposals of ../shared/corpus validate without a crash.

The corpus is real prose (tables, code, HTML, odd headings) converted to our
format; it is the closest thing to what authors will write.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import example_repo
from tooling.cli import main

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "eips" / "neps"


@pytest.fixture(scope="module")
def corpus_repo(tmp_path_factory):
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS}; CI lays shared/ beside the checkout")
    repo = tmp_path_factory.mktemp("corpus")
    example_repo(repo, ())
    shutil.copytree(CORPUS, repo / "neps")
    # An empty ledger: without one no NEP can be decided outside git (SPEC 2, exit 1).
    (repo / "stakes").mkdir()
    (repo / "stakes" / "ledger.yaml").write_text("entries: []\n", encoding="utf-8")
    return repo


def test_every_corpus_proposal_validates(corpus_repo, capsys):
    rc = main(["validate", "--repo", str(corpus_repo), "--at", "2026-01-01T00:00:00Z", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["errors"] == 0, [d for d in doc["diagnostics"] if d["severity"] == "error"][:5]
    assert rc == 0
    # Only the notice for EIP-specific section names may remain.
    assert {d["slug"] for d in doc["diagnostics"]} <= {"body-unknown-section"}


def test_every_corpus_proposal_is_loaded(corpus_repo):
    from tooling.shell.repository import load_repository

    repo = load_repository(corpus_repo)
    files = sorted(p.name for p in CORPUS.glob("nep-*.md"))
    assert len(repo.proposals) == len(files) > 500
    assert all(len(p.content_hash) == 64 for p in repo.proposals)


def test_status_of_the_corpus_is_computed(corpus_repo, capsys):
    assert main(["status", "--repo", str(corpus_repo), "--at", "2026-01-01T00:00:00Z", "--format", "json"]) == 0
    neps = json.loads(capsys.readouterr().out)["neps"]
    assert len(neps) > 500
    # The converter marks Final/Living EIPs `review` and the rest draft/withdrawn; outside git a
    # review file is submitted at --at (SPEC 7).
    assert {n["status"] for n in neps} <= {"draft", "review", "withdrawn", "rejected"}


def test_corpus_proposals_with_a_broken_byte_are_reported_not_crashed(corpus_repo, tmp_path, capsys):
    repo = tmp_path / "r"
    shutil.copytree(corpus_repo, repo)
    victims = sorted((repo / "neps").glob("nep-*.md"))[:20]
    for i, path in enumerate(victims):
        data = bytearray(path.read_bytes())
        data[(i * 7919) % len(data)] = 0xFF  # invalid UTF-8 somewhere in each file
        path.write_bytes(bytes(data))
    rc = main(["validate", "--repo", str(repo), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert rc == 1
    flagged = {d["file"] for d in doc["diagnostics"] if d["slug"] == "not-utf8"}
    assert flagged == {f"neps/{p.name}" for p in victims}
