"""``nep init``: a new governance repository that validates at once.

The files come from ``templates/init/`` (names starting ``dot-`` become
dot-files, so that packaging keeps them). Placeholders ``__NETWORK__``,
``__TOOL_SOURCE__``, ``__URL__`` and ``__MAINTAINERS__`` are filled in; a
folder that is not empty is refused unless ``force``, which adds only what is
missing and never changes a file that is there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates" / "init"
_NETWORK = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A pip requirement pinned to one version (name==1.2.3) or a URL at a tag or commit (…@ref).
_PINNED = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.+!_-]+"
                     r"|[A-Za-z0-9+.-]+://[A-Za-z0-9._~/:%-]+@[A-Za-z0-9._/-]+(?:#[A-Za-z0-9=&._-]+)?)$")
_HANDLE = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._-]+)?$")
_URL = re.compile(r"^https?://[^\s\"'\\]+$")


class InitError(Exception):
    """The folder or the options cannot make a repository (the message says why)."""


@dataclass(frozen=True)
class InitResult:
    """What ``init_repository`` wrote and what it left in place (repository-relative paths)."""

    written: tuple[str, ...]
    kept: tuple[str, ...]


def default_tool_source() -> str:
    """This very version of the tool, as a pinned requirement."""
    from tooling import __version__

    return f"neuroshard-nep=={__version__}"


def template_files() -> dict[str, str]:
    """Repository-relative path -> template text, for every file ``nep init`` writes."""
    out: dict[str, str] = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file():
            rel = "/".join(("." + p[4:]) if p.startswith("dot-") else p for p in path.relative_to(TEMPLATES).parts)
            out[rel] = path.read_text(encoding="utf-8")
    return out


def render_files(*, network: str, tool_source: str, url: str = "", maintainers: tuple[str, ...] = ()) -> dict[str, str]:
    """The files of a new repository, filled in (pure: no file is written)."""
    from tooling.app.codeowners import codeowners

    if not _NETWORK.match(network):
        raise InitError(f"--network {network!r}: use lowercase letters, digits and dashes, e.g. neuroshard-testnet")
    if not _PINNED.match(tool_source):
        raise InitError(f"tool source {tool_source!r} is not pinned: write name==VERSION "
                        "or a URL at a tag or commit (…@v1.2.0)")
    if url and not _URL.match(url):
        raise InitError(f"--url {url!r}: write an http(s) address without spaces or quotes")
    for handle in maintainers:
        if not _HANDLE.match(handle):
            raise InitError(f"--maintainer {handle!r}: write a GitHub handle such as @alice or @org/team")
    values = {"__NETWORK__": network, "__TOOL_SOURCE__": tool_source, "__URL__": url,
              "__MAINTAINERS__": ", ".join(f'"{m}"' for m in maintainers)}
    out = {}
    for rel, text in template_files().items():
        for key, value in values.items():
            text = text.replace(key, value)
        out[rel] = text
    out[".github/CODEOWNERS"] = codeowners((), maintainers)
    return out


def init_repository(target: Path, *, network: str, tool_source: str | None = None, url: str = "",
                    maintainers: tuple[str, ...] = (), force: bool = False) -> InitResult:
    """Create the repository in ``target`` (made if missing); see the module docstring."""
    from tooling.shell.fsio import write_new

    files = render_files(network=network, tool_source=tool_source or default_tool_source(), url=url,
                         maintainers=maintainers)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InitError(f"{target} exists and is not a folder")
    if target.is_dir() and any(p.name != ".git" for p in target.iterdir()) and not force:
        raise InitError(f"{target} is not empty; `nep init --force` adds only the files that are missing")
    written, kept = [], []
    for rel, text in files.items():
        path = target / rel
        for parent in reversed(path.relative_to(target).parents[:-1]):
            folder = target / parent
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                raise InitError(f"{parent} is not a plain folder; links are never followed")
        if path.exists() or path.is_symlink():
            kept.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_new(path, text.encode("utf-8"))
        except FileExistsError:
            kept.append(rel)
            continue
        written.append(rel)
    for folder in ("neps", "votes"):
        if not (target / folder).exists():
            (target / folder).mkdir(parents=True)
            written.append(folder + "/")
    return InitResult(tuple(written), tuple(kept))
