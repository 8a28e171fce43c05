"""``nep delegate`` and ``nep delegations`` (SPEC 11): parsing and wiring only."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from tooling.cli.common import (
    EXIT_OK, Failure, UsageError, add_at, as_of, color_wanted, command, confirm, write_reported, emit, info, now, root,
)
from tooling.cli.voting import MAX_INSTANT, read_key

_NODE = re.compile(r"[0-9a-f]{32}")


def register(sub: Any) -> None:
    d = command(sub, "delegate", "preview, then write a signed delegation of your voting power to another node "
                "(or revoke it)", at=False)
    d.add_argument("node", nargs="?", metavar="NODE", help="the delegate's node id, 32 lowercase hex")
    d.add_argument("--revoke", action="store_true",
                   help="stop delegating: your stake counts only when you vote (default: delegate to NODE)")
    d.add_argument("--key", required=True, metavar="FILE", help="your key file (required)")
    d.add_argument("--timestamp", type=int, default=None, metavar="S",
                   help="the delegation's Unix seconds (default: --at, else now)")
    add_at(d)
    d.add_argument("-y", "--yes", dest="assume_yes", action="store_true",
                   help="do not ask for confirmation (default: ask)")
    d.add_argument("--force", action="store_true",
                   help="write it even though it would not be valid or the delegate is not in the ledger "
                        "(default: refuse; a self-delegation is always refused)")
    d.set_defaults(func=cmd_delegate)

    ds = command(sub, "delegations", "the delegations in force at an instant and the delegates they make",
                 fmt=("text", "json"))
    ds.set_defaults(func=cmd_delegations)


def cmd_delegate(args: argparse.Namespace) -> int:
    from tooling.app.delegating import DelegationRefused, plan_delegation, write_delegation
    from tooling.shell.evaluate import gather

    if args.revoke and args.node:
        raise UsageError("give either NODE or --revoke, not both")
    if not args.revoke and not args.node:
        raise UsageError("give the delegate's node id (NODE), or --revoke")
    if args.node and not _NODE.fullmatch(args.node):
        raise UsageError(f"{args.node!r} is not a node id (32 lowercase hex characters; `nep whoami` shows yours)")
    r = root(args)
    priv = read_key(args.key)
    at = args.at if args.at is not None else now()
    ts = args.timestamp if args.timestamp is not None else at
    if not 0 <= ts <= MAX_INSTANT:
        raise UsageError(f"--timestamp must be Unix seconds between 0 and {MAX_INSTANT}")
    try:
        plan = plan_delegation(gather(r), priv, None if args.revoke else args.node, timestamp=ts, as_of=at,
                               force=args.force)
    except DelegationRefused as exc:
        raise Failure(str(exc)) from None
    sys.stderr.write(plan.preview())
    if plan.problems and not args.force:
        raise Failure("this delegation would not be valid, so it is not written (--force writes it anyway)")
    confirm(plan.path, args.assume_yes)
    write_reported(plan.path, lambda: write_delegation(r, plan))
    info("Open a pull request with this file; it applies to every NEP whose voting starts after it is merged.\n")
    return EXIT_OK


def cmd_delegations(args: argparse.Namespace) -> int:
    from tooling.app.delegating import delegations_at
    from tooling.cli.common import world
    from tooling.present.reports.delegations import delegations_json, delegations_text

    report = delegations_at(world(args), as_of(args))
    if args.format == "json":
        emit(json.dumps(delegations_json(report), indent=2) + "\n")
    else:
        emit(delegations_text(report, color=color_wanted()))
    return EXIT_OK
