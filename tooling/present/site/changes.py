"""What a NEP changes, for whom: the plain-language summary shown wherever a NEP is listed.

Each parameter change reads ``old → new`` with its relative change ("new"
when the old value is 0 or absent); the economic impact becomes effects on
the people who run the network (trainers, inference nodes, stakers, every
node's hardware and wallet), each marked as a gain or a cost; the fields at
their no-change value are only counted ("8 unchanged").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from tooling.core.economics import change, dec
from tooling.core.model import IMPACT_FIELDS, EconomicImpact, ImpactField, ImpactUnit, ParameterChange, Proposal
from tooling.present.format import amount_text, percent
from tooling.present.site.fmt import value_display

GAIN, COST, MIXED = "gain", "cost", "mixed"

#: Who each impact field concerns, and whether a rise is good for them.
_WHO: dict[str, tuple[str, str, bool]] = {
    # field: (who, what, a rise is a gain)
    "training_reward_multiplier": ("Trainers", "training rewards", True),
    "training_efficiency_multiplier": ("Trainers", "training efficiency", True),
    "inference_reward_multiplier": ("Inference nodes", "inference rewards", True),
    "inference_cost_multiplier": ("Inference nodes", "inference cost", False),
    "min_memory_change_mb": ("Hardware", "minimum memory", False),
    "min_compute_change_tflops": ("Hardware", "minimum compute", False),
    "staking_multiplier_change": ("Stakers", "staking multiplier", True),
    "upgrade_cost_neuro": ("Every node", "one-off upgrade cost", False),
    "net_earnings_change_percent": ("Every node", "net earnings", True),
}


@dataclass(frozen=True)
class ParamChangeView:
    key: str
    old: str
    new: str
    relative: str  # "+40 %", "new", or "" when the values are not numbers


@dataclass(frozen=True)
class Effect:
    who: str
    text: str
    tone: str  # gain | cost


@dataclass(frozen=True)
class ChangeSummary:
    params: tuple[ParamChangeView, ...]
    effects: tuple[Effect, ...]
    unchanged: int  # impact fields at their no-change value
    impact_known: bool
    target_version: str | None
    line: str = ""

    @property
    def nothing(self) -> bool:
        return not self.params and not self.effects

    def text(self) -> str:
        """One plain line for lists and the JSON index (``line`` holds it, computed once by ``summarise``)."""
        return self.line or self.compose()

    def compose(self) -> str:
        if self.nothing and self.impact_known:
            return "No parameter or economic change"
        parts = [f"{c.key} {c.old} → {c.new}" + (f" ({c.relative})" if c.relative else "") for c in self.params]
        parts += [f"{e.who}: {e.text}" for e in self.effects]
        if self.impact_known and self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        if not self.impact_known:
            parts.append("no valid economic impact declaration")
        return " · ".join(parts) if parts else "No parameter or economic change"


def _number(v: Any) -> Decimal | None:
    if isinstance(v, bool) or not isinstance(v, (int, float, Decimal)):
        return None
    try:
        d = dec(v)
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _signed(text: str) -> str:
    """A relative change reads with its sign: "+40.0 %", "-12.5 %"."""
    return text if text.startswith("-") or text.startswith("0.0 ") else "+" + text


def relative_change(old: Any, new: Any) -> str:
    """``+40 %`` from 0.0005 to 0.0007; ``new`` when the old value is 0 or absent; "" if not numbers."""
    n = _number(new)
    if old is None:
        return "new"
    o = _number(old)
    if o is None or n is None:
        return ""
    if o == 0:
        return "new" if n != 0 else ""
    return _signed(percent(n - o, abs(o)))


def param_change_view(c: ParameterChange) -> ParamChangeView:
    old = "absent" if c.old_value is None else value_display(c.old_value)
    return ParamChangeView(f"{c.module}.{c.parameter}", old, value_display(c.new_value),
                           relative_change(c.old_value, c.new_value))


def _effect(ei: EconomicImpact, f: ImpactField) -> Effect:
    who, what, rise_gains = _WHO[f.name]
    delta = change(ei, f)
    value = dec(getattr(ei, f.name))
    if f.unit is ImpactUnit.MULTIPLIER:
        amount = _signed(percent(value - 1, Decimal(1)))
    elif f.unit is ImpactUnit.PERCENT:
        amount = _signed(percent(value, Decimal(100)))
    elif f.unit is ImpactUnit.NEURO:
        amount = f"{amount_text(value)} NEURO"
    elif f.unit is ImpactUnit.DELTA:
        amount = ("+" if delta > 0 else "") + value_display(getattr(ei, f.name))
    else:
        amount = ("+" if delta > 0 else "") + f"{value_display(getattr(ei, f.name))} {f.unit}"
    gains = (delta > 0) == rise_gains
    return Effect(who, f"{what} {amount}", GAIN if gains else COST)


def summarise(p: Proposal) -> ChangeSummary:
    ei = p.economic_impact
    effects: tuple[Effect, ...] = ()
    unchanged = 0
    if ei is not None:
        moved = [f for f in IMPACT_FIELDS if change(ei, f) != 0]
        effects = tuple(_effect(ei, f) for f in moved)
        unchanged = len(IMPACT_FIELDS) - len(moved)
    target = p.upgrade_path.target_version if p.upgrade_path is not None else None
    summary = ChangeSummary(tuple(param_change_view(c) for c in p.parameter_changes), effects, unchanged,
                            ei is not None, target)
    return replace(summary, line=summary.compose())
