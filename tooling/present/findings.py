"""Findings as a person reads them: the compiler-style text with a pointer to each rule's page."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

from tooling.core.diagnostics import Diagnostic
from tooling.present.diagnostics import render_text as _render_core

RULES_DOCS = "docs/rules"


def rule_page(slug: str) -> str:
    """The repository-relative page that explains a rule."""
    return f"{RULES_DOCS}/{slug}.md"


def with_pages(diags: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Each finding's help ends with the page of its rule."""
    return [replace(d, hint=f"{d.hint.rstrip('.')}; see {rule_page(d.slug)}" if d.hint else f"see {rule_page(d.slug)}")
            for d in diags]


def render_text(diags: Sequence[Diagnostic], sources: Mapping[str, str], *, color: bool = False,
                quiet: bool = False) -> str:
    """``file:line:col: severity CODE[slug] message``, the line, a caret, then ``= help: ...; see docs/rules/...``.

    ``quiet`` drops the closing count line when there is nothing to report.
    """
    if quiet and not diags:
        return ""
    return _render_core(with_pages(diags), sources, color=color)
