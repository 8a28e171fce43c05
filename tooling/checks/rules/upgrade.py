"""Upgrade path and parameter rules (SPEC 3.2, 3.3), judged against what is in force at T0."""

from __future__ import annotations

import re
from typing import Sequence

from tooling.core.diagnostics import Diagnostic
from tooling.core.lifecycle import value_in_force, values_equal
from tooling.core.model import NEPStatus, Proposal, TrackName
from tooling.checks.rules.context import Context
from tooling.core.catalog import rule

_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
OPEN = frozenset({NEPStatus.DRAFT, NEPStatus.REVIEW, NEPStatus.VOTING, NEPStatus.SCHEDULED})
#: Statuses whose parameter changes are committed: a clash between two of these is certain.
COMMITTED = frozenset({NEPStatus.VOTING, NEPStatus.SCHEDULED})


def semver(text: str) -> tuple[int, int, int] | None:
    m = _SEMVER.match(text)
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def check(p: Proposal, ctx: Context) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    up = p.upgrade_path
    if up is not None:
        current_text = ctx.version_for(p)
        current = semver(current_text)
        lo, hi = semver(up.min_version), semver(up.target_version)
        # A malformed version was reported by the schema (version-syntax); the checks below skip it.
        if current and lo and lo > current:
            out.append(rule("version-min-above-current").at(
                p.path, p.positions.at(("upgrade_path", "min_version")),
                f"min_version {up.min_version} is above the protocol version in force, {current_text}",
                f"nodes run {current_text}; set min_version to {current_text} or lower"))
        if current and hi and hi <= current:
            out.append(rule("version-target-not-above").at(
                p.path, p.positions.at(("upgrade_path", "target_version")),
                f"target_version {up.target_version} is not above the protocol version in force, {current_text}",
                f"target a version above {current_text}"))
        compat = p.front_matter.get("upgrade_path", {}).get("backward_compatible")
        if current and hi and hi > current and isinstance(compat, bool):
            major = hi[0] > current[0]
            if major and up.backward_compatible:
                out.append(rule("version-major-compat").at(
                    p.path, p.positions.at(("upgrade_path", "backward_compatible")),
                    f"{current_text} -> {up.target_version} is a MAJOR bump but backward_compatible is true",
                    "a backward-compatible change bumps MINOR or PATCH; a breaking one sets backward_compatible: false"))
            if not major and not up.backward_compatible:
                out.append(rule("version-major-compat").at(
                    p.path, p.positions.at(("upgrade_path", "target_version")),
                    f"a breaking change (backward_compatible: false) must bump MAJOR, but "
                    f"{current_text} -> {up.target_version} does not",
                    f"target {current[0] + 1}.0.0"))
        track = ctx.track_for(p)
        grace = p.front_matter.get("upgrade_path", {}).get("grace_period_days")
        if isinstance(grace, int) and not isinstance(grace, bool):
            if not track.grace_min_days <= up.grace_period_days <= track.grace_max_days:
                out.append(rule("grace-out-of-bounds").at(
                    p.path, p.positions.at(("upgrade_path", "grace_period_days")),
                    f"grace_period_days {up.grace_period_days} is outside the {p.type.track if p.type else TrackName.STANDARD} "
                    f"track's {track.grace_min_days} to {track.grace_max_days} days",
                    f"choose {track.grace_min_days} to {track.grace_max_days} days (both inclusive)"))
    out += _check_params(p, ctx)
    return out


def _check_params(p: Proposal, ctx: Context) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if not p.parameter_changes:
        return out
    in_force = ctx.params_for(p)
    features = ctx.features_for(p)
    seen: dict[str, int] = {}
    for i, c in enumerate(p.parameter_changes):
        raw = p.front_matter["parameter_changes"][i]
        if not {"module", "parameter", "old_value", "new_value"} <= set(raw):
            continue  # the schema reported it
        if c.key in seen:
            out.append(rule("param-duplicate").at(p.path, p.positions.at(("parameter_changes", i, "parameter")),
                                                  f"{c.key} is changed twice (also item {seen[c.key] + 1})"))
            continue
        seen[c.key] = i
        known, current = value_in_force(in_force, features, c)
        if not values_equal(c.old_value, current):
            shown = "not set (use old_value: null for a new parameter)" if not known else _show(current)
            out.append(rule("param-stale-old-value").at(
                p.path, p.positions.at(("parameter_changes", i, "old_value")),
                f"old_value of {c.key} is {c.old_value!r} but the value in force is {shown}",
                "set old_value to the value in force at submission (see `nep config`)"))
        elif values_equal(c.old_value, c.new_value):
            out.append(rule("param-identity").at(p.path, p.positions.at(("parameter_changes", i, "new_value")),
                                                 f"{c.key}: new_value equals old_value"))
    return out


def check_conflicts(proposals: Sequence[Proposal], ctx: Context) -> list[Diagnostic]:
    """Two open proposals that change the same parameter; reported on each of them."""
    by_key: dict[str, list[tuple[Proposal, int]]] = {}
    for p in proposals:
        status = ctx.status_of(p)
        if status not in OPEN:
            continue
        for i, c in enumerate(p.parameter_changes):
            by_key.setdefault(c.key, []).append((p, i))
    out: list[Diagnostic] = []
    for key, users in sorted(by_key.items()):
        neps = sorted({p.nep for p, _ in users})
        if len(neps) < 2:
            continue
        for p, i in users:
            others = ", ".join(f"NEP-{n:04d} ({ctx.status_of(ctx.by_number[n][0])})" for n in neps if n != p.nep)
            out.append(rule("param-conflict").at(
                p.path, p.positions.at(("parameter_changes", i, "parameter")),
                f"{key} is also changed by {others}"))
    return out


def _show(value: object) -> str:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return format(value, "f")
    return repr(value)
