"""The governance values in force (SPEC 5) and how NEP-GOV parameter changes move them.

Only ``type: gov`` NEPs change governance values, and only through changes
that ``governance_change_error`` accepts; other ``governance.*`` changes are
ignored and appear nowhere in force (the validator reports them with the same
rule). ``feature_X`` set to ``true`` adds X, ``false`` removes it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping, Sequence

from tooling.core.model import Governance, NEPType, ParameterChange, Rewards, Track, TrackName

GOVERNANCE_MODULE = "governance"
FEATURE_PREFIX = "feature_"

_DECIMAL_PARAMS = ("quorum", "approval", "min_stake_to_propose", "proposal_fee")
_FRACTION_PARAMS = ("quorum", "approval")
_INT_PARAMS = ("resubmit_wait_days",)
_TRACK_FIELDS = ("review_hours", "voting_hours", "grace_min_days", "grace_max_days")
_REWARD_FIELDS = ("approved_rate", "approved_min", "approved_max", "rejected_rate", "rejected_max", "voter_rate")


@dataclass(frozen=True)
class EffectiveGovernance:
    """The governance values that apply to a NEP, frozen at its T0 (SPEC 5)."""

    quorum: Decimal
    approval: Decimal
    min_stake_to_propose: Decimal
    resubmit_wait_days: int
    tracks: Mapping[str, Track]
    proposal_fee: Decimal
    rewards: Rewards

    @classmethod
    def from_genesis(cls, governance: Governance) -> EffectiveGovernance:
        return cls(
            quorum=governance.quorum,
            approval=governance.approval,
            min_stake_to_propose=governance.min_stake_to_propose,
            resubmit_wait_days=governance.resubmit_wait_days,
            tracks=dict(governance.tracks),
            proposal_fee=governance.proposal_fee,
            rewards=governance.rewards,
        )

    def track(self, nep_type: NEPType) -> Track:
        """The track a NEP of ``nep_type`` runs on (emergency, or standard for every other type)."""
        try:
            return self.tracks[nep_type.track]
        except KeyError:
            raise ValueError(f"governance.yaml defines no `{nep_type.track}` track") from None

    def values(self) -> dict[str, Any]:
        """The values under their ``governance.*`` parameter keys (for the stale ``old_value`` check)."""
        out: dict[str, Any] = {
            f"{GOVERNANCE_MODULE}.{name}": getattr(self, name) for name in _DECIMAL_PARAMS + _INT_PARAMS
        }
        for tname, tr in self.tracks.items():
            for f in _TRACK_FIELDS:
                out[f"{GOVERNANCE_MODULE}.tracks.{tname}.{f}"] = getattr(tr, f)
        for f in _REWARD_FIELDS:
            out[f"{GOVERNANCE_MODULE}.rewards.{f}"] = getattr(self.rewards, f)
        return out


def _as_decimal(value: Any) -> Decimal | None:
    # bool is an int in Python, but `true` is never a number in a governance file.
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _as_int(value: Any) -> int | None:
    d = _as_decimal(value)
    if d is None or d != d.to_integral_value():
        return None
    return int(d)


def _governance_name(change: ParameterChange) -> str | None:
    """The governance parameter a change targets (``quorum``, ``tracks.standard.voting_hours``), else None."""
    key = change.key
    prefix = GOVERNANCE_MODULE + "."
    return key[len(prefix) :] if key.startswith(prefix) else None


def governance_change_error(change: ParameterChange, tracks: Iterable[str] = tuple(TrackName)) -> str | None:
    """Why a ``governance`` module change cannot apply (None if it can, or if it is not one).

    The lifecycle ignores exactly the changes for which this returns a message,
    so the validator can report them with the same rule.
    """
    name = _governance_name(change)
    if name is None:
        return None
    v = change.new_value
    if name in _DECIMAL_PARAMS:
        d = _as_decimal(v)
        if d is None or d < 0:
            return f"`{name}` must be a non-negative decimal"
        if name in _FRACTION_PARAMS and d > 1:
            return f"`{name}` must be between 0 and 1"
        return None
    if name in _INT_PARAMS:
        i = _as_int(v)
        return None if i is not None and i >= 0 else f"`{name}` must be a non-negative integer"
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "tracks":
        _, tname, fname = parts
        if tname not in set(tracks):
            return f"unknown track `{tname}`"
        if fname not in _TRACK_FIELDS:
            return f"unknown track field `{fname}`"
        i = _as_int(v)
        # A voting window of zero length would decide a NEP that nobody could vote on.
        low = 1 if fname == "voting_hours" else 0
        return None if i is not None and i >= low else f"`{name}` must be an integer >= {low}"
    if len(parts) == 2 and parts[0] == "rewards":
        if parts[1] not in _REWARD_FIELDS:
            return f"unknown reward parameter `{parts[1]}`"
        d = _as_decimal(v)
        return None if d is not None and d >= 0 else f"`{name}` must be a non-negative decimal"
    return f"unknown governance parameter `{name}`"


def apply_governance_change(eg: EffectiveGovernance, change: ParameterChange) -> EffectiveGovernance:
    """``eg`` with one change applied; unchanged if the change is not a valid governance change."""
    name = _governance_name(change)
    if name is None or governance_change_error(change, eg.tracks.keys()) is not None:
        return eg
    v = change.new_value
    if name in _DECIMAL_PARAMS:
        return replace(eg, **{name: _as_decimal(v)})
    if name in _INT_PARAMS:
        return replace(eg, **{name: _as_int(v)})
    parts = name.split(".")
    if parts[0] == "tracks":
        _, tname, fname = parts
        tracks = dict(eg.tracks)
        tracks[tname] = replace(tracks[tname], **{fname: _as_int(v)})
        return replace(eg, tracks=tracks)
    return replace(eg, rewards=replace(eg.rewards, **{parts[1]: _as_decimal(v)}))


def applies(nep_type: NEPType, change: ParameterChange) -> bool:
    """Whether an activated NEP's change takes effect (governance ones only from valid gov NEPs)."""
    if _governance_name(change) is None:
        return True
    return nep_type is NEPType.GOVERNANCE and governance_change_error(change) is None


def feature_toggle(change: ParameterChange) -> tuple[str, bool] | None:
    """(X, on) for a ``feature_X`` change to ``true``/``false``; None for any other change."""
    name = change.parameter.rsplit(".", 1)[-1]
    if not name.startswith(FEATURE_PREFIX) or len(name) == len(FEATURE_PREFIX):
        return None
    if change.new_value is True or change.new_value is False:
        return name[len(FEATURE_PREFIX) :], change.new_value
    return None


def values_equal(a: Any, b: Any) -> bool:
    """Equality of parameter values as a reader means it: ``"0.20"`` equals ``0.2``; ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    da, db = _as_decimal(a), _as_decimal(b)
    if da is not None and db is not None:
        return da == db
    return bool(a == b)


def value_in_force(params: Mapping[str, Any], features: Sequence[str], change: ParameterChange) -> tuple[bool, Any]:
    """(known, value) of the parameter a change targets; a never-set ``feature_X`` reads as X in features."""
    if change.key in params:
        return True, params[change.key]
    name = change.parameter.rsplit(".", 1)[-1]
    if name.startswith(FEATURE_PREFIX) and len(name) > len(FEATURE_PREFIX):
        return True, name[len(FEATURE_PREFIX) :] in features
    return False, None
