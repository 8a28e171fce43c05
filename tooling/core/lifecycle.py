"""The lifecycle of NEPs (SPEC 7) and what is in force at an instant (SPEC 3.2, 3.3, 5, 7).

One ordered pure function, in the manner of OpenZeppelin Governor's
``state()``: ``compute_states`` derives every NEP's status from the stored
facts (the file and its git history, gathered by the shell into ``NEPFacts``)
and the clock ``as_of``, and nothing else. Evaluating at ``VE - 1`` and at
``VE`` gives ``voting`` and then the decided status; nothing is ever decided
at a run's wall clock.

``Timeline`` answers "what is in force at t": the protocol version, features
and parameters (``protocol_at``), the governance values a NEP freezes at its
T0 (``governance_at``), and the values a stale ``old_value`` is checked
against (``parameters_at``).

Decisions where the spec is silent (also listed in the project's docs):

- A ``submitted`` instant after ``as_of`` is not yet a submission: the NEP is
  a draft at ``as_of``. Likewise a ``withdrawn_at`` after ``as_of`` is ignored.
- The T0 checks come first: a NEP rejected at T0 (insufficient stake, too-soon
  resubmission) stays rejected even if its author withdraws it before VS.
- The resubmission wait applies only when ``resubmission_of`` names a NEP
  whose computed state is ``rejected`` with ``decided_at`` <= T0. A NEP that is
  not rejected, or not yet decided at T0, does not trigger the check (the
  validator reports the bad reference); deciding it later would change a
  status retroactively, which ``as_of`` purity forbids.
- Deprecation keeps a NEP's parameter changes, features and version in force
  until a later activation overrides them: the superseding NEP carries its own
  changes; silently rolling values back to genesis would surprise everyone.
- ``feature_X`` set to ``true`` adds X, set to ``false`` removes X (genesis
  features included); any other value changes no feature. The change is also
  listed among the parameters under its ``module.parameter`` key.
- Only ``type: gov`` NEPs change governance values, and only through changes
  that ``governance_change_error`` accepts; other ``governance.*`` changes are
  ignored here and appear nowhere in force (the validator reports them).
- A negative grace period counts as 0 (the validator reports it).
- A NEP whose ``target_version`` is empty does not change the version.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from tooling.core import stakes as stakes_mod
from tooling.core import tally as tally_mod
from tooling.core.model import (
    DAY,
    HOUR,
    Governance,
    NEPState,
    NEPStatus,
    NEPType,
    Outcome,
    ParameterChange,
    ProtocolState,
    Reason,
    Rewards,
    StakeEntry,
    Track,
    Vote,
)
from tooling.core.tally import VoteFile

GOVERNANCE_MODULE = "governance"
FEATURE_PREFIX = "feature_"

_DECIMAL_PARAMS = ("quorum", "approval", "min_stake_to_propose", "proposal_fee")
_FRACTION_PARAMS = ("quorum", "approval")
_INT_PARAMS = ("resubmit_wait_days",)
_TRACK_FIELDS = ("review_hours", "voting_hours", "grace_min_days", "grace_max_days")
_REWARD_FIELDS = ("approved_rate", "approved_min", "approved_max", "rejected_rate", "rejected_max", "voter_rate")


# --------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class NEPFacts:
    """What the shell extracts for one NEP, from its file and the git history."""

    nep: int
    type: NEPType
    author_status: NEPStatus | None  # the status field as written in the file now
    proposer: str | None  # the first author's node
    content_hash: str  # current content hash of the file
    content_hash_at_vs: str | None = None  # hash of the version in force at VS, if history knows it
    submitted: int | None = None  # T0: the file's `submitted`, else history's first `review` clock
    withdrawn_at: int | None = None  # clock of the first commit with status withdrawn
    resubmission_of: int | None = None
    supersedes: tuple[int, ...] = ()
    parameter_changes: tuple[ParameterChange, ...] = ()
    grace_period_days: int = 0
    target_version: str = ""
    vote_files: tuple[VoteFile, ...] = ()  # with included_at at as_of


# --------------------------------------------------------------------------
# Governance values in force


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


def governance_change_error(change: ParameterChange, tracks: Iterable[str] = ("standard", "emergency")) -> str | None:
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


def _applies(facts: NEPFacts, change: ParameterChange) -> bool:
    """Whether an activated NEP's change takes effect (governance ones only from valid gov NEPs)."""
    if _governance_name(change) is None:
        return True
    return facts.type is NEPType.GOVERNANCE and governance_change_error(change) is None


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


# --------------------------------------------------------------------------
# The lifecycle


def _state(facts: NEPFacts, status: NEPStatus, **kw: Any) -> NEPState:
    base: dict[str, Any] = dict(
        nep=facts.nep,
        status=status,
        outcome=None,
        reason=None,
        submitted=None,
        voting_start=None,
        voting_end=None,
        decided_at=None,
        activates_at=None,
        activated=None,
        deprecated_at=None,
        deprecated_by=None,
        withdrawn_at=None,
        track=facts.type.track,
        tally=None,
    )
    base.update(kw)
    return NEPState(**base)


def _withdrawal(facts: NEPFacts, as_of: int) -> tuple[bool, int | None]:
    """(withdrawn by as_of, instant); a file saying withdrawn without history counts as before VS."""
    if facts.withdrawn_at is not None:
        return facts.withdrawn_at <= as_of, facts.withdrawn_at
    return facts.author_status is NEPStatus.WITHDRAWN, None


class _Weights(Mapping[str, Decimal]):
    """The snapshot weights at one instant, read per node on demand (only voters are ever asked)."""

    def __init__(self, index: _StakeIndex, t: int) -> None:
        self._index, self._t = index, t
        self._cache: dict[str, Decimal] = {}

    def __getitem__(self, node: str) -> Decimal:
        w = self._cache.get(node)
        if w is None:
            w = self._cache[node] = self._index.stake(node, self._t)
        if w <= 0:
            raise KeyError(node)
        return w

    def __iter__(self) -> Iterator[str]:
        return (node for node in self._index.by_node if self.get(node) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _StakeIndex:
    """The ledger indexed once, so that 1,000 snapshots do not each re-read every entry.

    The total at t is the sum of entries with ``since < t`` minus those with
    ``locked_until <= t`` (prefix sums over both orders); entries that are never
    in force (``since >= locked_until``) are left out first, which makes the
    second set a subset of the first. ``stakes.stake`` stays the rule for a node.
    """

    def __init__(self, entries: Sequence[StakeEntry]) -> None:
        self.by_node: dict[str, list[StakeEntry]] = {}
        for e in entries:
            self.by_node.setdefault(e.node, []).append(e)
        live = [e for e in entries if e.since < e.locked_until]
        by_since = sorted(live, key=lambda e: e.since)
        by_until = sorted(live, key=lambda e: e.locked_until)
        self._since = [e.since for e in by_since]
        self._until = [e.locked_until for e in by_until]
        self._since_sums = [stakes_mod.ZERO]
        self._until_sums = [stakes_mod.ZERO]
        with stakes_mod.exact_context():
            for e in by_since:
                self._since_sums.append(self._since_sums[-1] + e.amount)
            for e in by_until:
                self._until_sums.append(self._until_sums[-1] + e.amount)
        self._snapshots: dict[int, stakes_mod.Snapshot] = {}

    def stake(self, node: str | None, t: int) -> Decimal:
        if node is None:
            return stakes_mod.ZERO
        return stakes_mod.stake(self.by_node.get(node, ()), node, t)

    def total(self, t: int) -> Decimal:
        with stakes_mod.exact_context():
            return self._since_sums[bisect_left(self._since, t)] - self._until_sums[bisect_right(self._until, t)]

    def snapshot(self, t: int) -> stakes_mod.Snapshot:
        """The same values as ``stakes.snapshot(entries, t)``, without a pass over the ledger."""
        snap = self._snapshots.get(t)
        if snap is None:
            snap = self._snapshots[t] = stakes_mod.Snapshot(at=t, weights=_Weights(self, t), total=self.total(t))
        return snap


class _Evaluator:
    """One NEP's state from its facts, its frozen governance and the states of earlier NEPs."""

    def __init__(
        self,
        governance: Governance,
        stakes: Sequence[StakeEntry],
        as_of: int,
        signature_ok: Callable[[Vote], bool] | None,
    ) -> None:
        self.governance = governance
        self.as_of = as_of
        self.signature_ok = signature_ok
        self.index = _StakeIndex(stakes)

    def evaluate(self, f: NEPFacts, t0: int, eg: EffectiveGovernance, earlier: Mapping[int, NEPState]) -> NEPState:
        as_of = self.as_of

        def rejected_at_t0(reason: Reason) -> NEPState:
            return _state(f, NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=reason, submitted=t0, decided_at=t0)

        withdrawn, withdrawn_at = _withdrawal(f, as_of)
        if withdrawn and withdrawn_at is not None and withdrawn_at < t0:
            # Withdrawn before it was ever submitted: the T0 checks never ran.
            return _state(f, NEPStatus.WITHDRAWN, submitted=t0, withdrawn_at=withdrawn_at)
        if self.index.stake(f.proposer, t0) < eg.min_stake_to_propose:
            return rejected_at_t0(Reason.INSUFFICIENT_STAKE)
        if f.resubmission_of is not None:
            ref = earlier.get(f.resubmission_of)
            if (
                ref is not None
                and ref.status is NEPStatus.REJECTED
                and ref.decided_at is not None
                and ref.decided_at <= t0
                and t0 < ref.decided_at + eg.resubmit_wait_days * DAY
            ):
                return rejected_at_t0(Reason.RESUBMITTED_TOO_SOON)

        track = eg.track(f.type)
        vs = t0 + track.review_hours * HOUR
        ve = vs + track.voting_hours * HOUR
        if withdrawn and (withdrawn_at is None or withdrawn_at < vs):
            return _state(f, NEPStatus.WITHDRAWN, submitted=t0, withdrawn_at=withdrawn_at)
        if as_of < vs:
            return _state(f, NEPStatus.REVIEW, submitted=t0, voting_start=vs, voting_end=ve)

        kwargs = dict(
            network=self.governance.network,
            content_hash=f.content_hash_at_vs or f.content_hash,
            voting_start=vs,
            voting_end=ve,
            snapshot=self.index.snapshot(vs),
            quorum=eg.quorum,
            approval=eg.approval,
            as_of=as_of,
        )
        if self.signature_ok is not None:
            kwargs["signature_ok"] = self.signature_ok
        t = tally_mod.tally(f.nep, f.vote_files, **kwargs)
        timeline = dict(submitted=t0, voting_start=vs, voting_end=ve, tally=t)
        if as_of < ve:
            return _state(f, NEPStatus.VOTING, **timeline)

        outcome = t.outcome if t.outcome is not None else t.projected_outcome
        if outcome is not Outcome.APPROVED:
            return _state(f, NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=t.reason, decided_at=ve, **timeline)
        at = ve + max(0, f.grace_period_days) * DAY
        return _state(
            f,
            NEPStatus.SCHEDULED if as_of < at else NEPStatus.ACTIVE,
            outcome=Outcome.APPROVED,
            decided_at=ve,
            activates_at=at,
            activated=at if at <= as_of else None,
            **timeline,
        )


def compute_states(
    facts: Sequence[NEPFacts],
    governance: Governance,
    stakes: Sequence[StakeEntry],
    as_of: int,
    *,
    signature_ok: Callable[[Vote], bool] | None = None,
) -> dict[int, NEPState]:
    """Every NEP's state at ``as_of`` (SPEC 7), keyed by NEP number.

    NEPs are evaluated in T0 order (ties by number), so the activations of
    earlier NEPs are known when a later NEP freezes its governance values at
    its T0: an activation at AT applies to every NEP whose T0 >= AT.
    ``signature_ok`` replaces the tally's signature check (tests); None keeps it.
    """
    by_nep: dict[int, NEPFacts] = {}
    for f in facts:
        if f.nep in by_nep:
            raise ValueError(f"NEP {f.nep} appears twice")
        by_nep[f.nep] = f

    states: dict[int, NEPState] = {}
    queue: list[tuple[int, int, NEPFacts]] = []
    for f in by_nep.values():
        if f.submitted is None or f.submitted > as_of:
            withdrawn, withdrawn_at = _withdrawal(f, as_of)
            if withdrawn:
                states[f.nep] = _state(f, NEPStatus.WITHDRAWN, withdrawn_at=withdrawn_at)
            else:
                states[f.nep] = _state(f, NEPStatus.DRAFT)
        else:
            queue.append((f.submitted, f.nep, f))
    queue.sort(key=lambda q: (q[0], q[1]))

    evaluator = _Evaluator(governance, stakes, as_of, signature_ok)
    eg = EffectiveGovernance.from_genesis(governance)
    # Approved gov NEPs waiting for their activation instant, in activation order (ties by number).
    pending: list[tuple[int, int]] = []
    for t0, nep, f in queue:
        while pending and pending[0][0] <= t0:
            _, gov_nep = heapq.heappop(pending)
            for change in by_nep[gov_nep].parameter_changes:
                if _applies(by_nep[gov_nep], change):
                    eg = apply_governance_change(eg, change)
        st = evaluator.evaluate(f, t0, eg, states)
        states[nep] = st
        if st.activates_at is not None and f.type is NEPType.GOVERNANCE:
            heapq.heappush(pending, (st.activates_at, nep))

    _deprecate(states, by_nep)
    return states


def _deprecate(states: dict[int, NEPState], by_nep: Mapping[int, NEPFacts]) -> None:
    """Mark NEPs superseded by a later activation while they were active (SPEC 7)."""
    first: dict[int, tuple[int, int]] = {}  # superseded NEP -> (instant, superseding NEP)
    for s_nep, s in states.items():
        if s.activated is None:
            continue
        for x_nep in by_nep[s_nep].supersedes:
            x = states.get(x_nep)
            if x_nep == s_nep or x is None or x.activated is None or x.activated > s.activated:
                continue
            cand = (s.activated, s_nep)
            if x_nep not in first or cand < first[x_nep]:
                first[x_nep] = cand
    for x_nep, (at, by) in first.items():
        states[x_nep] = replace(states[x_nep], status=NEPStatus.DEPRECATED, deprecated_at=at, deprecated_by=by)


# --------------------------------------------------------------------------
# What is in force at an instant


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


@dataclass(frozen=True)
class Timeline:
    """Every activation in order, with what is in force after each; built once, queried by instant.

    "Activated at or before t" uses ``activates_at`` of every approved NEP,
    deprecated ones included (their changes stay in force until overridden).
    For ``t`` after the ``as_of`` of the states, scheduled NEPs are projected.
    """

    genesis: Governance
    steps: tuple[_Step, ...]
    versions: tuple[tuple[int, str, int | None], ...]
    _ats: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ats", tuple(s.at for s in self.steps))

    @classmethod
    def build(
        cls, governance: Governance, states: Mapping[int, NEPState], facts_by_nep: Mapping[int, NEPFacts]
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
        for at, n in activations:
            f = facts_by_nep[n]
            for change in f.parameter_changes:
                if not _applies(f, change):
                    continue
                parameters[change.key] = change.new_value
                set_by[change.key] = n
                if f.type is NEPType.GOVERNANCE:
                    eg = apply_governance_change(eg, change)
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
                _Step(at, n, version, tuple(features), dict(parameters), dict(set_by), eg, len(versions))
            )
        return cls(governance, tuple(steps), tuple(versions))

    def _last(self, t: int) -> _Step | None:
        i = bisect_right(self._ats, t)
        return self.steps[i - 1] if i else None

    def governance_at(self, t: int) -> EffectiveGovernance:
        step = self._last(t)
        return step.governance if step else EffectiveGovernance.from_genesis(self.genesis)

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


def value_in_force(params: Mapping[str, Any], features: Sequence[str], change: ParameterChange) -> tuple[bool, Any]:
    """(known, value) of the parameter a change targets; a never-set ``feature_X`` reads as X in features."""
    if change.key in params:
        return True, params[change.key]
    name = change.parameter.rsplit(".", 1)[-1]
    if name.startswith(FEATURE_PREFIX) and len(name) > len(FEATURE_PREFIX):
        return True, name[len(FEATURE_PREFIX) :] in features
    return False, None
