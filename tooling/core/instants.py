"""Instants: RFC 3339 UTC strings at the edges, integer Unix seconds inside."""

from __future__ import annotations

import calendar
import re
import time

_RFC3339 = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$")
_LENIENT = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?)?\s*(Z|[+-][0-9]{2}:?[0-9]{2})?$"
)
#: 9999-12-31T23:59:59Z, the last instant RFC 3339 can write; defined here only (tests/test_architecture.py).
MAX_INSTANT = 253402300799


def parse_instant(text: str) -> int:
    """Parse a file instant (``2026-01-08T00:00:00Z``, exactly); ValueError otherwise."""
    m = _RFC3339.match(text)
    if not m:
        raise ValueError(f"not an RFC 3339 UTC instant like 2026-01-08T00:00:00Z: {text!r}")
    y, mo, d, h, mi, s = (int(g) for g in m.groups())
    _check(y, mo, d, h, mi, s, text)
    return calendar.timegm((y, mo, d, h, mi, s))


def _check(y: int, mo: int, d: int, h: int, mi: int, s: int, text: str) -> None:
    if not (1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1] and h < 24 and mi < 60 and s < 60):
        raise ValueError(f"not a valid date and time: {text!r}")


def parse_cli_instant(text: str) -> int:
    """``--at``: RFC 3339 (any offset, or a bare date meaning 00:00Z) or Unix seconds."""
    text = text.strip()
    if re.fullmatch(r"-?[0-9]+", text):
        value = int(text)
        if not 0 <= value <= MAX_INSTANT:
            raise ValueError(f"Unix seconds out of range: {text}")
        return value
    m = _LENIENT.match(text)
    if not m:
        raise ValueError(f"not an instant: {text!r} (use 2026-01-08T00:00:00Z or Unix seconds)")
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    h, mi, s = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
    _check(y, mo, d, h, mi, s, text)
    value = calendar.timegm((y, mo, d, h, mi, s))
    tz = m[7]
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        value -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return value


MIN_INSTANT = -62135596800  # 0001-01-01T00:00:00Z


def utc(t: int) -> time.struct_time:
    """``time.gmtime`` for any integer: an instant past 9999-12-31T23:59:59Z (a voting window of 10**40
    hours can put one there) shows as that last instant, the far future of SPEC 2, instead of overflowing."""
    return time.gmtime(min(max(t, MIN_INSTANT), MAX_INSTANT))


def format_instant(t: int | None) -> str | None:
    if t is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", utc(t))


def format_date(t: int) -> str:
    return time.strftime("%Y-%m-%d", utc(t))
