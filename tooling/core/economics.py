"""Economic impact: neutrality, the one-line summary, and the direction of change.

Pure functions over ``EconomicImpact``. Arithmetic goes through ``Decimal``
built from each number's shortest repr, so ``1.1`` means 1.1 exactly and no
float rounding decides anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tooling.core.model import IMPACT_FIELDS, EconomicImpact, ImpactField

ONE = Decimal(1)
ZERO = Decimal(0)


def dec(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def change(impact: EconomicImpact, f: ImpactField) -> Decimal:
    """Signed amount of change of one field from its no-change value."""
    return dec(getattr(impact, f.name)) - dec(f.neutral)


def moved_fields(impact: EconomicImpact) -> list[ImpactField]:
    """The fields not at their no-change value, in file order."""
    return [f for f in IMPACT_FIELDS if change(impact, f) != 0]


def is_neutral(impact: EconomicImpact) -> bool:
    """Neutral only if every one of the nine fields is at its no-change value."""
    return not moved_fields(impact)


def _signed(d: Decimal, places: int | None = None) -> str:
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places))
    text = format(d.normalize() if places is None else d, "f")
    if d > 0:
        return "+" + text
    return text


def describe_field(impact: EconomicImpact, f: ImpactField) -> str:
    value = dec(getattr(impact, f.name))
    if f.unit == "x":
        return f"{f.label}: {_signed((value - ONE) * 100, 1)}%"
    if f.unit == "%":
        return f"{f.label}: {_signed(value, 1)}%"
    if f.unit == "NEURO":
        return f"{f.label}: {format(value.normalize(), 'f')} NEURO"
    if f.unit == "delta":
        return f"{f.label}: {_signed(value)}"
    return f"{f.label}: {_signed(value)} {f.unit}"


def describe(impact: EconomicImpact) -> str:
    """One line covering every non-neutral field, e.g.
    ``Training efficiency: +100.0%; Memory requirement: +200 MB``."""
    moved = moved_fields(impact)
    if not moved:
        return "No economic change"
    return "; ".join(describe_field(impact, f) for f in moved)


def reward_direction(impact: EconomicImpact) -> int | None:
    """+1 if the reward multipliers only rise, -1 if they only fall, 0 if unchanged, None if mixed."""
    signs = {
        (change(impact, f) > 0) - (change(impact, f) < 0)
        for f in IMPACT_FIELDS
        if f.name in ("training_reward_multiplier", "inference_reward_multiplier")
    }
    signs.discard(0)
    if not signs:
        return 0
    return signs.pop() if len(signs) == 1 else None
