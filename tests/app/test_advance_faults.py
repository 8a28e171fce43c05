"""`nep advance --commit` under faults: every write point fails or is killed, two runs race, git refuses.

Whatever stops the bot, each NEP file holds its old or its new bytes, and the
next run finishes the work: it ends on exactly the commits (same shas) and
bytes that an undisturbed run makes. A failure Python sees is undone at once
(clean tree, HEAD as it was); a SIGKILL is finished by the next run from the
journal in the git directory.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gitrepo import GitRepo
from nepfixtures import ROOT, T0, genesis, nep_cli, nep_text
from tooling.app.advance import AdvanceError, run
from tooling.app.advance_txn import JOURNAL_NAME, LOCK_NAME

BOT = ("neuroshard-nep-bot", "nep-bot@users.noreply.github.com")
NEPS = {1: nep_text(1, status="review"), 3: nep_text(3, status="review", proposer="eve")}
PATHS = ("neps/nep-0001.md", "neps/nep-0003.md")


class Crash(Exception):
    pass


def advance(repo: GitRepo, **kw):
    return run(repo.path, T0, commit=True, dry_run=False, bot_name=BOT[0], bot_email=BOT[1], now=T0, **kw)


def files(repo: GitRepo) -> dict[str, bytes]:
    return {p: (repo.path / p).read_bytes() for p in PATHS}


def gitdir(repo: GitRepo) -> Path:
    return repo.path / ".git"


def leftovers(repo: GitRepo) -> list[str]:
    """Anything a run may leave behind: temporary files, journal, lock, scratch ref, uncommitted changes."""
    out = [p.name for p in (repo.path / "neps").iterdir() if p.name.startswith(".")]
    out += [n for n in (JOURNAL_NAME, LOCK_NAME) if (gitdir(repo) / n).exists()]
    out += repo.git("for-each-ref", "refs/nep-advance/").split()
    out += repo.git("status", "--porcelain", "--untracked-files=all").splitlines()
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[str, dict[str, bytes], dict[str, bytes], list[str]]:
    """An undisturbed run: (HEAD it ends on, bytes before, bytes after, the fault points it passes)."""
    repo = genesis(tmp_path_factory.mktemp("ref") / "repo", NEPS)
    before = files(repo)
    points: list[str] = []
    result = advance(repo, fault=points.append)
    assert len(result.commits) == 2 and leftovers(repo) == []
    return repo.head(), before, files(repo), points


def test_the_fault_points_cover_every_commit_and_every_write(reference):
    *_, points = reference
    assert points == ["locked", "before commits", "before journal", "before HEAD",
                      "before write neps/nep-0001.md", "before replace neps/nep-0001.md",
                      "before write neps/nep-0003.md", "before replace neps/nep-0003.md",
                      "before index", "before journal removal", "before unlock"]


def _fresh(tmp_path: Path, name: str) -> GitRepo:
    return genesis(tmp_path / name, NEPS)


def _assert_old_or_new(repo: GitRepo, before: dict[str, bytes], after: dict[str, bytes]) -> None:
    for p, data in files(repo).items():
        assert data in (before[p], after[p]), p


def test_a_failure_at_any_point_is_undone_at_once_and_the_next_run_completes(tmp_path, reference):
    head, before, after, points = reference
    for i, point in enumerate(points):
        repo = _fresh(tmp_path, f"r{i}")
        base = repo.head()

        def fail(p: str, point=point) -> None:
            if p == point:
                raise OSError(errno.ENOSPC, "No space left on device")

        with pytest.raises(AdvanceError) as info:
            advance(repo, fault=fail)
        assert "No space left on device" in str(info.value), point
        _assert_old_or_new(repo, before, after)
        # Undone, or (past the last write) complete: the tree is clean either way, the lock is released.
        assert repo.head() in (base, head), point
        assert repo.git("status", "--porcelain", "--untracked-files=all") == "", point
        assert not (gitdir(repo) / LOCK_NAME).exists(), point
        again = advance(repo)
        assert repo.head() == head and files(repo) == after and leftovers(repo) == [], (point, again.text)


def _killed_at(repo: GitRepo, point: str) -> None:
    """Run advance in a forked child that SIGKILLs itself at ``point``: no cleanup code runs."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            def kill(p: str) -> None:
                if p == point:
                    os.kill(os.getpid(), signal.SIGKILL)
            advance(repo, fault=kill)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, point


def test_a_sigkill_at_any_point_leaves_old_or_new_files_and_the_next_run_finishes_the_work(tmp_path, reference):
    head, before, after, points = reference
    for i, point in enumerate(points):
        repo = _fresh(tmp_path, f"k{i}")
        base = repo.head()
        _killed_at(repo, point)
        _assert_old_or_new(repo, before, after)
        assert repo.head() in (base, head), point
        assert (gitdir(repo) / LOCK_NAME).exists()  # the killed run could not release it
        again = advance(repo)
        assert "took over the lock" in again.text and "is no longer running" in again.text, point
        assert repo.head() == head and files(repo) == after and leftovers(repo) == [], (point, again.text)


def test_a_sigkill_after_head_moved_is_finished_from_the_journal(tmp_path, reference):
    head, before, after, _ = reference
    repo = _fresh(tmp_path, "r")
    _killed_at(repo, "before replace neps/nep-0003.md")
    assert repo.head() == head  # published, then killed before the second rename
    assert files(repo) == {PATHS[0]: after[PATHS[0]], PATHS[1]: before[PATHS[1]]}
    assert [p.name for p in (repo.path / "neps").iterdir() if p.name.endswith(".tmp")]  # the half-done write
    result = advance(repo)
    assert "recovered an interrupted `nep advance`: its commits are on HEAD" in result.text
    assert result.commits == [] and repo.head() == head and leftovers(repo) == []


def test_recovery_never_overwrites_bytes_it_did_not_write(tmp_path, reference):
    head, before, after, _ = reference
    repo = _fresh(tmp_path, "r")
    _killed_at(repo, "before write neps/nep-0001.md")
    (repo.path / PATHS[0]).write_bytes(before[PATHS[0]] + b"\nAn author's edit after the crash.\n")
    with pytest.raises(AdvanceError, match="neither the bot's nor the old ones"):
        advance(repo)
    assert (repo.path / PATHS[0]).read_bytes().endswith(b"An author's edit after the crash.\n")
    assert (gitdir(repo) / JOURNAL_NAME).exists()  # kept until a person has looked


def _cli(repo: GitRepo, hook: str | None = None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, PYTHONPATH=str(ROOT),
               NEP_BOT_NAME=BOT[0], NEP_BOT_EMAIL=BOT[1])
    return subprocess.Popen([sys.executable, "-m", "tooling", "advance", "--commit", "--at", str(T0)],
                            cwd=repo.path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


@pytest.mark.parametrize("ref, state", [("refs/nep-advance/pending", "prepared"), ("HEAD", "prepared"),
                                        ("HEAD", "committed")])
def test_the_real_command_killed_while_git_moves_a_ref_is_finished_by_the_next_run(tmp_path, reference, ref, state):
    """`nep advance --commit` (a real process, git children included) gets SIGKILL while git updates a ref."""
    head, before, after, _ = reference
    repo = _fresh(tmp_path, "r")
    base = repo.head()
    mark = tmp_path / "reached"
    hook = repo.path / ".git" / "hooks" / "reference-transaction"
    hook.write_text(f'#!/bin/sh\nif [ "$1" = "{state}" ] && grep -q " {ref}$"; then touch "{mark}"; sleep 60; fi\n'
                    "exit 0\n")
    hook.chmod(0o755)
    proc = _cli(repo)
    for _ in range(3000):
        if mark.exists() or proc.poll() is not None:
            break
        time.sleep(0.01)
    assert mark.exists(), proc.communicate()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    hook.unlink()
    _assert_old_or_new(repo, before, after)
    assert repo.head() == (head if state == "committed" else base)
    git_locks = [p for p in (gitdir(repo) / "HEAD.lock", gitdir(repo) / "refs/heads/main.lock") if p.exists()]
    if git_locks:
        # git itself was killed holding HEAD's lock: the bot stops cleanly and says so; a person removes it.
        with pytest.raises(AdvanceError, match=r"HEAD\.lock|main\.lock"):
            advance(repo)
        assert repo.head() == base and files(repo) == before and leftovers(repo) == []
        for p in git_locks:
            p.unlink()
    advance(repo)
    assert repo.head() == head and files(repo) == after and leftovers(repo) == []


# --------------------------------------------------------------------------
# Two runs at once


def test_a_second_run_while_one_holds_the_lock_is_refused_naming_the_holder(tmp_path, reference):
    head, before, after, _ = reference
    repo = _fresh(tmp_path, "r")
    go_r, go_w = os.pipe()
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child holds the lock until told to go on
        try:
            def wait(p: str) -> None:
                if p == "locked":
                    os.write(ready_w, b"1")
                    os.read(go_r, 1)
            advance(repo, fault=wait)
            os._exit(0)
        finally:
            os._exit(3)
    os.read(ready_r, 1)
    with pytest.raises(AdvanceError) as info:
        advance(repo)
    message = str(info.value)
    assert f"pid {pid} on host {socket.gethostname()}, started 2026-01-01T00:00:00Z" in message
    assert "another `nep advance` is running" in message and str(gitdir(repo) / LOCK_NAME) in message
    assert files(repo) == before  # the refused run wrote nothing
    os.write(go_w, b"1")
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert repo.head() == head and files(repo) == after and leftovers(repo) == []
    count = repo.git("rev-list", "--count", "HEAD")
    assert advance(repo).commits == [] and repo.git("rev-list", "--count", "HEAD") == count


def test_the_cli_refuses_a_held_lock_with_exit_2_and_no_traceback(tmp_path):
    repo = _fresh(tmp_path, "r")
    lock = gitdir(repo) / LOCK_NAME
    lock.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": int(time.time()),
                                "token": "x"}))
    proc = nep_cli(repo.path, "advance", "--commit", env={"NEP_BOT_NAME": BOT[0], "NEP_BOT_EMAIL": BOT[1]})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"pid {os.getpid()} on host {socket.gethostname()}" in proc.stderr
    assert lock.exists()  # someone else's lock is never removed


# --------------------------------------------------------------------------
# git refuses


def test_a_ref_hook_that_refuses_the_commit_leaves_the_tree_clean(tmp_path, reference):
    head, before, after, _ = reference
    repo = _fresh(tmp_path, "r")
    base = repo.head()
    hook = gitdir(repo) / "hooks" / "reference-transaction"
    hook.write_text('#!/bin/sh\nif [ "$1" = prepared ] && grep -q " HEAD$"; then echo "main is frozen" >&2; '
                    "exit 1; fi\nexit 0\n")
    hook.chmod(0o755)
    with pytest.raises(AdvanceError, match="could not be recorded.*nothing was written"):
        advance(repo)
    assert repo.head() == base and files(repo) == before and leftovers(repo) == []
    hook.unlink()
    advance(repo)
    assert repo.head() == head and files(repo) == after


def test_a_locked_index_after_the_commits_puts_head_and_the_files_back(tmp_path, reference):
    head, before, after, _ = reference
    repo = _fresh(tmp_path, "r")
    base = repo.head()
    (gitdir(repo) / "index.lock").write_text("")  # another git holds the index
    with pytest.raises(AdvanceError, match="put back as they were"):
        advance(repo)
    assert repo.head() == base and files(repo) == before
    (gitdir(repo) / "index.lock").unlink()
    assert leftovers(repo) == []
    advance(repo)
    assert repo.head() == head and files(repo) == after and leftovers(repo) == []


def test_a_failing_pre_commit_hook_does_not_apply_to_the_bot(tmp_path, reference):
    """The bot does not run `git commit`: a contributor's local hook neither blocks nor alters its commits."""
    head, _, after, _ = reference
    repo = _fresh(tmp_path, "r")
    hook = gitdir(repo) / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    advance(repo)
    assert repo.head() == head and files(repo) == after and leftovers(repo) == []


def test_a_commit_landing_during_the_run_is_never_overwritten(tmp_path):
    repo = _fresh(tmp_path, "r")

    def someone_commits(p: str) -> None:
        if p == "before HEAD":
            repo.commit("someone else's commit", at=T0, allow_empty=True)

    with pytest.raises(AdvanceError, match="could not be recorded"):
        advance(repo, fault=someone_commits)
    theirs = repo.head()
    assert repo.git("log", "-1", "--format=%s") == "someone else's commit\n" and leftovers(repo) == []
    result = advance(repo)
    assert len(result.commits) == 2 and repo.git("rev-parse", "HEAD~2").strip() == theirs


def test_advance_twice_is_a_no_op(tmp_path, reference):
    head, _, after, _ = reference
    repo = _fresh(tmp_path, "r")
    advance(repo)
    count = repo.git("rev-list", "--count", "--all")
    second = advance(repo)
    assert second.commits == [] and second.changes == [] and "Nothing to do" in second.text
    assert repo.git("rev-list", "--count", "--all") == count and repo.head() == head and files(repo) == after


def test_without_commit_a_sigkill_mid_write_leaves_old_or_new_files_and_the_next_run_finishes(tmp_path, reference):
    _, before, after, _ = reference
    for i, point in enumerate(["before replace neps/nep-0001.md", "before replace neps/nep-0003.md"]):
        repo = _fresh(tmp_path, f"w{i}")
        pid = os.fork()
        if pid == 0:  # pragma: no cover
            try:
                run(repo.path, T0, commit=False, dry_run=False, now=T0,
                    fault=lambda p: os.kill(os.getpid(), signal.SIGKILL) if p == point else None)
            finally:
                os._exit(3)
        os.waitpid(pid, 0)
        _assert_old_or_new(repo, before, after)
        assert any(p.name.endswith(".nep-advance.tmp") for p in (repo.path / "neps").iterdir())
        run(repo.path, T0, commit=False, dry_run=False, now=T0)
        assert files(repo) == after
        assert not any(p.name.startswith(".") for p in (repo.path / "neps").iterdir())
