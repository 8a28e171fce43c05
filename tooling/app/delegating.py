"""``nep delegate`` and ``nep delegations`` (SPEC 11): sign a delegation, and what is in force at an instant.

A delegation is judged before it is written exactly as it will be judged
once merged: as a new version of ``delegations/<node>.yaml`` included now,
against the version in force now (so a timestamp not later than the one in
force is ``STALE``, one more than 300 s ahead ``FUTURE_TIMESTAMP``). A
self-delegation is always refused; a delegate the ledger has never heard of
only with ``force``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tooling.core import stakes as stakes_mod
from tooling.core.delegates import DelegationsReport, delegations_report
from tooling.core.delegation import (
    Delegation,
    DelegationVersion,
    delegates_at,
    delegation_in_force,
    delegation_path,
    judge_version,
    render_delegation_file,
    sign_delegation,
    signature_checker,
)
from tooling.core.instants import format_instant
from tooling.core.model import DelegationCode, StakeEntry
from tooling.crypto.keys import node_id, public_key_hex
from tooling.shell.evaluate import World
from tooling.shell.snapshots import FAR_FUTURE


class DelegationRefused(Exception):
    """A delegation that can never be valid (a self-delegation); the message says why."""


def ledger_at(world: World, t: int) -> tuple[StakeEntry, ...]:
    """The ledger in force at ``t`` (history's version in git, the work tree's file outside)."""
    snaps = world.snapshots
    if snaps is not None and snaps.git:
        value = snaps.ledger.at(t)
        return tuple(value) if value is not None else ()
    return tuple(world.repo.stakes)


def network_at(world: World, t: int) -> str:
    snaps = world.snapshots
    if snaps is not None and snaps.git:
        g = snaps.governance.at(t)
        if g is not None:
            return g.network
    return world.repo.governance.network


@dataclass(frozen=True)
class DelegationPlan:
    """What ``nep delegate`` will sign, with the facts a delegator checks first."""

    delegation: Delegation
    as_of: int
    stake: Decimal  # the delegator's stake now
    delegate_stake: Decimal | None  # the delegate's own stake now; None for a revocation
    in_force: Delegation | None  # the version in force now (None: none)
    problems: tuple[str, ...]  # why it would not be valid if merged now; empty when it would
    path: str

    def preview(self) -> str:
        """The lines shown before the confirmation question."""
        from tooling.present.format import decimal_str

        d = self.delegation
        target = "nobody (revocation: your stake counts only when you vote)" if d.delegate is None else d.delegate
        was = "none" if self.in_force is None else (self.in_force.delegate or "nobody (revoked)")
        lines = [
            f"delegator:    {d.delegator}",
            f"delegate:     {target}",
            f"replaces:     {was}",
            f"your stake:   {decimal_str(self.stake)} NEURO at {format_instant(self.as_of)}",
        ]
        if self.delegate_stake is not None:
            lines.append(f"their stake:  {decimal_str(self.delegate_stake)} NEURO (own)")
        lines += [
            f"timestamp:    {format_instant(d.timestamp)}",
            f"network:      {d.network}",
            f"file:         {self.path}",
            "takes effect: for every NEP whose voting starts at or after the commit that merges it;",
            "              your own counted vote always overrides it",
        ]
        lines += [f"will not be valid: {p}" for p in self.problems]
        return "\n".join(lines) + "\n"


def plan_delegation(
    world: World, priv: bytes, delegate: str | None, *, timestamp: int, as_of: int, force: bool = False
) -> DelegationPlan:
    """Sign the delegation in memory and judge it as a version included at ``as_of``.

    Raises ``DelegationRefused`` for a self-delegation (whatever ``force``
    says: it can never be valid). A delegate unknown to the ledger is a
    problem unless ``force``.
    """
    me = node_id(public_key_hex(priv))
    if delegate is not None and delegate == me:
        raise DelegationRefused(f"node {me} cannot delegate to itself (SELF_DELEGATION); "
                                "to stop delegating use --revoke")
    network = network_at(world, as_of)
    d = sign_delegation(priv, network=network, delegate=delegate, timestamp=timestamp)
    path = delegation_path(me)
    history = world.delegations.get(path, ())
    current = delegation_in_force(history, FAR_FUTURE)
    code = judge_version(DelegationVersion(path, d, as_of), network=network, in_force=current,
                         signature_ok=signature_checker())
    problems: list[str] = []
    if code is DelegationCode.STALE and current is not None and current.delegation is not None:
        problems.append(f"STALE: the delegation in force has timestamp {current.delegation.timestamp}; "
                        "a new one needs a later timestamp")
    elif code is DelegationCode.FUTURE_TIMESTAMP:
        problems.append(f"FUTURE_TIMESTAMP: timestamp {timestamp} is more than 300 s after now ({as_of})")
    elif code is not None:
        problems.append(str(code.value))
    ledger = ledger_at(world, as_of)
    if delegate is not None and not force and not any(e.node == delegate for e in ledger):
        problems.append(f"node {delegate} is not in the stake ledger (a typo?); --force delegates anyway")
    return DelegationPlan(
        delegation=d,
        as_of=as_of,
        stake=stakes_mod.stake(ledger, me, as_of),
        delegate_stake=None if delegate is None else stakes_mod.stake(ledger, delegate, as_of),
        in_force=current.delegation if current is not None else None,
        problems=tuple(problems),
        path=path,
    )


def write_delegation(root: Path, plan: DelegationPlan) -> str:
    """Write (or replace: a delegation file changes over time) the delegation file; returns its path.

    Raises ``NotADirectoryError`` for a linked or non-folder ``delegations``.
    """
    from tooling.shell.fsio import write_atomic

    target = root / plan.path
    folder = target.parent
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()) or target.is_symlink():
        raise NotADirectoryError(f"{plan.path} or its folder is a link or not a plain file; links are never followed")
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(target, render_delegation_file(plan.delegation).encode("utf-8"))
    return plan.path


# --------------------------------------------------------------------------
# What is in force at an instant


def delegations_at(world: World, t: int) -> DelegationsReport:
    return delegations_report(world.delegations, ledger_at(world, t), t)
