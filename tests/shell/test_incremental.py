"""Caches are never evidence: warm runs, after any change, print byte for byte what a cold run prints.

A cache keyed by git blob id (``shell.objcache``) lets a warm run skip reading
files git's index says are unchanged (``shell.index``). These tests change the
repository every way a user does — edit a NEP, add a vote, stage it, commit
it, change the ledger, add an unrelated commit, edit a file so fast that only
its content tells — and compare each warm output with a cold run's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gitrepo import GitRepo
from nepfixtures import DAY, GOVERNANCE, VE, VS, content_hash, genesis, ledger_text, nep_text, vote_file
from tooling.cli import main
from tooling.shell import objcache, repository
from tooling.shell.index import clean_blobs

NEP1 = nep_text(1, status="review")
H1 = content_hash(NEP1)
AFTER = VE + 1 * DAY


def _repo(tmp_path: Path) -> GitRepo:
    repo = genesis(tmp_path / "repo", {1: NEP1, 2: nep_text(2)})
    for name, choice in {"ada": "yes", "dee": "no", "cy": "abstain"}.items():
        path, text = vote_file(name, 1, choice, VS + 100, H1)
        repo.write(path, text)
    repo.commit("votes", at=VS + 200)
    return repo


def _outputs(repo: GitRepo, capsys: pytest.CaptureFixture[str], site: Path, *, with_site: bool = True,
             cold: tuple[pytest.MonkeyPatch, Path] | None = None) -> list[str]:
    """Every command's exit status and output; ``cold``: each command with its own empty cache folder."""
    outs = []
    commands = [["status"], ["status", "--format", "json"], ["show", "1"], ["tally", "1", "--format", "json"],
                ["validate", "--format", "json"], ["validate", "neps/nep-0001.md"]]
    if with_site:
        commands.append(["site", "build", "--out", str(site)])
    for i, args in enumerate(commands):
        if cold is not None:
            cold[0].setenv("NEP_CACHE_DIR", str(cold[1] / str(i)))
        capsys.readouterr()
        rc = main([*args, "--repo", str(repo.path), "--at", str(AFTER)])
        captured = capsys.readouterr()
        outs.append(f"{args[0]} {rc}\n{captured.out}\n{captured.err}".replace(str(site), "SITE"))
    for f in sorted(site.rglob("*")):
        if f.is_file():
            outs.append(f"{f.relative_to(site)}:{f.read_bytes()!r}")
    return outs


def _cold(repo: GitRepo, capsys, tmp_path: Path, monkeypatch, label: str, with_site: bool) -> list[str]:
    return _outputs(repo, capsys, tmp_path / f"site-cold-{label}", with_site=with_site,
                    cold=(monkeypatch, tmp_path / f"cold-{label}"))


def _warm(repo: GitRepo, capsys, tmp_path: Path, monkeypatch, label: str, with_site: bool) -> list[str]:
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "warm"))
    return _outputs(repo, capsys, tmp_path / f"site-warm-{label}", with_site=with_site)


def test_warm_runs_after_every_kind_of_change_match_a_cold_run(tmp_path: Path, capsys, monkeypatch) -> None:
    repo = _repo(tmp_path)
    steps = []

    def edit_nep() -> None:
        repo.write("neps/nep-0002.md", nep_text(2, title="A retitled draft"))

    def add_vote() -> None:
        path, text = vote_file("bob", 1, "yes", VS + 500, H1)
        repo.write(path, text)

    def stage_it() -> None:
        repo.git("add", "-A")

    def commit_it() -> None:
        repo.commit("bob votes", at=VS + 600)

    def change_ledger() -> None:
        repo.write("stakes/ledger.yaml", ledger_text().replace('amount: "2000"', 'amount: "2500"'))
        repo.commit("ledger", at=VS + 700)

    def change_governance() -> None:
        repo.write("governance.yaml", GOVERNANCE.replace("resubmit_wait_days: 30", "resubmit_wait_days: 31"))
        repo.commit("governance", at=VS + 750)

    def unrelated_commit() -> None:
        repo.write("README.md", "a readme\n")
        repo.commit("readme", at=VS + 800)

    def same_size_edit() -> None:
        # Same length, written right after the commit: only the bytes tell git the file changed.
        path, text = vote_file("ada", 1, "yes", VS + 100, H1)
        repo.write(path, text.replace("yes", "yeS", 1))

    def break_a_vote() -> None:
        path, _ = vote_file("dee", 1, "no", VS + 100, H1)
        repo.write(path, "not: [a vote\n")

    def commit_the_broken_vote() -> None:
        # History now holds two versions: the first still counts, the work tree's (HEAD's) is broken.
        repo.commit("dee breaks the vote", at=VS + 900)

    def delete_a_vote() -> None:
        path, _ = vote_file("cy", 1, "abstain", VS + 100, H1)
        repo.delete(path)

    def commit_the_deletion() -> None:
        repo.commit("cy's file goes", at=VS + 950)

    def vote_in_a_new_folder() -> None:
        path, text = vote_file("eve", 2, "yes", VS + 500, content_hash(nep_text(2, title="A retitled draft")))
        repo.write(path, text)

    # The site is built where its inputs changed most (it costs the most time to build).
    for change, with_site in ((None, True), (edit_nep, False), (add_vote, False), (stage_it, False),
                              (commit_it, True), (change_ledger, False), (change_governance, False),
                              (unrelated_commit, False),
                              (same_size_edit, False), (break_a_vote, True), (commit_the_broken_vote, False),
                              (delete_a_vote, False), (commit_the_deletion, False), (vote_in_a_new_folder, False)):
        if change is not None:
            change()
        label = change.__name__ if change is not None else "start"
        warm = _warm(repo, capsys, tmp_path, monkeypatch, label, with_site)
        if change is None:  # the first warm run filled the cache: the second one reads it
            warm = _warm(repo, capsys, tmp_path, monkeypatch, label + "-again", with_site)
        cold = _cold(repo, capsys, tmp_path, monkeypatch, label, with_site)
        steps.append(label)
        assert warm == cold, label
    assert repo.git("status", "--porcelain", "--untracked-files=all", "--ignored").count(".nep-cache") == 0


def test_a_warm_run_with_nothing_changed_opens_no_vote_file(tmp_path: Path, capsys, monkeypatch) -> None:
    repo = _repo(tmp_path)
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "c"))
    main(["status", "--repo", str(repo.path), "--at", str(AFTER)])
    opened: list[str] = []
    real = repository._read_regular

    def spy(path, rel, diags, limit=repository.MAX_FILE_BYTES):
        opened.append(rel)
        return real(path, rel, diags, limit)

    monkeypatch.setattr(repository, "_read_regular", spy)
    capsys.readouterr()
    assert main(["status", "--repo", str(repo.path), "--at", str(AFTER)]) == 0
    assert opened and not [p for p in opened if p.startswith("votes/")]


def test_a_warm_validate_reads_no_vote_of_an_unchanged_folder(tmp_path: Path, capsys, monkeypatch) -> None:
    repo = _repo(tmp_path)
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "c"))
    main(["validate", "--repo", str(repo.path), "--at", str(AFTER)])
    first = capsys.readouterr().out
    opened: list[str] = []
    real = repository._read_regular

    def spy(path, rel, diags, limit=repository.MAX_FILE_BYTES):
        opened.append(rel)
        return real(path, rel, diags, limit)

    monkeypatch.setattr(repository, "_read_regular", spy)
    main(["validate", "--repo", str(repo.path), "--at", str(AFTER)])
    assert capsys.readouterr().out == first
    assert not [p for p in opened if p.startswith("votes/")]
    # A new vote in the folder: only that file is read (the others are named by history and git's index).
    path, text = vote_file("bob", 1, "yes", VS + 500, H1)
    repo.write(path, text)
    opened.clear()
    main(["validate", "--repo", str(repo.path), "--at", str(AFTER)])
    assert [p for p in opened if p.startswith("votes/")] == [path]


def test_a_damaged_object_cache_reads_as_empty(tmp_path: Path, capsys, monkeypatch) -> None:
    repo = _repo(tmp_path)
    cache = tmp_path / "c"
    monkeypatch.setenv("NEP_CACHE_DIR", str(cache))
    first = _outputs(repo, capsys, tmp_path / "s1")
    for prefix, sections in (("objects-", ("ledgers", "neps", "governance")), ("votes-", ("votes",))):
        entry = sorted(f for f in cache.iterdir() if f.name.startswith(prefix))[0]
        data = bytearray(entry.read_bytes())
        data[-40] ^= 1  # one flipped bit inside the entries
        entry.write_bytes(bytes(data))
        assert objcache._parse(bytes(data), sections) is None
    assert _outputs(repo, capsys, tmp_path / "s2") == first


def test_the_index_shortcut_is_off_where_git_could_convert_bytes(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    assert set(clean_blobs(repo.path, ("neps", "votes"))) >= {"neps/nep-0001.md", "neps/nep-0002.md"}
    repo.write("neps/nep-0002.md", nep_text(2, title="edited"))
    assert "neps/nep-0002.md" not in clean_blobs(repo.path, ("neps", "votes"))
    repo.write(".gitattributes", "*.md text eol=crlf\n")
    assert clean_blobs(repo.path, ("neps", "votes")) == {}
    repo.delete(".gitattributes")
    repo.git("config", "core.autocrlf", "true")
    assert clean_blobs(repo.path, ("neps", "votes")) == {}


def _check_pr(repo: GitRepo, capsys, base: str, head: str, at: int) -> str:
    capsys.readouterr()
    rc = main(["check-pr", "--repo", str(repo.path), "--base", base, "--head", head, "--at", str(at)])
    captured = capsys.readouterr()
    return f"{rc}\n{captured.out}\n{captured.err}"


def test_check_pr_prints_the_same_warm_and_cold_and_verifies_each_signature_once(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    from tooling.shell import sigcache

    repo = _repo(tmp_path)
    repo.checkout("pr", create=True)
    path, text = vote_file("bob", 1, "yes", VS + 500, H1)
    repo.write(path, text)
    repo.write("neps/nep-0002.md", nep_text(2, title="A retitled draft"))
    repo.commit("a vote and a draft edit", at=VS + 600)
    repo.checkout("main")
    verified: list[str] = []
    real = sigcache.verify_digest

    def spy(public_key, signature, digest, *, key_cache=None):
        verified.append(signature)
        return real(public_key, signature, digest, key_cache=key_cache)

    monkeypatch.setattr(sigcache, "verify_digest", spy)
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "warm"))
    cold = _check_pr(repo, capsys, "main", "pr", VS + 700)
    assert sorted(verified) == sorted(set(verified))  # base and head share one verdict per vote
    verified.clear()
    warm = _check_pr(repo, capsys, "main", "pr", VS + 700)
    assert verified == []
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "other"))
    assert warm == cold == _check_pr(repo, capsys, "main", "pr", VS + 700)
