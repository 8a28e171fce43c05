"""Economic impact (SPEC 3.1): the nine fields, neutrality and the one-line summary.

The record and the functions that read it live together, so the record's
``describe()`` and ``is_neutral()`` need no other module. Arithmetic goes
through ``Decimal`` built from each number's shortest repr, so ``1.1`` means
1.1 exactly and no float rounding decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tooling.core.model.enums import ImpactUnit


@dataclass(frozen=True)
class ImpactField:
    name: str
    label: str
    neutral: Any
    unit: ImpactUnit


#: The nine economic impact fields, in file order, with their human labels.
IMPACT_FIELDS: tuple[ImpactField, ...] = (
    ImpactField("training_reward_multiplier", "Training rewards", 1.0, ImpactUnit.MULTIPLIER),
    ImpactField("training_efficiency_multiplier", "Training efficiency", 1.0, ImpactUnit.MULTIPLIER),
    ImpactField("inference_reward_multiplier", "Inference rewards", 1.0, ImpactUnit.MULTIPLIER),
    ImpactField("inference_cost_multiplier", "Inference cost", 1.0, ImpactUnit.MULTIPLIER),
    ImpactField("min_memory_change_mb", "Memory requirement", 0, ImpactUnit.MB),
    ImpactField("min_compute_change_tflops", "Compute requirement", 0.0, ImpactUnit.TFLOPS),
    ImpactField("staking_multiplier_change", "Staking multiplier", 0.0, ImpactUnit.DELTA),
    ImpactField("upgrade_cost_neuro", "Upgrade cost", Decimal(0), ImpactUnit.NEURO),
    ImpactField("net_earnings_change_percent", "Net earnings", 0.0, ImpactUnit.PERCENT),
)
IMPACT_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in IMPACT_FIELDS)


@dataclass(frozen=True)
class EconomicImpact:
    """The nine fields of SPEC 3.1; the defaults are the no-change values."""

    training_reward_multiplier: float = 1.0
    training_efficiency_multiplier: float = 1.0
    inference_reward_multiplier: float = 1.0
    inference_cost_multiplier: float = 1.0
    min_memory_change_mb: int = 0
    min_compute_change_tflops: float = 0.0
    staking_multiplier_change: float = 0.0
    upgrade_cost_neuro: Decimal = Decimal(0)
    net_earnings_change_percent: float = 0.0

    def is_neutral(self) -> bool:
        return is_neutral(self)

    def describe(self) -> str:
        return describe(self)

    def __str__(self) -> str:
        return self.describe()


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
    if f.unit is ImpactUnit.MULTIPLIER:
        return f"{f.label}: {_signed((value - ONE) * 100, 1)}%"
    if f.unit is ImpactUnit.PERCENT:
        return f"{f.label}: {_signed(value, 1)}%"
    if f.unit is ImpactUnit.NEURO:
        return f"{f.label}: {format(value.normalize(), 'f')} NEURO"
    if f.unit is ImpactUnit.DELTA:
        return f"{f.label}: {_signed(value)}"
    return f"{f.label}: {_signed(value)} {f.unit}"


def describe(impact: EconomicImpact) -> str:
    """One line covering every non-neutral field, e.g.
    ``Training efficiency: +100.0%; Memory requirement: +200 MB``."""
    moved = moved_fields(impact)
    if not moved:
        return "No economic change"
    return "; ".join(describe_field(impact, f) for f in moved)
