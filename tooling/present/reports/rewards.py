"""``nep rewards``: fees and rewards per proposal, then the totals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping, Sequence

from tooling.core.model import FeeStatus, NEPState, RewardRole
from tooling.core.rewards import ProposalRewards
from tooling.core.stakes import ZERO, exact_context
from tooling.present.format import amount_text, decimal_str, format_instant, instant_text
from tooling.present.reports.common import columns, label, paint, short


def _fee_status(r: ProposalRewards, state: NEPState | None) -> FeeStatus:
    if r.fee_refunded:
        return FeeStatus.REFUNDED
    if r.fee_burned:
        return FeeStatus.BURNED
    if state is not None:
        return FeeStatus.HELD if state.outcome is None else FeeStatus.KEPT
    # Without the state: proposal_rewards pays nothing at all while undecided.
    return FeeStatus.KEPT if r.proposer_reward > 0 or r.voter_rewards else FeeStatus.HELD


def _rewards_entry(r: ProposalRewards, state: NEPState | None) -> dict[str, Any]:
    return {
        "nep": r.nep,
        "proposer": r.proposer,
        "fee": decimal_str(r.fee),
        "fee_status": _fee_status(r, state).value,
        "fee_refunded": r.fee_refunded,
        "fee_burned": r.fee_burned,
        "proposer_reward": decimal_str(r.proposer_reward),
        "voter_rewards": {v: decimal_str(r.voter_rewards[v]) for v in sorted(r.voter_rewards)},
        "voter_roles": {v: r.voter_roles[v].value for v in sorted(r.voter_roles)},
        "voters": len(r.voter_rewards),
        # Delegators whose stake a delegate's counted vote carried (SPEC 11): paid on their own stake.
        "delegators": sorted(v for v, role in r.voter_roles.items() if role is RewardRole.DELEGATOR),
        "total_voter_rewards": decimal_str(r.total_voter_rewards),
    }


def rewards_json(
    items: Sequence[ProposalRewards], as_of: int, *, states: Mapping[int, NEPState] | None = None
) -> dict:
    """``nep rewards --format json``: per proposal and totals; ``proposer_rewards`` includes refunded fees."""
    ordered = sorted(items, key=lambda r: r.nep)
    entries = [_rewards_entry(r, states.get(r.nep) if states is not None else None) for r in ordered]
    sums: dict[str, Decimal] = {k: ZERO for k in ("collected", "proposer", "voter", *FeeStatus)}
    with exact_context():
        for r, e in zip(ordered, entries):
            sums["collected"] += r.fee
            sums[e["fee_status"]] += r.fee
            sums["proposer"] += r.proposer_reward
            sums["voter"] += r.total_voter_rewards
    return {
        "as_of": format_instant(as_of),
        "proposals": entries,
        "totals": {
            "fees_collected": decimal_str(sums["collected"]),
            **{f"fees_{k}": decimal_str(sums[k]) for k in FeeStatus},
            "proposer_rewards": decimal_str(sums["proposer"]),
            "voter_rewards": decimal_str(sums["voter"]),
        },
    }


def rewards_text(
    items: Sequence[ProposalRewards],
    as_of: int,
    *,
    states: Mapping[int, NEPState] | None = None,
    color: bool = False,
) -> str:
    """``nep rewards``: one row per proposal, then the totals."""
    data = rewards_json(items, as_of, states=states)
    lines = [paint(f"Fees and rewards as of {instant_text(as_of)}", "bold", color)]
    if not data["proposals"]:
        lines.append("  No submitted proposals.")
    else:
        rows = [["NEP", "FEE", "FEE STATUS", "PROPOSER", "PROPOSER REWARD", "VOTERS", "VOTER REWARDS"]]
        for e in data["proposals"]:
            rows.append(
                [
                    label(e["nep"]),
                    amount_text(Decimal(e["fee"])),
                    e["fee_status"],
                    short(e["proposer"]) if e["proposer"] else "—",
                    amount_text(Decimal(e["proposer_reward"])),
                    str(e["voters"]) + (f" ({len(e['delegators'])} delegating)" if e["delegators"] else ""),
                    amount_text(Decimal(e["total_voter_rewards"])),
                ]
            )
        lines += columns(rows, right=(1, 4, 5, 6))
    t = {k: amount_text(Decimal(v)) for k, v in data["totals"].items()}
    lines += [
        "",
        paint("Totals (NEURO)", "bold", color),
        f"  fees collected {t['fees_collected']}: refunded {t['fees_refunded']}, burned {t['fees_burned']}, "
        f"kept {t['fees_kept']}, held {t['fees_held']}",
        f"  proposer rewards {t['proposer_rewards']} (refunded fees included)",
        f"  voter rewards {t['voter_rewards']}",
    ]
    return "\n".join(lines) + "\n"
