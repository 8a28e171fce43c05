"""Economic impact: neutrality, the one-line summary, and the direction of change.

Pure functions over ``EconomicImpact``. The reading of one impact
(neutrality, summary) lives with the record in ``tooling.core.model.impact``
and is re-exported here, so the model never imports this module.
"""

from __future__ import annotations

from tooling.core.model import IMPACT_FIELDS, EconomicImpact
from tooling.core.model.impact import ONE, ZERO, change, dec, describe, describe_field, is_neutral, moved_fields

__all__ = [
    "ONE",
    "ZERO",
    "change",
    "dec",
    "describe",
    "describe_field",
    "is_neutral",
    "moved_fields",
    "reward_direction",
]

#: The fields whose direction NEP403 compares with the net earnings change.
_REWARD_FIELDS = ("training_reward_multiplier", "inference_reward_multiplier")


def reward_direction(impact: EconomicImpact) -> int | None:
    """+1 if the reward multipliers only rise, -1 if they only fall, 0 if unchanged, None if mixed."""
    signs = {
        (change(impact, f) > 0) - (change(impact, f) < 0)
        for f in IMPACT_FIELDS
        if f.name in _REWARD_FIELDS
    }
    signs.discard(0)
    if not signs:
        return 0
    return signs.pop() if len(signs) == 1 else None
