"""What a pull request may never contain, judged on the raw tree diff (SPEC 9, v1.1).

Paths are compared as the bytes git stores, so a name that is not UTF-8 is
seen as such (never silently re-encoded), and as a case-insensitive file
system or Windows would open them: ``.GitAttributes`` and ``.gitattributes.``
are the same file there, so they are refused alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tooling.checks.policy.rules import r
from tooling.core.diagnostics import Diagnostic

SYMLINK_MODE = "120000"
GITLINK_MODE = "160000"
CACHE_DIR = ".nep-cache"
_WORDS = {"A": "added", "M": "changed", "D": "deleted", "T": "changed type"}


@dataclass(frozen=True)
class RawChange:
    status: str  # A, M, D or T
    old_mode: str  # "000000" when added
    new_mode: str  # "000000" when deleted
    raw_path: bytes
    new_blob: str = ""  # the head's object id ("" when deleted): the head's tree is the base's plus these

    @property
    def utf8(self) -> bool:
        try:
            self.raw_path.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    @property
    def path(self) -> str:
        """The path for display and lookups: exact when UTF-8; otherwise bad bytes shown as ``\\xNN``."""
        return display_path(self.raw_path)

    @property
    def word(self) -> str:
        return _WORDS.get(self.status, "changed")


def display_path(raw: bytes) -> str:
    """A printable form of a path: control characters and undecodable bytes escaped, never dropped."""
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def read_raw_changes(root: Path, base_sha: str, head_sha: str) -> list[RawChange]:
    """Every file that differs between two commits, with both modes, read with ``-z`` as bytes."""
    from tooling.shell.git import git  # the one git runner: safe environment, no replace refs

    out = git(root, "diff-tree", "-r", "-z", "--no-abbrev", "--no-renames", "--no-ext-diff", "--no-textconv",
               "--ignore-submodules=none", base_sha, head_sha, "--")
    tokens = out.split(b"\0")
    changes: list[RawChange] = []
    i = 0
    while i + 1 < len(tokens):
        meta = tokens[i]
        if not meta.startswith(b":"):
            i += 1
            continue
        old_mode, new_mode, _old, new, status = meta[1:].decode("ascii").split(" ")
        deleted = status[:1] == "D"
        changes.append(RawChange(status[:1], old_mode, new_mode, tokens[i + 1], "" if deleted else new))
        i += 2
    return sorted(changes, key=lambda c: c.raw_path)


def _name(part: bytes) -> str:
    """How Windows and case-insensitive file systems see one path component."""
    return part.decode("utf-8", "surrogateescape").rstrip(". ").casefold()


def _is(part: bytes, name: str, short: str) -> bool:
    n = _name(part)
    # NTFS 8.3 short names (``GITATT~1``) reach the same file.
    return n == name or (n.startswith(short + "~") and n[len(short) + 1:].isdigit())


def tree_findings(changes: list[RawChange]) -> list[Diagnostic]:
    """The refusals that hold whatever the file is: links, submodules, caches, attributes, encodings."""
    out: list[Diagnostic] = []
    for c in changes:
        parts = c.raw_path.split(b"/")
        where = (c.path, (1, 1))
        added = c.status != "D"
        if added and not c.utf8:
            out.append(r("pr-path-encoding").at(
                *where, f"{c.path} ({c.word}): this path is not valid UTF-8 (undecodable bytes shown as \\xNN)"))
        if added and c.new_mode == SYMLINK_MODE:
            out.append(r("pr-symlink").at(
                *where, f"{c.path} ({c.word}) is a symbolic link; links are refused anywhere in the repository"))
        if added and c.new_mode == GITLINK_MODE:
            out.append(r("pr-submodule").at(*where, f"{c.path} ({c.word}) is a submodule (gitlink)"))
        if added and _is(parts[-1], ".gitmodules", "gitmod"):
            out.append(r("pr-submodule").at(*where, f"{c.path} ({c.word}) declares submodules"))
        if added and any(_name(p) == CACHE_DIR for p in parts):
            out.append(r("pr-cache-path").at(
                *where, f"{c.path} ({c.word}) is under {CACHE_DIR}/; caches are never committed"))
        if _is(parts[-1], ".gitattributes", "gitatt"):
            out.append(r("pr-gitattributes").at(
                *where, f"{c.path} ({c.word}): .gitattributes changes how every checkout reads the files"))
    return out
