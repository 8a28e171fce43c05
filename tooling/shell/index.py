"""Which work-tree files are byte for byte their git index entry, and that entry's blob id.

``git ls-files -s`` lists the blob id of every indexed file without reading
one, and ``git diff-files`` names those whose work-tree file differs (git
compares stat data and re-reads only racily clean entries). A file in the
first list and not in the second has exactly the bytes of its blob, so a
parse cached under that blob id is the parse of the file: the loader need
not open it.

The shortcut is taken only where it is exact. When git could convert bytes
between the work tree and the index (``core.autocrlf``, any attributes file,
which can name filters or end-of-line rules) or names objects with SHA-256
ids (the tool's own ``blob_id`` is SHA-1), ``clean_blobs`` returns nothing and
every file is read as before. Only regular files (mode 100644 or 100755) are
listed: links and submodules are always looked at on disk.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

from tooling.shell import git as gitrun

#: One record of ``git ls-files -s -z``: mode, SHA-1 blob id, stage, TAB, path, NUL.
_RECORD = re.compile(r"([0-7]{6}) ([0-9a-f]{40}) ([0-3])\t([^\0]*)\0")
_ATTRIBUTES = re.compile(r"[\t/]\.gitattributes\0")
_REGULAR = ("100644", "100755")


def _converting(repo: Path, gdir: Path | None) -> bool:
    """True if git may store other bytes than the work tree holds (line endings, filters)."""
    if gdir is None or (gdir / "info" / "attributes").exists():
        return True
    if any((repo / d / ".gitattributes").exists() for d in ("", "neps", "votes")):
        return True
    proc = gitrun.run(repo, ["config", "--get-regexp", r"^core\.(autocrlf|attributesfile)$"])
    if proc.returncode not in (0, 1):
        return True
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        if key == "core.attributesfile" or value.strip().lower() not in ("false", "0", "no", "off", ""):
            return True
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.exists(os.path.join(xdg, "git", "attributes"))


def clean_blobs(repo: Path, folders: Sequence[str]) -> dict[str, str]:
    """Path -> blob id for the regular files under ``folders`` whose work-tree bytes equal their index entry.

    Empty when git cannot answer or the answer would not be exact (see the module's note); never an error.
    """
    repo = Path(repo)
    try:
        gdir = gitrun.git_dir(repo)
        if _converting(repo, gdir):
            return {}
        listed, dirty = gitrun.run_parallel(repo, [
            ["ls-files", "-s", "-z", "--", ".gitattributes", *folders],
            ["diff-files", "--name-only", "-z", "--", *folders],
        ])
    except gitrun.HistoryError:
        return {}
    text = gitrun.decode_path(listed)
    if _ATTRIBUTES.search(text):
        return {}  # attributes may convert bytes: no shortcut at all
    records = _RECORD.findall(text)
    # Every record must be understood; anything else (a SHA-256 id, a format git may change) means no shortcut.
    if len(records) != text.count("\0"):
        return {}
    changed = set(gitrun.decode_path(dirty).split("\0"))
    # One pass in C over the listing, rather than Python work per file: 100,000 votes are listed on every run.
    return {path: blob for mode, blob, stage, path in records
            if stage == "0" and mode in _REGULAR and path not in changed}
