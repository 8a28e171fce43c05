"""``validate`` over delegation files (SPEC 11).

The file in the work tree is judged as the version it is: the version history
already has (at its inclusion), or, not yet committed, a version included at
``as_of`` after the latest valid one. Codes intrinsic to the file are errors;
``FUTURE_TIMESTAMP`` and ``STALE`` depend on when it is merged and are notices.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from tooling.core.catalog import rule
from tooling.core.delegation import (
    DelegationVersion,
    JudgedVersion,
    delegation_in_force,
    judge_version,
    signature_checker,
)
from tooling.core.diagnostics import Diagnostic
from tooling.core.instants import format_instant
from tooling.core.model import DelegationCode
from tooling.parse.delegations import ParsedDelegation, parse_delegation
from tooling.shell.delegations import blob_id, network_reader, work_tree_files
from tooling.shell.evaluate import World
from tooling.shell.snapshots import FAR_FUTURE

#: Code -> (rule slug, the key the finding points at); intrinsic codes only.
INTRINSIC = {
    DelegationCode.WRONG_PATH: ("delegation-wrong-path", "delegator"),
    DelegationCode.WRONG_NETWORK: ("delegation-wrong-network", "network"),
    DelegationCode.BAD_KEY: ("delegation-bad-key", "public_key"),
    DelegationCode.BAD_SIGNATURE: ("delegation-bad-signature", "signature"),
    DelegationCode.SELF_DELEGATION: ("delegation-self", "delegate"),
}


def judge_file(world: World, path: str, raw: bytes, as_of: int) -> tuple[ParsedDelegation, DelegationCode | None, int]:
    """(parsed file, its code, the inclusion it was judged at): history's verdict when it has these bytes."""
    parsed = parse_delegation(path, raw)
    judged: tuple[JudgedVersion, ...] = tuple(world.delegations.get(path, ()))
    blob = blob_id(raw)
    clock = next((c for c, _, b in world.history.versions(path, FAR_FUTURE) if b == blob), None)
    if clock is not None:
        for j in judged:
            if j.included_at == clock and j.delegation == parsed.delegation:
                return parsed, j.code, clock
    if parsed.delegation is None:
        return parsed, DelegationCode.MALFORMED, as_of
    governance = world.snapshots.governance if world.snapshots is not None and world.snapshots.git else None
    network = network_reader(governance)(as_of) if governance is not None else world.repo.governance.network
    code = judge_version(DelegationVersion(path, parsed.delegation, as_of), network=network,
                         in_force=delegation_in_force(judged, FAR_FUTURE), signature_ok=signature_checker())
    return parsed, code, as_of


def check_delegations(root: Path, world: World, as_of: int, wanted: Callable[[str], bool]) -> list[Diagnostic]:
    """Findings for every delegation file of the work tree that ``wanted`` selects."""
    out: list[Diagnostic] = []
    for path, raw in work_tree_files(root).items():
        if not wanted(path):
            continue
        if raw is None:
            out.append(rule("not-a-file").at(path, (1, 1), f"{path} is a link or a folder; it is not read"))
            continue
        parsed, code, at = judge_file(world, path, raw, as_of)
        if code is None:
            continue
        if code is DelegationCode.MALFORMED:
            out.extend(parsed.diagnostics)
            continue
        d = parsed.delegation
        assert d is not None
        if code in INTRINSIC:
            slug, key = INTRINSIC[code]
            out.append(rule(slug).at(path, parsed.pos(key), _message(code, path, d.delegator, d.network)))
        else:
            why = (f"its timestamp {d.timestamp} is more than 300 s after its inclusion ({format_instant(at)})"
                   if code is DelegationCode.FUTURE_TIMESTAMP
                   else "its timestamp is not later than the delegation in force before it")
            out.append(rule("delegation-not-in-force").at(
                path, parsed.pos("timestamp"), f"this delegation is {code.value} and changes nothing: {why}"))
    return out


def _message(code: DelegationCode, path: str, delegator: str, network: str) -> str:
    if code is DelegationCode.WRONG_PATH:
        return f"the delegation of {delegator} must be stored as delegations/{delegator}.yaml, not {path}"
    if code is DelegationCode.WRONG_NETWORK:
        return f"the delegation is signed for network '{network}', which is not this repository's network"
    if code is DelegationCode.BAD_KEY:
        return "public_key does not hash to the delegator's node id"
    if code is DelegationCode.SELF_DELEGATION:
        return f"node {delegator} delegates to itself"
    return "signature does not verify (or is not low-s) for this delegation's values"
