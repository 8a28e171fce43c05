"""The one git runner: every git process the tool starts goes through here.

Each call runs ``git --no-replace-objects`` with the environment stripped of
the variables by which a calling git (a hook, ``git rebase --exec``) would
point it at another repository, so that what is read depends on the commits
alone. Helpers: one ``rev-parse`` probe, ``cat-file --batch`` for many blobs in
one process, trees, diffs between revisions, the dirty work tree, the git
directory (where caches live) and whether a path is tracked.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

#: The folder name that a cache once had inside the work tree; never read nor written now,
#: but still left out of ``dirty_paths`` so that an old checkout's leftover does not block the bot.
LEGACY_CACHE_DIR_NAME = ".nep-cache"
TRACKED_PREFIXES: tuple[str, ...] = ("neps/", "votes/")

# Variables by which a calling git (a hook, `git rebase --exec`) would point
# our git at another repository than the one we were asked about.
LOCAL_GIT_ENV = frozenset(
    {
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_OBJECT_DIRECTORY",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_IMPLICIT_WORK_TREE",
        "GIT_GRAFT_FILE",
        "GIT_INDEX_FILE",
        "GIT_NO_REPLACE_OBJECTS",
        "GIT_REPLACE_REF_BASE",
        "GIT_PREFIX",
        "GIT_INTERNAL_SUPER_PREFIX",
        "GIT_SHALLOW_FILE",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
    }
)



class HistoryError(Exception):
    """git could not give the history asked for (unknown revision, broken or shallow repository, no git)."""


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in LOCAL_GIT_ENV}


def run(repo: Path, args: Sequence[str], *, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    # Replace refs and signature display would make the history depend on local
    # configuration instead of on the commits themselves.
    cmd = ["git", "--no-replace-objects", "-c", "log.showSignature=false", *args]
    try:
        return subprocess.run(cmd, cwd=repo, env=env(), input=input, capture_output=True)
    except FileNotFoundError as exc:
        if not Path(repo).is_dir():
            raise HistoryError(f"{repo} is not a directory") from None
        raise HistoryError("git is not installed (or not on PATH)") from exc
    except OSError as exc:
        raise HistoryError(f"cannot run git in {repo}: {exc.strerror or exc}") from None


def git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    proc = run(repo, args, input=input)
    if proc.returncode != 0:
        raise HistoryError(f"git {args[0]} failed in {repo}: {stderr(proc)}")
    return proc.stdout


def stderr(proc: subprocess.CompletedProcess[bytes]) -> str:
    text = proc.stderr.decode("utf-8", "replace").strip()
    lines = [ln.removeprefix("fatal: ").removeprefix("error: ") for ln in text.splitlines() if ln.strip()]
    return "; ".join(lines) or f"exit status {proc.returncode}"


def decode_path(raw: bytes) -> str:
    # surrogateescape keeps non-UTF-8 names round-trippable to the file system.
    return raw.decode("utf-8", "surrogateescape")


def _same_dir(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def probe(repo: Path, rev: str | None) -> tuple[bool, bool, str | None, str]:
    """One rev-parse: (is the top of a work tree, is shallow, commit of rev or None, git's complaint)."""
    args = ["rev-parse", "--show-toplevel", "--is-shallow-repository"]
    if rev is not None:
        args += ["--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"]
    proc = run(repo, args)
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 2:
        return False, False, None, stderr(proc)
    top = _same_dir(lines[0], repo)
    sha = lines[2].strip() if proc.returncode == 0 and len(lines) > 2 else None
    return top, lines[1].strip() == "true", sha, stderr(proc)


def is_git_repo(repo: Path) -> bool:
    """True if ``repo`` is the top directory of a git work tree.

    A plain directory inside some other repository (a test fixture, a
    vendored copy) is not: its paths would not be the repository's paths.
    A ``.git`` that git refuses to read (e.g. "dubious ownership") counts as a
    repository, so that the caller gets git's explanation instead of an empty
    history.
    """
    repo = Path(repo)
    if not repo.is_dir():
        return False
    top, _, _, _ = probe(repo, None)
    return top or (repo / ".git").exists()


def resolve_rev(repo: Path, rev: str) -> str:
    """The commit sha ``rev`` names; HistoryError with a readable message otherwise."""
    return verify(Path(repo), rev, "commit")


def verify(repo: Path, rev: str, kind: str) -> str:
    if not rev or "\n" in rev or "\0" in rev:
        raise HistoryError(f"invalid revision {rev!r}")
    proc = run(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{{kind}}}"])
    if proc.returncode == 0:
        return proc.stdout.decode().strip()
    if not is_git_repo(repo):
        raise HistoryError(f"{repo} is not a git repository, so revision {rev!r} cannot be read")
    detail = stderr(proc) if proc.stderr.strip() else ""
    raise HistoryError(f"unknown revision {rev!r} in {repo}" + (f" ({detail})" if detail else ""))


def run_parallel(repo: Path, arg_lists: Sequence[Sequence[str]]) -> list[bytes]:
    if len(arg_lists) == 1:
        return [git(repo, *arg_lists[0])]
    results: list[subprocess.CompletedProcess[bytes] | BaseException | None] = [None] * len(arg_lists)

    def work(i: int) -> None:
        try:
            results[i] = run(repo, arg_lists[i])
        except BaseException as exc:  # re-raised in the calling thread
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(arg_lists))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outputs = []
    for args, result in zip(arg_lists, results):
        if isinstance(result, BaseException):
            raise result
        assert result is not None
        if result.returncode != 0:
            raise HistoryError(f"git {args[0]} failed in {repo}: {stderr(result)}")
        outputs.append(result.stdout)
    return outputs




def git_dir(repo: Path) -> Path | None:
    """The absolute git directory of the work tree ``repo`` (``.git`` or a worktree's), None if not in git."""
    proc = run(Path(repo), ["rev-parse", "--absolute-git-dir"])
    if proc.returncode != 0:
        return None
    text = proc.stdout.decode("utf-8", "surrogateescape").strip()
    return Path(text) if text else None


def is_tracked(repo: Path, file: Path) -> bool:
    """True if ``file`` is (or may be) committed in ``repo``: its content is then a contributor's, not ours."""
    rel = os.path.relpath(os.path.abspath(file), os.path.abspath(repo))
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return False  # outside the work tree: nobody's pull request wrote it
    proc = run(Path(repo), ["--literal-pathspecs", "ls-files", "-z", "--", rel])
    return proc.returncode != 0 or bool(proc.stdout)

def read_blobs(repo: Path, shas: Iterable[str]) -> dict[str, bytes]:
    """Contents of the given blobs, by sha, read with one ``git cat-file --batch``; missing objects are left out."""
    wanted = [s for s in dict.fromkeys(shas) if s]
    if not wanted:
        return {}
    if any(not _is_object_name(s) for s in wanted):
        bad = next(s for s in wanted if not _is_object_name(s))
        raise HistoryError(f"not an object id: {bad!r}")
    cmd = ["git", "--no-replace-objects", "cat-file", "--batch", "--buffer"]
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                cmd, cwd=repo, env=env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err
            )
        except OSError as exc:
            raise HistoryError(f"cannot run git in {repo}: {exc.strerror or exc}") from None
        assert proc.stdin is not None and proc.stdout is not None
        payload = ("\n".join(wanted) + "\n").encode()

        def feed() -> None:
            # A thread, so that git never blocks writing output we are not yet reading.
            try:
                proc.stdin.write(payload)  # type: ignore[union-attr]
                proc.stdin.close()  # type: ignore[union-attr]
            except (BrokenPipeError, OSError):
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        out: dict[str, bytes] = {}
        stdout = proc.stdout
        try:
            for name in wanted:
                header = stdout.readline()
                if not header:
                    break
                parts = header.split()
                if len(parts) != 3:
                    continue  # "<name> missing" / "ambiguous"
                size = int(parts[2])
                content = stdout.read(size)
                stdout.read(1)
                if parts[1] == b"blob":
                    out[name] = content
        finally:
            stdout.close()
            writer.join()
            rc = proc.wait()
        if rc != 0:
            err.seek(0)
            message = err.read().decode("utf-8", "replace").strip() or f"exit status {rc}"
            raise HistoryError(f"git cat-file failed in {repo}: {message}")
    return out


_OBJECT_NAME = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def _is_object_name(name: str) -> bool:
    return _OBJECT_NAME.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class TreeEntry:
    mode: str  # "100644", "100755", "120000" (symbolic link), "160000" (submodule)
    kind: str  # "blob" or "commit"
    sha: str

    @property
    def is_symlink(self) -> bool:
        return self.mode == "120000"

    @property
    def is_regular(self) -> bool:
        return self.mode in ("100644", "100755")


def read_tree_entries(
    repo: Path, rev: str, prefixes: Sequence[str] = TRACKED_PREFIXES
) -> dict[str, TreeEntry]:
    """Every file (blob or submodule) under ``prefixes`` at ``rev`` with its mode; ``()`` or ``""`` means all."""
    repo = Path(repo)
    tree = verify(repo, rev, "tree")
    everything = not prefixes or any(p == "" for p in prefixes)
    args = ["ls-tree", "-r", "-z", "--full-tree", tree]
    if not everything:
        args += ["--", *(p.rstrip("/") for p in prefixes)]
    out = git(repo, *args)
    wanted = tuple(prefixes)
    entries: dict[str, TreeEntry] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha = meta.decode().split(" ")
        path = decode_path(raw_path)
        if kind == "tree" or (not everything and not path.startswith(wanted)):
            continue
        entries[path] = TreeEntry(mode, kind, sha)
    return entries


def read_tree(repo: Path, rev: str, prefixes: Sequence[str] = TRACKED_PREFIXES) -> dict[str, str]:
    """path -> object sha of every file under ``prefixes`` at ``rev``."""
    return {path: entry.sha for path, entry in read_tree_entries(repo, rev, prefixes).items()}


def changed_paths(repo: Path, base: str, head: str) -> list[tuple[str, str, str | None]]:
    """(status A|M|D|T, path, old path) of every file that differs between two revisions.

    Renames are reported as a deletion plus an addition, so the old path is
    always None; it is kept in the shape for callers that print it.
    """
    repo = Path(repo)
    base_sha = resolve_rev(repo, base)
    head_sha = resolve_rev(repo, head)
    out = git(
        repo, "diff", "--name-status", "--no-renames", "--no-ext-diff", "--no-color", "-z", base_sha, head_sha, "--"
    )
    tokens = out.split(b"\0")
    result: list[tuple[str, str, str | None]] = []
    for i in range(0, len(tokens) - 1, 2):
        status = tokens[i].decode()
        if not status:
            break
        result.append((status[:1], decode_path(tokens[i + 1]), None))
    return result


def dirty_paths(repo: Path) -> list[str]:
    """Paths of the work tree that differ from HEAD (untracked files included), except the tool's cache."""
    out = git(Path(repo), "status", "--porcelain", "-z", "--no-renames", "--untracked-files=all")
    paths = []
    for record in out.split(b"\0"):
        if len(record) < 4:
            continue
        path = decode_path(record[3:])
        if path == LEGACY_CACHE_DIR_NAME or path.startswith(LEGACY_CACHE_DIR_NAME + "/"):
            continue
        paths.append(path)
    return paths

