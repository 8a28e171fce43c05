"""Strictness follows the phase: what an author must finish before review is a warning on a draft.

- Completeness rules and placeholders are warnings while a NEP is a draft
  (work in progress is expected there), errors from review on, and notices
  once the NEP is decided or withdrawn (its text can no longer change).
- Placeholders are exactly what ``nep new`` and ``create_proposal`` write: a
  body paragraph starting ``TODO:``, an author named ``TODO: ...`` and the
  all-zero node id.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from tooling.core.catalog import rule
from tooling.core.diagnostics import Diagnostic
from tooling.core.model import NEPStatus, Proposal, Severity

PLACEHOLDER_PREFIX = "TODO:"
PLACEHOLDER_NODE = "0" * 32
PLACEHOLDER_SLUG = "placeholder"

#: Rules about finishing the text: relaxed on a draft, relaxed again once decided.
PHASED = frozenset({"body-missing-section", "body-empty-section", "econ-unexplained-field",
                    "econ-migration-steps", PLACEHOLDER_SLUG})
_DECIDED = frozenset({NEPStatus.SCHEDULED, NEPStatus.ACTIVE, NEPStatus.REJECTED, NEPStatus.DEPRECATED,
                      NEPStatus.WITHDRAWN})
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def placeholders(p: Proposal) -> list[Diagnostic]:
    """Every placeholder left in the NEP, at its line."""
    r = rule(PLACEHOLDER_SLUG)
    out: list[Diagnostic] = []
    for i, a in enumerate(p.authors):
        if a.name.strip().startswith(PLACEHOLDER_PREFIX):
            out.append(r.at(p.path, p.positions.at(("authors", i, "name")),
                            f"author {i + 1} is still the placeholder {a.name!r}", "write the author's name"))
        if a.node == PLACEHOLDER_NODE:
            out.append(r.at(p.path, p.positions.at(("authors", i, "node")),
                            f"author {i + 1}'s node is the all-zero placeholder",
                            "write the node id that `nep key show --key FILE` prints"))
    previous_blank, fence = True, None
    for i, raw in enumerate(p.body.split("\n")):
        line = raw.rstrip("\r")
        m = _FENCE.match(line)
        if fence or m:
            if fence is None:
                fence = m.group(1) if m else None
            elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            previous_blank = False
            continue
        if previous_blank and line.lstrip().startswith(PLACEHOLDER_PREFIX):
            out.append(r.at(p.path, (p.body_line + i, len(line) - len(line.lstrip()) + 1),
                            f"placeholder paragraph: {_short(line.strip())}",
                            "replace the TODO paragraph with the text it asks for"))
        previous_blank = not line.strip()
    return out


def adjust(diags: Sequence[Diagnostic], status: NEPStatus | None) -> list[Diagnostic]:
    """The phased rules' severity for a NEP in ``status`` (None: as written, i.e. the default)."""
    if status is NEPStatus.DRAFT:
        return [replace(d, severity=Severity.WARNING) if d.slug in PHASED and d.severity is Severity.ERROR else d
                for d in diags]
    if status in _DECIDED:
        return [replace(d, severity=Severity.NOTICE) if d.slug in PHASED else d for d in diags]
    return list(diags)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
