"""``nep key``, ``nep vote``, ``nep whoami``: parsing and wiring only."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from tooling.cli.common import (
    EXIT_OK, Failure, UsageError, add_at, add_format, as_of, command, confirm, write_reported, emit, info, now, root,
)
from tooling.core.instants import MAX_INSTANT
from tooling.core.model import Choice


def register(sub: Any) -> None:
    k = sub.add_parser("key", help="create or show a voting key", description="create or show a voting key")
    ksub = k.add_subparsers(dest="key_command", metavar="ACTION")
    ksub.required = True
    kn = ksub.add_parser("new", help="create a key (printed, or saved with --out in a 0600 file never overwritten)",
                         description="create a key; without --out the whole key (private part included) is printed "
                                     "once, to be kept by you")
    kn.add_argument("--out", metavar="FILE",
                    help="write the key file here (default: print the key file's content to stdout)")
    kn.add_argument("--token", metavar="TOKEN", nargs="?", const="", default=None,
                    help="derive the key from a NeuroShard wallet token, or from $NEUROSHARD_TOKEN when given "
                         "without a value (default: a new random key)")
    ks = ksub.add_parser("show", help="show a key file's public key and node id")
    ks.add_argument("--key", required=True, metavar="FILE", help="the key file (required)")
    k.set_defaults(func=cmd_key)

    vo = command(sub, "vote", "preview, then write a signed vote file (refused if it could not count)", at=False)
    vo.add_argument("nep", type=int, metavar="N", help="the NEP number")
    vo.add_argument("choice", choices=list(Choice), help="your choice")
    vo.add_argument("--key", required=True, metavar="FILE", help="your key file (required)")
    vo.add_argument("--reason", default="", help="a short public reason (default: none)")
    vo.add_argument("--timestamp", type=int, default=None, metavar="S",
                    help="the vote's Unix seconds (default: --at, else now)")
    add_at(vo)
    vo.add_argument("-y", "--yes", dest="assume_yes", action="store_true",
                    help="do not ask for confirmation (default: ask)")
    vo.add_argument("--force", action="store_true",
                    help="write the vote even though it could not count (default: refuse)")
    vo.set_defaults(func=cmd_vote)

    w = command(sub, "whoami", "a key's node id, its stake at an instant and the votes it has cast")
    w.add_argument("--key", required=True, metavar="FILE", help="your key file (required)")
    add_format(w, ("text", "json"))
    w.set_defaults(func=cmd_whoami)


def read_key(path: str) -> bytes:
    from tooling.core import votes

    try:
        return votes.read_key_file(path)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such key file") from None
    except (ValueError, OSError) as exc:
        raise UsageError(f"{path}: {exc}") from None


def cmd_key(args: argparse.Namespace) -> int:
    from tooling.core import votes

    if args.key_command == "show":
        priv = read_key(args.key)
        pub = votes.public_key_hex(priv)
        emit(f"public_key: {pub}\nnode: {votes.node_id(pub)}\n")
        return EXIT_OK
    if args.token is None and os.environ.get("NEUROSHARD_TOKEN"):
        args.token = ""  # the token comes from --token or $NEUROSHARD_TOKEN
        sys.stderr.write("nep: deriving the key from $NEUROSHARD_TOKEN\n")
    if args.token is not None:
        token = args.token or os.environ.get("NEUROSHARD_TOKEN", "")
        if not token:
            raise UsageError("--token needs a value, or set $NEUROSHARD_TOKEN")
        try:
            priv = votes.private_key_from_token(token)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    else:
        priv = votes.new_private_key()
    pub = votes.public_key_hex(priv)
    if args.out:
        try:
            votes.write_key_file(args.out, priv)
        except FileExistsError:
            raise UsageError(f"{args.out} already exists; a key file is never overwritten") from None
        except OSError as exc:
            raise UsageError(f"{args.out}: {exc.strerror or exc}") from None
        info(f"wrote {args.out} (mode 0600)\n")
        emit(f"public_key: {pub}\nnode: {votes.node_id(pub)}\n")
    elif args.token is not None:
        emit(f"public_key: {pub}\nnode: {votes.node_id(pub)}\n")
    else:
        # A random key is useless unless kept: print the whole key file, as its help says.
        if sys.stdout.isatty():
            sys.stderr.write("nep: this is your private key; save it (nep key new --out FILE writes a 0600 file)\n")
        emit(votes.render_key_file(priv))
    return EXIT_OK


def cmd_vote(args: argparse.Namespace) -> int:
    from tooling.app.voting import plan_vote, write_vote
    from tooling.checks.rules.metadata import bad_text
    from tooling.shell.evaluate import gather

    r = root(args)
    priv = read_key(args.key)
    at = args.at if args.at is not None else now()
    ts = args.timestamp if args.timestamp is not None else at
    if not 0 <= ts <= MAX_INSTANT:
        raise UsageError(f"--timestamp must be Unix seconds between 0 and {MAX_INSTANT}")
    bad = bad_text(args.reason)
    if bad:
        raise UsageError(f"--reason contains the control or bidi character U+{ord(bad.group()):04X}; remove it")
    try:
        plan = plan_vote(gather(r), args.nep, Choice(args.choice), priv, timestamp=ts, as_of=at, reason=args.reason)
    except LookupError as exc:
        raise Failure(str(exc.args[0])) from None
    sys.stderr.write(plan.preview())
    if plan.problems and not args.force:
        raise Failure("this vote could not count, so it is not written (--force writes it anyway)")
    if (r / plan.path).exists() or (r / plan.path).is_symlink():
        raise Failure(f"{plan.path} already exists; votes are final and a vote file is never changed")
    confirm(plan.path, args.assume_yes)
    write_reported(plan.path, lambda: write_vote(r, plan),
                   exists=f"{plan.path} already exists; votes are final and a vote file is never changed")
    info("Open a pull request that adds this file; it counts once merged before the voting end.\n")
    return EXIT_OK


def cmd_whoami(args: argparse.Namespace) -> int:
    from tooling.app.voting import whoami
    from tooling.cli.common import world

    me = whoami(world(args), read_key(args.key), as_of(args))
    emit(json.dumps(me.as_json(), indent=2) + "\n" if args.format == "json" else me.text())
    return EXIT_OK
