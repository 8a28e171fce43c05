"""The finding record: what every check returns.

Checks return ``Diagnostic`` values and never print; the renderers (text,
json, github, Markdown) live in ``tooling.present.diagnostics``. Every
diagnostic names a rule of ``tooling.core.catalog`` by its stable code and slug.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Sequence

from tooling.core.model import Severity


@dataclass(frozen=True)
class Diagnostic:
    code: str  # stable, e.g. NEP302
    slug: str  # stable, e.g. econ-neutral-type
    severity: Severity
    file: str
    line: int
    col: int
    message: str
    hint: str | None = None

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "slug": self.slug,
            "severity": str(self.severity),
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "hint": self.hint,
        }


def sort_key(d: Diagnostic) -> tuple:
    return (d.file, d.line, d.col, d.code, d.message)


def apply_levels(diags: Iterable[Diagnostic], levels: Mapping[str, str]) -> list[Diagnostic]:
    """Raise or lower severities per rule (key: slug or code; value: a severity or ``off``)."""
    out = []
    for d in diags:
        level = levels.get(d.slug) or levels.get(d.code)
        if level == "off":
            continue
        out.append(replace(d, severity=Severity(level)) if level else d)
    return out


def counts(diags: Sequence[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diags if d.severity is Severity.WARNING)
    return errors, warnings
