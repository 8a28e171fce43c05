"""The ``nep`` command: argument parsing, exit codes, and nothing else.

Exit codes (SPEC 9): 0 success; 1 the repository has errors (validate,
check-pr) or the requested NEP is missing or unreadable; 2 usage or
environment error. No traceback reaches a user: unexpected exceptions are
reported as an internal error with exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


class Failure(Exception):
    """Exit 1 with a message (a missing NEP, a declined confirmation...)."""


def _instant(text: str) -> int:
    from tooling.core.instants import parse_cli_instant

    try:
        return parse_cli_instant(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _now() -> int:
    # The one clock read of the program: the default of --at.
    return int(time.time())


def _level(text: str) -> tuple[str, str]:
    slug, sep, level = text.partition("=")
    if not sep or level not in ("error", "warning", "notice", "off"):
        raise argparse.ArgumentTypeError(f"expected SLUG=error|warning|notice|off, got {text!r}")
    return slug, level


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nep", description="NeuroShard Enhancement Proposals: validate, vote, tally, advance, publish.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def cmd(name: str, help: str, *, at: bool = True, fmt: Sequence[str] | None = None) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.add_argument("--repo", default=".", metavar="DIR", help="repository root (default: current directory)")
        if at:
            sp.add_argument("--at", type=_instant, default=None, metavar="INSTANT",
                            help="evaluate as of this instant (RFC 3339 or Unix seconds; default: now)")
        if fmt:
            sp.add_argument("--format", choices=list(fmt), default=fmt[0])
        return sp

    v = cmd("validate", "check NEP and vote files against the schemas and rules", fmt=("text", "json", "github"))
    v.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: the whole repository)")
    v.add_argument("--level", type=_level, action="append", default=[], metavar="SLUG=LEVEL",
                   help="change a rule's severity (error, warning, notice, off); repeatable")

    c = cmd("check-pr", "check the change policy between two revisions", fmt=("text", "json", "github"))
    c.add_argument("--base", required=True, metavar="REV")
    c.add_argument("--head", default=None, metavar="REV", help="default: the work tree's HEAD")
    c.add_argument("--summary", default=None, metavar="FILE", help="write a Markdown summary here")
    c.add_argument("--level", type=_level, action="append", default=[], metavar="SLUG=LEVEL")

    cmd("status", "every NEP with its computed status and deadlines", fmt=("text", "json"))
    s = cmd("show", "one NEP: content hash, timeline, impact, tally", fmt=("text", "json"))
    s.add_argument("nep", type=int, metavar="N")
    t = cmd("tally", "every vote of a NEP with weight, validity and code", fmt=("text", "json"))
    t.add_argument("nep", type=int, metavar="N")
    cmd("config", "protocol version, features and parameters in force", fmt=("text", "json"))
    cmd("rewards", "fees, proposer and voter rewards", fmt=("text", "json"))

    n = cmd("new", "scaffold the next NEP from the template", at=True)
    n.add_argument("--type", required=True, choices=["arch", "econ", "train", "net", "gov", "emergency"])
    n.add_argument("--title", required=True)
    n.add_argument("--author", required=True, action="append", metavar="NAME:NODE",
                   help="author as NAME:NODE (node: 32 hex); repeatable, the first is the proposer")

    k = sub.add_parser("key", help="create or show a voting key")
    ksub = k.add_subparsers(dest="key_command", metavar="ACTION")
    ksub.required = True
    kn = ksub.add_parser("new", help="create a key file (mode 0600, never overwritten)")
    kn.add_argument("--out", metavar="FILE", help="where to write the key (default: print only the public part)")
    kn.add_argument("--token", metavar="TOKEN", nargs="?", const="", default=None,
                    help="derive the key from a NeuroShard wallet token (or $NEUROSHARD_TOKEN)")
    ks = ksub.add_parser("show", help="show a key file's public key and node id")
    ks.add_argument("--key", required=True, metavar="FILE")

    vo = cmd("vote", "write a signed vote file", at=False)
    vo.add_argument("nep", type=int, metavar="N")
    vo.add_argument("choice", choices=["yes", "no", "abstain"])
    vo.add_argument("--key", required=True, metavar="FILE")
    vo.add_argument("--reason", default="")
    vo.add_argument("--timestamp", type=int, default=None, metavar="S", help="Unix seconds (default: now)")
    vo.add_argument("-y", "--yes", dest="assume_yes", action="store_true", help="do not ask for confirmation")

    a = cmd("advance", "write computed statuses and bot fields into the NEP files")
    a.add_argument("--commit", action="store_true", help="one commit per NEP changed, dated --at")
    a.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")

    site = sub.add_parser("site", help="the static status site")
    ssub = site.add_subparsers(dest="site_command", metavar="ACTION")
    ssub.required = True
    sb = ssub.add_parser("build", help="render the site")
    sb.add_argument("--repo", default=".", metavar="DIR")
    sb.add_argument("--at", type=_instant, default=None, metavar="INSTANT")
    sb.add_argument("--out", default="_site", metavar="DIR")
    sb.add_argument("--base-url", default=os.environ.get("NEP_SITE_BASE_URL", ""), metavar="URL",
                    help="absolute URL of the site, for the feed (default: $NEP_SITE_BASE_URL)")

    b = sub.add_parser("bench", help="synthetic benchmark")
    b.add_argument("--neps", type=int, default=1000)
    b.add_argument("--votes", type=int, default=100_000)
    b.add_argument("--commits", type=int, default=20_000)
    b.add_argument("--nodes", type=int, default=2_000)
    b.add_argument("--format", choices=["text", "json"], default="text")
    b.add_argument("--workdir", default=None, metavar="DIR", help="keep the synthetic repository here")

    co = cmd("codeowners", "CODEOWNERS from the NEPs' github handles", at=False)
    co.add_argument("--write", action="store_true", help="write .github/CODEOWNERS instead of printing")
    return p


# --------------------------------------------------------------------------
# Commands


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.repo)
    if not root.is_dir():
        raise UsageError(f"--repo {args.repo}: not a directory")
    return root


def _as_of(args: argparse.Namespace) -> int:
    return args.at if getattr(args, "at", None) is not None else _now()


def _world(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from tooling.shell.evaluate import gather

    world = gather(_root(args))
    args.worlds_to_save = [*getattr(args, "worlds_to_save", []), world]
    return world


def _emit(text: str) -> None:
    sys.stdout.write(text)


def _render_diags(diags, sources, fmt: str, **extra: Any) -> str:  # type: ignore[no-untyped-def]
    from tooling.present.diagnostics import render_github, render_json, render_text

    if fmt == "json":
        return render_json(diags, **extra)
    if fmt == "github":
        return render_github(diags)
    return render_text(diags, sources, color=sys.stdout.isatty() and not os.environ.get("NO_COLOR"))


def cmd_validate(args: argparse.Namespace) -> int:
    from tooling.core.diagnostics import apply_levels
    from tooling.core.catalog import rule
    from tooling.checks.validation import has_errors, validate

    root = _root(args)
    world = _world(args)
    selected: set[str] | None = None
    missing = []
    if args.paths:
        from tooling.shell.repository import list_files

        selected = set()
        top = root.resolve()
        for raw in args.paths:
            p = Path(raw)
            full = (p if p.is_absolute() else Path.cwd() / p)
            if not p.is_absolute() and not (full.exists() or full.is_symlink()):
                # `nep validate --repo DIR neps/x.md`: a path that is not there from here
                # is taken relative to the repository.
                alt = root / p
                if alt.exists() or alt.is_symlink():
                    full = alt.absolute()
            try:
                rel = full.resolve().relative_to(top).as_posix() if not full.is_symlink() else \
                    full.parent.resolve().relative_to(top).joinpath(full.name).as_posix()
            except ValueError:
                raise UsageError(f"{raw}: outside the repository {root}") from None
            if full.is_dir() and not full.is_symlink():
                prefix = "" if rel == "." else rel.rstrip("/") + "/"
                for folder in ("neps", "votes"):
                    selected.update(f for f in list_files(root, folder) if f.startswith(prefix))
                if prefix in ("", "stakes/") or rel == "stakes":
                    selected.add("stakes/ledger.yaml")
                selected.add("governance.yaml") if prefix == "" else None
            elif full.exists() or full.is_symlink():
                selected.add(rel)
            else:
                missing.append(rule("path-not-found").at(raw, (1, 1), f"{raw}: no such file or folder"))
    diags = apply_levels(missing + validate(world, _as_of(args), selected), dict(args.level))
    _emit(_render_diags(diags, _with_sources(root, diags, world.repo.sources), args.format))
    return EXIT_ERRORS if has_errors(diags) else EXIT_OK


def cmd_check_pr(args: argparse.Namespace) -> int:
    from tooling.core.diagnostics import apply_levels
    from tooling.checks.policy import check_pr
    from tooling.checks.validation import has_errors

    result = check_pr(_root(args), args.base, args.head, _as_of(args))
    diags = apply_levels(result.diagnostics, dict(args.level))
    _emit(_render_diags(diags, result.sources, args.format))
    summary_path = args.summary or (os.environ.get("GITHUB_STEP_SUMMARY") if args.format == "github" else None)
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as fh:
            fh.write(result.summary_markdown)
    return EXIT_ERRORS if has_errors(diags) else EXIT_OK


def _with_sources(root: Path, diags, sources: dict[str, str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Add the text of files with findings that the loader did not keep (clean-layout votes)."""
    out = dict(sources)
    for d in diags:
        if d.file in out:
            continue
        path = root / d.file
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_size <= (1 << 20):
                out[d.file] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            pass
    return out


def _need_nep(ev, n: int):  # type: ignore[no-untyped-def]
    if n not in ev.proposals:
        raise Failure(f"NEP {n} not found (or unreadable: run `nep validate` to see why)")
    return ev.proposals[n], ev.states[n]


def cmd_status(args: argparse.Namespace) -> int:
    from tooling.present import reports
    from tooling.shell.evaluate import evaluate

    ev = evaluate(_world(args), _as_of(args))
    if args.format == "json":
        _emit(json.dumps(reports.status_json(ev.states, ev.proposals, ev.as_of), indent=2, ensure_ascii=False) + "\n")
    else:
        _emit(reports.status_text(ev.states, ev.proposals, ev.as_of))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from tooling.present import reports
    from tooling.shell.evaluate import evaluate

    ev = evaluate(_world(args), _as_of(args))
    p, st = _need_nep(ev, args.nep)
    if args.format == "json":
        _emit(json.dumps(reports.show_json(p, st, ev.as_of), indent=2, ensure_ascii=False) + "\n")
    else:
        _emit(reports.show_text(p, st, ev.as_of))
    return EXIT_OK


def cmd_tally(args: argparse.Namespace) -> int:
    from tooling.present import reports
    from tooling.shell.evaluate import evaluate

    ev = evaluate(_world(args), _as_of(args))
    _, st = _need_nep(ev, args.nep)
    if args.format == "json":
        _emit(json.dumps(reports.tally_json(st.tally, st, ev.as_of), indent=2, ensure_ascii=False) + "\n")
    else:
        _emit(reports.tally_text(st.tally, st, ev.as_of))
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    from tooling.present import reports
    from tooling.shell.evaluate import evaluate

    ev = evaluate(_world(args), _as_of(args))
    protocol = ev.protocol()
    eg = ev.timeline.governance_at(ev.as_of)
    if args.format == "json":
        _emit(json.dumps(reports.config_json(protocol, eg), indent=2, ensure_ascii=False) + "\n")
    else:
        _emit(reports.config_text(protocol, eg))
    return EXIT_OK


def cmd_rewards(args: argparse.Namespace) -> int:
    from tooling.present import reports
    from tooling.shell.evaluate import evaluate
    from tooling.core.rewards import proposal_rewards

    ev = evaluate(_world(args), _as_of(args))
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
        _emit(json.dumps(reports.rewards_json(items, ev.as_of, states=ev.states), indent=2, ensure_ascii=False) + "\n")
    else:
        _emit(reports.rewards_text(items, ev.as_of, states=ev.states))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from tooling.app.authoring import AuthoringError, new_from_cli

    try:
        path = new_from_cli(_root(args), nep_type=args.type, title=args.title, authors=args.author,
                            today=_as_of(args))
    except AuthoringError as exc:
        raise UsageError(str(exc)) from None
    _emit(f"created {path}\n")
    return EXIT_OK


def _read_key(path: str) -> bytes:
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
        priv = _read_key(args.key)
        pub = votes.public_key_hex(priv)
        _emit(f"public_key: {pub}\nnode: {votes.node_id(pub)}\n")
        return EXIT_OK
    if args.token is None and os.environ.get("NEUROSHARD_TOKEN"):
        args.token = ""  # SPEC 9: the token comes from --token or $NEUROSHARD_TOKEN
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
        _emit(f"wrote {args.out} (mode 0600)\n")
    elif args.token is None:
        raise UsageError("nep key new needs --out FILE (a random key is useless unless saved)")
    _emit(f"public_key: {pub}\nnode: {votes.node_id(pub)}\n")
    return EXIT_OK


def cmd_vote(args: argparse.Namespace) -> int:
    from tooling.core import votes
    from tooling.shell.evaluate import gather

    root = _root(args)
    priv = _read_key(args.key)
    world = gather(root)
    props = [p for p in world.repo.proposals if p.nep == args.nep]
    if not props:
        raise Failure(f"NEP {args.nep} not found (or unreadable: run `nep validate` to see why)")
    p = props[0]
    ts = args.timestamp if args.timestamp is not None else _now()
    if not 0 <= ts <= 253402300799:
        raise UsageError("--timestamp must be Unix seconds between 0 and 253402300799")
    vote = votes.sign_vote(priv, network=world.repo.governance.network, nep=p.nep, content_hash=p.content_hash,
                           choice=args.choice, timestamp=ts, reason=args.reason)
    rel = votes.vote_path(p.nep, vote.voter)
    target = root / rel
    for folder in (root / "votes", target.parent):
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise UsageError(f"{folder.relative_to(root)} is not a plain folder; links are never followed")
    if target.exists() or target.is_symlink():
        raise Failure(f"{rel} already exists; votes are final and a vote file is never changed")
    from tooling.checks.rules.metadata import bad_text

    bad = bad_text(args.reason)
    if bad:
        raise UsageError(f"--reason contains the control or bidi character U+{ord(bad.group()):04X}; remove it")
    if not args.assume_yes:
        sys.stderr.write(f"Vote {args.choice.upper()} on NEP-{p.nep:04d} \"{p.title}\" as node {vote.voter}\n"
                         f"content hash {p.content_hash}\nWrite {rel}? [y/N] ")
        sys.stderr.flush()
        answer = sys.stdin.readline().strip().lower() if sys.stdin and not sys.stdin.closed else ""
        if answer not in ("y", "yes"):
            raise Failure("not confirmed; nothing written")
    from tooling.shell.fsio import write_new

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_new(target, votes.render_vote_file(vote).encode("utf-8"))
    except FileExistsError:
        raise Failure(f"{rel} already exists; votes are final and a vote file is never changed") from None
    except OSError as exc:
        raise UsageError(f"cannot write {rel}: {exc.strerror or exc}") from None
    _emit(f"wrote {rel}\nOpen a pull request that adds this file; it counts once merged before the voting end.\n")
    return EXIT_OK


def cmd_advance(args: argparse.Namespace) -> int:
    from tooling.app.advance import AdvanceError, run

    try:
        result = run(_root(args), _as_of(args), commit=args.commit, dry_run=args.dry_run,
                     bot_name=os.environ.get("NEP_BOT_NAME", "neuroshard-nep-bot"),
                     bot_email=os.environ.get("NEP_BOT_EMAIL", "nep-bot@users.noreply.github.com"))
    except AdvanceError as exc:
        raise UsageError(str(exc)) from None
    _emit(result.text)
    return EXIT_OK


def cmd_site(args: argparse.Namespace) -> int:
    from tooling.present.site import build

    out = Path(args.out)
    if not out.is_absolute():
        out = Path.cwd() / out
    try:
        count = build(_root(args), _as_of(args), out, base_url=args.base_url)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    _emit(f"wrote {count} files to {args.out}\n")
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from tooling.bench.runner import run_bench

    result = run_bench(neps=args.neps, votes=args.votes, commits=args.commits, nodes=args.nodes, workdir=args.workdir,
                       log=sys.stderr)
    if args.format == "json":
        _emit(json.dumps(result, indent=2) + "\n")
    else:
        from tooling.bench.runner import render_text

        _emit(render_text(result))
    return EXIT_OK


def cmd_codeowners(args: argparse.Namespace) -> int:
    from tooling.app.authoring import codeowners

    root = _root(args)
    world = _world(args)
    text = codeowners(world.repo.proposals)
    if args.write:
        from tooling.shell.fsio import write_atomic

        target = root / ".github" / "CODEOWNERS"
        if target.is_symlink() or (target.exists() and not target.read_text(encoding="utf-8", errors="replace")
                                   .startswith(text.split("\n", 1)[0])):
            raise UsageError(".github/CODEOWNERS exists and was not generated by nep; "
                             "move your rules elsewhere or delete it, then run again")
        (root / ".github").mkdir(exist_ok=True)
        write_atomic(target, text.encode("utf-8"))
        _emit("wrote .github/CODEOWNERS\n")
    else:
        _emit(text)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": cmd_validate,
    "check-pr": cmd_check_pr,
    "status": cmd_status,
    "show": cmd_show,
    "tally": cmd_tally,
    "config": cmd_config,
    "rewards": cmd_rewards,
    "new": cmd_new,
    "key": cmd_key,
    "vote": cmd_vote,
    "advance": cmd_advance,
    "site": cmd_site,
    "bench": cmd_bench,
    "codeowners": cmd_codeowners,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    from tooling.shell.history import HistoryError
    from tooling.shell.repository import RepositoryError

    try:
        code = COMMANDS[args.command](args)
        for world in getattr(args, "worlds_to_save", []):
            world.save_caches()
        return code
    except RepositoryError as exc:
        fmt = getattr(args, "format", "text")
        if fmt in ("json", "github"):
            # Machine readers get the finding where they look for findings.
            _emit(_render_diags(exc.diagnostics, exc.sources, fmt))
        else:
            from tooling.present.diagnostics import render_text

            sys.stdout.flush()
            sys.stderr.write(render_text(exc.diagnostics, exc.sources))
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
