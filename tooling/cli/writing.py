"""``nep init``, ``new``, ``advance``, ``site build|serve``: parsing and wiring only."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from tooling.cli.common import (
    EXIT_ERRORS, EXIT_OK, UsageError, add_at, add_repo, as_of, command, emit, info, render_diags, repo_config, root,
)
from tooling.core.model import NEPType


def register(sub: Any) -> None:
    i = sub.add_parser("init", help="create a new governance repository that validates at once",
                       description="create a new governance repository: governance.yaml, an empty ledger, neps/, "
                                   "votes/, nep.toml, workflows, templates; refuses a non-empty folder unless --force")
    i.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the folder to create (default: .)")
    i.add_argument("--network", required=True, metavar="NAME",
                   help="the network name votes are signed for, e.g. neuroshard-testnet (required)")
    i.add_argument("--url", default="", metavar="URL", help="the repository's web address, for nep.toml (default: none)")
    i.add_argument("--maintainer", action="append", default=[], metavar="@HANDLE",
                   help="a maintainer's GitHub handle for nep.toml; repeatable (default: none)")
    i.add_argument("--tool-source", default=None, metavar="REQUIREMENT",
                   help="what the workflows install, pinned (default: this version, neuroshard-nep==VERSION)")
    i.add_argument("--force", action="store_true",
                   help="in a non-empty folder, add only the files that are missing (default: refuse)")
    i.set_defaults(func=cmd_init)

    n = command(sub, "new", "scaffold the next NEP from the template", at=True)
    n.add_argument("--type", required=True, choices=list(NEPType), help="the NEP type (required)")
    n.add_argument("--title", required=True, help="the title (required)")
    n.add_argument("--author", required=True, action="append", metavar="NAME:NODE",
                   help="author as NAME:NODE (node: 32 hex); repeatable, the first is the proposer (required)")
    n.set_defaults(func=cmd_new)

    a = command(sub, "advance", "write computed statuses and bot fields into the NEP files")
    a.add_argument("--commit", action="store_true", help="one commit per NEP changed, dated --at (default: off)")
    a.add_argument("--dry-run", action="store_true", help="show the plan, write nothing (default: off)")
    a.set_defaults(func=cmd_advance)

    site = sub.add_parser("site", help="the static status site", description="the static status site")
    ssub = site.add_subparsers(dest="site_command", metavar="ACTION")
    ssub.required = True
    sb = ssub.add_parser("build", help="render the site into a folder")
    ss = ssub.add_parser("serve", help="render the site and serve it on 127.0.0.1 for a local preview")
    for sp in (sb, ss):
        add_repo(sp)
        add_at(sp)
        sp.add_argument("--base-url", default=os.environ.get("NEP_SITE_BASE_URL", ""), metavar="URL",
                        help="absolute URL of the site, for the feed (default: $NEP_SITE_BASE_URL, else none)")
        sp.add_argument("--repo-url", default=None, metavar="URL",
                        help="web address of the NEP repository, for source and history links "
                             "(default: $NEP_SITE_REPO_URL, else [repository] url in nep.toml, else none)")
    sb.add_argument("--out", default="_site", metavar="DIR", help="output folder (default: _site)")
    ss.add_argument("--out", default=None, metavar="DIR", help="output folder (default: a temporary folder)")
    ss.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    site.set_defaults(func=cmd_site)


def cmd_init(args: argparse.Namespace) -> int:
    from tooling.app.init import InitError, init_repository

    try:
        result = init_repository(Path(args.dir), network=args.network, url=args.url,
                                 maintainers=tuple(args.maintainer), force=args.force,
                                 tool_source=args.tool_source)
    except InitError as exc:
        raise UsageError(str(exc)) from None
    for rel in result.written:
        info(f"created {rel}\n")
    for rel in result.kept:
        info(f"kept    {rel} (already there)\n")
    cd = "" if args.dir == "." else f"cd {args.dir} && "
    info(f"\nNext: {cd}git init -b main && git add -A && git commit -m 'Governance repository'\n"
         "then `nep new --type arch --title \"...\" --author NAME:NODE` (docs/getting-started.md walks it).\n")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from tooling.app.authoring import AuthoringError, new_from_cli

    try:
        path = new_from_cli(root(args), nep_type=args.type, title=args.title, authors=args.author, today=as_of(args))
    except AuthoringError as exc:
        raise UsageError(str(exc)) from None
    emit(f"created {path}\n")
    return EXIT_OK


def cmd_advance(args: argparse.Namespace) -> int:
    from tooling.app.advance import AdvanceError, run

    try:
        result = run(root(args), as_of(args), commit=args.commit, dry_run=args.dry_run,
                     bot_name=os.environ.get("NEP_BOT_NAME", "neuroshard-nep-bot"),
                     bot_email=os.environ.get("NEP_BOT_EMAIL", "nep-bot@users.noreply.github.com"))
    except AdvanceError as exc:
        raise UsageError(str(exc)) from None
    if result.warnings:
        sys.stderr.write(render_diags(result.warnings, {}, "text"))
    emit(result.text)
    return EXIT_ERRORS if result.mismatches or result.invalid_input else EXIT_OK


def _build(args: argparse.Namespace, out: Path) -> int:
    from tooling.present.site import build

    r = root(args)
    repo_url = args.repo_url
    if repo_url is None:
        repo_url = os.environ.get("NEP_SITE_REPO_URL") or repo_config(r).repository_url
    try:
        return build(r, as_of(args), out, base_url=args.base_url, repo_url=repo_url,
                     warn=lambda diags, sources: sys.stderr.write(render_diags(diags, dict(sources), "text")))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def cmd_site(args: argparse.Namespace) -> int:
    if args.site_command == "build":
        out = Path(args.out)
        count = _build(args, out if out.is_absolute() else Path.cwd() / out)
        info(f"wrote {count} files to {args.out}\n")
        return EXIT_OK
    import tempfile

    from tooling.app.serve import serve

    with tempfile.TemporaryDirectory(prefix="nep-site-") as tmp:
        out = Path(args.out).absolute() if args.out else Path(tmp) / "_site"
        count = _build(args, out)
        try:
            serve(out, args.port, announce=lambda url: sys.stderr.write(
                f"serving {count} files from {out} at {url} (Ctrl-C stops)\n"))
        except OSError as exc:
            raise UsageError(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc}") from None
    return EXIT_OK
