"""Pieces every report shares: safe text, labels, colour, aligned tables, bars."""

from __future__ import annotations

import enum
import json
import re
from decimal import Decimal
from typing import Any, Iterable, Sequence

from tooling.core import timeline as _timeline
from tooling.present.format import jsonable, scaled


BAR_WIDTH = 50
TITLE_WIDTH = 44
FULL = "█"
EMPTY = "░"
MARK = "|"

T0_REASONS = _timeline.T0_REASONS
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str | None) -> str:
    """Text from files, safe for a terminal (no control or bidi override characters)."""
    return _UNSAFE.sub("\ufffd", text or "")


def truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def label(nep: int) -> str:
    return f"NEP-{nep:04d}"


def enum_value(e: enum.Enum | None) -> str | None:
    return None if e is None else e.value


reason_text = _timeline.reason_text


_ANSI = {"bold": "1", "dim": "2", "green": "32", "red": "31", "yellow": "33", "cyan": "36"}


def paint(text: str, style: str, color: bool) -> str:
    if not color or not text:
        return text
    return f"\x1b[{_ANSI[style]}m{text}\x1b[0m"


def columns(rows: Sequence[Sequence[str]], right: Iterable[int] = (), indent: str = "  ") -> list[str]:
    """Rows of cells in aligned columns (the first row is the header)."""
    if not rows:
        return []
    right = set(right)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def bar(
    part: Decimal,
    whole: Decimal,
    width: int = BAR_WIDTH,
    marker: Decimal | None = None,
    reached: bool | None = None,
) -> str:
    """``width`` cells filled in proportion part/whole, with ``MARK`` inserted at the threshold ``marker``.

    The marker is inserted (not drawn over a cell), so the cells before it
    stand for the threshold. ``reached`` (the tally's verdict) keeps the bar
    from contradicting it where a cell's rounding would: filled to the marker
    if and only if reached. With 50 cells, 20 % and 66 % fall on cell edges.
    """
    filled = 0 if whole == 0 else max(0, min(width, scaled(part, whole, width)))
    if marker is None:
        return FULL * filled + EMPTY * (width - filled)
    at = max(0, min(width, scaled(marker, Decimal(1), width)))
    if reached is True:
        filled = max(filled, at)
    elif reached is False and at > 0:
        filled = min(filled, at - 1)
    cells = FULL * filled + EMPTY * (width - filled)
    return cells[:at] + MARK + cells[at:]


def short(voter: str) -> str:
    voter = clean(voter)
    return voter if len(voter) <= 9 else voter[:8] + "…"


def verdict(ok: bool, yes: str, no: str, color: bool) -> str:
    return paint(f"✓ {yes}", "green", color) if ok else paint(f"✗ {no}", "red", color)


def value_text(value: Any) -> str:
    """A file value as the author would write it (JSON form, Decimal as a bare number)."""
    v = jsonable(value)
    if isinstance(value, Decimal):
        return v
    return clean(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
