"""Exact decimals as the files write them: the one rule for turning an amount into text.

It lives in the core, not in ``present``, because files need it too (the bot
writes tallies, ``check-pr`` names stakes and parameters): the same value
must read the same in a file, a finding and a report.
"""

from __future__ import annotations

from decimal import Decimal


def decimal_str(d: Decimal | int) -> str:
    """Exact decimal text without exponent, trailing zeros trimmed: "1500.25", "0", "0.0000001"."""
    if isinstance(d, bool) or not isinstance(d, (Decimal, int)):
        raise TypeError(f"not a decimal amount: {d!r}")
    d = Decimal(d)
    if not d.is_finite():
        raise ValueError(f"not a finite amount: {d}")
    if d.is_zero():
        return "0"  # also for -0 and 0E-8
    # format(..., "f") is exact; normalize() is not (it rounds to the context precision).
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
