"""Strictness follows the phase: what an author must finish before review is a warning on a draft.

- Completeness rules and placeholders are warnings while a NEP is a draft
  (work in progress is expected there), errors from review on, and notices
  once the NEP is decided or withdrawn (its text can no longer change).
- Placeholders are exactly what ``nep new`` and ``create_proposal`` write
  (they take the texts from here): the ``TODO:`` paragraphs below, the author
  name ``TODO: your name`` and the all-zero node id. Other prose that happens
  to start with "TODO:" is the author's own and is left alone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from tooling.core.catalog import rule
from tooling.core.diagnostics import Diagnostic
from tooling.core.model import NEPStatus, Proposal, Severity

PLACEHOLDER_NODE = "0" * 32
PLACEHOLDER_AUTHOR = "TODO: your name"
#: The placeholder paragraphs, by the section they stand in for.
ABSTRACT = "TODO: one paragraph: what changes."
MOTIVATION = "TODO: why the network needs this change."
SPECIFICATION = "TODO: the exact change, precise enough to implement."
NEUTRAL_IMPACT = "TODO: say why rewards, costs and requirements are unaffected."
MOVED_IMPACT = "TODO: explain each change above for node operators."
ROLLOUT = "TODO: describe the rollout."
PLACEHOLDER_TEXTS = frozenset({ABSTRACT, MOTIVATION, SPECIFICATION, NEUTRAL_IMPACT, MOVED_IMPACT, ROLLOUT})
_OLD_INLINE = " TODO: explain."  # what earlier versions of nep new appended to each moved impact field
PLACEHOLDER_SLUG = "placeholder"

#: Rules about finishing the text: relaxed on a draft, relaxed again once decided.
PHASED = frozenset({"body-missing-section", "body-empty-section", "econ-unexplained-field",
                    "econ-migration-steps", PLACEHOLDER_SLUG})
_DECIDED = frozenset({NEPStatus.SCHEDULED, NEPStatus.ACTIVE, NEPStatus.REJECTED, NEPStatus.DEPRECATED,
                      NEPStatus.WITHDRAWN})
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


# Earlier versions of nep new wrote these sentences inside a paragraph.
_OLD_PARAGRAPHS = (NEUTRAL_IMPACT, ROLLOUT)


def placeholders(p: Proposal) -> list[Diagnostic]:
    """Every placeholder left in the NEP, at its line."""
    r = rule(PLACEHOLDER_SLUG)
    out: list[Diagnostic] = []
    for i, a in enumerate(p.authors):
        if a.name.strip() == PLACEHOLDER_AUTHOR:
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
        if line.strip() in PLACEHOLDER_TEXTS or line.rstrip().endswith(_OLD_INLINE) or \
                (previous_blank and line.strip().startswith(_OLD_PARAGRAPHS)):
            out.append(r.at(p.path, (p.body_line + i, len(line) - len(line.lstrip()) + 1),
                            f"placeholder paragraph: {_short(line.strip())}",
                            "replace the TODO paragraph with the text it asks for"))
        previous_blank = not line.strip()
    return out


def phase_of(p: Proposal, computed: NEPStatus | None) -> NEPStatus | None:
    """The phase a NEP is judged in: a draft whose file asks for review is judged as in review."""
    if computed in (None, NEPStatus.DRAFT) and p.status is NEPStatus.REVIEW:
        return NEPStatus.REVIEW
    return computed


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
