"""The shell of the site: ``write_site`` (atomic replacement of the output folder) and ``build``."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Callable, Mapping, Sequence

from tooling.core.diagnostics import Diagnostic

from tooling.present.site.model import SiteInput
from tooling.present.site.render import render_site

def _check_rel_path(rel: str) -> None:
    parts = rel.split("/")
    if not rel or rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"site file path must be relative and normalised: {rel!r}")


SITE_MARKER = ".nep-site"


def write_site(files: Mapping[str, bytes], out: Path) -> None:
    """Write the site into ``out``, replacing what was there in one step.

    The files are written into a temporary folder beside ``out`` (same file
    system), which then takes ``out``'s place; a reader never sees a half-built
    site, and a failed build leaves the old site untouched. A file the old site
    already holds with the same bytes is linked into the new folder, not
    written again (it keeps its modification time); files the new site does
    not have go with the old folder.
    """
    out = Path(out)
    for rel in files:
        _check_rel_path(rel)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ValueError(f"output path exists and is not a folder: {out}")
    # Replacing a folder deletes what it held: only ever replace a site this tool built
    # (marked by SITE_MARKER), never a checkout, neps/ or anyone's documents.
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).is_file():
        raise ValueError(
            f"{out} is not empty and was not built by `nep site build` (no {SITE_MARKER} in it); "
            "choose an empty or new folder for --out (default: _site)")
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    previous = _regular_files(out) if out.is_dir() else {}
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    old: Path | None = None
    try:
        os.chmod(tmp, 0o755)
        marker = tmp / SITE_MARKER
        marker.write_text("Built by `nep site build`; this folder is replaced on every build.\n", encoding="utf-8")
        fresh = os.lstat(marker)
        for rel in sorted(files):
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if not _keep(previous.get(rel), out / rel, files[rel], fresh, target):
                target.write_bytes(files[rel])
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            os.rmdir(old)
            os.replace(out, old)
        try:
            os.replace(tmp, out)
        except OSError:
            if old is not None:
                os.replace(old, out)
                old = None
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _regular_files(folder: Path) -> dict[str, os.stat_result]:
    """The regular files below ``folder`` by relative path, without following a symbolic link anywhere."""
    out: dict[str, os.stat_result] = {}
    stack = [("", str(folder))]
    while stack:
        prefix, path = stack.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                stack.append((prefix + entry.name + "/", entry.path))
            elif stat.S_ISREG(st.st_mode):
                out[prefix + entry.name] = st
    return out


def _keep(st: os.stat_result | None, old: Path, data: bytes, fresh: os.stat_result, target: Path) -> bool:
    """Link ``old`` as ``target`` when it already holds exactly ``data``: an unchanged page is not rewritten.

    Only a file this build could have written itself qualifies (a regular file with one name, the owner
    and mode of a file written now), so the new folder never shares a file with anything outside the site.
    """
    if st is None or st.st_size != len(data) or st.st_nlink != 1 or st.st_uid != fresh.st_uid \
            or stat.S_IMODE(st.st_mode) != stat.S_IMODE(fresh.st_mode):
        return False
    try:
        fd = os.open(old, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            if fh.read(len(data) + 1) != data or os.fstat(fh.fileno()).st_ino != st.st_ino:
                return False
        os.link(old, target, follow_symlinks=False)
    except (OSError, NotImplementedError):
        return False  # a file system without hard links, a file that changed meanwhile: write it
    return True


def build(root: Path, as_of: int, out: Path, *, base_url: str = "", repo_url: str = "",
          warn: Callable[[Sequence[Diagnostic], Mapping[str, str]], None] | None = None) -> int:
    """``nep site build``: read the repository at ``as_of``, render, write; returns the number of files.

    Proposals the lifecycle cannot evaluate (invalid type or number) are left
    out, as ``nep status`` leaves them out; ``nep validate`` reports them.
    ``warn`` receives what the reader should know that the site cannot show
    (vote files whose name is not UTF-8) with the files' texts.
    """
    from tooling.checks.names import non_utf8_vote_files
    from tooling.present.site.cache import BodyStore, PageStore
    from tooling.present.site.delegates import delegates_at
    from tooling.present.site.markdown import body_key
    from tooling.shell import caches
    from tooling.shell.evaluate import evaluate, gather

    world = gather(Path(root))
    if warn is not None and (unreadable := non_utf8_vote_files(world)):
        warn(unreadable, world.repo.sources)
    ev = evaluate(world, as_of)
    world.save_caches()
    delegates = delegates_at(world, as_of)
    proposals = [ev.proposals[n] for n in sorted(ev.proposals) if n in ev.states]
    bodies = BodyStore(Path(root))
    pages = PageStore(Path(root))
    files = render_site(
        SiteInput(
            as_of=as_of,
            governance=ev.timeline.genesis,
            proposals=proposals,
            states=ev.states,
            protocol=ev.protocol(),
            base_url=base_url,
            repo_url=repo_url,
            bodies=bodies,
            delegates=delegates,
            pages=pages,
        ),
        code=caches.code_digest(),
    )
    write_site(files, out)
    pages.save()
    bodies.save({body_key(p.body) for p in proposals})
    return len(files)
