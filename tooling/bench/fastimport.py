"""The synthetic history in one ``git fast-import`` stream: seconds for 20,000 commits."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable

from tooling.bench.common import BenchError, git_env, run_git


def fast_import(root: Path, commits: int, time_of: Callable[[int], int],
                 changes: dict[int, list[tuple[str, bytes]]]) -> None:
    """The first-parent history in one fast-import stream; one commit in 25 merges a one-commit side branch."""
    run_git(root, "init", "-q", "-b", "main")
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=root, env=git_env(),
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    out = proc.stdin
    who = "Bench <bench@example.com>"

    def ops(items: list[tuple[str, bytes]]) -> None:
        for path, data in items:
            out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode("utf-8"), len(data), data))

    def message(text: str) -> None:
        m = text.encode("utf-8")
        out.write(b"data %d\n%s\n" % (len(m), m))

    try:
        for i in range(commits):
            items = changes.get(i) or [("docs/activity.md", f"Last maintenance: commit {i}\n".encode())]
            when = time_of(i)
            merge = i > 0 and i % 25 == 12
            if merge:
                out.write(f"commit refs/heads/pr\nmark :{commits + 1 + i}\n"
                          f"author {who} {when - 1} +0000\ncommitter {who} {when - 1} +0000\n".encode())
                message(f"Change {i}")
                out.write(f"from :{i}\n".encode())
                ops(items)
                out.write(b"\n")
            out.write(f"commit refs/heads/main\nmark :{i + 1}\nauthor {who} {when} +0000\n"
                      f"committer {who} {when} +0000\n".encode())
            message(f"Merge pull request #{i}" if merge else f"Commit {i}")
            if i > 0:
                out.write(f"from :{i}\n".encode())
            if merge:
                out.write(f"merge :{commits + 1 + i}\n".encode())
            ops(items)
            out.write(b"\n")
        out.write(b"done\n")
        out.close()
    except BrokenPipeError:
        pass
    err = proc.stderr.read() if proc.stderr else b""
    if proc.wait() != 0:
        raise BenchError(f"git fast-import failed: {err.decode('utf-8', 'replace').strip()}")
    subprocess.run(["git", "update-ref", "-d", "refs/heads/pr"], cwd=root, env=git_env(), capture_output=True)
