"""The ``nep`` command: argument parsing, exit codes and wiring; the work is done in app/ and present/.

Exit codes: 0 success; 1 the repository has errors (validate, check-pr) or
the requested NEP is missing or unreadable; 2 usage or environment error. No
traceback reaches a user: unexpected exceptions are reported as an internal
error with exit 2. One module per command group registers its subcommands.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from tooling.cli import checking, delegating, misc, reading, voting, writing
from tooling.cli.common import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, Failure, Options, UsageError, emit, render_diags

__all__ = ["main", "build_parser", "UsageError", "Failure", "EXIT_OK", "EXIT_ERRORS", "EXIT_USAGE"]


def build_parser() -> argparse.ArgumentParser:
    """The whole ``nep`` argument parser."""
    from tooling import __version__

    p = argparse.ArgumentParser(prog="nep", description="NeuroShard Enhancement Proposals: "
                                "validate, vote, tally, advance, publish.")
    p.add_argument("--version", action="version", version=f"nep {__version__}")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print only results and findings, no progress or summary lines (default: off)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for group in (checking, reading, writing, voting, delegating, misc):
        group.register(sub)
    _quiet_everywhere(p)
    p.set_defaults(root_parser=p)
    return p


def _quiet_everywhere(p: argparse.ArgumentParser) -> None:
    """``--quiet`` is accepted after the subcommand too (``nep validate -q``)."""
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sp in action.choices.values():
                if not any("--quiet" in a.option_strings for a in sp._actions):
                    sp.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                                    help="print only results and findings (default: off)")
                _quiet_everywhere(sp)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nep`` with ``argv`` (default: the process arguments); returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message (or --help, --version)
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    Options.quiet = args.quiet
    from tooling.shell.history import HistoryError
    from tooling.shell.repository import RepositoryError

    try:
        code = args.func(args)
        for world in getattr(args, "worlds_to_save", []):
            world.save_caches()
        return code
    except RepositoryError as exc:
        fmt = getattr(args, "format", "text")
        if fmt in ("json", "github"):
            # Machine readers get the finding where they look for findings.
            emit(render_diags(exc.diagnostics, exc.sources, fmt))
        else:
            sys.stdout.flush()
            sys.stderr.write(render_diags(exc.diagnostics, exc.sources, "text"))
        return EXIT_ERRORS
    except Failure as exc:
        sys.stderr.write(f"nep: {exc}\n")
        return EXIT_ERRORS
    except (UsageError, HistoryError) as exc:
        sys.stderr.write(f"nep: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("nep: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # pragma: no cover - the last line of defence
        if os.environ.get("NEP_DEBUG"):
            raise
        sys.stderr.write(
            f"nep: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in nep; please report it with the command you ran (set NEP_DEBUG=1 for details).\n"
        )
        return EXIT_USAGE
