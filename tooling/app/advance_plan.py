"""What ``nep advance`` would write: the bot fields each NEP file lacks, and the decisions it must not touch.

Pure: from a gathered ``World`` and ``as_of`` to a list of ``PlannedChange``
and a list of ``decision-mismatch`` findings; advance.py writes and commits.

Decisions are final (SPEC 2, v1.1): a file that records a decided status
(scheduled, active, deprecated, rejected) or a ``resolution`` is never moved
back nor rewritten. Moving on is fine (scheduled -> active -> deprecated, as
their instants come); anything else, or a recorded ``resolution`` whose
outcome, reason, amounts or decision instant differ from the recomputation
(amounts compared as exact decimals, so ``"1000.0"`` equals ``"1000"``), is a
mismatch: nothing is planned for that NEP and the finding names both sides.
``withdrawn`` is the author's status, not a decision: a withdrawal the
history ignores (made at or after voting start) is corrected as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from tooling.core.catalog import rule
from tooling.core.diagnostics import Diagnostic
from tooling.core.model import NEPState, NEPStatus, Outcome, Pos, Proposal
from tooling.shell.evaluate import World

#: The bot's fields, in the order they are appended to a front matter.
BOT_ORDER = ("status", "submitted", "resolution", "activated")

#: A decided status a file records -> the statuses it may still move on to.
_ONWARD = {
    NEPStatus.SCHEDULED.value: frozenset({NEPStatus.SCHEDULED, NEPStatus.ACTIVE, NEPStatus.DEPRECATED}),
    NEPStatus.ACTIVE.value: frozenset({NEPStatus.ACTIVE, NEPStatus.DEPRECATED}),
    NEPStatus.DEPRECATED.value: frozenset({NEPStatus.DEPRECATED}),
    NEPStatus.REJECTED.value: frozenset({NEPStatus.REJECTED}),
}
_AMOUNTS = ("yes", "no", "abstain", "total_stake")


@dataclass(frozen=True)
class PlannedChange:
    nep: int
    path: str
    old_status: str | None
    new_status: str
    updates: dict[str, Any]  # bot field -> value as written (instants and amounts as strings)
    message: str  # commit message, e.g. "NEP-0002: voting -> scheduled (approved 74.2 % of 31.0 % turnout)"


def _instant(t: int) -> str:
    from tooling.core.instants import format_instant

    text = format_instant(t)
    assert text is not None
    return text


def _amount(d: Decimal) -> str:
    from tooling.core.numbers import decimal_str  # the rule files are written with

    return decimal_str(d)


def resolution_of(state: NEPState) -> dict[str, Any] | None:
    """The ``resolution`` mapping of a decided NEP (None while undecided), in SPEC 9 key order."""
    if state.outcome is None or state.decided_at is None:
        return None
    t = state.tally
    zero = Decimal(0)
    return {
        "outcome": state.outcome.value,
        "reason": state.reason.value if state.reason is not None else None,
        "yes": _amount(t.yes if t else zero),
        "no": _amount(t.no if t else zero),
        "abstain": _amount(t.abstain if t else zero),
        "total_stake": _amount(t.total_stake if t else zero),
        "quorum_reached": bool(t.quorum_reached) if t else False,
        "approval_reached": bool(t.approval_reached) if t else False,
        "decided_at": _instant(state.decided_at),
    }


def updates_for(p: Proposal, state: NEPState) -> dict[str, Any]:
    """The bot fields of ``p`` that disagree with ``state``, as they are to be written."""
    fm = p.front_matter
    out: dict[str, Any] = {}
    if state.status is not NEPStatus.DRAFT and fm.get("status") != state.status.value:
        out["status"] = state.status.value
    # A written submitted/activated that history contradicts is corrected (history wins, SPEC 2); a recorded
    # resolution never is (a mismatch there is refused as decision-mismatch).
    if state.submitted is not None and p.submitted != state.submitted:
        out["submitted"] = _instant(state.submitted)
    if "resolution" not in fm:
        resolution = resolution_of(state)
        if resolution is not None:
            out["resolution"] = resolution
    if state.activated is not None and p.activated != state.activated:
        out["activated"] = _instant(state.activated)
    return out


def _percent(part: Decimal, whole: Decimal) -> str:
    from tooling.present.format import percent

    return percent(part, whole)


def describe(p: Proposal, state: NEPState, old_status: str | None, updates: Mapping[str, Any]) -> str:
    """The commit message: ``NEP-0002: voting -> scheduled (approved 74.2 % of 31.0 % turnout)``."""
    new = state.status.value
    head = f"{p.label}: {old_status or 'no status'} -> {new}" if "status" in updates else f"{p.label}: {new}"
    t = state.tally
    detail: str
    if "resolution" in updates and t is None:
        detail = f"{state.outcome.value if state.outcome else 'decided'} at submission"
        if state.reason is not None:
            detail = f"{state.reason.value}, {detail}"
    elif "resolution" in updates and state.outcome is Outcome.APPROVED:
        detail = f"approved {_percent(t.yes, t.yes + t.no)} of {_percent(t.turnout_stake, t.total_stake)} turnout"
    elif "resolution" in updates:
        reason = state.reason.value if state.reason else Outcome.REJECTED.value
        turnout = f"{_percent(t.turnout_stake, t.total_stake)} turnout"
        detail = f"{reason}: {turnout}" if t.yes + t.no == 0 else \
            f"{reason}: {_percent(t.yes, t.yes + t.no)} yes of {turnout}"
    elif new == NEPStatus.VOTING.value and state.voting_end is not None:
        detail = f"voting until {_instant(state.voting_end)}"
    elif new == NEPStatus.REVIEW.value and state.voting_start is not None:
        detail = f"submitted {_instant(state.submitted or 0)}, voting from {_instant(state.voting_start)}"
    elif new == NEPStatus.ACTIVE.value and state.activated is not None:
        detail = f"activated {_instant(state.activated)}"
    elif new == NEPStatus.DEPRECATED.value and state.deprecated_by is not None:
        detail = f"superseded by NEP-{state.deprecated_by:04d}"
    elif new == NEPStatus.WITHDRAWN.value and state.withdrawn_at is not None:
        detail = f"withdrawn {_instant(state.withdrawn_at)}"
    else:
        detail = "record " + ", ".join(k for k in BOT_ORDER if k in updates)
    return f"{head} ({detail})"


def plan(world: World, as_of: int) -> list[PlannedChange]:
    """Every NEP whose file disagrees with its state at ``as_of``, by NEP number (decision mismatches left out)."""
    return review(world, as_of).changes


@dataclass(frozen=True)
class Review:
    """What one run of the bot found."""

    changes: list[PlannedChange]  # the files to write
    mismatches: list[Diagnostic]  # NEPs whose recorded decision the recomputation contradicts (nothing written)
    inputs: tuple[Diagnostic, ...]  # invalid ledger/governance versions, bot fields history contradicts (warnings)
    invalid_input: list[int]  # NEPs rejected because no valid ledger or governance version existed (exit 1)


def review(world: World, as_of: int) -> Review:
    """The changes to write, the decision mismatches, and what the run has to say about its inputs."""
    from tooling.shell.evaluate import evaluate

    ev = evaluate(world, as_of)
    out = []
    mismatches: list[Diagnostic] = []
    for nep in sorted(ev.proposals):
        p = ev.proposals[nep]
        state = ev.states[nep]
        why = decision_mismatch(p, state, as_of)
        if why is not None:
            mismatches.append(rule("decision-mismatch").at(p.path, _status_pos(p), why))
            continue
        updates = updates_for(p, state)
        if not updates:
            continue
        raw = p.front_matter.get("status")
        old_status = raw if isinstance(raw, str) else None
        out.append(PlannedChange(nep, p.path, old_status, state.status.value, updates,
                                 describe(p, state, old_status, updates)))
    return Review(out, mismatches, ev.diagnostics, ev.invalid_input)


def _status_pos(p: Proposal) -> Pos:
    key = "resolution" if "resolution" in p.front_matter else "status"
    return p.positions.key_at((key,))


def _summary(state: NEPState) -> str:
    if state.outcome is None:
        return f"{state.status.value}, not decided"
    reason = f" ({state.reason.value})" if state.reason is not None else ""
    return f"{state.status.value}, {state.outcome.value}{reason} at {_instant(state.decided_at or 0)}"


def decision_mismatch(p: Proposal, state: NEPState, as_of: int) -> str | None:
    """Why the file's recorded decision contradicts the recomputation (None: it does not)."""
    fm = p.front_matter
    recorded = fm.get("status")
    label = f"{p.label} ({p.path})"
    computed = f"recomputation as of {_instant(as_of)}: {_summary(state)}"
    if isinstance(recorded, str) and recorded in _ONWARD and state.status not in _ONWARD[recorded]:
        held = f" with resolution ({_describe(fm['resolution'])})" if "resolution" in fm else ""
        return f"{label} records status {recorded}{held}, {computed}; a decided NEP is never moved back"
    if "resolution" not in fm:
        return None
    written = fm["resolution"]
    expected = resolution_of(state)
    if expected is None:
        return f"{label} records a resolution ({_describe(written)}), {computed}"
    diff = _resolution_diff(written, expected)
    if diff:
        return f"{label} records resolution {diff[0]}, {computed} gives {diff[1]}; a resolution is never rewritten"
    return None


def _describe(written: Any) -> str:
    if not isinstance(written, dict):
        return f"{written!r}, not a mapping"
    return ", ".join(f"{k}: {written.get(k)}" for k in ("outcome", "reason", "decided_at") if written.get(k))


def _resolution_diff(written: Any, expected: Mapping[str, Any]) -> tuple[str, str] | None:
    """(recorded, recomputed) of the resolution keys that differ, or None if they agree."""
    if not isinstance(written, dict):
        return f"{written!r} (not a mapping)", ", ".join(f"{k}: {v}" for k, v in expected.items())
    keys = [k for k in expected if not _same(k, written.get(k), expected[k])]
    if not keys:
        return None
    return (", ".join(f"{k}: {written.get(k)}" for k in keys), ", ".join(f"{k}: {expected[k]}" for k in keys))


def _same(key: str, got: Any, want: Any) -> bool:
    if key in _AMOUNTS:
        try:
            return isinstance(got, str) and Decimal(got) == Decimal(want)
        except InvalidOperation:
            return False
    return bool(got == want and type(got) is type(want))
