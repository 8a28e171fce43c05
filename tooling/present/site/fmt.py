"""How the site shows a value from a file (plain notation, never an exponent) and which URLs it links to.

Numbers, percentages, durations and instants are formatted by
``tooling.present.format``, the one place ``nep show`` shares with the site.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from tooling.present.format import decimal_str, jsonable


def value_display(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, Decimal):
        return decimal_str(v)
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
