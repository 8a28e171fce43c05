"""`nep check-pr` with warm caches prints byte for byte what a cold run prints, and reads only what changed.

The base's vote folders are named by history's digest, so the tally and
findings memos answer for every folder a pull request does not touch; the
head is the base plus the diff. These tests change a branch every way a pull
request does (a vote added, a draft edited, a vote rewritten in place, a vote
deleted, a NEP renamed, a malformed vote touched) and compare each warm
output, text and JSON, with a cold run's; and they count the vote files a
warm run parses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from gitrepo import GitRepo
from nepfixtures import VS, content_hash, genesis, nep_text, vote_file
from tooling.checks.policy import files
from tooling.cli import main

NEP1 = nep_text(1, status="review")
NEP3 = nep_text(3, status="review", title="A third proposal")
H1 = content_hash(NEP1)
H3 = content_hash(NEP3, "neps/nep-0003.md")
BROKEN = "votes/nep-0003/cy.yaml"
PR_AT = VS + 600
AT = VS + 700


def _main_branch(tmp_path: Path) -> GitRepo:
    """NEP 1 and NEP 3 in voting with votes (one of NEP 3's malformed, one rewritten, one deleted), NEP 2 a draft."""
    repo = genesis(tmp_path / "repo", {1: NEP1, 2: nep_text(2), 3: NEP3})
    for name, choice in {"ada": "yes", "dee": "no", "cy": "abstain"}.items():
        path, text = vote_file(name, 1, choice, VS + 100, H1)
        repo.write(path, text)
    path, text = vote_file("bob", 3, "yes", VS + 100, H3)
    repo.write(path, text)
    repo.write(BROKEN, "not: [a vote\n")
    repo.commit("votes", at=VS + 200)
    # Main itself rewrote one included vote and deleted another: their first included versions still count.
    path, text = vote_file("cy", 1, "yes", VS + 250, H1)
    repo.write(path, text)
    repo.delete(vote_file("bob", 3, "yes", VS + 100, H3)[0])
    repo.commit("a vote rewritten, one deleted", at=VS + 300)
    return repo


def _add_vote(repo: GitRepo) -> None:
    path, text = vote_file("bob", 1, "yes", VS + 500, H1)
    repo.write(path, text)


def _edit_draft(repo: GitRepo) -> None:
    repo.write("neps/nep-0002.md", nep_text(2, title="A retitled draft"))


def _rewrite_vote(repo: GitRepo) -> None:
    path, text = vote_file("ada", 1, "no", VS + 300, H1)
    repo.write(path, text)


def _delete_vote(repo: GitRepo) -> None:
    path, _ = vote_file("dee", 1, "no", VS + 100, H1)
    repo.delete(path)


def _rename_nep(repo: GitRepo) -> None:
    repo.delete("neps/nep-0002.md")
    repo.write("neps/nep-0005.md", nep_text(2))


def _touch_broken_vote(repo: GitRepo) -> None:
    repo.write(BROKEN, "still: [not a vote\n")


def _delete_broken_vote(repo: GitRepo) -> None:
    repo.delete(BROKEN)


def _add_broken_vote(repo: GitRepo) -> None:
    repo.write("votes/nep-0001/bob.yaml", "nep: 1\nvoter: [bob\n")


def _vote_on_3(repo: GitRepo) -> None:
    path, text = vote_file("ada", 3, "no", VS + 500, H3)
    repo.write(path, text)


def _vote_on_3_and_delete_broken(repo: GitRepo) -> None:
    # The same added vote names the folder as the branch before did; the deleted file must not be reported.
    _vote_on_3(repo)
    repo.delete(BROKEN)


CHANGES: list[Callable[[GitRepo], None]] = [_add_vote, _edit_draft, _rewrite_vote, _delete_vote, _rename_nep,
                                            _touch_broken_vote, _delete_broken_vote, _add_broken_vote, _vote_on_3,
                                            _vote_on_3_and_delete_broken]


def _branch(repo: GitRepo, change: Callable[[GitRepo], None]) -> str:
    name = change.__name__.strip("_")
    repo.checkout("main")
    repo.checkout(name, create=True)
    change(repo)
    repo.commit(name, at=PR_AT)
    repo.checkout("main")
    return name


def _check_pr(repo: GitRepo, capsys: pytest.CaptureFixture[str], head: str, *extra: str) -> str:
    capsys.readouterr()
    rc = main(["check-pr", "--repo", str(repo.path), "--base", "main", "--head", head, "--at", str(AT), *extra])
    captured = capsys.readouterr()
    return f"{rc}\n{captured.out}\n{captured.err}"


def _outputs(repo: GitRepo, capsys: pytest.CaptureFixture[str], head: str) -> list[str]:
    return [_check_pr(repo, capsys, head), _check_pr(repo, capsys, head, "--format", "json")]


def test_warm_check_pr_prints_what_a_cold_one_prints_after_every_kind_of_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _main_branch(tmp_path)
    branches = [_branch(repo, change) for change in CHANGES]
    warm = tmp_path / "warm"
    monkeypatch.setenv("NEP_CACHE_DIR", str(warm))
    assert main(["status", "--repo", str(repo.path), "--at", str(AT)]) == 0  # main's caches, as CI restores them
    for i, head in enumerate(branches):
        # The warm folder has main's entries and every earlier pull request's.
        monkeypatch.setenv("NEP_CACHE_DIR", str(warm))
        first = _outputs(repo, capsys, head)
        again = _outputs(repo, capsys, head)
        monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / f"cold-{i}"))
        cold = _outputs(repo, capsys, head)
        assert first == again == cold, head
    # What the scenarios are about was seen: the quoted text of a malformed vote, each refusal.
    monkeypatch.setenv("NEP_CACHE_DIR", str(warm))
    assert "not: [a vote" in _check_pr(repo, capsys, "delete_broken_vote")
    assert "pr-vote-changed" in _check_pr(repo, capsys, "rewrite_vote", "--format", "json")
    assert "pr-vote-deleted" in _check_pr(repo, capsys, "delete_vote", "--format", "json")
    assert "pr-nep-renumbered" in _check_pr(repo, capsys, "rename_nep", "--format", "json")


def test_warm_check_pr_after_main_moved_matches_a_cold_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _main_branch(tmp_path)
    head = _branch(repo, _add_vote)
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "warm"))
    _outputs(repo, capsys, head)
    # main moves on (a vote on NEP 3): the base's history is extended, NEP 3's folder gets a new name.
    path, text = vote_file("ada", 3, "no", VS + 400, H3)
    repo.write(path, text)
    repo.commit("ada votes on NEP 3", at=VS + 450)
    warm = _outputs(repo, capsys, head)
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "cold"))
    assert warm == _outputs(repo, capsys, head)


def _spy_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = files.VoteParses.load

    def spy(self: files.VoteParses, todo):  # type: ignore[no-untyped-def]
        todo = list(todo)
        parsed.extend(p for p, b in todo if not self.known(p, b))
        return real(self, todo)

    monkeypatch.setattr(files.VoteParses, "load", spy)
    return parsed


def test_a_warm_check_pr_reads_no_vote_of_a_folder_it_does_not_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _main_branch(tmp_path)
    vote = _branch(repo, _add_vote)
    draft = _branch(repo, _edit_draft)
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "c"))
    parsed = _spy_loads(monkeypatch)
    cold = _check_pr(repo, capsys, vote)
    assert any(p.startswith("votes/nep-0003/") for p in parsed)  # a cold run judges every folder
    parsed.clear()
    assert _check_pr(repo, capsys, vote) == cold
    assert parsed and all(p.startswith("votes/nep-0001/") for p in parsed)
    parsed.clear()
    _check_pr(repo, capsys, draft)
    assert parsed == []  # a draft's edit touches no vote folder
