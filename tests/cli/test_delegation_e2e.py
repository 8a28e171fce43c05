"""Delegation end to end (SPEC 11): real git repositories with dated commits, driven through `nep`."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from nepfixtures import GOVERNANCE, NETWORK, VE, VS, T0, content_hash, genesis, key, nep_text, node, vote_file

from tooling.cli import main
from tooling.core.delegation import render_delegation_file, sign_delegation

HOUR = 3600
AFTER = VE + HOUR
WITH_FEATURE = GOVERNANCE.replace("features: [diloco,", "features: [delegation, diloco,")


def delegation(delegator: str, delegate: str | None, timestamp: int) -> tuple[str, str]:
    d = sign_delegation(key(delegator), network=NETWORK, delegate=None if delegate is None else node(delegate),
                        timestamp=timestamp)
    return d.path, render_delegation_file(d)


def repo_with(tmp_path: Path, *, feature: bool, delegated_at: int, vote_at: int):
    """NEP 1 submitted at T0; ada (5000 of 20000) delegates to bob (2000), who votes yes."""
    text = nep_text(1, status="review")
    repo = genesis(tmp_path / "r", {1: text})
    if feature:
        repo.write("governance.yaml", WITH_FEATURE)
        repo.commit("genesis features: delegation", at=T0)
    path, body = delegation("ada", "bob", delegated_at)
    repo.write(path, body)
    repo.commit("ada delegates to bob", at=delegated_at)
    vpath, vbody = vote_file("bob", 1, "yes", vote_at, content_hash(text))
    repo.write(vpath, vbody)
    repo.commit("bob votes", at=vote_at)
    return repo


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def nep_cli(cwd: Path, *args: str) -> Result:
    """`nep ARGS --repo cwd`, in process (the same parser and exit codes as the installed command)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*args, "--repo", str(cwd)])
    return Result(code, out.getvalue(), err.getvalue())


def tally(repo, at: int = AFTER) -> dict:
    r = nep_cli(repo.path, "tally", "1", "--at", str(at), "--format", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_quorum_missed_without_delegation_reached_with_it(tmp_path: Path) -> None:
    without = tally(repo_with(tmp_path / "a", feature=False, delegated_at=VS - HOUR, vote_at=VS + HOUR))
    assert without["quorum_reached"] is False and without["outcome"] == "rejected"
    assert without["delegation"] is False
    (vote,) = without["votes"]
    assert (vote["weight"], vote["own_weight"], vote["delegated_weight"], vote["delegators"]) == ("2000", "2000", "0", [])

    with_ = tally(repo_with(tmp_path / "b", feature=True, delegated_at=VS - HOUR, vote_at=VS + HOUR))
    assert with_["quorum_reached"] is True and with_["outcome"] == "approved"
    (vote,) = with_["votes"]
    assert (vote["weight"], vote["own_weight"], vote["delegated_weight"]) == ("7000", "2000", "5000")
    assert vote["delegators"] == [node("ada")]
    assert with_["yes"] == "7000"


@pytest.mark.parametrize(("offset", "counts"), [(0, True), (1, False)])
def test_delegation_included_exactly_at_vs_counts_one_second_after_does_not(
    tmp_path: Path, offset: int, counts: bool
) -> None:
    result = tally(repo_with(tmp_path, feature=True, delegated_at=VS + offset, vote_at=VS + HOUR))
    (vote,) = result["votes"]
    assert vote["delegated_weight"] == ("5000" if counts else "0")
    assert result["quorum_reached"] is counts


def test_text_tally_shows_own_and_delegated_weight(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, feature=True, delegated_at=VS - HOUR, vote_at=VS + HOUR)
    r = nep_cli(repo.path, "tally", "1", "--at", str(AFTER))
    assert r.returncode == 0, r.stderr
    assert "DELEGATED" in r.stdout and "OWN" in r.stdout
    assert "carries 5,000" in r.stdout or "carries 5000" in r.stdout


def test_rewards_list_the_delegator(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, feature=True, delegated_at=VS - HOUR, vote_at=VS + HOUR)
    r = nep_cli(repo.path, "rewards", "--at", str(AFTER), "--format", "json")
    assert r.returncode == 0, r.stderr
    (entry,) = [e for e in json.loads(r.stdout)["proposals"] if e["nep"] == 1]
    assert entry["voter_roles"][node("ada")] == "delegator"
    assert entry["delegators"] == [node("ada")]


def test_delegations_report_at_an_instant(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, feature=True, delegated_at=VS - HOUR, vote_at=VS + HOUR)
    before = json.loads(nep_cli(repo.path, "delegations", "--at", str(VS - HOUR - 1), "--format", "json").stdout)
    assert before["delegations"] == [] and before["delegates"] == []
    r = nep_cli(repo.path, "delegations", "--at", str(VS), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["delegations"] == [{"delegator": node("ada"), "delegate": node("bob"),
                                   "included_at": "2026-01-07T23:00:00Z", "timestamp": VS - HOUR, "stake": "5000"}]
    assert doc["delegates"] == [{"delegate": node("bob"), "delegated_stake": "5000", "delegators": [node("ada")]}]
    text = nep_cli(repo.path, "delegations", "--at", str(VS)).stdout
    assert "25.0 %" in text


def test_the_installed_command_counts_the_delegation(tmp_path: Path) -> None:
    """The same over a real `python -m tooling` process, as a user runs `nep`."""
    import nepfixtures

    repo = repo_with(tmp_path, feature=True, delegated_at=VS - HOUR, vote_at=VS + HOUR)
    r = nepfixtures.nep_cli(repo.path, "tally", "1", "--at", str(AFTER), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["outcome"] == "approved" and doc["votes"][0]["delegators"] == [node("ada")]


def test_site_shows_own_and_delegated_weight_and_a_delegates_page(tmp_path: Path) -> None:
    from tooling.present.site import build

    repo = repo_with(tmp_path, feature=True, delegated_at=VS - HOUR, vote_at=VS + HOUR)
    out = tmp_path / "site"
    build(repo.path, AFTER, out)
    page = (out / "nep-0001.html").read_text()
    assert "<details class=\"delegated\"><summary>own 2,000 + delegated 5,000</summary>" in page or \
        "own 2000 + delegated 5000" in page
    assert node("ada") in page
    delegates = (out / "delegates.html").read_text()
    assert node("bob") in delegates and "25.0 %" in delegates
    api = json.loads((out / "api" / "delegates.json").read_text())
    assert api["delegates"] == [{"delegate": node("bob"), "delegated_stake": "5000", "delegators": [node("ada")]}]
    (vote,) = json.loads((out / "api" / "nep-0001.json").read_text())["votes"]
    assert (vote["own_weight"], vote["delegated_weight"], vote["delegators"]) == ("2000", "5000", [node("ada")])
