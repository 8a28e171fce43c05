"""governance.yaml and the stake ledger in a pull request (SPEC 9, v1.1).

Governance values are frozen once any NEP has been submitted: a later edit
would change the rules of NEPs already under way (it changes only through a
NEP-GOV). Values are compared as the tool reads them, so a reformatted file
or ``"0.2"`` for ``"0.20"`` is no change, and a key left out counts as its
documented default. A ledger change is not refused (history makes it count
only from its commit on) but the maintainers see, node by node, what it does.
"""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any

from tooling.checks.policy.rules import r
from tooling.checks.policy.snapshot import GOVERNANCE, LEDGER, governance_of, ledger_of
from tooling.core.diagnostics import Diagnostic
from tooling.core.instants import format_instant
from tooling.core.model import Governance, StakeEntry
from tooling.core.numbers import decimal_str
from tooling.core.stakes import stake


def _flat(g: Governance) -> dict[str, Any]:
    """Every value in force, keyed like a NEP-GOV parameter (``tracks.standard.voting_hours``)."""
    out: dict[str, Any] = {}
    for f in fields(g):
        value = getattr(g, f.name)
        if f.name == "tracks":
            for track, t in value.items():
                for tf in fields(t):
                    out[f"tracks.{track}.{tf.name}"] = getattr(t, tf.name)
        elif f.name == "parameters":
            for k, v in value.items():
                out[f"parameters.{k}"] = v
        elif hasattr(value, "__dataclass_fields__"):
            for sf in fields(value):
                out[f"{f.name}.{sf.name}"] = getattr(value, sf.name)
        else:
            out[f.name] = tuple(value) if isinstance(value, (list, tuple)) else value
    return out


def governance_findings(base_raw: bytes | None, head_raw: bytes | None, submitted: str | None) -> list[Diagnostic]:
    """Refuse a change of a governance value in force; ``submitted`` names the first submitted NEP (or None)."""
    if submitted is None or base_raw == head_raw:
        return []
    before = governance_of(base_raw)
    if before is None:
        return []  # nothing valid was in force on the base: the repair is validate's to judge
    after = governance_of(head_raw)
    why = f"{submitted} was submitted, so the governance values in force are frozen"
    if after is None:
        what = "deletes governance.yaml" if head_raw is None else "makes governance.yaml unreadable or invalid"
        return [r("pr-governance-frozen").at(GOVERNANCE, (1, 1), f"this change {what}; {why}")]
    old, new = _flat(before), _flat(after)
    changed = [k for k in sorted(old.keys() | new.keys()) if old.get(k, _ABSENT) != new.get(k, _ABSENT)]
    if not changed:
        return []
    shown = "; ".join(f"{k}: {_show(old.get(k, _ABSENT))} -> {_show(new.get(k, _ABSENT))}" for k in changed[:8])
    more = f" and {len(changed) - 8} more" if len(changed) > 8 else ""
    return [r("pr-governance-frozen").at(GOVERNANCE, (1, 1), f"this change alters {shown}{more}; {why}")]


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


_ABSENT = _Absent()


def _show(v: Any) -> str:
    if isinstance(v, Decimal):
        return decimal_str(v)
    return repr(v) if not isinstance(v, _Absent) else "(absent)"


def ledger_findings(base_raw: bytes | None, head_raw: bytes | None, as_of: int) -> list[Diagnostic]:
    """A notice listing each node's stake now and after the change (at ``as_of``), exact."""
    if base_raw == head_raw:
        return []
    before, _, _ = ledger_of(base_raw)
    after, _, _ = ledger_of(head_raw)
    when = format_instant(as_of)
    if after is None:
        return [r("pr-ledger-change").at(LEDGER, (1, 1), "this change makes the ledger invalid; an invalid "
                                         "version is ignored and the last valid one stays in force")]
    old = before or ()
    nodes = sorted({e.node for e in old} | {e.node for e in after})
    rows = []
    for node in nodes:
        mine_old = sorted(_key(e) for e in old if e.node == node)
        mine_new = sorted(_key(e) for e in after if e.node == node)
        if mine_old == mine_new:
            continue
        now, later = stake(old, node, as_of), stake(after, node, as_of)
        delta = later - now
        sign = "+" if delta > 0 else ("-" if delta < 0 else "±")
        note = "" if delta else " (entries changed: stake at other instants differs)"
        rows.append(f"{node}: {decimal_str(now)} -> {decimal_str(later)} ({sign}{decimal_str(abs(delta))}){note}")
    if not rows:
        return []  # comments or layout only: the outside-layout notice is enough
    return [r("pr-ledger-change").at(
        LEDGER, (1, 1), f"stake per node at {when}, now -> after this change (it counts only from its commit on): "
        + "; ".join(rows))]


def _key(e: StakeEntry) -> tuple[Decimal, int, int]:
    return (e.amount, e.since, e.locked_until)
