"""The smaller attacks of the trust review: each is a finding, never an internal error, never exit 2.

- a vote file name that is not UTF-8;
- an amount of 5,000 digits (SPEC 2 v1.1: at most 30 integer and 18 fractional digits);
- a vote whose `nep` disagrees with its folder (WRONG_PATH, even for a folder of a NEP that does not exist).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nepfixtures import T0, VS, content_hash, genesis, ledger_text, nep_cli, nep_text, vote_file
from tooling.checks.policy import check_pr

NEP1 = nep_text(1, status="review")
AT = str(VS + 3600)
READ_COMMANDS = [
    ("validate", "--format", "json"), ("status", "--format", "json"), ("show", "1"), ("tally", "1", "--format", "json"),
    ("rewards",), ("config",), ("advance", "--dry-run"),
]


def run_all(root: Path, tmp: Path) -> dict[str, object]:
    results = {}
    for args in [*READ_COMMANDS, ("site", "build", "--out", str(tmp / "site"))]:
        proc = nep_cli(root, *args, "--at", AT)
        assert proc.returncode in (0, 1), (args, proc.returncode, proc.stderr)
        assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)
        results[args[0] if args[0] != "site" else "site"] = proc
    return results


def test_a_vote_file_name_that_is_not_utf8_is_a_finding_in_every_command(tmp_path):
    repo = genesis(tmp_path / "repo", {1: NEP1})
    folder = os.fsencode(repo.path / "votes" / "nep-0001")
    os.makedirs(folder, exist_ok=True)
    path, text = vote_file("ada", 1, "yes", VS + 60, content_hash(NEP1))
    with open(os.path.join(folder, b"\xff" + os.fsencode(Path(path).name)), "wb") as fh:
        fh.write(text.encode())
    repo.commit("a vote under a name that is not UTF-8", at=VS + 120)
    results = run_all(repo.path, tmp_path)
    found = json.loads(results["validate"].stdout)["diagnostics"]  # type: ignore[attr-defined]
    assert [(d["slug"], d["file"].startswith("votes/nep-0001/\\xff")) for d in found] == [("unknown-file", True)]
    tally = json.loads(results["tally"].stdout)  # type: ignore[attr-defined]
    assert tally["votes"] == []  # never counted as a vote
    assert (tmp_path / "site" / "index.html").is_file()


def huge_amounts(tmp_path: Path, amount: str):  # type: ignore[no-untyped-def]
    repo = genesis(tmp_path / "repo", {1: NEP1})
    repo.write("stakes/ledger.yaml", ledger_text().replace('amount: "2000"', f'amount: "{amount}"'))
    repo.write("neps/nep-0002.md", nep_text(2).replace('upgrade_cost_neuro: "0"', f'upgrade_cost_neuro: "{amount}"'))
    repo.commit("huge amounts", at=T0 + 60)
    return repo


EXPECTED = {("stakes/ledger.yaml", "schema-value"), ("neps/nep-0002.md", "schema-value")}


def test_a_5000_digit_amount_is_a_schema_error_never_an_internal_error(tmp_path):
    repo = huge_amounts(tmp_path, "9" * 5000)
    results = run_all(repo.path, tmp_path)
    found = json.loads(results["validate"].stdout)["diagnostics"]  # type: ignore[attr-defined]
    assert {(d["file"], d["slug"]) for d in found} >= EXPECTED


@pytest.mark.parametrize("amount", ["1" * 31, "0." + "1" * 19], ids=["31 integer digits", "19 fractional digits"])
def test_one_digit_beyond_each_bound_is_a_schema_error(tmp_path, amount):
    proc = nep_cli(huge_amounts(tmp_path, amount).path, "validate", "--at", AT, "--format", "json")
    assert {(d["file"], d["slug"]) for d in json.loads(proc.stdout)["diagnostics"]} >= EXPECTED


def test_the_largest_allowed_amount_is_accepted(tmp_path):
    repo = genesis(tmp_path / "repo", {1: NEP1})
    biggest = "9" * 30 + "." + "9" * 18
    repo.write("stakes/ledger.yaml", ledger_text().replace('amount: "2000"', f'amount: "{biggest}"'))
    repo.commit("the largest amount", at=T0 + 60)
    proc = nep_cli(repo.path, "validate", "--at", AT, "--format", "json")
    assert proc.returncode == 0, proc.stdout
    tally = nep_cli(repo.path, "tally", "1", "--at", AT, "--format", "json")
    assert tally.returncode == 0 and biggest[:10] in json.loads(tally.stdout)["total_stake"]


@pytest.mark.parametrize("folder_nep", [1, 9], ids=["existing NEP", "missing NEP"])
def test_a_vote_whose_nep_disagrees_with_its_folder_is_wrong_path(tmp_path, folder_nep):
    repo = genesis(tmp_path / "repo", {1: NEP1, 2: nep_text(2, status="review")})
    path, text = vote_file("ada", 2, "yes", VS + 60, content_hash(nep_text(2, status="review")))
    wrong = path.replace("nep-0002", f"nep-{folder_nep:04d}")
    repo.write(wrong, text)
    repo.commit("vote in the wrong folder", at=VS + 120)
    proc = nep_cli(repo.path, "validate", "--at", AT, "--format", "json")
    found = [(d["file"], d["slug"]) for d in json.loads(proc.stdout)["diagnostics"]]
    assert found == [(wrong, "vote-wrong-path")]


@pytest.mark.parametrize("folder_nep", [1, 9], ids=["existing NEP", "missing NEP"])
def test_check_pr_refuses_a_misfiled_vote_as_wrong_path(tmp_path, folder_nep):
    repo = genesis(tmp_path / "repo", {1: NEP1, 2: nep_text(2, status="review")})
    path, text = vote_file("ada", 2, "yes", VS + 60, content_hash(nep_text(2, status="review")))
    wrong = path.replace("nep-0002", f"nep-{folder_nep:04d}")
    repo.checkout("pr", create=True)
    repo.write(wrong, text)
    repo.commit("misfiled vote", at=VS + 120)
    repo.checkout("main")
    result = check_pr(repo.path, "main", "pr", VS + 3600)
    assert [(d.slug, "WRONG_PATH" in d.message) for d in result.diagnostics] == [("pr-vote-not-counted", True)]
    # Positive control: the same vote in its own folder counts.
    repo.checkout("ok", create=True)
    repo.write(path, text)
    repo.commit("vote", at=VS + 120)
    repo.checkout("main")
    assert check_pr(repo.path, "main", "ok", VS + 3600).diagnostics == []
