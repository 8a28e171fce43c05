"""How ``nep advance --commit`` makes its commits and writes its files so that no crash or failure loses work.

The order, and what a stop at each point leaves:

1. The bot commits are built by one ``git fast-import`` on a scratch ref
   (``refs/nep-advance/pending``): nothing visible has changed yet.
2. A *journal* (``<git-dir>/nep-advance.journal``, written atomically) records
   the commit HEAD had, the commit it is to get, and each file's old and new
   bytes and the name of its temporary file.
3. ``update-ref`` moves HEAD, only if it still is the old commit (so a
   concurrent commit is never overwritten): the one step that publishes.
4. Each file is replaced atomically (temporary file beside it, fsync, rename).
5. The index entries of those paths are set to HEAD's.
6. The journal is removed.

A failure that Python sees (git refusing, a full disk, an index locked by
another git) before step 3 removes the journal: nothing was written. After
step 3 it is undone: HEAD goes back (only if it is still the bot's commit)
and the files whose bytes are the bot's get their old bytes back; the index
was never changed. A crash (SIGKILL, power cut) leaves the journal, and the
next run ``recover``\\ s from it before anything else: if HEAD is the old
commit it puts back old bytes, if HEAD is the bot's commit it finishes the
writes and the index, and in either case a file whose bytes are neither the
old nor the new ones is left alone and reported (never overwritten).
``fault`` is a test seam called at each named point; it may raise or kill.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tooling.shell.fsio import fsync_dir, write_atomic

#: Called at each named point of a write (tests inject a failure or a kill there); does nothing by default.
Fault = Callable[[str], None]

PENDING_REF = "refs/nep-advance/pending"
JOURNAL_NAME = "nep-advance.journal"
LOCK_NAME = "nep-advance.lock"


class AdvanceError(Exception):
    """The run cannot start (dirty work tree, no git for --commit, clock going backwards) or git failed."""


def no_fault(point: str) -> None:
    return None


def git_env() -> dict[str, str]:
    from tooling.shell.git import LOCAL_GIT_ENV

    # Variables that would point git at another repository, or set an identity or date, are dropped:
    # the stream below states the bot's identity and date itself.
    return {k: v for k, v in os.environ.items()
            if k not in LOCAL_GIT_ENV and not k.startswith(("GIT_AUTHOR_", "GIT_COMMITTER_"))}


def git(root: Path, *args: str, input: bytes | None = None) -> str:
    try:
        # Objects and refs reach the disk before git reports success (git >= 2.36; older gits ignore the key),
        # so a power cut after HEAD moved cannot leave HEAD naming a commit that was never stored.
        proc = subprocess.run(["git", "-c", "core.fsync=committed", *args], cwd=root, env=git_env(), input=input,
                              capture_output=True)
    except OSError as exc:
        raise AdvanceError(f"cannot run git in {root}: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().replace("\n", "; ")
        raise AdvanceError(f"git {args[0]} failed in {root}: {detail}")
    return proc.stdout.decode("utf-8", "replace")


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the work tree, "/" separated
    old: bytes
    new: bytes
    mode: str  # git file mode, "100644" or "100755"
    message: str  # the commit message


def build_commits(root: Path, head: str, files: list[FileChange], *, name: str, email: str, at: int) -> list[str]:
    """One commit per change, in order, on top of ``head``, dated ``at``, on the scratch ref; the shas.

    One ``git fast-import`` stream (one process, not a ``git add`` + ``git
    commit`` per NEP that would rewrite a 100,000-entry index each time).
    """
    ident = f"{name} <{email}> {int(at)} +0000\n".encode("utf-8")
    # Hashing by path applies .gitattributes (eol, clean filters) as `git add` would, so a CRLF
    # checkout of an LF repository commits only the bot's lines and leaves the tree clean.
    blobs = [git(root, "hash-object", "-w", f"--path={f.path}", "--stdin", input=f.new).strip() for f in files]
    chunks: list[bytes] = []
    for i, (f, blob) in enumerate(zip(files, blobs), start=1):
        msg = f.message.encode("utf-8")
        chunks += [f"commit {PENDING_REF}\nmark :{i}\n".encode(), b"author " + ident, b"committer " + ident,
                   b"data %d\n" % len(msg), msg, b"\n"]
        if i == 1:
            chunks.append(f"from {head}\n".encode())
        chunks += [f"M {f.mode} {blob} {f.path}\n".encode("utf-8"), b"\n"]
    chunks.append(b"done\n")
    with tempfile.TemporaryDirectory(prefix="nep-advance-") as tmp:
        marks = Path(tmp) / "marks"
        git(root, "fast-import", "--quiet", "--done", "--force", f"--export-marks={marks}", input=b"".join(chunks))
        by_mark = dict(line.strip().partition(" ")[::2] for line in marks.read_text().splitlines())
    return [by_mark[f":{i}"] for i in range(1, len(files) + 1)]


def move_head(root: Path, new: str, old: str, why: str) -> None:
    """HEAD := new, only if it is ``old`` (git refuses otherwise)."""
    git(root, "update-ref", "-m", why, "HEAD", new, old)


def drop_pending(root: Path, gdir: Path | None = None) -> None:
    if gdir is not None:
        # A git killed while it held the scratch ref leaves git's lock file on it; the ref is ours alone
        # (the caller holds nep-advance.lock), so the lock is stale.
        _remove(gdir / (PENDING_REF + ".lock"))
    try:
        git(root, "update-ref", "-d", PENDING_REF)
    except AdvanceError:
        pass  # a scratch ref left behind is overwritten by the next run


def reset_index(root: Path, paths: list[str]) -> None:
    """The index entries of ``paths`` become HEAD's (the files already match HEAD)."""
    git(root, "--literal-pathspecs", "reset", "-q", "HEAD", "--pathspec-from-file=-", "--pathspec-file-nul",
        input=b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in paths))


# --------------------------------------------------------------------------
# The journal


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tmp_name(path: str, token: str = "") -> str:
    """The temporary file beside ``path`` (hidden, named for the bot, so a leftover is recognised as ours)."""
    return f".{Path(path).name}.{token + '.' if token else ''}nep-advance.tmp"


def _journal_bytes(old_head: str, new_head: str, files: list[FileChange], token: str) -> bytes:
    return json.dumps({
        "version": 1, "old_head": old_head, "new_head": new_head, "token": token,
        "files": [{"path": f.path, "tmp": tmp_name(f.path, token),
                   "old": base64.b64encode(f.old).decode(), "new": base64.b64encode(f.new).decode()}
                  for f in files],
    }, indent=1).encode() + b"\n"


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    fsync_dir(path.parent)


def commit_and_write(root: Path, gdir: Path, head: str, files: list[FileChange], *, name: str, email: str,
                     at: int, fault: Fault = no_fault) -> list[str]:
    """Commit ``files`` on top of ``head``, then write them; all or nothing (see the module docstring)."""
    fault("before commits")
    try:
        shas = build_commits(root, head, files, name=name, email=email, at=at)
    except (AdvanceError, OSError) as exc:
        drop_pending(root)
        raise AdvanceError(f"the bot commits could not be made; nothing was written: {exc}") from None
    fault("before journal")
    token = secrets.token_hex(6)
    journal = gdir / JOURNAL_NAME
    write_atomic(journal, _journal_bytes(head, shas[-1], files, token))
    try:
        fault("before HEAD")
        move_head(root, shas[-1], head, f"nep advance: {len(shas)} bot commit(s)")
    except (AdvanceError, OSError) as exc:
        _remove(journal)
        raise AdvanceError(f"the bot commits could not be recorded (HEAD stays {head[:12]}); "
                           f"nothing was written: {exc}") from None
    finally:
        drop_pending(root)
    try:
        for f in files:
            fault(f"before write {f.path}")
            write_atomic(root / f.path, f.new, tmp_name=tmp_name(f.path, token),
                         before_replace=lambda p=f.path: fault(f"before replace {p}"))
        fault("before index")
        reset_index(root, [f.path for f in files])
    except (AdvanceError, OSError) as exc:
        raise AdvanceError(_undo(root, journal, head, shas[-1], files, exc)) from None
    fault("before journal removal")
    _remove(journal)
    return shas


def _undo(root: Path, journal: Path, old_head: str, new_head: str, files: list[FileChange],
          exc: Exception) -> str:
    """Put HEAD and the files back after a failure past the publishing step; the error message."""
    what = f"writing the bot's files failed after its commits ({exc})"
    try:
        move_head(root, old_head, new_head, "nep advance: undo after a failed write")
    except AdvanceError as again:
        # HEAD moved on, or cannot be written: the journal stays and the next run finishes the writes.
        return (f"{what}; HEAD could not be put back ({again}); the next `nep advance` finishes the "
                f"interrupted run from {journal}")
    problems = _put_back(root, files, {})
    if problems:
        return (f"{what}; HEAD was put back to {old_head[:12]}, but {'; '.join(problems)}; the next "
                f"`nep advance` puts the old bytes back from {journal}")
    _remove(journal)
    return f"{what}; HEAD and the files were put back as they were: nothing was committed or written"


def _put_back(root: Path, files: list[FileChange], tmp: dict[str, str]) -> list[str]:
    """Old bytes for each file that holds the new ones; problems, by file."""
    problems = []
    for f in files:
        remove_tmp(root, f.path, tmp.get(f.path))
        target = root / f.path
        try:
            current = target.read_bytes()
            if current == f.new and f.new != f.old:
                write_atomic(target, f.old)
            elif current != f.old:
                problems.append(f"{f.path} holds bytes that are neither the bot's nor the old ones (left as they are)")
        except OSError as err:
            problems.append(f"{f.path} could not be restored ({err.strerror or err})")
    return problems


def remove_tmp(root: Path, path: str, tmp: str | None) -> None:
    if tmp and "/" not in tmp and tmp.endswith(".nep-advance.tmp"):
        _remove((root / path).parent / tmp)


def recover(root: Path, gdir: Path) -> list[str]:
    """Finish or undo what a killed run left in its journal; notes for the output (AdvanceError if it cannot)."""
    journal = gdir / JOURNAL_NAME
    try:
        raw = journal.read_bytes()
    except FileNotFoundError:
        if (gdir / (PENDING_REF + ".lock")).exists() or (gdir / PENDING_REF).exists():
            drop_pending(root, gdir)  # a run killed while it built its commits: nothing was published
        return []
    try:
        d = json.loads(raw.decode("utf-8"))
        old_head, new_head = str(d["old_head"]), str(d["new_head"])
        files = [FileChange(str(e["path"]), base64.b64decode(e["old"]), base64.b64decode(e["new"]), "", "")
                 for e in d["files"]]
        tmp = {str(e["path"]): str(e["tmp"]) for e in d["files"]}
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise AdvanceError(f"{journal} (left by an interrupted `nep advance`) cannot be read ({exc}); "
                           "check `git status` and `git log`, then remove the file") from None
    for f in files:
        if f.path.startswith("/") or ".." in f.path.split("/"):
            raise AdvanceError(f"{journal} names a path outside the work tree ({f.path!r}); remove the file")
    head = git(root, "rev-parse", "--verify", "HEAD").strip()
    drop_pending(root, gdir)
    if head == old_head:
        problems = _put_back(root, files, tmp)
        done = "its commits never reached HEAD; the files it had written got their old bytes back"
    elif head == new_head:
        problems = _finish(root, files, tmp)
        done = f"its commits are on HEAD ({new_head[:12]}); its remaining file writes were finished"
    else:
        raise AdvanceError(
            f"{journal} was left by an interrupted `nep advance` that moved HEAD from {old_head[:12]} to "
            f"{new_head[:12]}, but HEAD is now {head[:12]}: check `git status` and `git log`, then remove the file")
    if problems:
        raise AdvanceError(f"an interrupted `nep advance` left {journal}: {'; '.join(problems)}. Move those "
                           "files' changes aside, then run again")
    reset_index(root, [f.path for f in files])
    _remove(journal)
    return [f"note: recovered an interrupted `nep advance`: {done}"]


def _finish(root: Path, files: list[FileChange], tmp: dict[str, str]) -> list[str]:
    problems = []
    for f in files:
        remove_tmp(root, f.path, tmp.get(f.path))
        target = root / f.path
        try:
            current = target.read_bytes()
        except FileNotFoundError:
            current = None
        if current == f.new:
            continue
        if current != f.old:
            problems.append(f"{f.path} holds bytes that are neither the bot's nor the old ones (left as they are)")
            continue
        write_atomic(target, f.new, tmp_name=tmp.get(f.path))
    return problems
