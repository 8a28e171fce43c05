"""``nep status``, ``show``, ``tally``, ``config``, ``rewards``: parsing and wiring only."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, Collection

if TYPE_CHECKING:
    from tooling.shell.evaluate import Evaluation

from tooling.cli.common import EXIT_OK, Failure, as_of, command, emit, render_diags, world

EXIT_INPUT = 1

FORMATS = ("text", "json")


def register(sub: Any) -> None:
    command(sub, "status", "every NEP with its computed status and deadlines", fmt=FORMATS).set_defaults(func=cmd_status)
    s = command(sub, "show", "one NEP: content hash, timeline, impact, tally", fmt=FORMATS)
    s.add_argument("nep", type=int, metavar="N", help="the NEP number")
    s.set_defaults(func=cmd_show)
    t = command(sub, "tally", "every vote of a NEP with weight, validity and code", fmt=FORMATS)
    t.add_argument("nep", type=int, metavar="N", help="the NEP number")
    t.set_defaults(func=cmd_tally)
    command(sub, "config", "protocol version, features and parameters in force", fmt=FORMATS).set_defaults(
        func=cmd_config)
    command(sub, "rewards", "fees, proposer and voter rewards", fmt=FORMATS).set_defaults(func=cmd_rewards)


def _json(doc: Any) -> None:
    emit(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def _evaluation(args: argparse.Namespace) -> Evaluation:
    """Evaluate, and tell the user on stderr about invalid input versions and bot fields history contradicts.

    The warnings go to stderr so that the JSON on stdout keeps its shape (SPEC 2: the commands still
    decide from the last valid version).
    """
    import sys

    from tooling.shell.evaluate import evaluate

    w = world(args)
    ev = evaluate(w, as_of(args))
    if ev.diagnostics:
        sys.stderr.write(render_diags(ev.diagnostics, dict(w.repo.sources), "text"))
    return ev


def _exit(ev: Evaluation, neps: Collection[int] | None = None) -> int:
    """Exit 1 when a NEP the output speaks about had no valid ledger or governance version (SPEC 2)."""
    bad = ev.invalid_input
    if neps is not None:
        bad = [n for n in bad if n in neps]
    return EXIT_INPUT if bad else EXIT_OK


def _need_nep(ev, n: int):  # type: ignore[no-untyped-def]
    if n not in ev.proposals:
        raise Failure(f"NEP {n} not found (or unreadable: run `nep validate` to see why)")
    return ev.proposals[n], ev.states[n]


def cmd_status(args: argparse.Namespace) -> int:
    from tooling.present import reports

    ev = _evaluation(args)
    if args.format == "json":
        _json(reports.status_json(ev.states, ev.proposals, ev.as_of))
    else:
        emit(reports.status_text(ev.states, ev.proposals, ev.as_of))
    return _exit(ev)


def cmd_show(args: argparse.Namespace) -> int:
    from tooling.present import reports

    ev = _evaluation(args)
    p, st = _need_nep(ev, args.nep)
    if args.format == "json":
        _json(reports.show_json(p, st, ev.as_of))
    else:
        emit(reports.show_text(p, st, ev.as_of))
    return _exit(ev, {args.nep})


def cmd_tally(args: argparse.Namespace) -> int:
    from tooling.present import reports

    ev = _evaluation(args)
    _, st = _need_nep(ev, args.nep)
    if args.format == "json":
        _json(reports.tally_json(st.tally, st, ev.as_of))
    else:
        emit(reports.tally_text(st.tally, st, ev.as_of))
    return _exit(ev, {args.nep})


def cmd_config(args: argparse.Namespace) -> int:
    from tooling.present import reports

    ev = _evaluation(args)
    protocol = ev.protocol()
    eg = ev.timeline.governance_at(ev.as_of)
    if args.format == "json":
        _json(reports.config_json(protocol, eg))
    else:
        emit(reports.config_text(protocol, eg))
    return EXIT_OK


def cmd_rewards(args: argparse.Namespace) -> int:
    from tooling.core.rewards import proposal_rewards
    from tooling.present import reports

    ev = _evaluation(args)
    items = []
    for n in sorted(ev.states):
        st = ev.states[n]
        if st.submitted is None:
            continue
        eg = ev.governance_for(n)
        tally = st.tally
        items.append(proposal_rewards(n, ev.proposals[n].proposer, tally, st.outcome,
                                      bool(tally and tally.quorum_reached), eg.rewards, eg.proposal_fee))
    if args.format == "json":
        _json(reports.rewards_json(items, ev.as_of, states=ev.states))
    else:
        emit(reports.rewards_text(items, ev.as_of, states=ev.states))
    return _exit(ev)
