"""Attacks on `nep check-pr` through pull requests (SPEC 9, v1.1): each is refused with its pr-… code.

Every scenario is a real git repository: main holds NEP 1 submitted at T0
(review, voting [VS, VE)) and NEP 2 a draft; the attack is a branch off
main. Each attack has a positive control next to it: the same kind of change
without the attack passes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gitrepo import GitRepo
from nepfixtures import GOVERNANCE, T0, VS, content_hash, genesis, ledger_text, nep_cli, nep_text, node, vote_file
from tooling.checks.policy import check_pr
from tooling.core.model import Severity

NEP1 = nep_text(1, status="review")
NEP2 = nep_text(2, status="draft", proposer="bob")
NOW = T0 + 3 * 3600


@pytest.fixture
def repo(tmp_path: Path):
    return genesis(tmp_path / "repo", {1: NEP1, 2: NEP2})


def branch(repo, name: str, build) -> str:  # type: ignore[no-untyped-def]
    """A pull request branch off main: ``build(repo)`` changes the work tree, then everything is committed."""
    repo.checkout("main")
    repo.checkout(name, create=True)
    build(repo)
    repo.commit(f"pull request {name}", at=T0 + 3600)
    repo.checkout("main")
    return name


def errors(result) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(d.slug for d in result.diagnostics if d.severity is Severity.ERROR)


def write(repo, rel: str, text: str) -> None:  # type: ignore[no-untyped-def]
    repo.write(rel, text)


# --------------------------------------------------------------------------
# Symbolic links, caches, submodules, attributes


def test_a_symlinked_nep_cache_with_a_forged_history_is_refused(repo):
    def attack(r):  # type: ignore[no-untyped-def]
        r.write("docs/cache/history.json", '{"forged": true}\n')
        os.symlink("docs/cache", r.path / ".nep-cache")

    result = check_pr(repo.path, "main", branch(repo, "forge", attack), NOW)
    assert {"pr-symlink", "pr-cache-path"} <= set(errors(result))
    link = next(d for d in result.diagnostics if d.slug == "pr-symlink")
    assert link.file == ".nep-cache" and link.code == "NEP713"


def test_a_symlink_anywhere_is_refused_even_to_an_absolute_path(repo):
    result = check_pr(repo.path, "main", branch(repo, "abs", lambda r: os.symlink("/etc", r.path / "docs-link")), NOW)
    assert errors(result) == ["pr-symlink"]


def test_turning_a_file_into_a_symlink_is_refused(repo):
    def attack(r):  # type: ignore[no-untyped-def]
        r.delete("stakes/ledger.yaml")
        os.symlink("/tmp/ledger.yaml", r.path / "stakes" / "ledger.yaml")

    assert "pr-symlink" in errors(check_pr(repo.path, "main", branch(repo, "t", attack), NOW))


def test_a_plain_file_under_nep_cache_is_refused_at_any_depth_and_case(repo):
    def attack(r):  # type: ignore[no-untyped-def]
        r.write(".nep-cache/history-main.json", "{}\n")
        r.write("docs/.NEP-CACHE/x.json", "{}\n")

    result = check_pr(repo.path, "main", branch(repo, "cache", attack), NOW)
    assert errors(result) == ["pr-cache-path", "pr-cache-path"]


def test_a_submodule_and_gitmodules_are_refused(repo):
    def attack(r):  # type: ignore[no-untyped-def]
        r.write(".gitmodules", '[submodule "v"]\n\tpath = vendor/v\n\turl = https://example.invalid/v.git\n')
        inner = GitRepo(r.path / "vendor" / "v")  # an embedded repository: `git add` records a gitlink
        inner.write("x.txt", "x\n")
        inner.commit("inner", at=T0)

    result = check_pr(repo.path, "main", branch(repo, "sub", attack), NOW)
    assert errors(result) == ["pr-submodule", "pr-submodule"]
    assert {d.file for d in result.diagnostics if d.slug == "pr-submodule"} == {".gitmodules", "vendor/v"}


@pytest.mark.parametrize("path", [".gitattributes", "neps/.gitattributes", "votes/nep-0001/.GitAttributes",
                                  "docs/.gitattributes."])
def test_gitattributes_at_any_depth_is_refused(repo, path):
    result = check_pr(repo.path, "main", branch(repo, "attr", lambda r: r.write(path, "*.md -text\n")), NOW)
    assert "pr-gitattributes" in errors(result)


def test_deleting_a_gitattributes_is_refused_too(repo):
    repo.write(".gitattributes", "*.md text eol=lf\n")
    repo.commit("attributes", at=T0 + 60)
    result = check_pr(repo.path, "main", branch(repo, "rm", lambda r: r.delete(".gitattributes")), NOW)
    assert errors(result) == ["pr-gitattributes"]


def test_positive_control_a_plain_docs_file_is_a_notice_only(repo):
    result = check_pr(repo.path, "main", branch(repo, "docs", lambda r: r.write("docs/a.md", "# A\n")), NOW)
    assert errors(result) == [] and [d.slug for d in result.diagnostics] == ["pr-outside-layout"]


# --------------------------------------------------------------------------
# Paths that are not UTF-8


def _bad_name(r) -> None:  # type: ignore[no-untyped-def]
    folder = os.fsencode(r.path / "votes" / "nep-0001")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, b"\xff\xfe.yaml"), "wb") as fh:
        fh.write(b"voter: x\n")


def test_a_vote_file_name_that_is_not_utf8_is_refused_and_the_cli_exits_1(repo):
    pr = branch(repo, "bytes", _bad_name)
    result = check_pr(repo.path, "main", pr, NOW)
    assert errors(result) == ["pr-path-encoding"]
    d = result.diagnostics[0]
    assert d.file == "votes/nep-0001/\\xff\\xfe.yaml"
    proc = nep_cli(repo.path, "check-pr", "--base", "main", "--head", pr, "--at", str(NOW), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert [x["slug"] for x in json.loads(proc.stdout)["diagnostics"]] == ["pr-path-encoding"]
    proc = nep_cli(repo.path, "check-pr", "--base", "main", "--head", pr, "--at", str(NOW), "--format", "github")
    assert proc.returncode == 1 and "title=NEP717" in proc.stdout, proc.stdout + proc.stderr


# --------------------------------------------------------------------------
# governance.yaml and the ledger


def test_lowering_the_quorum_after_a_submission_is_refused(repo):
    pr = branch(repo, "quorum", lambda r: r.write("governance.yaml", GOVERNANCE.replace('quorum: "0.20"',
                                                                                        'quorum: "0.01"')))
    result = check_pr(repo.path, "main", pr, NOW)
    assert errors(result) == ["pr-governance-frozen"]
    (d,) = [d for d in result.diagnostics if d.slug == "pr-governance-frozen"]
    assert "quorum: 0.2 -> 0.01" in d.message and "NEP-0001" in d.message and d.code == "NEP718"


def test_renaming_the_network_or_a_track_value_after_a_submission_is_refused(repo):
    text = GOVERNANCE.replace("neuroshard-mainnet", "neuroshard-fork").replace("voting_hours: 168",
                                                                               "voting_hours: 1", 1)
    result = check_pr(repo.path, "main", branch(repo, "net", lambda r: r.write("governance.yaml", text)), NOW)
    assert errors(result) == ["pr-governance-frozen"]
    (d,) = [d for d in result.diagnostics if d.slug == "pr-governance-frozen"]
    assert "network" in d.message and "tracks.standard.voting_hours: 168 -> 1" in d.message


def test_deleting_or_breaking_governance_after_a_submission_is_refused(repo):
    result = check_pr(repo.path, "main", branch(repo, "del", lambda r: r.delete("governance.yaml")), NOW)
    assert "pr-governance-frozen" in errors(result)
    result = check_pr(repo.path, "main", branch(repo, "bad", lambda r: r.write("governance.yaml", "quorum: [\n")), NOW)
    assert "pr-governance-frozen" in errors(result)


def test_positive_control_same_values_written_differently_are_no_change(repo):
    text = "# genesis, reviewed\n" + GOVERNANCE.replace('quorum: "0.20"', 'quorum: "0.2"')
    result = check_pr(repo.path, "main", branch(repo, "fmt", lambda r: r.write("governance.yaml", text)), NOW)
    assert errors(result) == []


def test_positive_control_governance_may_change_before_any_submission(tmp_path):
    repo = genesis(tmp_path / "fresh", {2: NEP2})
    text = GOVERNANCE.replace('quorum: "0.20"', 'quorum: "0.30"')
    result = check_pr(repo.path, "main", branch(repo, "q", lambda r: r.write("governance.yaml", text)), NOW)
    assert errors(result) == []


def test_a_retroactive_stake_is_not_refused_but_listed_per_node_with_exact_amounts(repo):
    extra = ('  - node: "' + node("eve") + '"\n    amount: "1000000.000000000000000001"\n'
             '    since: "2025-01-01T00:00:00Z"\n    locked_until: "2030-01-01T00:00:00Z"\n')
    changed = ledger_text().replace('amount: "2000"', 'amount: "1500.5"') + extra
    pr = branch(repo, "stake", lambda r: r.write("stakes/ledger.yaml", changed))
    result = check_pr(repo.path, "main", pr, NOW)
    assert errors(result) == []
    (notice,) = [d for d in result.diagnostics if d.slug == "pr-ledger-change"]
    assert notice.severity is Severity.NOTICE
    assert f"{node('eve')}: 0 -> 1000000.000000000000000001 (+1000000.000000000000000001)" in notice.message
    assert f"{node('bob')}: 2000 -> 1500.5 (-499.5)" in notice.message
    assert node("ada") not in notice.message


def test_a_5000_digit_amount_in_the_ledger_is_a_schema_error_not_an_internal_error(repo):
    huge = ledger_text().replace('amount: "2000"', 'amount: "' + "9" * 5000 + '"')
    pr = branch(repo, "huge", lambda r: r.write("stakes/ledger.yaml", huge))
    result = check_pr(repo.path, "main", pr, NOW)
    assert "schema-value" in errors(result)
    proc = nep_cli(repo.path, "check-pr", "--base", "main", "--head", pr, "--at", str(NOW))
    assert proc.returncode == 1 and "internal error" not in proc.stderr + proc.stdout


def test_positive_control_a_valid_vote_is_accepted(repo):
    path, text = vote_file("ada", 1, "yes", VS + 60, content_hash(NEP1))
    result = check_pr(repo.path, "main", branch(repo, "vote", lambda r: r.write(path, text)), VS + 120)
    assert errors(result) == []
