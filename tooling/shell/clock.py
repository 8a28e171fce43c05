"""The wall clock, read only at the edges (the CLI and the Python API's ``write``)."""

from __future__ import annotations

import time


def now() -> int:
    """Unix seconds now."""
    return int(time.time())


def utc_today() -> str:
    """Today's date in UTC (never local time: a NEP's date must not depend on the author's time zone)."""
    return time.strftime("%Y-%m-%d", time.gmtime())
