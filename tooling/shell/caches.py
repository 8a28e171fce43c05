"""The one place that decides where caches live and whether one may be read (SPEC 2, "caches are never evidence").

A cache only saves time; it never decides anything. So it lives where a pull
request cannot put it: in the git directory (``<git-dir>/nep-cache``), in the
folder named by ``NEP_CACHE_DIR``, or, outside git, in the user's cache folder
(``$XDG_CACHE_HOME/nep``, default ``~/.cache/nep``). A ``.nep-cache`` in the
work tree is never read nor written. A cache folder or file reached through a
symbolic link, a file git tracks, or one inside the work tree is ignored; a
damaged entry reads as missing. Entries are named by what they depend on (git
object ids, content hashes) and the digest of the tool's own code, so a new
version of the tool never reads an old version's verdicts.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

from tooling.shell import git as gitrun

ENV_VAR = "NEP_CACHE_DIR"
DIR_NAME = "nep-cache"
#: A folder that never exists: callers without a safe cache folder pass it and get an empty, unsaved cache.
UNUSABLE = Path("/nonexistent/nep-cache/unusable")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 over the tool's own Python sources (path and bytes), computed once per process."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix().encode("utf-8", "surrogateescape")
        try:
            data = path.read_bytes()
        except OSError:
            data = b"?"
        for part in (rel, data):
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)
    return h.hexdigest()


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(folder))
        return True
    except ValueError:
        return False


def cache_dir(repo: Path | None) -> Path | None:
    """Where the caches of ``repo`` live, or None when no safe place exists.

    ``NEP_CACHE_DIR`` wins; else the git directory's ``nep-cache``; else, outside
    git, the user's cache folder. A folder inside the work tree (other than the
    git directory) or that is a symbolic link is refused: caches are never
    written where a pull request could have put something.
    """
    root = Path(repo) if repo is not None else None
    named = os.environ.get(ENV_VAR)
    # The same test as the rest of the tool for "a git checkout": a .git at the top of the folder.
    in_git = root is not None and (root / ".git").exists()
    gdir = gitrun.git_dir(root) if in_git and not named and root is not None else None
    if named:
        folder = Path(named)
    elif gdir is not None:
        folder = gdir / DIR_NAME
    elif in_git:
        return None  # git cannot name its directory: no cache rather than one in the work tree
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = Path(base) / "nep"
    folder = Path(os.path.abspath(folder))
    if root is not None and _inside(folder, root) and not _in_git_dir(folder, root, gdir):
        return None
    if os.path.islink(folder):
        return None
    return folder


def _in_git_dir(path: Path, root: Path, gdir: Path | None) -> bool:
    """Inside the git directory (``.git/`` or the one git named): never part of the work tree."""
    return _inside(path, root / ".git") or (gdir is not None and _inside(path, gdir))


def ensure(folder: Path) -> bool:
    """Create ``folder`` (not through a symbolic link); False if that is not possible."""
    try:
        if os.path.islink(folder):
            return False
        folder.mkdir(parents=True, exist_ok=True)
        st = os.lstat(folder)
        return stat.S_ISDIR(st.st_mode)
    except OSError:
        return False


def trusted(repo: Path | None, folder: Path, file: Path) -> bool:
    """Whether an entry may be read: no link on the way, a regular file, not tracked by git."""
    try:
        if os.path.islink(folder) or not stat.S_ISDIR(os.lstat(folder).st_mode):
            return False
        if not stat.S_ISREG(os.lstat(file).st_mode):
            return False
    except OSError:
        return False
    if repo is not None and _inside(file, repo) and not _in_git_dir(file, Path(repo), None):
        try:
            return not gitrun.is_tracked(Path(repo), file)
        except gitrun.HistoryError:
            return False
    return True


def read(repo: Path | None, folder: Path, name: str, limit: int) -> bytes | None:
    """The bytes of entry ``name``, or None if it is missing, too large or not to be trusted."""
    file = folder / name
    if not trusted(repo, folder, file):
        return None
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None


def write(folder: Path, name: str, data: bytes) -> None:
    """Replace entry ``name`` atomically; a cache that cannot be written only costs time."""
    if not ensure(folder):
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, folder / name)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def entry_name(kind: str, *parts: str) -> str:
    """A file name for an entry of ``kind`` that depends on ``parts`` and on the tool's code."""
    h = hashlib.sha256()
    for part in (code_digest(), *parts):
        b = part.encode("utf-8", "surrogatepass")
        h.update(len(b).to_bytes(8, "big"))
        h.update(b)
    return f"{kind}-{h.hexdigest()[:32]}"
