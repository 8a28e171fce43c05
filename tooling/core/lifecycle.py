"""The lifecycle of NEPs (SPEC 7).

One ordered pure function, in the manner of OpenZeppelin Governor's
``state()``: ``compute_states`` derives every NEP's status from the stored
facts (the file and its git history, gathered by the shell into ``NEPFacts``)
and the clock ``as_of``, and nothing else. Evaluating at ``VE - 1`` and at
``VE`` gives ``voting`` and then the decided status; nothing is ever decided
at a run's wall clock.

Every deciding input arrives as an argument (SPEC 2, "history is the
record"): the ledger and ``governance.yaml`` as ``Versions`` (the value in
force at an instant is the last valid version committed at or before it), so
the proposer's stake is read as of T0, the weights and the total as of VS,
and the governance values as of T0 overlaid with the NEP-GOV changes active
at T0. Where no valid version exists at the instant a NEP needs, the NEP is
rejected there with reason ``invalid_input``. ``Timeline`` (core.protocol)
answers "what is in force at t".

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
- A NEP rejected for ``invalid_input`` is decided at the instant it needed
  the missing input: T0 (governance or the proposer's stake) or VS (the
  snapshot); later valid versions never revive it (decisions are final).
- A NEP whose ``target_version`` is empty does not change the version.
"""

from __future__ import annotations

import heapq
from dataclasses import replace
from typing import Any, Callable, Mapping, Sequence

from tooling.core import tally as tally_mod
from tooling.core.governance import (  # noqa: F401  (re-exported: callers import these from here)
    FEATURE_PREFIX,
    GOVERNANCE_MODULE,
    EffectiveGovernance,
    apply_governance_change,
    applies,
    feature_toggle,
    governance_change_error,
    value_in_force,
    values_equal,
)
from tooling.core.delegation import JudgedVersion, delegates_at
from tooling.core.inputs import NEPFacts, Versions
from tooling.core.model import DAY, HOUR, Governance, NEPState, NEPStatus, NEPType, Outcome, ParameterChange, Reason
from tooling.core.model import DELEGATION_FEATURE, StakeEntry, Vote
from tooling.core.protocol import Timeline, governance_at, parameters_at, protocol_at  # noqa: F401
from tooling.core.stakes import StakeIndex
from tooling.core.stakes import StakeIndex as _StakeIndex  # noqa: F401  (older name)

GovernanceInput = Governance | Versions[Governance]
LedgerInput = Sequence[StakeEntry] | Versions[tuple[StakeEntry, ...]]


def as_versions(
    governance: GovernanceInput, stakes: LedgerInput
) -> tuple[Versions[Governance], Versions[tuple[StakeEntry, ...]]]:
    """Both inputs as ``Versions``; a plain value (outside git, tests) stands for every instant."""
    gv = governance if isinstance(governance, Versions) else Versions.always(governance)
    sv = stakes if isinstance(stakes, Versions) else Versions.always(tuple(stakes))
    return gv, sv


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


class _Evaluator:
    """One NEP's state from its facts, the versions of the inputs and the states of earlier NEPs."""

    def __init__(
        self,
        governance: Versions[Governance],
        ledger: Versions[tuple[StakeEntry, ...]],
        as_of: int,
        signature_ok: Callable[[Vote], bool] | None,
        tally: Callable[..., tally_mod.Tally] | None = None,
        delegations: Mapping[str, Sequence[JudgedVersion]] | None = None,
    ) -> None:
        self.delegations = delegations or {}
        self.governance = governance
        self.ledger = ledger
        self.as_of = as_of
        self.signature_ok = signature_ok
        self.tally = tally or tally_mod.tally
        self._indexes: dict[int, StakeIndex] = {}
        self._frozen: dict[tuple[int, int], EffectiveGovernance] = {}

    def index_at(self, t: int) -> StakeIndex | None:
        """The ledger in force at ``t``, indexed once per version; None if no valid version exists."""
        j = self.ledger.index_at(t)
        if j is None:
            return None
        index = self._indexes.get(j)
        if index is None:
            value = self.ledger.items[j].value
            assert value is not None
            index = self._indexes[j] = StakeIndex(value, self.ledger.items[j].commit)
        return index

    def frozen_governance(
        self, t0: int, changes: Sequence[ParameterChange]
    ) -> tuple[Governance, EffectiveGovernance] | None:
        """governance.yaml as of T0 overlaid with the NEP-GOV changes active at T0; None if no valid version."""
        j = self.governance.index_at(t0)
        if j is None:
            return None
        base = self.governance.items[j].value
        assert base is not None
        key = (j, len(changes))
        eg = self._frozen.get(key)
        if eg is None:
            eg = EffectiveGovernance.from_genesis(base)
            for change in changes:
                eg = apply_governance_change(eg, change)
            self._frozen[key] = eg
        return base, eg

    def evaluate(
        self,
        f: NEPFacts,
        t0: int,
        changes: Sequence[ParameterChange],
        earlier: Mapping[int, NEPState],
        toggles: Sequence[tuple[str, bool]] = (),
    ) -> NEPState:
        as_of = self.as_of

        def rejected_at(reason: Reason, at: int, **kw: Any) -> NEPState:
            return _state(f, NEPStatus.REJECTED, outcome=Outcome.REJECTED, reason=reason, submitted=t0, decided_at=at,
                          **kw)

        withdrawn, withdrawn_at = _withdrawal(f, as_of)
        if withdrawn and withdrawn_at is not None and withdrawn_at < t0:
            # Withdrawn before it was ever submitted: the T0 checks never ran.
            return _state(f, NEPStatus.WITHDRAWN, submitted=t0, withdrawn_at=withdrawn_at)
        frozen = self.frozen_governance(t0, changes)
        index = self.index_at(t0)
        if frozen is None or index is None:
            return rejected_at(Reason.INVALID_INPUT, t0)
        base, eg = frozen
        if index.stake(f.proposer, t0) < eg.min_stake_to_propose:
            return rejected_at(Reason.INSUFFICIENT_STAKE, t0)
        if f.resubmission_of is not None:
            ref = earlier.get(f.resubmission_of)
            if (
                ref is not None
                and ref.status is NEPStatus.REJECTED
                and ref.decided_at is not None
                and ref.decided_at <= t0
                and t0 < ref.decided_at + eg.resubmit_wait_days * DAY
            ):
                return rejected_at(Reason.RESUBMITTED_TOO_SOON, t0)

        track = eg.track(f.type)
        vs = t0 + track.review_hours * HOUR
        ve = vs + track.voting_hours * HOUR
        if withdrawn and (withdrawn_at is None or withdrawn_at < vs):
            return _state(f, NEPStatus.WITHDRAWN, submitted=t0, withdrawn_at=withdrawn_at)
        if as_of < vs:
            return _state(f, NEPStatus.REVIEW, submitted=t0, voting_start=vs, voting_end=ve)
        snapshot_index = self.index_at(vs)
        if snapshot_index is None:
            return rejected_at(Reason.INVALID_INPUT, vs, voting_start=vs, voting_end=ve)

        kwargs = dict(
            network=base.network,
            content_hash=f.content_at(vs),
            voting_start=vs,
            voting_end=ve,
            snapshot=snapshot_index.snapshot(vs),
            quorum=eg.quorum,
            approval=eg.approval,
            as_of=as_of,
        )
        if self.signature_ok is not None:
            kwargs["signature_ok"] = self.signature_ok
        if _feature_on(base.features, toggles, DELEGATION_FEATURE):
            # SPEC 11: the feature in force at T0 decides; delegations are taken at VS.
            kwargs["delegation"] = True
            kwargs["delegates"] = delegates_at(self.delegations, vs)
        t = self.tally(f.nep, f.vote_files, **kwargs)
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
    governance: GovernanceInput,
    stakes: LedgerInput,
    as_of: int,
    *,
    signature_ok: Callable[[Vote], bool] | None = None,
    tally: Callable[..., tally_mod.Tally] | None = None,
    delegations: Mapping[str, Sequence[JudgedVersion]] | None = None,
) -> dict[int, NEPState]:
    """Every NEP's state at ``as_of`` (SPEC 7), keyed by NEP number.

    ``governance`` and ``stakes`` are the versions of governance.yaml and the
    ledger along history (or plain values standing for every instant).
    NEPs are evaluated in T0 order (ties by number), so the activations of
    earlier NEPs are known when a later NEP freezes its governance values at
    its T0: an activation at AT applies to every NEP whose T0 >= AT.
    ``signature_ok`` replaces the tally's signature check (tests); None keeps it.
    ``tally``: a stand-in for ``tally.tally`` that returns the same value for
    the same arguments (the shell's memo of tallies by their inputs).
    ``delegations``: every delegation file's judged versions (SPEC 11), used
    for the NEPs whose T0 has the feature ``delegation`` in force.
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

    gv, sv = as_versions(governance, stakes)
    evaluator = _Evaluator(gv, sv, as_of, signature_ok, tally, delegations)
    # The valid governance changes of gov NEPs activated so far, in activation order (ties by number).
    changes: list[ParameterChange] = []
    pending: list[tuple[int, int]] = []
    # Feature toggles of every NEP activated so far (any type, as the protocol timeline applies them).
    toggles: list[tuple[str, bool]] = []
    activated: list[tuple[int, int]] = []
    for t0, nep, f in queue:
        while pending and pending[0][0] <= t0:
            _, gov_nep = heapq.heappop(pending)
            changes.extend(c for c in by_nep[gov_nep].parameter_changes if applies(by_nep[gov_nep].type, c))
        while activated and activated[0][0] <= t0:
            _, a_nep = heapq.heappop(activated)
            toggles.extend(_toggles(by_nep[a_nep]))
        st = evaluator.evaluate(f, t0, tuple(changes), states, tuple(toggles))
        states[nep] = st
        if st.activates_at is not None and f.type is NEPType.GOVERNANCE:
            heapq.heappush(pending, (st.activates_at, nep))
        if st.activates_at is not None and st.outcome is Outcome.APPROVED:
            heapq.heappush(activated, (st.activates_at, nep))

    _deprecate(states, by_nep)
    return states


def _toggles(f: NEPFacts) -> list[tuple[str, bool]]:
    out = []
    for change in f.parameter_changes:
        toggle = feature_toggle(change) if applies(f.type, change) else None
        if toggle is not None:
            out.append(toggle)
    return out


def _feature_on(genesis: Sequence[str], toggles: Sequence[tuple[str, bool]], name: str) -> bool:
    """Whether feature ``name`` is in force: listed in genesis, then switched by each activation in order."""
    on = name in genesis
    for feature, value in toggles:
        if feature == name:
            on = value
    return on


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


