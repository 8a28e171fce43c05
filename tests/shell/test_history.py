"""SPEC 4 "Inclusion time" and SPEC 7 (T0, withdrawal) as read from real git repositories."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gitrepo import GitRepo
from tooling.shell import gitlog
from tooling.shell import history as h
from tooling.shell.history import (
    EMPTY_HISTORY,
    HistoryError,
    changed_paths,
    dirty_paths,
    front_matter_status,
    is_git_repo,
    read_blobs,
    read_history,
    read_tree,
    read_tree_entries,
    resolve_rev,
)
from tooling.core.model import DAY, NEPStatus

T = 1_767_225_600  # 2026-01-01T00:00:00Z
NEP = "neps/nep-0001.md"
VOTE = "votes/nep-0001/5f2b9c0e4d7a8b1c2d3e4f5a6b7c8d9e.yaml"


def nep_text(status: str, title: str = "Sharded optimizer state") -> str:
    return f'---\nnep: 1\ntitle: "{title}"\ntype: "arch"\nstatus: "{status}"\n---\n\n## Abstract\n\nText.\n'


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def blob_of(repo: GitRepo, rev: str, path: str) -> str:
    return repo.git("rev-parse", f"{rev}:{path}").strip()


# --------------------------------------------------------------------------
# Clock


def test_clock_is_the_committer_time_when_time_moves_forward(repo: GitRepo) -> None:
    repo.write("README.md", "a")
    a = repo.commit("a", at=T)
    repo.write("README.md", "b")
    b = repo.commit("b", at=T + 60)
    hist = read_history(repo.path)
    assert [(c.sha, c.time, c.clock) for c in hist.commits] == [(a, T, T), (b, T + 60, T + 60)]
    assert hist.head == b


def test_backdated_commit_keeps_the_previous_clock(repo: GitRepo) -> None:
    repo.write("README.md", "a")
    repo.commit("a", at=T + DAY)
    repo.write(VOTE, "vote")
    repo.commit("backdated vote", at=T)  # claims to be a day older than its parent
    repo.write("README.md", "c")
    repo.commit("c", at=T + DAY + 5)
    hist = read_history(repo.path)
    assert [c.time for c in hist.commits] == [T + DAY, T, T + DAY + 5]
    assert [c.clock for c in hist.commits] == [T + DAY, T + DAY, T + DAY + 5]
    assert hist.inclusion_time(VOTE, as_of=T + DAY) == T + DAY


def test_empty_commits_count_for_the_clock(repo: GitRepo) -> None:
    repo.write(VOTE, "vote")
    repo.commit("vote", at=T)
    repo.commit("nothing", at=T + 100, allow_empty=True)
    hist = read_history(repo.path)
    assert len(hist.commits) == 2
    assert hist.commits[1].clock == T + 100
    assert hist.prefix(T + 100) == 2


# --------------------------------------------------------------------------
# Inclusion time and first content


def test_inclusion_time_is_the_clock_of_the_first_commit_containing_the_file(repo: GitRepo) -> None:
    repo.write("README.md", "root")
    repo.commit("root", at=T)
    repo.write(VOTE, "vote v1")
    repo.commit("vote", at=T + 3600)
    hist = read_history(repo.path)
    assert hist.inclusion_time(VOTE, as_of=T + 10 * DAY) == T + 3600
    assert hist.inclusion_time("votes/nep-0001/someone-else.yaml", as_of=T + 10 * DAY) is None


def test_root_commit_files_are_included_at_the_root(repo: GitRepo) -> None:
    repo.write(NEP, nep_text("draft"))
    repo.write(VOTE, "vote")
    repo.commit("root", at=T)
    hist = read_history(repo.path)
    assert hist.inclusion_time(NEP, as_of=T) == T
    assert hist.inclusion_time(VOTE, as_of=T) == T


def test_a_file_changed_later_keeps_its_first_blob(repo: GitRepo) -> None:
    repo.write(VOTE, "choice: yes\n")
    first = repo.commit("vote", at=T)
    repo.write(VOTE, "choice: no\n")
    repo.commit("tamper", at=T + 60)
    hist = read_history(repo.path)
    assert hist.first_blob(VOTE, as_of=T + DAY) == blob_of(repo, first, VOTE)
    assert hist.inclusion_time(VOTE, as_of=T + DAY) == T
    assert [e.clock for e in hist.events[VOTE]] == [T, T + 60]
    assert read_blobs(repo.path, [hist.first_blob(VOTE, T + DAY)]) == {
        blob_of(repo, first, VOTE): b"choice: yes\n"
    }


def test_deleted_then_readded_keeps_the_first_inclusion(repo: GitRepo) -> None:
    repo.write(VOTE, "first\n")
    first = repo.commit("vote", at=T)
    repo.delete(VOTE)
    repo.write("README.md", "x")
    repo.commit("delete vote", at=T + 10)
    repo.write(VOTE, "second\n")
    repo.commit("re-add vote", at=T + 20)
    hist = read_history(repo.path)
    assert [e.blob is None for e in hist.events[VOTE]] == [False, True, False]
    assert hist.inclusion_time(VOTE, as_of=T + 30) == T
    assert hist.first_blob(VOTE, as_of=T + 30) == blob_of(repo, first, VOTE)


def test_paths_lists_files_included_by_as_of_even_if_deleted_later(repo: GitRepo) -> None:
    repo.write("votes/nep-0001/a.yaml", "a")
    repo.write("votes/nep-0002/b.yaml", "b")
    repo.write("stakes/ledger.yaml", "x")
    repo.write("stakes/other.yaml", "y")
    repo.commit("two votes", at=T)
    repo.delete("votes/nep-0001/a.yaml")
    repo.write("votes/nep-0001/c.yaml", "c")
    repo.commit("delete a, add c", at=T + 100)
    hist = read_history(repo.path)
    assert hist.paths("votes/nep-0001/", as_of=T) == ["votes/nep-0001/a.yaml"]
    assert hist.paths("votes/nep-0001/", as_of=T + 100) == ["votes/nep-0001/a.yaml", "votes/nep-0001/c.yaml"]
    assert hist.paths("votes/", as_of=T + 100) == [
        "votes/nep-0001/a.yaml",
        "votes/nep-0001/c.yaml",
        "votes/nep-0002/b.yaml",
    ]
    assert hist.paths("votes/nep-0003/", as_of=T + 100) == []
    # neps/, votes/ and the two files read as of an instant are tracked; nothing else.
    assert "stakes/ledger.yaml" in hist.events and "stakes/other.yaml" not in hist.events


# --------------------------------------------------------------------------
# As of


def test_commits_after_as_of_are_ignored(repo: GitRepo) -> None:
    repo.write("README.md", "root")
    repo.commit("root", at=T)
    repo.write(VOTE, "vote")
    repo.commit("vote", at=T + 1000)
    hist = read_history(repo.path)
    assert hist.prefix(T - 1) == 0
    assert hist.prefix(T) == 1
    assert hist.prefix(T + 999) == 1
    assert hist.prefix(T + 1000) == 2  # a commit whose clock equals as_of is in the repository "as of"
    assert hist.inclusion_time(VOTE, as_of=T + 999) is None
    assert hist.first_blob(VOTE, as_of=T + 999) is None
    assert hist.paths("votes/", as_of=T + 999) == []
    assert hist.inclusion_time(VOTE, as_of=T + 1000) == T + 1000


def test_a_backdated_commit_is_not_in_the_past_of_its_parent(repo: GitRepo) -> None:
    repo.write("README.md", "root")
    repo.commit("root", at=T + 1000)
    repo.write(VOTE, "vote")
    repo.commit("backdated", at=T)
    hist = read_history(repo.path)
    assert hist.inclusion_time(VOTE, as_of=T + 500) is None
    assert hist.inclusion_time(VOTE, as_of=T + 1000) == T + 1000


# --------------------------------------------------------------------------
# Merges


def test_a_merged_file_is_included_at_the_merge_commit_not_the_side_commit(repo: GitRepo) -> None:
    repo.write("README.md", "root")
    root = repo.commit("root", at=T)
    repo.checkout("side", create=True)
    repo.write(VOTE, "vote")
    side = repo.commit("vote on a branch", at=T + 100)
    repo.checkout("main")
    repo.write("README.md", "main moves on")
    repo.commit("main", at=T + 200)
    merge = repo.merge("side", at=T + 5000)
    hist = read_history(repo.path)
    assert [c.sha for c in hist.commits][0] == root
    assert side not in [c.sha for c in hist.commits]
    assert hist.commits[-1].sha == merge
    assert hist.inclusion_time(VOTE, as_of=T + 10_000) == T + 5000
    assert hist.events[VOTE][0].index == len(hist.commits) - 1
    assert hist.inclusion_time(VOTE, as_of=T + 4999) is None


def test_the_side_branch_history_is_read_when_it_is_the_processed_ref(repo: GitRepo) -> None:
    repo.write("README.md", "root")
    repo.commit("root", at=T)
    repo.checkout("side", create=True)
    repo.write(VOTE, "vote")
    repo.commit("vote", at=T + 100)
    repo.checkout("main")
    hist = read_history(repo.path, "side")
    assert hist.inclusion_time(VOTE, as_of=T + 100) == T + 100
    assert read_history(repo.path).inclusion_time(VOTE, as_of=T + 100) is None


# --------------------------------------------------------------------------
# NEP statuses (T0, withdrawal)


def test_status_transition_draft_to_review_gives_t0(repo: GitRepo) -> None:
    repo.write(NEP, nep_text("draft"))
    repo.commit("draft", at=T)
    repo.write(NEP, nep_text("draft", title="Sharded optimizer state v2"))
    repo.commit("edit", at=T + DAY)
    repo.write(NEP, nep_text("review", title="Sharded optimizer state v2"))
    repo.commit("request review", at=T + 2 * DAY)
    repo.write(NEP, nep_text("voting", title="Sharded optimizer state v2"))
    repo.commit("bot", at=T + 9 * DAY)
    hist = read_history(repo.path)
    assert hist.nep_statuses[NEP] == (
        (T, "draft"),
        (T + DAY, "draft"),
        (T + 2 * DAY, "review"),
        (T + 9 * DAY, "voting"),
    )
    review = {NEPStatus.REVIEW}
    assert hist.first_status_time(NEP, review, as_of=T + 30 * DAY) == T + 2 * DAY
    assert hist.first_status_time(NEP, review, as_of=T + 2 * DAY) == T + 2 * DAY
    assert hist.first_status_time(NEP, review, as_of=T + 2 * DAY - 1) is None
    assert hist.first_status_time(NEP, {"withdrawn"}, as_of=T + 30 * DAY) is None
    assert hist.first_status_time(NEP, {"review", "voting"}, as_of=T + 30 * DAY) == T + 2 * DAY


def test_backdated_review_request_is_dated_by_the_clock(repo: GitRepo) -> None:
    repo.write(NEP, nep_text("draft"))
    repo.commit("draft", at=T + 5 * DAY)
    repo.write(NEP, nep_text("review"))
    repo.commit("review, backdated", at=T)
    hist = read_history(repo.path)
    assert hist.first_status_time(NEP, {"review"}, as_of=T + 30 * DAY) == T + 5 * DAY


def test_withdrawal_time(repo: GitRepo) -> None:
    repo.write(NEP, nep_text("review"))
    repo.commit("submit", at=T)
    repo.write(NEP, nep_text("withdrawn"))
    repo.commit("withdraw", at=T + 3 * DAY)
    hist = read_history(repo.path)
    assert hist.first_status_time(NEP, {NEPStatus.WITHDRAWN}, as_of=T + 7 * DAY) == T + 3 * DAY


def test_a_deleted_or_unreadable_version_has_no_status(repo: GitRepo) -> None:
    repo.write(NEP, nep_text("draft"))
    repo.commit("draft", at=T)
    repo.write(NEP, "no front matter at all\n")
    repo.commit("broken", at=T + 1)
    repo.delete(NEP)
    repo.write("README.md", "x")
    repo.commit("deleted", at=T + 2)
    repo.write(NEP, nep_text("review"))
    repo.commit("back, in review", at=T + 3)
    hist = read_history(repo.path)
    assert hist.nep_statuses[NEP] == ((T, "draft"), (T + 1, None), (T + 2, None), (T + 3, "review"))
    assert hist.first_status_time(NEP, {"review"}, as_of=T + 3) == T + 3


def test_statuses_are_kept_only_for_nep_files(repo: GitRepo) -> None:
    repo.write(NEP, nep_text("draft"))
    repo.write("neps/images/diagram.md", nep_text("review"))
    repo.write(VOTE, "status: review\n")
    repo.commit("root", at=T)
    hist = read_history(repo.path)
    assert set(hist.nep_statuses) == {NEP}


# --------------------------------------------------------------------------
# Front matter status, case by case


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nstatus: review\n---\n", "review"),
        ('---\nnep: 1\nstatus: "review"   # asked by the author\n---\nbody\n', "review"),
        ("---\nstatus: 'withdrawn'\n---\n", "withdrawn"),
        ("---\r\nstatus: draft\r\n---\r\n", "draft"),
        ("---\nauthors:\n  - name: A\n    status: review\nstatus: draft\n---\n", "draft"),
        ("---\nstatus: >-\n  review\n---\n", "review"),  # folded block scalar
        ("---\nstatus:\n  review\n---\n", "review"),  # value on the next line
        ('---\n{nep: 1, status: "voting"}\n---\n', "voting"),  # flow mapping
        ('---\ntitle: "A long\nstatus: review"\nstatus: draft\n---\n', "draft"),  # col-0 line inside a quoted scalar
        ("---\nstatus: review\nstatus: draft\n---\n", None),  # duplicate key
        ("---\nnep: 1\n---\n", None),  # no status
        ("---\nstatus: 3\n---\n", None),  # not a string
        ("---\nstatus: ~\n---\n", None),
        ("status: review\n", None),  # no front matter
        ("---\nstatus: review\n", None),  # front matter never closed
        ("\n---\nstatus: review\n---\n", None),  # front matter not at the start
        ("---\n- status: review\n---\n", None),  # not a mapping
        ('---\ntitle: "unterminated\nstatus: review\n---\n', None),
        ("---\nnep: 1\n---\nstatus: review\n", None),  # in the body
    ],
)
def test_front_matter_status(text: str, expected: str | None) -> None:
    assert front_matter_status(text.encode()) == expected


def test_front_matter_status_of_non_utf8_is_none() -> None:
    assert front_matter_status(b"---\nstatus: review\ntitle: \xff\n---\n") is None


# --------------------------------------------------------------------------
# Odd file names


def test_odd_file_names_survive(repo: GitRepo) -> None:
    names = [
        "votes/nep-0001/with space.yaml",
        "votes/nep-0001/tab\there.yaml",
        "votes/nep-0001/ünïcödé.yaml",
        'votes/nep-0001/quote"and\\backslash.yaml',
        "votes/nep-0001/new\nline.yaml",
    ]
    for i, name in enumerate(names):
        repo.write(name, f"vote {i}\n")
    repo.commit("odd names", at=T)
    hist = read_history(repo.path)
    assert sorted(hist.events) == sorted(names)
    assert hist.paths("votes/nep-0001/", as_of=T) == sorted(names)
    assert all(hist.inclusion_time(name, as_of=T) == T for name in names)
    tree = read_tree(repo.path, "HEAD")
    assert sorted(tree) == sorted(names)
    assert read_blobs(repo.path, [tree[names[0]]]) == {tree[names[0]]: b"vote 0\n"}


def test_a_file_name_that_is_not_utf8_survives_the_cache(repo: GitRepo) -> None:
    name = "votes/nep-0001/latin1-\udce9.yaml"  # the byte 0xE9 on disk, as os.fsdecode gives it
    repo.write(name, "v")
    repo.commit("odd bytes", at=T)
    cache = repo.path / ".git" / "nep-cache"
    cold = read_history(repo.path, cache_dir=cache)
    assert list(cold.events) == [name]
    assert len(list(cache.glob("history-*.json"))) == 1
    assert read_history(repo.path, cache_dir=cache) == cold
    assert list(read_tree(repo.path, "HEAD")) == [name]


# --------------------------------------------------------------------------
# Not a repository, errors


def test_plain_directory_has_the_empty_history(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    (plain / "neps").mkdir(parents=True)
    assert not is_git_repo(plain)
    assert read_history(plain) is EMPTY_HISTORY
    assert EMPTY_HISTORY.inclusion_time(NEP, as_of=T) is None
    assert EMPTY_HISTORY.first_status_time(NEP, {"review"}, as_of=T) is None
    assert EMPTY_HISTORY.paths("votes/", as_of=T) == []
    assert EMPTY_HISTORY.prefix(T) == 0
    assert EMPTY_HISTORY.head is None


def test_missing_directory_has_the_empty_history(tmp_path: Path) -> None:
    assert not is_git_repo(tmp_path / "nowhere")
    assert read_history(tmp_path / "nowhere") is EMPTY_HISTORY


def test_a_directory_inside_another_repository_is_not_a_repository(repo: GitRepo) -> None:
    repo.write("fixtures/nep-repo/neps/nep-0001.md", nep_text("review"))
    repo.commit("fixture", at=T)
    inner = repo.path / "fixtures" / "nep-repo"
    assert is_git_repo(repo.path)
    assert not is_git_repo(inner)
    assert read_history(inner) is EMPTY_HISTORY


def test_a_repository_without_commits_has_the_empty_history(repo: GitRepo) -> None:
    assert is_git_repo(repo.path)
    assert read_history(repo.path) == EMPTY_HISTORY


def test_unknown_revision_raises_a_readable_error(repo: GitRepo) -> None:
    repo.write("README.md", "x")
    repo.commit("root", at=T)
    with pytest.raises(HistoryError, match=r"unknown revision 'no-such-branch'"):
        resolve_rev(repo.path, "no-such-branch")
    with pytest.raises(HistoryError, match=r"unknown revision 'no-such-branch'"):
        read_history(repo.path, "no-such-branch")
    with pytest.raises(HistoryError, match=r"unknown revision '--all'"):
        resolve_rev(repo.path, "--all")  # never taken for an option
    with pytest.raises(HistoryError, match=r"unknown revision"):
        changed_paths(repo.path, "HEAD", "deadbeef")


def test_resolve_rev_outside_git_says_so(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="not a git repository"):
        resolve_rev(tmp_path, "HEAD")


def test_resolve_rev_peels_tags_to_commits(repo: GitRepo) -> None:
    repo.write("README.md", "x")
    sha = repo.commit("root", at=T)
    repo.git("tag", "-a", "-m", "v1", "v1", at=T)
    assert resolve_rev(repo.path, "v1") == sha
    assert read_history(repo.path, "v1").head == sha


def test_a_shallow_clone_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    for i in range(3):
        repo.write(VOTE, f"v{i}")
        repo.commit(f"c{i}", at=T + i)
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True, capture_output=True
    )
    with pytest.raises(HistoryError, match="shallow clone"):
        read_history(clone)
    assert len(read_history(clone, allow_shallow=True).commits) == 1


def test_git_environment_of_a_calling_hook_is_ignored(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = GitRepo(tmp_path / "other")
    other.write(VOTE, "other")
    other.commit("other", at=T + 7)
    repo.write(VOTE, "mine")
    mine = repo.commit("mine", at=T)
    monkeypatch.setenv("GIT_DIR", str(other.path / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other.path))
    hist = read_history(repo.path)
    assert hist.head == mine
    assert hist.inclusion_time(VOTE, as_of=T + 100) == T


# --------------------------------------------------------------------------
# Trees, diffs, blobs, work tree


def test_read_tree_and_changed_paths_between_two_revisions(repo: GitRepo) -> None:
    repo.write(NEP, nep_text("draft"))
    repo.write("votes/nep-0001/a.yaml", "a")
    repo.write("votes/nep-0001/gone.yaml", "g")
    repo.write("docs/guide.md", "guide")
    base = repo.commit("base", at=T)
    repo.write(NEP, nep_text("review"))
    repo.write("votes/nep-0001/b.yaml", "b")
    repo.delete("votes/nep-0001/gone.yaml")
    repo.write("docs/guide.md", "guide v2")
    head = repo.commit("head", at=T + 10)

    base_tree = read_tree(repo.path, base)
    assert sorted(base_tree) == [NEP, "votes/nep-0001/a.yaml", "votes/nep-0001/gone.yaml"]
    assert base_tree[NEP] == blob_of(repo, base, NEP)
    head_tree = read_tree(repo.path, head)
    assert sorted(head_tree) == [NEP, "votes/nep-0001/a.yaml", "votes/nep-0001/b.yaml"]
    assert read_tree(repo.path, head, ("docs/",)) == {"docs/guide.md": blob_of(repo, head, "docs/guide.md")}
    everything = {NEP, "votes/nep-0001/a.yaml", "votes/nep-0001/b.yaml", "docs/guide.md"}
    assert set(read_tree(repo.path, head, ())) == everything

    assert sorted(changed_paths(repo.path, base, head), key=lambda c: c[1]) == [
        ("M", "docs/guide.md", None),
        ("M", NEP, None),
        ("A", "votes/nep-0001/b.yaml", None),
        ("D", "votes/nep-0001/gone.yaml", None),
    ]
    assert changed_paths(repo.path, head, head) == []


def test_renames_are_a_deletion_and_an_addition(repo: GitRepo) -> None:
    repo.write("votes/nep-0001/a.yaml", "same content\n" * 20)
    base = repo.commit("base", at=T)
    repo.delete("votes/nep-0001/a.yaml")
    repo.write("votes/nep-0002/a.yaml", "same content\n" * 20)
    head = repo.commit("move", at=T + 1)
    assert sorted(changed_paths(repo.path, base, head)) == [
        ("A", "votes/nep-0002/a.yaml", None),
        ("D", "votes/nep-0001/a.yaml", None),
    ]


def test_tree_entries_show_symbolic_links(repo: GitRepo) -> None:
    repo.write("votes/nep-0001/real.yaml", "x")
    (repo.path / "votes/nep-0001/link.yaml").symlink_to("real.yaml")
    repo.commit("link", at=T)
    entries = read_tree_entries(repo.path, "HEAD")
    assert entries["votes/nep-0001/link.yaml"].is_symlink
    assert entries["votes/nep-0001/real.yaml"].is_regular


def test_read_blobs_leaves_out_missing_objects(repo: GitRepo) -> None:
    repo.write(VOTE, "vote\n")
    repo.write(NEP, "")
    repo.commit("root", at=T)
    tree = read_tree(repo.path, "HEAD")
    missing = "0" * 39 + "1"
    blobs = read_blobs(repo.path, [tree[VOTE], missing, tree[NEP], tree[VOTE]])
    assert blobs == {tree[VOTE]: b"vote\n", tree[NEP]: b""}
    assert read_blobs(repo.path, []) == {}
    with pytest.raises(HistoryError, match="not an object id"):
        read_blobs(repo.path, ["HEAD:votes"])


def test_dirty_paths_ignore_the_cache(repo: GitRepo) -> None:
    repo.write(NEP, nep_text("draft"))
    repo.commit("root", at=T)
    assert dirty_paths(repo.path) == []
    repo.write(NEP, nep_text("review"))
    repo.write("votes/nep-0001/new vote.yaml", "v")
    repo.write(".nep-cache/history.json", "{}")  # no .gitignore inside: still not a change
    assert sorted(dirty_paths(repo.path)) == [NEP, "votes/nep-0001/new vote.yaml"]


def test_a_long_history_read_in_parallel_segments_is_the_same(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    at = T
    for i in range(7):
        repo.write(NEP, nep_text("review" if i >= 3 else "draft", title=f"Title number {i}"))
        repo.write(f"votes/nep-0001/v{i}.yaml", str(i))
        at += 100
        repo.commit(f"c{i}", at=at - (500 if i == 4 else 0))  # one backdated commit
        if i == 5:
            repo.checkout("side", create=True)
            repo.write("votes/nep-0001/side.yaml", "s")
            repo.commit("side", at=at + 1)
            repo.checkout("main")
            repo.merge("side", at=at + 2)
    single = read_history(repo.path)
    monkeypatch.setattr(gitlog, "_PARALLEL_MIN_COMMITS", 1)
    for workers in (2, 3, 4, 20):
        monkeypatch.setattr(gitlog, "_workers", lambda w=workers: w)
        assert len(gitlog._segments(repo.path, single.head)) == min(workers, len(single.commits))
        assert read_history(repo.path) == single


# --------------------------------------------------------------------------
# Cache


def test_cache_hit_gives_the_identical_history(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write(NEP, nep_text("draft"))
    repo.commit("draft", at=T)
    repo.write(NEP, nep_text("review"))
    repo.write(VOTE, "v")
    repo.commit("review", at=T + DAY)
    cache = repo.path / ".git" / "nep-cache"
    cold = read_history(repo.path, cache_dir=cache)
    assert dirty_paths(repo.path) == []

    def no_log(*args: object) -> None:
        raise AssertionError("the log was read again")

    monkeypatch.setattr(h, "_scan_all", no_log)
    monkeypatch.setattr(h, "_extend", no_log)
    warm = read_history(repo.path, cache_dir=cache)
    assert warm == cold
    assert warm.nep_statuses[NEP] == ((T, "draft"), (T + DAY, "review"))
    assert warm.inclusion_time(VOTE, as_of=T + DAY) == T + DAY


def test_cache_is_extended_by_appended_commits(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write(NEP, nep_text("draft"))
    repo.commit("draft", at=T + 100)
    cache = repo.path / ".git" / "nep-cache"
    read_history(repo.path, cache_dir=cache)
    repo.write(NEP, nep_text("review"))
    repo.commit("review, backdated", at=T)  # the clock carries over from the cached part
    repo.checkout("side", create=True)
    repo.write(VOTE, "v")
    repo.commit("vote", at=T + 200)
    repo.checkout("main")
    repo.merge("side", at=T + 300)

    monkeypatch.setattr(h, "_scan_all", lambda *a: pytest.fail("full rescan instead of an extension"))
    extended = read_history(repo.path, cache_dir=cache)
    monkeypatch.undo()
    assert extended == read_history(repo.path)
    assert [c.clock for c in extended.commits] == [T + 100, T + 100, T + 300]
    assert extended.first_status_time(NEP, {"review"}, as_of=T + 1000) == T + 100
    assert extended.inclusion_time(VOTE, as_of=T + 1000) == T + 300


def test_cache_after_rewritten_history_is_rebuilt(repo: GitRepo) -> None:
    repo.write(VOTE, "a")
    repo.commit("a", at=T)
    repo.write(VOTE, "b")
    repo.commit("b", at=T + 10)
    cache = repo.path / ".git" / "nep-cache"
    read_history(repo.path, cache_dir=cache)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.write("votes/nep-0001/other.yaml", "c")
    repo.commit("c", at=T + 20)
    assert read_history(repo.path, cache_dir=cache) == read_history(repo.path)


def test_a_corrupt_cache_is_ignored(repo: GitRepo) -> None:
    repo.write(VOTE, "a")
    repo.commit("a", at=T)
    cache = repo.path / ".git" / "nep-cache"
    read_history(repo.path, cache_dir=cache)
    for file in cache.glob("history-*.json"):
        file.write_text("{not json")
    assert read_history(repo.path, cache_dir=cache) == read_history(repo.path)


def test_a_committed_cache_is_never_trusted(repo: GitRepo) -> None:
    repo.write(VOTE, "a")
    repo.commit("root", at=T)
    cache = repo.path / ".nep-cache"
    read_history(repo.path, cache_dir=cache)
    [file] = cache.glob("history-*.json")
    data = json.loads(file.read_text())
    data["changes"] = []  # a forged cache: "this vote was never included"
    file.write_text(json.dumps(data))
    repo.git("add", "-f", str(file.relative_to(repo.path)))
    repo.git("commit", "-q", "-m", "smuggle a cache", at=T + 5)
    hist = read_history(repo.path, cache_dir=cache)
    assert hist.inclusion_time(VOTE, as_of=T + 5) == T
    assert hist == read_history(repo.path)


def test_each_vote_folder_is_named_by_its_events_and_says_whether_each_file_was_committed_once(tmp_path) -> None:
    from tooling.shell.history import read_history

    repo = GitRepo(tmp_path / "r")
    repo.write("votes/nep-0001/a.yaml", "a\n")
    repo.write("votes/nep-0002/b.yaml", "b\n")
    repo.commit("two votes", at=T)
    first = read_history(repo.path)
    one, two = first.vote_folder("votes/nep-0001/"), first.vote_folder("votes/nep-0002/")
    assert one is not None and two is not None and one[1] == T and one[2] and two[2]
    assert first.vote_folder("votes/nep-0003/") is None
    repo.write("votes/nep-0001/a.yaml", "a, edited\n")
    repo.commit("edit", at=T + 60)
    second = read_history(repo.path)
    edited = second.vote_folder("votes/nep-0001/")
    assert edited is not None and edited[0] != one[0] and edited[1] == T + 60 and not edited[2]
    assert second.vote_folder("votes/nep-0002/") == two  # an untouched folder keeps its name


def test_the_cached_history_reads_vote_events_only_when_asked(tmp_path) -> None:
    from tooling.shell.history import read_history

    repo = GitRepo(tmp_path / "r")
    repo.write("votes/nep-0001/a.yaml", "a\n")
    repo.write("neps/nep-0001.md", "---\nstatus: draft\n---\n")
    repo.commit("one", at=T)
    cache = tmp_path / "cache"
    read_history(repo.path, cache_dir=cache)
    warm = read_history(repo.path, cache_dir=cache)
    assert warm.events._votes is None  # type: ignore[attr-defined]
    assert warm.paths("neps/", T) == ["neps/nep-0001.md"] and warm.events._votes is None  # type: ignore[attr-defined]
    assert warm.inclusion_time("votes/nep-0001/a.yaml", T) == T
    # One vote's folder is read alone (test_history_folders); listing every path reads them all.
    assert warm.events._votes is None and warm.events.under("votes/nep-0001/") is not None  # type: ignore[attr-defined]
    assert "votes/nep-0001/a.yaml" in list(warm.events) and warm.events._votes is not None  # type: ignore[attr-defined]


def test_a_history_extended_by_new_commits_names_every_vote_folder_as_a_fresh_read_does(tmp_path) -> None:
    from tooling.shell.history import read_history

    repo = GitRepo(tmp_path / "r")
    repo.write("votes/nep-0001/a.yaml", "a\n")
    repo.write("votes/nep-0002/b.yaml", "b\n")
    repo.commit("two", at=T)
    cache = tmp_path / "cache"
    read_history(repo.path, cache_dir=cache)
    repo.write("votes/nep-0001/a.yaml", "a, edited\n")
    repo.write("votes/nep-0003/c.yaml", "c\n")
    repo.commit("more", at=T + 60)
    extended = read_history(repo.path, cache_dir=cache)
    fresh = read_history(repo.path)
    assert dict(extended.vote_folders) == dict(fresh.vote_folders)
    assert extended.inclusion_time("votes/nep-0003/c.yaml", T + 60) == T + 60
    assert extended.paths("votes/", T + 60) == fresh.paths("votes/", T + 60)


def test_damaged_vote_changes_in_the_history_cache_read_as_missing(tmp_path) -> None:
    import json as _json

    from tooling.shell.history import read_history

    repo = GitRepo(tmp_path / "r")
    repo.write("votes/nep-0001/a.yaml", "a\n")
    repo.commit("one", at=T)
    cache = tmp_path / "cache"
    read_history(repo.path, cache_dir=cache)
    (entry,) = [f for f in cache.iterdir() if f.name.startswith("history-")]
    doc = _json.loads(entry.read_bytes())
    doc["votes"] = '[["votes/nep-0001/a.yaml", 99, null]'  # cut short: not JSON any more
    entry.write_text(_json.dumps(doc))
    warm = read_history(repo.path, cache_dir=cache)
    assert warm.inclusion_time("votes/nep-0001/a.yaml", T) == T
    assert warm.paths("votes/nep-0001/", T) == ["votes/nep-0001/a.yaml"]
