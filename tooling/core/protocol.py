"""What is in force at an instant (SPEC 7, last bullet; SPEC 3.2, 3.3): version, features, parameters.

``Timeline`` lists every activation in order, with what is in force after each;
built once from the NEPs' states, queried by instant.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Mapping

from tooling.core.governance import EffectiveGovernance, apply_governance_change, applies, feature_toggle
from tooling.core.inputs import NEPFacts, Versions
from tooling.core.model import Governance, NEPState, NEPType, Outcome, ParameterChange, ProtocolState


@dataclass(frozen=True)
class _Step:
    """The cumulative state right after one activation."""

    at: int
    nep: int
    version: str
    features: tuple[str, ...]
    parameters: Mapping[str, Any]
    set_by: Mapping[str, int]
    governance: EffectiveGovernance
    n_versions: int  # how many entries of Timeline.versions exist after this step
    gov_changes: tuple[ParameterChange, ...] = ()  # every governance change applied so far, in order


@dataclass(frozen=True)
class Timeline:
    """Every activation in order, with what is in force after each; built once, queried by instant.

    "Activated at or before t" uses ``activates_at`` of every approved NEP,
    deprecated ones included (their changes stay in force until overridden).
    For ``t`` after the ``as_of`` of the states, scheduled NEPs are projected.
    With ``governance_versions`` (a git checkout), the governance values at t
    start from governance.yaml as of t, as the lifecycle freezes them at T0.
    """

    genesis: Governance
    steps: tuple[_Step, ...]
    versions: tuple[tuple[int, str, int | None], ...]
    governance_versions: Versions[Governance] | None = None
    _ats: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ats", tuple(s.at for s in self.steps))

    @classmethod
    def build(
        cls,
        governance: Governance,
        states: Mapping[int, NEPState],
        facts_by_nep: Mapping[int, NEPFacts],
        governance_versions: Versions[Governance] | None = None,
    ) -> Timeline:
        activations = sorted(
            (s.activates_at, n)
            for n, s in states.items()
            if s.outcome is Outcome.APPROVED and s.activates_at is not None and n in facts_by_nep
        )
        version = governance.protocol_version
        features = list(governance.features)
        parameters: dict[str, Any] = dict(governance.parameters)
        set_by: dict[str, int] = {}
        eg = EffectiveGovernance.from_genesis(governance)
        versions: list[tuple[int, str, int | None]] = []
        steps: list[_Step] = []
        gov_changes: list[ParameterChange] = []
        for at, n in activations:
            f = facts_by_nep[n]
            for change in f.parameter_changes:
                if not applies(f.type, change):
                    continue
                parameters[change.key] = change.new_value
                set_by[change.key] = n
                if f.type is NEPType.GOVERNANCE:
                    eg = apply_governance_change(eg, change)
                    gov_changes.append(change)
                toggle = feature_toggle(change)
                if toggle is not None:
                    name, on = toggle
                    if on and name not in features:
                        features.append(name)
                    elif not on and name in features:
                        features.remove(name)
            if f.target_version and f.target_version != version:
                version = f.target_version
                versions.append((at, version, n))
            steps.append(
                _Step(at, n, version, tuple(features), dict(parameters), dict(set_by), eg, len(versions),
                      tuple(gov_changes))
            )
        return cls(governance, tuple(steps), tuple(versions), governance_versions)

    def _last(self, t: int) -> _Step | None:
        i = bisect_right(self._ats, t)
        return self.steps[i - 1] if i else None

    def governance_at(self, t: int) -> EffectiveGovernance:
        step = self._last(t)
        base = self.governance_versions.at(t) if self.governance_versions is not None else None
        if base is None:
            return step.governance if step else EffectiveGovernance.from_genesis(self.genesis)
        eg = EffectiveGovernance.from_genesis(base)
        for change in step.gov_changes if step else ():
            eg = apply_governance_change(eg, change)
        return eg

    def protocol_at(self, t: int) -> ProtocolState:
        step = self._last(t)
        g = self.genesis
        if step is None:
            return ProtocolState(t, g.protocol_version, tuple(g.features), dict(g.parameters), {}, ())
        return ProtocolState(
            t, step.version, step.features, dict(step.parameters), dict(step.set_by), self.versions[: step.n_versions]
        )

    def parameters_at(self, t: int) -> dict[str, Any]:
        """Values in force at t under ``module.parameter`` keys, governance values included (as Decimal/int)."""
        step = self._last(t)
        params = dict(step.parameters) if step else dict(self.genesis.parameters)
        params.update(self.governance_at(t).values())
        return params


def governance_at(
    governance: Governance, states: Mapping[int, NEPState], facts_by_nep: Mapping[int, NEPFacts], t: int
) -> EffectiveGovernance:
    """Genesis governance overlaid with the ``governance.*`` changes of gov NEPs activated at or before t."""
    return Timeline.build(governance, states, facts_by_nep).governance_at(t)


def protocol_at(
    governance: Governance, states: Mapping[int, NEPState], facts_by_nep: Mapping[int, NEPFacts], t: int
) -> ProtocolState:
    """Version, features and parameters in force at t (SPEC 7, last bullet). Build a Timeline for many queries."""
    return Timeline.build(governance, states, facts_by_nep).protocol_at(t)


def parameters_at(
    governance: Governance, states: Mapping[int, NEPState], facts_by_nep: Mapping[int, NEPFacts], t: int
) -> dict[str, Any]:
    """The values a stale ``old_value`` is checked against at t (compare with ``values_equal``)."""
    return Timeline.build(governance, states, facts_by_nep).parameters_at(t)


