"""What every command module shares: errors, exit codes, the clock read, option helpers."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:
    from tooling.core.diagnostics import Diagnostic
    from tooling.shell.config import RepoConfig
    from tooling.shell.evaluate import World

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Exit 2 with a message: bad arguments or an unusable environment."""


class Failure(Exception):
    """Exit 1 with a message (a missing NEP, a declined confirmation...)."""


class Options:
    """Process-wide output switches set from the command line (``--quiet``)."""

    quiet = False


def instant(text: str) -> int:
    """argparse type for ``--at``: RFC 3339 or Unix seconds."""
    from tooling.core.instants import parse_cli_instant

    try:
        return parse_cli_instant(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def now() -> int:
    """The one clock read of the program: the default of ``--at`` and ``--timestamp``."""
    return int(time.time())


def add_repo(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--repo", default=".", metavar="DIR", help="repository root (default: the current directory)")


def add_at(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--at", type=instant, default=None, metavar="INSTANT",
                    help="evaluate as of this instant (RFC 3339 or Unix seconds; default: now)")


def add_format(sp: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    sp.add_argument("--format", choices=list(formats), default=formats[0],
                    help=f"output format (default: {formats[0]})")


def command(sub: Any, name: str, help: str, *, at: bool = True,
            fmt: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """A subcommand with the usual ``--repo``, ``--at`` and ``--format`` options."""
    sp = sub.add_parser(name, help=help, description=help)
    add_repo(sp)
    if at:
        add_at(sp)
    if fmt:
        add_format(sp, fmt)
    return sp


def root(args: argparse.Namespace) -> Path:
    r = Path(args.repo)
    if not r.is_dir():
        raise UsageError(f"--repo {args.repo}: not a directory")
    return r


def as_of(args: argparse.Namespace) -> int:
    return args.at if getattr(args, "at", None) is not None else now()


def world(args: argparse.Namespace) -> "World":
    from tooling.shell.evaluate import gather

    w = gather(root(args))
    args.worlds_to_save = [*getattr(args, "worlds_to_save", []), w]
    return w


def emit(text: str) -> None:
    sys.stdout.write(text)


def info(text: str) -> None:
    """A progress or confirmation line; silenced by ``--quiet``."""
    if not Options.quiet:
        sys.stdout.write(text)


def color_wanted(stream: Any = None) -> bool:
    """NO_COLOR (any value) turns colour off; FORCE_COLOR turns it on; else only on a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def render_diags(diags: "Sequence[Diagnostic]", sources: dict[str, str], fmt: str, **extra: Any) -> str:
    from tooling.present.diagnostics import render_github, render_json
    from tooling.present.findings import render_text

    if fmt == "json":
        return render_json(diags, **extra)
    if fmt == "github":
        return render_github(diags)
    return render_text(diags, sources, color=color_wanted(), quiet=Options.quiet)


def confirm(path: str, assume_yes: bool) -> None:
    """Ask on stderr before writing ``path`` (y/yes goes on); Failure (exit 1) otherwise."""
    if assume_yes:
        return
    sys.stderr.write(f"Write {path}? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower() if sys.stdin and not sys.stdin.closed else ""
    if answer not in ("y", "yes"):
        raise Failure("not confirmed; nothing written")


def write_reported(path: str, write: Callable[[], str], *, exists: str | None = None) -> None:
    """Run ``write`` and print what it wrote; a refusal names ``path`` (exit 2, or exit 1 with ``exists``)."""
    try:
        rel = write()
    except FileExistsError as exc:
        if exists is not None:
            raise Failure(exists) from None
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    except NotADirectoryError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    emit(f"wrote {rel}\n")


def repo_config(r: Path, rev: str | None = None) -> "RepoConfig":
    """``nep.toml`` of the work tree (or as committed at ``rev``); a mistake in it is a usage error (exit 2)."""
    from tooling.shell.config import ConfigError, load_config, load_config_at

    try:
        return load_config_at(r, rev) if rev else load_config(r)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def with_sources(r: Path, diags: "Sequence[Diagnostic]", sources: dict[str, str]) -> dict[str, str]:
    """Add the text of files with findings that the loader did not keep (clean-layout votes)."""
    out = dict(sources)
    for d in diags:
        if d.file in out:
            continue
        path = r / d.file
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_size <= (1 << 20):
                out[d.file] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            pass
    return out
