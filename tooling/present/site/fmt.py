"""The site's formatting of instants, decimals, ratios, durations and values (one module)."""

from __future__ import annotations

import json
import time
from decimal import ROUND_DOWN, Decimal, localcontext
from typing import Any, Mapping
from urllib.parse import urlsplit

from tooling.core.model import DAY

def rfc3339(t: int | None) -> str | None:
    """``2026-01-08T00:00:00Z``; None stays None (an absent instant is null)."""
    if t is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def human_instant(t: int) -> str:
    """The one form of an instant in text: ``2026-03-01 00:00 UTC`` (the exact second is in ``<time datetime>``)."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(t))


def dec_str(d: Decimal) -> str:
    """A decimal in plain notation (never an exponent), as the spec writes amounts."""
    return format(d, "f")


def dec_display(d: Decimal) -> str:
    return format(d, ",f")


def ratio(num: Decimal, den: Decimal, places: int) -> Decimal | None:
    """num/den truncated (never rounded up, so a ratio just under a threshold never shows as on it)."""
    if den <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        return (num / den).quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def pct(num: Decimal, den: Decimal) -> Decimal | None:
    r = ratio(num * 100, den, 2)
    return None if r is None else min(r, Decimal(100))


def pct_str(d: Decimal | None) -> str:
    return "—" if d is None else dec_str(d)


def duration(seconds: int) -> str:
    """Compact remaining time: ``3 d 4 h``, ``5 h 20 min``, ``12 min``."""
    seconds = max(0, seconds)
    d, rest = divmod(seconds, DAY)
    h, rest = divmod(rest, 3600)
    m = rest // 60
    if d:
        return f"{d} d {h} h"
    if h:
        return f"{h} h {m} min"
    if m:
        return f"{m} min"
    return f"{seconds} s"


def jsonable(v: Any) -> Any:
    if isinstance(v, Decimal):
        return dec_str(v)
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        return v
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, Mapping):
        return {str(k): jsonable(x) for k, x in v.items()}
    return str(v)


def value_display(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, Decimal):
        return dec_str(v)
    if isinstance(v, float):
        return float_str(v)
    if isinstance(v, (int, str)):
        return str(v)
    return json.dumps(jsonable(v), sort_keys=True, ensure_ascii=False)


def safe_url(url: str | None) -> str | None:
    """An external URL we are willing to link to (http/https only)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def normalise_base(base_url: str) -> str:
    base = base_url.strip()
    if not base:
        return ""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base URL must be an absolute http(s) URL, got {base_url!r}")
    return base if base.endswith("/") else base + "/"



def float_str(v: float) -> str:
    """A float in plain notation, as an author writes it: ``0.000002``, never ``2e-06``."""
    if v != v or v in (float("inf"), float("-inf")):
        return repr(v)
    return format(Decimal(repr(v)), "f")


def signed_pct(d: Decimal) -> str:
    """A relative change, ``+40 %``, ``-12.5 %``: at most one decimal, truncated toward zero, trailing zeros dropped."""
    q = d.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    if q == 0 and d != 0:
        return ("+" if d > 0 else "-") + "<0.1 %"
    text = format(q.normalize(), "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return ("+" if q > 0 else "±" if q == 0 else "") + text + " %"


def nowrap(text: str) -> str:
    """Spaces inside a number-with-unit or a date become non-breaking, so it never wraps mid-token."""
    return text.replace(" ", "\u00a0")
