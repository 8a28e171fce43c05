"""``nep validate``, ``nep check-pr``, ``nep codeowners``: parsing and wiring only."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from tooling.cli.common import (
    EXIT_ERRORS, EXIT_OK, Failure, UsageError, as_of, command, emit, info, render_diags, repo_config, root,
    with_sources, world,
)

FORMATS = ("text", "json", "github")


def _level(text: str) -> tuple[str, str]:
    from tooling.app.rules import LEVELS

    slug, sep, level = text.partition("=")
    if not sep or level not in LEVELS:
        raise argparse.ArgumentTypeError(f"expected SLUG={'|'.join(LEVELS)}, got {text!r}")
    return slug, level


def _severity_options(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--level", type=_level, action="append", default=[], metavar="SLUG=LEVEL",
                    help="set a rule's severity (error, warning, notice, off); repeatable (default: none)")
    sp.add_argument("--deny", action="append", default=[], metavar="SLUG",
                    help="report this rule as an error; repeatable (default: none)")
    sp.add_argument("--warn", action="append", default=[], metavar="SLUG",
                    help="report this rule as a warning; repeatable (default: none)")
    sp.add_argument("--allow", action="append", default=[], metavar="SLUG",
                    help="do not report this rule; repeatable, for local use (default: none)")


def register(sub: Any) -> None:
    v = command(sub, "validate", "check NEP and vote files against the schemas and rules", fmt=FORMATS)
    v.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: the whole repository)")
    _severity_options(v)
    v.add_argument("--list-rules", action="store_true",
                   help="print the rule catalogue (text or json per --format) and exit (default: off)")
    v.set_defaults(func=cmd_validate)

    c = command(sub, "check-pr", "check the change policy between two revisions", fmt=FORMATS)
    c.add_argument("--base", required=True, metavar="REV", help="the target branch's revision (required)")
    c.add_argument("--head", default=None, metavar="REV", help="the proposed revision (default: the work tree's HEAD)")
    c.add_argument("--summary", default=None, metavar="FILE",
                   help="append a Markdown summary here (default: $GITHUB_STEP_SUMMARY with --format github)")
    _severity_options(c)
    c.set_defaults(func=cmd_check_pr)

    co = command(sub, "codeowners", "CODEOWNERS from the NEPs' github handles", at=False)
    mode = co.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write .github/CODEOWNERS instead of printing (default: off)")
    mode.add_argument("--check", action="store_true",
                      help="exit 1 if .github/CODEOWNERS differs from what --write would write (default: off)")
    co.add_argument("--maintainer", action="append", default=[], metavar="HANDLE",
                    help="a maintainer's GitHub handle (@user or @org/team), repeatable "
                    "(default: [repository] maintainers of nep.toml)")
    co.set_defaults(func=cmd_codeowners)


def _levels(args: argparse.Namespace, deny_from_config: tuple[str, ...]) -> dict[str, str]:
    from tooling.app.rules import UnknownRule, resolve_levels

    try:
        return resolve_levels(levels=args.level, deny=args.deny, warn=args.warn, allow=args.allow,
                              config_deny=deny_from_config)
    except UnknownRule as exc:
        raise UsageError(str(exc)) from None


def cmd_validate(args: argparse.Namespace) -> int:
    from tooling.app.rules import list_rules_json, list_rules_text
    from tooling.checks.validation import has_errors, validate
    from tooling.core.diagnostics import apply_levels
    from tooling.app.rules import select_paths

    if args.list_rules:
        emit(list_rules_json() if args.format == "json" else list_rules_text())
        return EXIT_OK
    r = root(args)
    _levels(args, ())  # a mistyped flag is reported before anything is read
    levels = _levels(args, repo_config(r).lint_deny)
    w = world(args)
    try:
        selected, missing = select_paths(r, args.paths)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    diags = apply_levels(missing + validate(w, as_of(args), selected, pending_votes=True), levels)
    emit(render_diags(diags, with_sources(r, diags, w.repo.sources), args.format))
    return EXIT_ERRORS if has_errors(diags) else EXIT_OK


def cmd_check_pr(args: argparse.Namespace) -> int:
    from tooling.checks.policy import check_pr
    from tooling.checks.validation import has_errors
    from tooling.core.diagnostics import apply_levels
    from tooling.present.pr_summary import render_summary

    r = root(args)
    _levels(args, ())  # a mistyped flag is reported before anything is read
    # The repository's lint settings come from the base revision: a pull request cannot relax its own checks.
    levels = _levels(args, repo_config(r, args.base).lint_deny)
    result = check_pr(r, args.base, args.head, as_of(args))
    diags = apply_levels(result.diagnostics, levels)
    emit(render_diags(diags, result.sources, args.format))
    summary_path = args.summary or (os.environ.get("GITHUB_STEP_SUMMARY") if args.format == "github" else None)
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as fh:
            fh.write(render_summary(result.summary))
    return EXIT_ERRORS if has_errors(diags) else EXIT_OK


def cmd_codeowners(args: argparse.Namespace) -> int:
    from tooling.app.codeowners import CodeownersError, is_current, maintainers_of, render, write

    r = root(args)
    try:
        result = render(world(args).repo.proposals, args.maintainer or maintainers_of(r))
        for warning in result.warnings:
            sys.stderr.write(f"warning: {warning}\n")
        if args.check:
            if not is_current(r, result.text):
                raise Failure(".github/CODEOWNERS is out of date: run `nep codeowners --write` and commit the result")
            info("ok: .github/CODEOWNERS is current\n")
        elif args.write:
            write(r, result.text)
            info("wrote .github/CODEOWNERS\n")
        else:
            emit(result.text)
    except CodeownersError as exc:
        raise UsageError(str(exc)) from None
    return EXIT_OK
