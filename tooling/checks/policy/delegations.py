"""The policy on delegation files (SPEC 11): a new version must be valid if merged now; no deletion.

``delegations/`` is part of the process (no maintainers' notice). A version
is judged as if included at ``as_of``: against the network in force on the
base then, and, for ``STALE``, against the version in force on the base.
Putting back bytes the base's history already had is not a new version (its
first inclusion stands), so it changes nothing and is not refused.
"""

from __future__ import annotations

from tooling.checks.policy.context import Context, Findings, found
from tooling.checks.policy.rules import r
from tooling.core.delegation import DelegationVersion, delegation_in_force, judge_version, signature_checker
from tooling.core.model import DelegationCode
from tooling.parse.delegations import DELEGATION_PATH, parse_delegation
from tooling.shell.delegations import blob_id
from tooling.shell.snapshots import FAR_FUTURE

PREFIX = "delegations/"
#: Files that may sit in delegations/ besides delegation files.
HARMLESS = ("README.md", ".gitkeep")
#: validate's findings on a delegation file that this judgement replaces.
DELEGATION_SLUGS = frozenset({"delegation-wrong-path", "delegation-wrong-network", "delegation-bad-key",
                              "delegation-bad-signature", "delegation-self", "delegation-not-in-force"})

_WHY = {
    DelegationCode.WRONG_PATH: "its file name is not its delegator (delegations/<delegator>.yaml)",
    DelegationCode.WRONG_NETWORK: "it is signed for another network than this repository's",
    DelegationCode.BAD_KEY: "public_key does not hash to the delegator's node id",
    DelegationCode.BAD_SIGNATURE: "the signature does not verify (or is not low-s) for its values",
    DelegationCode.SELF_DELEGATION: "a node cannot delegate to itself",
    DelegationCode.FUTURE_TIMESTAMP: "its timestamp is more than 300 s after now",
    DelegationCode.STALE: "its timestamp is not later than the delegation in force on the base "
                          "(an older signed delegation cannot be replayed)",
}
_KEY = {DelegationCode.WRONG_PATH: "delegator", DelegationCode.WRONG_NETWORK: "network",
        DelegationCode.BAD_KEY: "public_key", DelegationCode.BAD_SIGNATURE: "signature",
        DelegationCode.SELF_DELEGATION: "delegate", DelegationCode.FUTURE_TIMESTAMP: "timestamp",
        DelegationCode.STALE: "timestamp"}


def is_delegation_path(path: str) -> bool:
    return path.startswith(PREFIX)


def check_delegation(ctx: Context, status: str, path: str, raw: bytes | None) -> Findings:
    """Findings for one changed path under ``delegations/`` (``raw``: the head's bytes; None if unreadable)."""
    judged = tuple(ctx.delegations.get(path, ()))
    if status == "D":
        if not DELEGATION_PATH.match(path):
            return Findings()
        return found(r("pr-delegation-deleted").at(
            path, (1, 1), f"{path} is deleted; deleting changes nothing (the last valid version stays in force)"))
    if not DELEGATION_PATH.match(path):
        if path[len(PREFIX):] in HARMLESS:
            return Findings()
        return found(r("pr-unknown-file").at(
            path, (1, 1), f"{path} is not a delegation file (delegations/<node>.yaml)"),
            replaced=frozenset({(path, "unknown-file")}))
    if raw is None:
        return Findings()  # a link or a submodule: refused by the tree checks
    replaced = frozenset((path, s) for s in DELEGATION_SLUGS)
    blob = blob_id(raw)
    if any(b == blob for _, _, b in ctx.history.versions(path, FAR_FUTURE)):
        return found(replaced=replaced)  # not a new version: its first inclusion stands
    parsed = parse_delegation(path, raw)
    if parsed.delegation is None:
        return found(*parsed.diagnostics, r("pr-delegation-invalid").at(
            path, (1, 1), f"this delegation would not be valid: {DelegationCode.MALFORMED.value}: "
            f"{parsed.error or 'it does not match the delegation schema'}"), replaced=replaced)
    # The base's governance.yaml is the one in force when the pull request is merged.
    network = ctx.base.repo.governance.network if ctx.base.repo is not None else None
    in_force = delegation_in_force(judged, ctx.as_of)
    code = judge_version(DelegationVersion(path, parsed.delegation, ctx.as_of),
                         network=network, in_force=in_force, signature_ok=signature_checker())
    if code is None:
        return found(replaced=replaced)
    key = _KEY.get(code)
    return found(r("pr-delegation-invalid").at(
        path, parsed.pos(key) if key else (1, 1),
        f"this delegation would not be valid if merged now: {code.value}: {_WHY.get(code, code.value)}"),
        replaced=replaced)

