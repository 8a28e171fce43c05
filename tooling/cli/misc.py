"""``nep bench`` and ``nep completion``: parsing and wiring only."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tooling.cli.common import EXIT_OK, UsageError, emit


def register(sub: Any) -> None:
    b = sub.add_parser("bench", help="synthetic benchmark", description="synthetic benchmark")
    b.add_argument("--neps", type=int, default=1000, help="NEPs to generate (default: 1000)")
    b.add_argument("--votes", type=int, default=100_000, help="votes to generate (default: 100000)")
    b.add_argument("--commits", type=int, default=20_000, help="commits to generate (default: 20000)")
    b.add_argument("--nodes", type=int, default=2_000, help="staked nodes (default: 2000)")
    b.add_argument("--format", choices=["text", "json", "markdown"], default="text",
                   help="output format (default: text; markdown is the table of the documentation)")
    b.add_argument("--workdir", default=None, metavar="DIR",
                   help="keep the synthetic repository here (default: a temporary folder)")
    b.set_defaults(func=cmd_bench)

    from tooling.present.completion import SHELLS

    c = sub.add_parser("completion", help="print a shell completion script",
                       description="print a shell completion script: eval \"$(nep completion bash)\", "
                                   "or `nep completion fish | source`")
    c.add_argument("shell", choices=SHELLS, help="the shell")
    c.set_defaults(func=cmd_completion)


def cmd_bench(args: argparse.Namespace) -> int:
    from tooling.bench.common import BenchError
    from tooling.bench.report import render_markdown, render_text
    from tooling.bench.runner import run_bench

    try:
        result = run_bench(neps=args.neps, votes=args.votes, commits=args.commits, nodes=args.nodes,
                           workdir=args.workdir, log=sys.stderr)
    except BenchError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        emit(json.dumps(result, indent=2) + "\n")
    else:
        emit(render_markdown(result) if args.format == "markdown" else render_text(result))
    return EXIT_OK


def cmd_completion(args: argparse.Namespace) -> int:
    from tooling.present.completion import script

    # The whole parser is handed down by build_parser (no import back up into the package).
    emit(script(args.shell, args.root_parser))
    return EXIT_OK
