"""How findings are shown: compiler-style text, JSON, GitHub workflow commands, a Markdown table."""

from __future__ import annotations

import json
from typing import Mapping, Sequence

from tooling.core.diagnostics import Diagnostic, counts
from tooling.core.model import Severity

__all__ = ["md_escape", "render_github", "render_json", "render_markdown_table", "render_text"]

_STYLES = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.NOTICE: "\x1b[1;36m"}
_ICONS = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.NOTICE: "ℹ️"}


def render_text(diags: Sequence[Diagnostic], sources: Mapping[str, str], *, color: bool = False) -> str:
    """Compiler style: ``file:line:col: severity CODE[slug] message``, the source line, a caret, help."""
    out: list[str] = []
    for d in diags:
        sev = str(d.severity)
        head = f"{sev} {d.code}[{d.slug}]"
        if color:
            head = f"{_STYLES[d.severity]}{head}\x1b[0m"
        out.append(f"{d.file}:{d.line}:{d.col}: {head} {d.message}")
        src = sources.get(d.file)
        gutter = len(str(d.line))
        if src is not None and d.line >= 1:
            lines = src.splitlines()
            if d.line <= len(lines):
                text = lines[d.line - 1].rstrip("\r")
                if len(text) > 160:
                    text = text[:157] + "..."
                caret_col = max(1, min(d.col, len(text) + 1))
                out.append(f" {d.line} | {text}")
                out.append(f" {' ' * gutter} | {' ' * (caret_col - 1)}^")
        if d.hint:
            out.append(f" {' ' * gutter} = help: {d.hint}")
    errors, warnings = counts(diags)
    notices = len(diags) - errors - warnings
    if diags:
        out.append("")
    out.append(f"{errors} error(s), {warnings} warning(s), {notices} notice(s)")
    return "\n".join(out) + "\n"


def render_json(diags: Sequence[Diagnostic], **extra: object) -> str:
    errors, warnings = counts(diags)
    doc = {"diagnostics": [d.as_json() for d in diags], "errors": errors, "warnings": warnings}
    doc.update(extra)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(diags: Sequence[Diagnostic]) -> str:
    """GitHub workflow commands: ``::error file=F,line=L,col=C,title=CODE::message``."""
    out = []
    for d in diags:
        msg = f"[{d.slug}] {d.message}" + (f" (help: {d.hint})" if d.hint else "")
        title = d.code  # SPEC 9: title=CODE
        out.append(
            f"::{d.severity} file={_gh_escape(d.file, True)},line={d.line},col={d.col},"
            f"title={_gh_escape(title, True)}::{_gh_escape(msg)}"
        )
    errors, warnings = counts(diags)
    out.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(out) + "\n"


def md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def render_markdown_table(diags: Sequence[Diagnostic]) -> str:
    if not diags:
        return "No findings.\n"
    rows = ["| | rule | where | message |", "|---|---|---|---|"]
    for d in diags:
        rows.append(
            f"| {_ICONS[d.severity]} | `{d.code}` {d.slug} | `{md_escape(d.file)}:{d.line}` | "
            f"{md_escape(d.message)}{' — ' + md_escape(d.hint) if d.hint else ''} |"
        )
    return "\n".join(rows) + "\n"
