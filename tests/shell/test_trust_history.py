"""Decisions that cannot be flipped (SPEC 2 v1.1): every deciding input read from history as of its instant.

Each attack is performed through commits in a real git repository, after the
NEP was decided; the outcome must not move. Each has a positive control: the
same change made *before* the instant it matters does count.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gitrepo import GitRepo
from nepfixtures import DAY, GOVERNANCE, T0, VE, VS, content_hash, genesis, ledger_text, nep_text, node, vote_file
from tooling.cli import main
from tooling.core.inputs import Versions
from tooling.shell.evaluate import evaluate, gather
from tooling.shell.history import read_history
from tooling.shell.snapshots import file_as_of

NEP1 = nep_text(1, status="review")
H1 = content_hash(NEP1)
AFTER = VE + 1 * DAY  # the decision is in the past


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each test has its own cache folder; nothing of the developer's environment leaks in.
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "cache"))


def voted(tmp_path: Path, voters: dict[str, str]) -> GitRepo:
    """NEP 1 submitted at T0 (genesis), the given votes merged during voting."""
    repo = genesis(tmp_path / "repo", {1: NEP1})
    for name, choice in voters.items():
        path, text = vote_file(name, 1, choice, VS + 100, H1)
        repo.write(path, text)
    repo.commit("votes", at=VS + 200)
    return repo


def status(repo: GitRepo, at: int, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[int, dict]]:
    capsys.readouterr()
    rc = main(["status", "--repo", str(repo.path), "--at", str(at), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    return rc, {e["nep"]: e for e in data["neps"]}


def outcome(repo: GitRepo, at: int, nep: int = 1) -> tuple[str, str | None, str | None]:
    st = evaluate(gather(repo.path), at).states[nep]
    return str(st.status), st.outcome and str(st.outcome), st.reason and str(st.reason)


def ledger_with(extra_node: str, amount: str, since: str) -> str:
    return ledger_text() + (f'  - node: "{extra_node}"\n    amount: "{amount}"\n    since: "{since}"\n'
                            '    locked_until: "2027-12-01T00:00:00Z"\n')


# --------------------------------------------------------------------------
# "File F as of t"


def test_file_as_of_is_the_tree_of_the_last_commit_at_or_before_t(tmp_path: Path) -> None:
    repo = genesis(tmp_path / "repo", {1: NEP1})
    repo.write("stakes/ledger.yaml", "entries: []\n")
    repo.commit("empty the ledger", at=T0 + 100)
    repo.delete("stakes/ledger.yaml")
    repo.commit("delete it", at=T0 + 200)
    history = read_history(repo.path)
    assert file_as_of(repo.path, history, "stakes/ledger.yaml", T0 - 1) is None  # before the first commit
    assert file_as_of(repo.path, history, "stakes/ledger.yaml", T0) == ledger_text().encode()
    assert file_as_of(repo.path, history, "stakes/ledger.yaml", T0 + 99) == ledger_text().encode()
    assert file_as_of(repo.path, history, "stakes/ledger.yaml", T0 + 100) == b"entries: []\n"
    assert file_as_of(repo.path, history, "stakes/ledger.yaml", T0 + 200) is None  # deleted


def test_a_backdated_commit_cannot_move_a_file_into_the_past(tmp_path: Path) -> None:
    repo = genesis(tmp_path / "repo", {1: NEP1}, at=T0)
    repo.write("stakes/ledger.yaml", "entries: []\n")
    repo.commit("backdated", at=T0 - 10 * DAY)  # committer time before its parent: the clock stays at T0
    history = read_history(repo.path)
    assert file_as_of(repo.path, history, "stakes/ledger.yaml", T0 - 1) is None
    assert file_as_of(repo.path, history, "stakes/ledger.yaml", T0) == b"entries: []\n"


def test_versions_keep_the_last_valid_value() -> None:
    from tooling.core.inputs import Version

    v = Versions((Version(10, "a", "one"), Version(20, "b", None, "deleted"), Version(30, "c", "three")))
    assert [v.at(t) for t in (9, 10, 19, 20, 29, 30)] == [None, "one", "one", "one", "one", "three"]
    assert [x.commit for x in v.invalid(25)] == ["b"]
    assert Versions((Version(10, "a", None, "invalid"),)).at(100) is None


# --------------------------------------------------------------------------
# Retroactive stake


def test_retroactive_stake_after_the_decision_changes_nothing(tmp_path: Path, capsys) -> None:
    repo = voted(tmp_path, {"ada": "yes", "dee": "yes"})  # 17000 of 20000: approved
    before = status(repo, AFTER, capsys)
    assert (before[1][1]["status"], before[1][1]["outcome"]) == ("scheduled", "approved")
    # The attack: a whale with stake "since" long before VS, committed after the decision.
    repo.write("stakes/ledger.yaml", ledger_with(node("eve"), "1000000", "2025-12-01T00:00:00Z"))
    repo.commit("ledger: add eve", at=AFTER + 10)
    after = status(repo, AFTER + 20, capsys)
    assert after[0] == 0
    assert (after[1][1]["status"], after[1][1]["outcome"], after[1][1]["reason"]) == ("scheduled", "approved", None)
    assert repo.git("status", "--porcelain") == ""  # nothing written


def test_positive_control_stake_committed_before_voting_start_counts(tmp_path: Path) -> None:
    repo = genesis(tmp_path / "repo", {1: NEP1})
    repo.write("stakes/ledger.yaml", ledger_with(node("eve"), "1000000", "2025-12-01T00:00:00Z"))
    repo.commit("ledger: add eve", at=VS - 10)
    for name in ("ada", "dee"):
        path, text = vote_file(name, 1, "yes", VS + 100, H1)
        repo.write(path, text)
    repo.commit("votes", at=VS + 200)
    assert outcome(repo, AFTER) == ("rejected", "rejected", "no_quorum")


# --------------------------------------------------------------------------
# Retroactive governance


def test_lowering_the_quorum_after_the_decision_changes_nothing(tmp_path: Path) -> None:
    repo = voted(tmp_path, {"cy": "yes"})  # 1000 of 20000: no quorum at 20 %
    assert outcome(repo, AFTER) == ("rejected", "rejected", "no_quorum")
    repo.write("governance.yaml", GOVERNANCE.replace('quorum: "0.20"', 'quorum: "0.01"'))
    repo.commit("quorum 1 %", at=AFTER + 10)
    assert outcome(repo, AFTER + 20) == ("rejected", "rejected", "no_quorum")


def test_renaming_the_network_after_the_decision_changes_nothing(tmp_path: Path) -> None:
    repo = voted(tmp_path, {"ada": "yes", "dee": "yes"})
    assert outcome(repo, AFTER) == ("scheduled", "approved", None)
    repo.write("governance.yaml", GOVERNANCE.replace("network: neuroshard-mainnet", "network: other-net"))
    repo.commit("rename the network", at=AFTER + 10)
    assert outcome(repo, AFTER + 20) == ("scheduled", "approved", None)


def test_positive_control_governance_in_force_at_t0_applies(tmp_path: Path) -> None:
    repo = genesis(tmp_path / "repo", {})
    repo.write("governance.yaml", GOVERNANCE.replace('quorum: "0.20"', 'quorum: "0.01"'))
    repo.commit("quorum 1 %", at=T0 - 10)
    repo.write("neps/nep-0001.md", NEP1)
    repo.commit("submit", at=T0)
    path, text = vote_file("cy", 1, "yes", VS + 100, H1)
    repo.write(path, text)
    repo.commit("vote", at=VS + 200)
    assert outcome(repo, AFTER) == ("scheduled", "approved", None)


def test_an_uncommitted_governance_edit_changes_no_decision(tmp_path: Path) -> None:
    repo = voted(tmp_path, {"cy": "yes"})
    (repo.path / "governance.yaml").write_text(GOVERNANCE.replace('quorum: "0.20"', 'quorum: "0.01"'))
    assert outcome(repo, AFTER) == ("rejected", "rejected", "no_quorum")


# --------------------------------------------------------------------------
# An invalid version changes nothing


@pytest.mark.parametrize("how", ["unquoted amount", "deleted", "not yaml"])
def test_an_invalid_ledger_version_leaves_the_last_valid_one_in_force(tmp_path: Path, capsys, how: str) -> None:
    repo = voted(tmp_path, {"ada": "yes", "dee": "yes"})
    if how == "deleted":
        repo.delete("stakes/ledger.yaml")
    elif how == "unquoted amount":
        repo.write("stakes/ledger.yaml", ledger_text().replace('amount: "5000"', "amount: 25000"))
    else:
        repo.write("stakes/ledger.yaml", "entries: [\n")
    bad = repo.commit(f"ledger: {how}", at=VS - 100)  # in force at VS, had it been valid
    rc, neps = status(repo, AFTER, capsys)
    assert rc == 0
    assert (neps[1]["status"], neps[1]["outcome"]) == ("scheduled", "approved")
    ev = evaluate(gather(repo.path), AFTER)
    [diag] = [d for d in ev.diagnostics if d.slug == "input-invalid"]
    assert diag.file == "stakes/ledger.yaml" and bad[:12] in diag.message and str(diag.severity) == "warning"
    assert "last valid version before it stays in force" in diag.message
    assert ev.invalid_input == []


def test_an_invalid_governance_version_leaves_the_last_valid_one_in_force(tmp_path: Path) -> None:
    repo = genesis(tmp_path / "repo", {})
    repo.write("governance.yaml", GOVERNANCE.replace('quorum: "0.20"', "quorum: 0.01"))  # a number: invalid
    bad = repo.commit("broken governance", at=T0 - 10)
    repo.write("neps/nep-0001.md", NEP1)
    repo.commit("submit", at=T0)
    path, text = vote_file("cy", 1, "yes", VS + 100, H1)
    repo.write(path, text)
    repo.commit("vote", at=VS + 200)
    ev = evaluate(gather(repo.path), AFTER)
    assert str(ev.states[1].reason) == "no_quorum"  # the genesis 20 % stayed in force
    assert [d.file for d in ev.diagnostics if d.slug == "input-invalid" and bad[:12] in d.message] == [
        "governance.yaml"]


def test_no_valid_ledger_at_t0_rejects_with_invalid_input(tmp_path: Path, capsys) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("governance.yaml", GOVERNANCE)
    repo.write("stakes/ledger.yaml", ledger_text().replace('amount: "5000"', "amount: 25000"))
    repo.write("neps/nep-0001.md", NEP1)
    repo.commit("genesis with a broken ledger", at=T0)
    rc, neps = status(repo, AFTER, capsys)
    assert (neps[1]["status"], neps[1]["reason"], neps[1]["decided_at"]) == ("rejected", "invalid_input",
                                                                             "2026-01-01T00:00:00Z")
    ev = evaluate(gather(repo.path), AFTER)
    assert ev.invalid_input == [1]
    assert "no valid version exists before it" in next(d.message for d in ev.diagnostics if d.slug == "input-invalid")
    # A valid ledger committed later never revives the decision.
    repo.write("stakes/ledger.yaml", ledger_text())
    repo.commit("fix the ledger", at=AFTER + 10)
    assert outcome(repo, AFTER + 20) == ("rejected", "rejected", "invalid_input")


def test_no_valid_ledger_at_voting_start_rejects_at_voting_start(tmp_path: Path) -> None:
    repo = genesis(tmp_path / "repo", {1: NEP1})
    repo.delete("stakes/ledger.yaml")
    repo.commit("delete", at=T0 + 10)  # the T0 version was valid: deleting it changes nothing
    assert outcome(repo, AFTER) == ("rejected", "rejected", "no_quorum")  # no votes, but stake still counted
    repo2 = GitRepo(tmp_path / "repo2")
    repo2.write("governance.yaml", GOVERNANCE)
    repo2.write("neps/nep-0001.md", NEP1)
    repo2.write("stakes/ledger.yaml", "entries: [\n")
    repo2.commit("genesis, unreadable ledger", at=T0)
    st = evaluate(gather(repo2.path), AFTER).states[1]
    assert (str(st.reason), st.decided_at) == ("invalid_input", T0)


def test_outside_git_an_invalid_ledger_decides_nothing(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "neps").mkdir(parents=True)
    (root / "stakes").mkdir()
    (root / "governance.yaml").write_text(GOVERNANCE)
    (root / "stakes" / "ledger.yaml").write_text(ledger_text().replace('amount: "5000"', "amount: 25000"))
    (root / "neps" / "nep-0001.md").write_text(NEP1)
    ev = evaluate(gather(root), AFTER)
    assert str(ev.states[1].reason) == "invalid_input" and ev.invalid_input == [1]
    assert any(d.slug == "input-invalid" for d in ev.diagnostics)


# --------------------------------------------------------------------------
# Bot fields and the NEP as of T0


def test_a_bot_field_that_disagrees_with_history_is_reported(tmp_path: Path) -> None:
    # The file claims an earlier submission than history shows: history decides.
    repo = genesis(tmp_path / "repo", {1: nep_text(1, status="review", extra='submitted: "2025-12-01T00:00:00Z"\n')})
    ev = evaluate(gather(repo.path), T0 + 1)
    assert ev.states[1].submitted == T0
    [d] = [d for d in ev.diagnostics if d.slug == "history-disagrees"]
    assert d.file == "neps/nep-0001.md" and "submitted" in d.message


def test_the_proposer_is_read_as_of_t0(tmp_path: Path) -> None:
    # Submitted by eve (no stake): rejected at T0; changing the proposer afterwards changes nothing.
    repo = genesis(tmp_path / "repo", {1: nep_text(1, status="review", proposer="eve")})
    assert outcome(repo, T0 + 1) == ("rejected", "rejected", "insufficient_stake")
    repo.write("neps/nep-0001.md", nep_text(1, status="review", proposer="ada"))
    repo.commit("swap the proposer", at=T0 + 100)
    assert outcome(repo, T0 + 200) == ("rejected", "rejected", "insufficient_stake")


# --------------------------------------------------------------------------
# Caches are never evidence


def forge_history_cache(folder: Path) -> None:
    """A cache that claims the late vote was included before VE."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "history-forged.json").write_text(json.dumps({"format": 3, "head": "0" * 40, "commits": [],
                                                            "changes": [], "statuses": {}}))


def test_a_committed_nep_cache_symlink_with_a_forged_cache_is_never_read(tmp_path: Path, capsys) -> None:
    repo = genesis(tmp_path / "repo", {1: NEP1})
    path, text = vote_file("dee", 1, "yes", VE - 100, H1)
    repo.write(path, text)
    repo.commit("late vote", at=VE + 100)  # LATE_INCLUSION
    honest = status(repo, AFTER, capsys)
    forge_history_cache(repo.path / "forged")
    (repo.path / ".nep-cache").symlink_to("forged")
    repo.git("add", "-f", "forged", ".nep-cache")
    repo.commit("a pull request's cache", at=AFTER + 1)
    assert status(repo, AFTER, capsys) == honest
    assert repo.git("status", "--porcelain") == ""
    assert sorted(p.name for p in (repo.path / "forged").iterdir()) == ["history-forged.json"]


def test_a_nep_cache_link_to_an_absolute_path_gets_nothing_written(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("NEP_CACHE_DIR")  # the default place: the git directory
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = voted(tmp_path, {"ada": "yes"})
    (repo.path / ".nep-cache").symlink_to(outside)
    repo.git("add", "-f", ".nep-cache")
    repo.commit("link", at=AFTER)
    out = tmp_path / "site"
    for args in (["status"], ["show", "1"], ["tally", "1"], ["validate"], ["site", "build", "--out", str(out)]):
        main([*args, "--repo", str(repo.path), "--at", str(AFTER)])
    assert list(outside.iterdir()) == []
    assert repo.git("status", "--porcelain", "--untracked-files=all", "--ignored") == ""
    assert any((Path(repo.git("rev-parse", "--absolute-git-dir").strip()) / "nep-cache").iterdir())


def test_a_cache_folder_named_through_a_symbolic_link_is_ignored(tmp_path: Path, monkeypatch) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv("NEP_CACHE_DIR", str(link))
    repo = voted(tmp_path, {"ada": "yes"})
    gather(repo.path).save_caches()
    assert list(real.iterdir()) == []


def _outputs(repo: GitRepo, capsys, site: Path) -> list[str]:
    outs = []
    for args in (["status"], ["status", "--format", "json"], ["show", "1"], ["tally", "1", "--format", "json"],
                 ["validate", "--format", "json"], ["site", "build", "--out", str(site)]):
        capsys.readouterr()
        rc = main([*args, "--repo", str(repo.path), "--at", str(AFTER)])
        captured = capsys.readouterr()
        outs.append(f"{rc}\n{captured.out}\n{captured.err}".replace(str(site), "SITE"))
    for f in sorted(site.rglob("*")):
        if f.is_file():
            outs.append(f"{f.relative_to(site)}:{f.read_bytes()!r}")
    return outs


def test_outputs_are_byte_identical_with_a_fresh_a_warm_and_a_corrupted_cache(tmp_path: Path, capsys,
                                                                             monkeypatch) -> None:
    repo = voted(tmp_path, {"ada": "yes", "dee": "no", "cy": "abstain"})
    cache = tmp_path / "c"
    monkeypatch.setenv("NEP_CACHE_DIR", str(cache))
    fresh = _outputs(repo, capsys, tmp_path / "s1")
    assert any(cache.iterdir())
    warm = _outputs(repo, capsys, tmp_path / "s2")
    for f in cache.iterdir():
        f.write_bytes(b"\x00garbage" * 3)
    corrupted = _outputs(repo, capsys, tmp_path / "s3")
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "other"))
    other = _outputs(repo, capsys, tmp_path / "s4")
    assert fresh == warm == corrupted == other
    assert repo.git("status", "--porcelain", "--untracked-files=all") == ""
    assert not (repo.path / ".nep-cache").exists()


def test_where_caches_live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tooling.shell import caches

    repo = genesis(tmp_path / "repo", {})
    monkeypatch.delenv("NEP_CACHE_DIR")
    git_dir = Path(repo.git("rev-parse", "--absolute-git-dir").strip())
    assert caches.cache_dir(repo.path) == git_dir / "nep-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    plain = tmp_path / "plain"
    plain.mkdir()
    assert caches.cache_dir(plain) == tmp_path / "xdg" / "nep"
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "named"))
    assert caches.cache_dir(repo.path) == tmp_path / "named"
    monkeypatch.setenv("NEP_CACHE_DIR", str(repo.path / "neps" / "cache"))  # inside the work tree: refused
    assert caches.cache_dir(repo.path) is None


def test_entries_depend_on_the_tools_own_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from tooling.shell import caches

    name = caches.entry_name("history", "HEAD")
    caches.code_digest.cache_clear()
    monkeypatch.setattr(caches, "code_digest", lambda: "another tool")
    assert caches.entry_name("history", "HEAD") != name


def test_a_forced_edit_after_voting_start_changes_nothing_that_activates(tmp_path: Path) -> None:
    repo = voted(tmp_path, {"ada": "yes", "dee": "yes"})
    st = evaluate(gather(repo.path), AFTER).states[1]
    assert st.activates_at == VE + 7 * DAY
    # An administrator's direct push after VS: a longer grace and another target version.
    edited = NEP1.replace("grace_period_days: 7", "grace_period_days: 30").replace('"1.1.0"', '"2.0.0"')
    repo.write("neps/nep-0001.md", edited)
    repo.commit("forced edit", at=VS + 300)
    ev = evaluate(gather(repo.path), AFTER)
    assert ev.states[1].activates_at == VE + 7 * DAY
    assert ev.facts[1].target_version == "1.1.0" and ev.facts[1].content_hash_at_vs == H1
