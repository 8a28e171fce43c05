"""`nep check-pr` on delegation files (SPEC 11): a new version must be valid if merged at --at; no deletion."""

from __future__ import annotations

from pathlib import Path

import pytest
from nepfixtures import GOVERNANCE, NETWORK, VS, T0, content_hash, genesis, key, nep_text, node, vote_file

from tooling.checks.policy import check_pr
from tooling.core.delegation import render_delegation_file, sign_delegation
from tooling.core.model import Severity

HOUR = 3600
NEP1 = nep_text(1, status="review")
WITH_FEATURE = GOVERNANCE.replace("features: [diloco,", "features: [delegation, diloco,")


def file_of(who: str, to: str | None, ts: int, network: str = NETWORK) -> tuple[str, str]:
    d = sign_delegation(key(who), network=network, delegate=None if to is None else node(to), timestamp=ts)
    return d.path, render_delegation_file(d)


@pytest.fixture
def repo(tmp_path: Path):
    r = genesis(tmp_path / "repo", {1: NEP1})
    r.write("governance.yaml", WITH_FEATURE)
    r.commit("feature delegation", at=T0)
    return r


def pull_request(repo, name: str, changes: dict[str, str | None], at: int) -> str:
    repo.checkout(name, create=True)
    for path, text in changes.items():
        if text is None:
            repo.delete(path)
        else:
            repo.write(path, text)
    repo.commit(f"pull request {name}", at=at)
    repo.checkout("main")
    return name


def found(result) -> list[tuple[str, str]]:
    return sorted((d.slug, d.message) for d in result.diagnostics if d.severity is Severity.ERROR)


def test_a_valid_delegation_is_accepted_without_maintainers_notice(repo) -> None:
    path, text = file_of("ada", "bob", T0 + HOUR)
    result = check_pr(repo.path, "main", pull_request(repo, "d", {path: text}, T0 + HOUR), T0 + HOUR)
    assert [d.slug for d in result.diagnostics] == []


@pytest.mark.parametrize(("who", "to", "ts", "network", "code"), [
    ("ada", "ada", T0 + HOUR, NETWORK, "SELF_DELEGATION"),
    ("ada", "bob", T0 + HOUR, "elsewhere", "WRONG_NETWORK"),
    ("ada", "bob", T0 + HOUR + 301, NETWORK, "FUTURE_TIMESTAMP"),
])
def test_an_invalid_new_version_is_refused(repo, who, to, ts, network, code) -> None:
    path, text = file_of(who, to, ts, network)
    result = check_pr(repo.path, "main", pull_request(repo, "d", {path: text}, T0 + HOUR), T0 + HOUR)
    assert [(s, code in m) for s, m in found(result)] == [("pr-delegation-invalid", True)]


def test_timestamp_300_s_ahead_is_accepted(repo) -> None:
    path, text = file_of("ada", "bob", T0 + HOUR + 300)
    result = check_pr(repo.path, "main", pull_request(repo, "d", {path: text}, T0 + HOUR), T0 + HOUR)
    assert found(result) == []


def test_a_replayed_older_version_is_stale_against_the_base(repo) -> None:
    path, old = file_of("ada", "cy", T0 + HOUR)
    _, new = file_of("ada", "bob", T0 + 2 * HOUR)
    repo.write(path, new)
    repo.commit("ada delegates to bob", at=T0 + 2 * HOUR)
    result = check_pr(repo.path, "main", pull_request(repo, "d", {path: old}, T0 + 3 * HOUR), T0 + 3 * HOUR)
    assert [(s, "STALE" in m) for s, m in found(result)] == [("pr-delegation-invalid", True)]


def test_deleting_a_delegation_file_is_refused(repo) -> None:
    path, text = file_of("ada", "bob", T0 + HOUR)
    repo.write(path, text)
    repo.commit("ada delegates", at=T0 + HOUR)
    result = check_pr(repo.path, "main", pull_request(repo, "d", {path: None}, T0 + 2 * HOUR), T0 + 2 * HOUR)
    assert [s for s, _ in found(result)] == ["pr-delegation-deleted"]


def test_a_stray_file_in_delegations_is_refused(repo) -> None:
    result = check_pr(repo.path, "main", pull_request(repo, "d", {"delegations/notes.txt": "hi\n"}, T0 + HOUR),
                      T0 + HOUR)
    assert [s for s, _ in found(result)] == ["pr-unknown-file"]


def test_a_delegate_without_stake_may_add_a_vote(repo) -> None:
    path, text = file_of("ada", "eve", T0 + HOUR)  # eve has no stake of her own
    repo.write(path, text)
    repo.commit("ada delegates to eve", at=T0 + HOUR)
    vpath, vtext = vote_file("eve", 1, "yes", VS + HOUR, content_hash(NEP1))
    result = check_pr(repo.path, "main", pull_request(repo, "v", {vpath: vtext}, VS + HOUR), VS + HOUR)
    assert found(result) == []
    bob_path, bob_text = vote_file("cy", 1, "yes", VS + HOUR, content_hash(NEP1))
    assert found(check_pr(repo.path, "main", pull_request(repo, "w", {bob_path: bob_text}, VS + HOUR),
                          VS + HOUR)) == []
