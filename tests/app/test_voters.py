"""Voters: ``nep vote`` previews and refuses a vote that could not count; ``nep whoami``; validate on votes.

The repository: ``nep init``, Ada's stake from 2026-01-01, NEP 1 committed in
review on 2026-01-04, so voting runs from 2026-01-11 to 2026-01-18 (UTC).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.gitrepo import GitRepo
from tooling.cli import main
from tooling.core.instants import parse_instant

IN_VOTING = "2026-01-12T00:00:00Z"


def nep(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def new_key(tmp_path: Path, capsys, name: str) -> tuple[Path, str]:
    path = tmp_path / f"{name}.yaml"
    rc, out, _ = nep(capsys, "key", "new", "--out", str(path))
    assert rc == 0
    return path, re.search(r"node: ([0-9a-f]{32})", out).group(1)


@pytest.fixture
def world(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    root = tmp_path / "gov"
    assert main(["init", str(root), "--network", "acme"]) == 0
    ada, ada_node = new_key(tmp_path, capsys, "ada")
    poor, poor_node = new_key(tmp_path, capsys, "poor")
    repo = GitRepo(root)
    ledger = (root / "stakes/ledger.yaml").read_text(encoding="utf-8").replace("entries: []", (
        f'entries:\n  - {{node: "{ada_node}", amount: "800", since: "2026-01-01T00:00:00Z", '
        'locked_until: "2028-01-01T00:00:00Z"}'))
    repo.write("stakes/ledger.yaml", ledger)
    repo.commit("init", at=parse_instant("2026-01-01T00:00:00Z"))
    assert main(["new", "--repo", str(root), "--type", "net", "--title", "Faster gossip",
                 "--author", f"Ada:{ada_node}", "--at", "2026-01-03T00:00:00Z"]) == 0
    path = root / "neps" / "nep-0001.md"
    text = re.sub(r"TODO: [^\n]*", "Written.", path.read_text(encoding="utf-8"))
    path.write_text(text.replace('status: "draft"', 'status: "review"'), encoding="utf-8")
    repo.commit("NEP 1 in review", at=parse_instant("2026-01-04T00:00:00Z"))
    capsys.readouterr()
    return {"root": root, "repo": repo, "ada": ada, "ada_node": ada_node, "poor": poor, "poor_node": poor_node}


def vote(capsys, w, key: str, *extra: str) -> tuple[int, str, str]:
    return nep(capsys, "vote", "1", "yes", "--key", str(w[key]), "--repo", str(w["root"]), "-y", *extra)


def test_the_preview_shows_what_will_be_signed(world, capsys):
    rc, out, err = vote(capsys, world, "ada", "--at", IN_VOTING)
    assert rc == 0
    assert "NEP-0001 Faster gossip" in err and "choice:       yes" in err
    assert re.search(r"content hash: [0-9a-f]{64}", err)
    assert "weight:       800 NEURO at the snapshot" in err
    assert "time left:    6d (until 2026-01-18T00:00:00Z)" in err
    assert f"wrote votes/nep-0001/{world['ada_node']}.yaml" in out


@pytest.mark.parametrize(("key", "at", "extra", "reason"), [
    ("ada", "2026-01-05T00:00:00Z", (), "NEP-0001 is review, not in voting"),
    ("poor", IN_VOTING, (), "has no stake at the snapshot"),
    ("ada", IN_VOTING, ("--timestamp", str(parse_instant("2026-01-19T00:00:00Z"))), "outside the voting window"),
    ("ada", "2026-01-20T00:00:00Z", (), "not in voting"),
])
def test_a_vote_that_could_not_count_is_refused_with_the_reason(world, capsys, key, at, extra, reason):
    rc, out, err = vote(capsys, world, key, "--at", at, *extra)
    assert rc == 1 and reason in err and "--force" in err
    assert not (world["root"] / "votes" / "nep-0001").exists()
    # --force writes it anyway; validate then reports it as the error check-pr would refuse it with.
    rc, out, err = vote(capsys, world, key, "--at", at, *extra, "--force")
    assert rc == 0
    rc, out, _ = nep(capsys, "validate", "--repo", str(world["root"]), "--at", at, "--format", "json")
    (d,) = json.loads(out)["diagnostics"]
    assert rc == 1 and d["severity"] == "error" and d["slug"] in ("pr-vote-not-open", "pr-vote-not-counted")


def test_a_vote_in_history_that_does_not_count_stays_a_notice(world, capsys):
    assert vote(capsys, world, "poor", "--at", IN_VOTING, "--force")[0] == 0
    world["repo"].commit("a vote without stake", at=parse_instant(IN_VOTING))
    rc, out, _ = nep(capsys, "validate", "--repo", str(world["root"]), "--at", IN_VOTING, "--format", "json")
    (d,) = json.loads(out)["diagnostics"]
    assert rc == 0 and (d["slug"], d["severity"]) == ("vote-not-counted", "notice")


def test_a_vote_that_would_count_is_no_finding(world, capsys):
    assert vote(capsys, world, "ada", "--at", IN_VOTING)[0] == 0
    rc, out, _ = nep(capsys, "validate", "--repo", str(world["root"]), "--at", IN_VOTING, "--format", "json")
    assert (rc, json.loads(out)["diagnostics"]) == (0, [])


def test_whoami_shows_node_stake_and_votes(world, capsys):
    assert vote(capsys, world, "ada", "--at", IN_VOTING)[0] == 0
    rc, out, _ = nep(capsys, "whoami", "--key", str(world["ada"]), "--repo", str(world["root"]), "--at", IN_VOTING)
    assert rc == 0
    assert f"node:       {world['ada_node']}" in out and "stake:      800 NEURO at 2026-01-12T00:00:00Z" in out
    assert "votes cast: 1" in out and "NEP-0001 yes" in out
    rc, out, _ = nep(capsys, "whoami", "--key", str(world["poor"]), "--repo", str(world["root"]), "--at", IN_VOTING,
                     "--format", "json")
    doc = json.loads(out)
    assert (doc["node"], doc["stake"], doc["votes"]) == (world["poor_node"], "0", [])
    # Before the stake's `since`, it weighs nothing.
    rc, out, _ = nep(capsys, "whoami", "--key", str(world["ada"]), "--repo", str(world["root"]),
                     "--at", "2026-01-01T00:00:00Z", "--format", "json")
    assert json.loads(out)["stake"] == "0"


def test_the_vote_file_is_still_the_signed_format(world, capsys):
    assert vote(capsys, world, "ada", "--at", IN_VOTING, "--reason", "faster")[0] == 0
    (path,) = (world["root"] / "votes" / "nep-0001").iterdir()
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["timestamp"] == parse_instant(IN_VOTING) and doc["network"] == "acme" and doc["reason"] == "faster"
