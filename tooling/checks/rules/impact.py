"""Economic impact completeness (SPEC 3.1): an impact must account for the change."""

from __future__ import annotations

import dataclasses
import re

from tooling.core.diagnostics import Diagnostic
from tooling.core.economics import change, describe_field, is_neutral, moved_fields, reward_direction
from tooling.core.model import IMPACT_FIELDS, NEPStatus, NEPType, Proposal, Severity
from tooling.checks.rules.body import section_text
from tooling.core.catalog import rule


def check(p: Proposal) -> list[Diagnostic]:
    imp = p.economic_impact
    if imp is None:  # missing or mistyped fields were reported by the schema
        return []
    out: list[Diagnostic] = []
    pos = p.positions.key_at(("economic_impact",))
    neutral = is_neutral(imp)
    if neutral and p.type is NEPType.ECONOMICS:
        d = rule("econ-neutral-type").at(
            p.path, pos, "type econ declares a fully neutral economic impact",
            "an econ proposal changes earnings: fill in the fields it moves, or choose another type")
        if p.status is NEPStatus.DRAFT:
            # `nep new` scaffolds a neutral impact; the draft must still be editable and
            # validate, and the finding becomes an error the moment review is requested.
            d = dataclasses.replace(d, severity=Severity.WARNING,
                                    message=d.message + " (an error once the NEP is submitted for review)")
        out.append(d)
    if neutral:
        for i, c in enumerate(p.parameter_changes):
            if c.module == "economics" or c.module.startswith("economics."):
                out.append(rule("econ-neutral-param-change").at(
                    p.path, p.positions.at(("parameter_changes", i, "module")),
                    f"parameter change {c.key} with a fully neutral economic impact",
                    "state how the change moves rewards, costs or net earnings in economic_impact"))
    moved = {f.name for f in moved_fields(imp)}
    reward_fields = {"training_reward_multiplier", "inference_reward_multiplier"}
    net = change(imp, IMPACT_FIELDS[-1])
    others = moved - reward_fields - {"net_earnings_change_percent"}
    if not others:
        direction = reward_direction(imp)
        net_sign = (net > 0) - (net < 0)
        if net_sign != 0 and direction is not None and direction != net_sign:
            why = "reward multipliers are unchanged" if direction == 0 else (
                "reward multipliers rise" if direction > 0 else "reward multipliers fall")
            out.append(rule("econ-sign-mismatch").at(
                p.path, p.positions.at(("economic_impact", "net_earnings_change_percent")),
                f"net_earnings_change_percent is {describe_field(imp, IMPACT_FIELDS[-1]).split(': ')[1]} "
                f"but the {why} and no other field moved",
                "make the net change follow the rewards, or state the field that causes it"))
        elif net_sign == 0 and direction:
            out.append(rule("econ-net-unexplained").at(
                p.path, p.positions.at(("economic_impact", "net_earnings_change_percent")),
                "reward multipliers change but net_earnings_change_percent is 0 and nothing else moved",
                "estimate the change in net earnings, or state the cost that offsets it"))
    up = p.upgrade_path
    if up is not None and not up.migration_steps:
        causes = []
        if imp.upgrade_cost_neuro > 0:
            causes.append("an upgrade cost")
        if up.requires_checkpoint_reload:
            causes.append("a checkpoint reload")
        if "min_memory_change_mb" in moved:
            causes.append("a memory change")
        if "min_compute_change_tflops" in moved:
            causes.append("a compute change")
        if causes:
            out.append(rule("econ-migration-steps").at(
                p.path, p.positions.at(("upgrade_path", "migration_steps")),
                f"{' and '.join(causes)} without migration steps",
                "list what an operator does, in order, under upgrade_path.migration_steps"))
    if moved:
        text = section_text(p, "Economic Impact")
        if text is not None:
            folded = _fold(text)
            for f in IMPACT_FIELDS:
                if f.name in moved and _fold(f.name) not in folded and _fold(f.label) not in folded:
                    out.append(rule("econ-unexplained-field").at(
                        p.path, p.positions.at(("economic_impact", f.name)),
                        f"{f.name} is not neutral ({describe_field(imp, f)}) but ## Economic Impact does not "
                        "explain it",
                        f"mention '{f.label}' or `{f.name}` in the Economic Impact section and explain the change"))
    return out


def _fold(text: str) -> str:
    return re.sub(r"[\s_`*]+", " ", text.casefold())
