"""``nep delegate``, ``nep delegations``, ``nep whoami`` and ``nep vote``'s pre-flight with delegation (SPEC 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from nepfixtures import GOVERNANCE, VS, T0, genesis, key, nep_text, node

from tooling.cli import main
from tooling.core import votes
from tooling.core.delegation import delegation_path
from tooling.parse.delegations import parse_delegation
from tooling.core.delegation import verify_delegation

HOUR = 3600
WITH_FEATURE = GOVERNANCE.replace("features: [diloco,", "features: [delegation, diloco,")


@pytest.fixture()
def repo(tmp_path: Path):
    r = genesis(tmp_path / "r", {1: nep_text(1, status="review")})
    r.write("governance.yaml", WITH_FEATURE)
    r.commit("feature delegation", at=T0)
    return r


def keyfile(tmp_path: Path, name: str) -> str:
    p = tmp_path / f"{name}.key"
    if not p.exists():
        votes.write_key_file(str(p), key(name))
    return str(p)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def delegate(capsys, repo, tmp_path, who: str, *args: str, at: int = VS - HOUR) -> tuple[int, str, str]:
    return run(capsys, "delegate", *args, "--key", keyfile(tmp_path, who), "--repo", str(repo.path),
               "--at", str(at), "-y")


def test_delegate_writes_a_signed_file_then_revoke(repo, tmp_path: Path, capsys) -> None:
    code, out, err = delegate(capsys, repo, tmp_path, "ada", node("bob"))
    assert code == 0, err
    assert f"delegate:     {node('bob')}" in err and "your stake:   5000 NEURO" in err
    path = repo.path / delegation_path(node("ada"))
    parsed = parse_delegation(delegation_path(node("ada")), path.read_bytes())
    assert parsed.delegation is not None and parsed.delegation.delegate == node("bob")
    assert verify_delegation(parsed.delegation)
    repo.commit("ada delegates", at=VS - HOUR)

    code, _, err = delegate(capsys, repo, tmp_path, "ada", "--revoke", at=VS - HOUR + 10)
    assert code == 0, err
    assert yaml.safe_load(path.read_text())["delegate"] is None


def test_a_self_delegation_is_always_refused(repo, tmp_path: Path, capsys) -> None:
    code, _, err = delegate(capsys, repo, tmp_path, "ada", node("ada"), "--force")
    assert code == 1 and "SELF_DELEGATION" in err
    assert not (repo.path / "delegations").exists()


def test_an_unknown_delegate_needs_force(repo, tmp_path: Path, capsys) -> None:
    stranger = "0" * 32
    code, _, err = delegate(capsys, repo, tmp_path, "ada", stranger)
    assert code == 1 and "not in the stake ledger" in err
    code, _, err = delegate(capsys, repo, tmp_path, "ada", stranger, "--force")
    assert code == 0, err


def test_a_stale_timestamp_is_refused(repo, tmp_path: Path, capsys) -> None:
    assert delegate(capsys, repo, tmp_path, "ada", node("bob"))[0] == 0
    repo.commit("ada delegates", at=VS - HOUR)
    code, _, err = run(capsys, "delegate", node("cy"), "--key", keyfile(tmp_path, "ada"), "--repo", str(repo.path),
                       "--at", str(VS), "--timestamp", str(VS - HOUR), "-y")
    assert code == 1 and "STALE" in err


def test_a_far_future_timestamp_is_refused(repo, tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "delegate", node("bob"), "--key", keyfile(tmp_path, "ada"), "--repo", str(repo.path),
                       "--at", str(VS), "--timestamp", str(VS + 301), "-y")
    assert code == 1 and "FUTURE_TIMESTAMP" in err


def test_usage_errors(repo, tmp_path: Path, capsys) -> None:
    assert delegate(capsys, repo, tmp_path, "ada")[0] == 2
    assert delegate(capsys, repo, tmp_path, "ada", node("bob"), "--revoke")[0] == 2
    assert delegate(capsys, repo, tmp_path, "ada", "NOT-A-NODE")[0] == 2


def test_whoami_shows_delegations_given_and_received(repo, tmp_path: Path, capsys) -> None:
    assert delegate(capsys, repo, tmp_path, "ada", node("eve"), "--force")[0] == 0
    assert delegate(capsys, repo, tmp_path, "cy", node("eve"), "--force")[0] == 0
    repo.commit("ada and cy delegate to eve", at=VS - HOUR)
    code, out, _ = run(capsys, "whoami", "--key", keyfile(tmp_path, "eve"), "--repo", str(repo.path),
                       "--at", str(VS), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["delegated_by"] == sorted([node("ada"), node("cy")]) and doc["delegates_to"] is None
    code, out, _ = run(capsys, "whoami", "--key", keyfile(tmp_path, "ada"), "--repo", str(repo.path),
                       "--at", str(VS))
    assert f"delegates:  {node('eve')}" in out


def test_a_delegate_without_stake_may_vote(repo, tmp_path: Path, capsys) -> None:
    args = ("vote", "1", "yes", "--key", keyfile(tmp_path, "eve"), "--repo", str(repo.path), "--at", str(VS + HOUR),
            "-y")
    code, _, err = run(capsys, *args)
    assert code == 1 and "has no stake" in err  # eve has no stake and nobody delegates to her yet
    assert delegate(capsys, repo, tmp_path, "ada", node("eve"), "--force")[0] == 0
    repo.commit("ada delegates to eve", at=VS - HOUR)
    code, _, err = run(capsys, *args)
    assert code == 0, err
    assert "delegated:    5000 NEURO from 1 delegator" in err


def test_delegations_text_without_any(repo, capsys) -> None:
    code, out, _ = run(capsys, "delegations", "--repo", str(repo.path), "--at", str(VS))
    assert code == 0 and "No delegation is in force" in out


def test_validate_accepts_a_pending_vote_of_a_delegate_without_stake(repo, tmp_path: Path, capsys) -> None:
    assert delegate(capsys, repo, tmp_path, "ada", node("eve"), "--force")[0] == 0
    repo.commit("ada delegates to eve", at=VS - HOUR)
    code, _, err = run(capsys, "vote", "1", "yes", "--key", keyfile(tmp_path, "eve"), "--repo", str(repo.path),
                       "--at", str(VS + HOUR), "-y")
    assert code == 0, err
    code, out, _ = run(capsys, "validate", "--repo", str(repo.path), "--at", str(VS + HOUR), "--format", "json")
    assert code == 0 and not [d for d in json.loads(out)["diagnostics"] if d["severity"] == "error"]


def test_an_own_vote_overrides_the_delegation_in_the_tally(repo, tmp_path: Path, capsys) -> None:
    from nepfixtures import VE, content_hash, vote_file

    assert delegate(capsys, repo, tmp_path, "ada", node("bob"))[0] == 0
    repo.commit("ada delegates to bob", at=VS - HOUR)
    chash = content_hash(nep_text(1, status="review"))
    for who, choice in (("bob", "yes"), ("ada", "no")):
        path, text = vote_file(who, 1, choice, VS + HOUR, chash)
        repo.write(path, text)
    repo.commit("ada and bob vote", at=VS + HOUR)
    code, out, _ = run(capsys, "tally", "1", "--repo", str(repo.path), "--at", str(VE), "--format", "json")
    doc = json.loads(out)
    assert (doc["yes"], doc["no"]) == ("2000", "5000")
    assert all(v["delegators"] == [] for v in doc["votes"])
