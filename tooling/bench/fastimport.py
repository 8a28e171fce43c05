"""Commits written with ``git fast-import`` streams: seconds for 20,000 commits, dates set in the stream.

Dates and parents live in the stream, so no commit needs a dated environment
or a private index, and every git process goes through the one runner.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from tooling.bench.common import run_git

_WHO = b"Bench <bench@example.com>"


def _ops(items: list[tuple[str, bytes]]) -> bytes:
    return b"".join(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode("utf-8"), len(data), data)
                    for path, data in items)


def _header(ref: str, mark: int | None, when: int, message: str) -> bytes:
    m = message.encode("utf-8")
    marked = b"mark :%d\n" % mark if mark is not None else b""
    return (b"commit %s\n%sauthor %s %d +0000\ncommitter %s %d +0000\ndata %d\n%s\n"
            % (ref.encode("utf-8"), marked, _WHO, when, _WHO, when, len(m), m))


def fast_import(root: Path, commits: int, time_of: Callable[[int], int],
                changes: dict[int, list[tuple[str, bytes]]]) -> None:
    """The first-parent history in one stream; one commit in 25 merges a one-commit side branch."""
    run_git(root, "init", "-q", "-b", "main")
    out: list[bytes] = []
    for i in range(commits):
        items = changes.get(i) or [("docs/activity.md", f"Last maintenance: commit {i}\n".encode())]
        when = time_of(i)
        merge = i > 0 and i % 25 == 12
        if merge:
            out += [_header("refs/heads/pr", commits + 1 + i, when - 1, f"Change {i}"), b"from :%d\n" % i,
                    _ops(items), b"\n"]
        out.append(_header("refs/heads/main", i + 1, when, f"Merge pull request #{i}" if merge else f"Commit {i}"))
        if i > 0:
            out.append(b"from :%d\n" % i)
        if merge:
            out.append(b"merge :%d\n" % (commits + 1 + i))
        out += [_ops(items), b"\n"]
    out.append(b"done\n")
    run_git(root, "fast-import", "--quiet", "--done", stdin=b"".join(out))
    run_git(root, "update-ref", "-d", "refs/heads/pr")


def commit_files(root: Path, branch: str, parent: str, files: dict[str, bytes], when: int, message: str) -> str:
    """One commit on ``branch`` (created or moved) whose parent is ``parent``; its id."""
    stream = b"".join([_header(f"refs/heads/{branch}", None, when, message), b"from %s\n" % parent.encode(),
                       _ops(sorted(files.items())), b"\ndone\n"])
    run_git(root, "fast-import", "--quiet", "--done", "--force", stdin=stream)
    return run_git(root, "rev-parse", f"refs/heads/{branch}").strip()
