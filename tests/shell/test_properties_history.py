"""Property: "file F as of t" (``History.blob_at``) agrees with ``git show REV:F`` for random histories.

REV is found here independently of the tool: the last commit of the
first-parent chain whose clock (committer time, never moving backwards) is
at most t. Histories are random: files under neps/ and votes/ and the two
inputs read as of an instant (governance, ledger) added, changed, deleted
and re-added; committer times that go backwards; side branches merged with
--no-ff (their own commits are not on the first-parent chain). The cached
reader (a warm run over the same history) must answer the same.
"""

from __future__ import annotations

import subprocess

from gitrepo import GitRepo
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples

from tooling.shell.history import read_blobs, read_history

PATHS = ["neps/nep-0001.md", "neps/nep-0002.md", "votes/nep-0001/" + "a" * 32 + ".yaml", "governance.yaml",
         "stakes/ledger.yaml"]
T = 1_767_225_600

ops = st.tuples(st.sampled_from(["write", "delete", "branch"]), st.sampled_from(PATHS), st.integers(0, 5),
                st.integers(-3, 3))


def show(repo: GitRepo, rev: str, path: str) -> bytes | None:
    proc = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=repo.path, env=repo._env(), capture_output=True,
                          check=False)
    return proc.stdout if proc.returncode == 0 else None


@examples(6)
@given(st.lists(ops, min_size=1, max_size=8), st.lists(st.integers(-2, 40), min_size=1, max_size=12))
def test_file_as_of_t_agrees_with_git_show(tmp_path_factory, steps, probes):
    repo = GitRepo(tmp_path_factory.mktemp("hist"))
    at = T
    repo.write("README.md", "x\n")
    repo.commit("root", at=at)
    for n, (op, path, content, dt) in enumerate(steps):
        at += dt  # committer times may go backwards: the clock may not
        exists = (repo.path / path).exists()
        if op == "delete" and exists:
            repo.delete(path)
            repo.commit(f"delete {n}", at=at, allow_empty=True)
        elif op == "branch":
            repo.git("checkout", "-q", "-b", f"side{n}")
            repo.write(path, f"side {n} {content}\n")
            repo.commit(f"side {n}", at=at - 1)
            repo.git("checkout", "-q", "main")
            repo.git("merge", "-q", "--no-ff", "-m", f"merge {n}", f"side{n}", at=at)
        else:
            repo.write(path, f"version {n} {content}\n" * (content + 1))
            repo.commit(f"write {n}", at=at, allow_empty=True)
    chain = repo.git("log", "--first-parent", "--reverse", "--format=%H %ct").split()
    clocks, clock = [], None
    for sha, ct in zip(chain[::2], chain[1::2]):
        clock = int(ct) if clock is None else max(clock, int(ct))
        clocks.append((clock, sha))
    cold = read_history(repo.path)
    warm_dir = repo.path / ".git" / "nep-cache-test"
    read_history(repo.path, cache_dir=warm_dir)
    warm = read_history(repo.path, cache_dir=warm_dir)
    for probe in probes:
        t = T + probe
        revs = [sha for c, sha in clocks if c <= t]
        for path in PATHS:
            expected = show(repo, revs[-1], path) if revs else None
            for history in (cold, warm):
                blob = history.blob_at(path, t)
                got = None if blob is None else read_blobs(repo.path, [blob])[blob]
                assert got == expected, (path, t, revs[-1:] or None)
