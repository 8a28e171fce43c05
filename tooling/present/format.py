"""The one place where numbers, instants and durations become text.

`nep` in the terminal, its JSON, the site and the site's API all format
through here, so the same value reads the same everywhere. One form per
purpose:

- an amount in JSON: exact, plain notation, trailing zeros trimmed
  (``decimal_str``: "1500.25", "0", "0.0000001");
- an amount for a reader: the same with thousands separators
  (``amount_text``: "1,500.25");
- a share for a reader: truncated (never rounded up, so a figure just under
  a threshold never shows as reaching it) to one decimal, with a spaced
  percent sign (``percent``: "19.9 %"; "—" when the whole is zero);
  ``percent_value`` gives the same truncated figure as a Decimal for JSON;
- a duration: the two largest non-zero units, truncated, no space inside a
  unit (``duration_text``: "3d 4h", "2h 5m", "45m", "12s", "0s");
- an instant in JSON: RFC 3339 UTC (``format_instant``:
  "2026-02-01T00:00:00Z"); for a reader: ``instant_text``
  ("2026-02-01 00:00Z", seconds only when they are not zero); a day:
  ``format_date`` ("2026-02-01");
- any record as JSON: ``jsonable``.
"""

from __future__ import annotations

import dataclasses
import decimal
import enum
import math
from decimal import Decimal
from typing import Any, Mapping

from tooling.core.instants import MAX_INSTANT, format_date, format_instant
from tooling.core.model import DAY, HOUR
from tooling.core.numbers import decimal_str

__all__ = [
    "MAX_INSTANT",
    "amount_text",
    "decimal_str",
    "duration_text",
    "format_date",
    "format_instant",
    "instant_forms",
    "instant_text",
    "jsonable",
    "percent",
    "percent_value",
    "relative_text",
    "scaled",
]

NO_VALUE = "—"


def amount_text(d: Decimal | int) -> str:
    """An amount with thousands separators, for readers ("1,500.25")."""
    text = decimal_str(d)
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, frac = text.partition(".")
    return sign + f"{int(whole):,}" + dot + frac


def scaled(part: Decimal, whole: Decimal, scale: int) -> int:
    """part × scale / whole truncated toward zero, exactly (no context rounding on the way)."""
    ctx = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    with decimal.localcontext(ctx):
        return int((Decimal(part) * scale) // Decimal(whole))


def percent_value(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, truncated to 0.1 (None if whole is 0)."""
    if whole == 0:
        return None
    return Decimal(scaled(part, whole, 1000)).scaleb(-1)


def percent(part: Decimal, whole: Decimal) -> str:
    """``part`` as a percentage of ``whole`` for display ("31.0 %"), truncated to 0.1; "—" if whole is 0."""
    if whole == 0:
        return NO_VALUE
    t = scaled(part, whole, 1000)
    sign = "-" if t < 0 else ""
    q, r = divmod(abs(t), 10)
    return f"{sign}{q}.{r} %"


def duration_text(seconds: int) -> str:
    """The two largest units of a duration, truncated: "3d 4h", "45m", "2h 5m", "12s", "0s"."""
    if seconds < 0:
        return "-" + duration_text(-seconds)
    parts: list[tuple[int, str]] = []
    rest = int(seconds)
    for name, size in (("d", DAY), ("h", HOUR), ("m", 60), ("s", 1)):
        q, rest = divmod(rest, size)
        parts.append((q, name))
    first = next((i for i, (q, _) in enumerate(parts) if q), None)
    if first is None:
        return "0s"
    return " ".join(f"{q}{name}" for q, name in parts[first : first + 2] if q)


def instant_text(t: int | None, empty: str = NO_VALUE) -> str:
    """Display form of an instant: "2026-02-01 00:00Z", with seconds only when they are not zero."""
    if t is None:
        return empty
    return instant_forms(t)[1]


def instant_forms(t: int) -> tuple[str, str]:
    """``(format_instant(t), instant_text(t))`` from one conversion, for pages that print both (``<time>``)."""
    full = format_instant(t) or ""
    date, clock = full[:10], full[11:19]
    return full, f"{date} {clock[:5] if clock.endswith(':00') else clock}Z"


def relative_text(t: int, as_of: int) -> str:
    """``t`` seen from ``as_of``: "now", "in 3d 4h", "2h 5m ago"."""
    if t == as_of:
        return "now"
    if t > as_of:
        return f"in {duration_text(t - as_of)}"
    return f"{duration_text(as_of - t)} ago"


def jsonable(value: Any) -> Any:
    """A value from a file or a record as JSON: Decimal as a string, enums as values, tuples as lists."""
    if value is None or isinstance(value, (bool, int)) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return decimal_str(value) if value.is_finite() else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return str(value)
