"""Delegation files, their signatures and their versions (SPEC 11), as pure functions.

A delegation file ``delegations/<delegator>.yaml`` is judged version by
version: every distinct blob it has had on the first-parent history, at the
clock of the first commit that has it. An invalid version changes nothing (the
valid version before it stays in force); so does deleting the file. The
caller (the shell) gathers the versions; everything here is a function of them
and of the instants it is given.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable, Mapping, Sequence

from tooling.core.model import DELEGATION_DOMAIN, FUTURE_TOLERANCE_SECONDS, DelegationCode
from tooling.core.stakes import ZERO, Snapshot, exact_context
from tooling.core.votes import yaml_string
from tooling.crypto.canonical import canonical_json
from tooling.crypto.keys import node_id, public_key_hex
from tooling.crypto.signatures import KeyCache, sign_payload, verify_payload

DELEGATIONS_DIR = "delegations"

#: Order of the keys in a delegation file (SPEC 11).
DELEGATION_FILE_FIELDS = ("delegator", "public_key", "delegate", "network", "timestamp", "signature")


@dataclass(frozen=True)
class Delegation:
    """The values of one delegation file that passed its schema; ``delegate`` None is a revocation."""

    path: str
    delegator: str
    public_key: str
    delegate: str | None
    network: str
    timestamp: int
    signature: str


@dataclass(frozen=True)
class DelegationVersion:
    """One version of a delegation file: a distinct blob, at the clock of the first commit that has it."""

    path: str
    delegation: Delegation | None  # None when the blob failed its schema (MALFORMED)
    included_at: int
    error: str | None = None  # why MALFORMED, for display


@dataclass(frozen=True)
class JudgedVersion:
    """A version with its verdict: ``code`` None means valid."""

    version: DelegationVersion
    code: DelegationCode | None

    @property
    def valid(self) -> bool:
        return self.code is None

    @property
    def included_at(self) -> int:
        return self.version.included_at

    @property
    def delegation(self) -> Delegation | None:
        return self.version.delegation

    @property
    def delegate(self) -> str | None:
        """The node this version delegates to; None for a revocation or an unreadable version."""
        d = self.version.delegation
        return d.delegate if d is not None else None


def delegation_path(delegator: str) -> str:
    """The only path at which ``delegator``'s delegation counts."""
    return f"{DELEGATIONS_DIR}/{delegator}.yaml"


def delegator_from_path(path: str) -> str:
    """The node a delegation file's name claims (whatever the content says)."""
    name = posixpath.basename(path)
    return name[: -len(".yaml")] if name.endswith(".yaml") else name


# --------------------------------------------------------------------------
# Payload and signatures (byte-exact with shared/vectors/delegation.json). The
# domain differs from the votes', so no vote signature can be read as a
# delegation or the other way round.


def delegation_payload(*, network: str, delegator: str, delegate: str | None, timestamp: int) -> dict[str, Any]:
    """The signed object of SPEC 11; ``delegate`` None is a revocation (JSON null)."""
    return {
        "domain": DELEGATION_DOMAIN,
        "network": str(network),
        "delegator": str(delegator),
        "delegate": None if delegate is None else str(delegate),
        "timestamp": timestamp,
    }


def payload_of(delegation: Delegation) -> dict[str, Any]:
    """The signed payload of a delegation, rebuilt from its own values."""
    return delegation_payload(
        network=delegation.network,
        delegator=delegation.delegator,
        delegate=delegation.delegate,
        timestamp=delegation.timestamp,
    )


def payload_bytes(payload: dict[str, Any]) -> bytes:
    """The canonical JSON of a payload, as UTF-8: the bytes that are hashed once and signed."""
    return canonical_json(payload).encode("utf-8")


def sign_delegation(priv: bytes, *, network: str, delegate: str | None, timestamp: int) -> Delegation:
    """A complete signed delegation (or revocation, ``delegate`` None) for the key ``priv``."""
    pub = public_key_hex(priv)
    delegator = node_id(pub)
    payload = delegation_payload(network=network, delegator=delegator, delegate=delegate, timestamp=timestamp)
    return Delegation(
        path=delegation_path(delegator),
        delegator=delegator,
        public_key=pub,
        delegate=delegate,
        network=network,
        timestamp=timestamp,
        signature=sign_payload(priv, payload),
    )


def verify_delegation(delegation: Delegation, *, key_cache: KeyCache | None = None) -> bool:
    """True only for a strict-DER, low-s signature by the file's public key over its own payload.

    Never raises for a bad value: odd or uppercase hex, a high s, a key off the
    curve are all simply an invalid signature.
    """
    return verify_payload(delegation.public_key, delegation.signature, payload_of(delegation), key_cache=key_cache)


def signature_checker() -> Callable[[Delegation], bool]:
    """A ``verify_delegation`` with its own public-key cache, for checking many versions in one run."""
    cache: KeyCache = {}

    def check(delegation: Delegation) -> bool:
        return verify_delegation(delegation, key_cache=cache)

    return check


# --------------------------------------------------------------------------
# Versions


NetworkAt = Callable[[int], "str | None"] | Mapping[int, str]


def _network_at(network_at: NetworkAt, t: int) -> str | None:
    if isinstance(network_at, Mapping):
        return network_at.get(t)
    return network_at(t)


def judge_version(
    version: DelegationVersion,
    *,
    network: str | None,
    in_force: JudgedVersion | None,
    signature_ok: Callable[[Delegation], bool],
) -> DelegationCode | None:
    """The first failing code of SPEC 11 for ``version``, or None if it is valid.

    ``network`` is the network in force at the version's inclusion (None: no
    valid governance then, which no network matches); ``in_force`` the valid
    version in force just before it, against which ``STALE`` is judged.
    ``check-pr`` judges a proposed version by passing ``included_at`` = ``--at``.
    """
    d = version.delegation
    if d is None:
        return DelegationCode.MALFORMED
    if version.path != delegation_path(d.delegator):
        return DelegationCode.WRONG_PATH
    if network is None or d.network != network:
        return DelegationCode.WRONG_NETWORK
    try:
        key_matches = node_id(d.public_key) == d.delegator
    except ValueError:
        key_matches = False
    if not key_matches:
        return DelegationCode.BAD_KEY
    if not signature_ok(d):
        return DelegationCode.BAD_SIGNATURE
    if d.delegate == d.delegator:
        return DelegationCode.SELF_DELEGATION
    if d.timestamp > version.included_at + FUTURE_TOLERANCE_SECONDS:
        return DelegationCode.FUTURE_TIMESTAMP
    previous = in_force.delegation if in_force is not None else None
    if previous is not None and d.timestamp <= previous.timestamp:
        return DelegationCode.STALE
    return None


def judge_versions(
    versions: Sequence[DelegationVersion],
    *,
    network_at: NetworkAt,
    signature_ok: Callable[[Delegation], bool] | None = None,
) -> tuple[JudgedVersion, ...]:
    """Every version of one file judged in history order; each valid one replaces the one in force.

    ``versions`` are in first-parent order (inclusion clocks never decrease),
    one per distinct blob (a blob seen again is not a new version; see
    ``tooling.parse.delegations.versions_from_blobs``). ``network_at`` gives the
    network in force at an instant (a function, or a mapping keyed by the
    versions' inclusion clocks).
    """
    if signature_ok is None:
        signature_ok = signature_checker()
    judged: list[JudgedVersion] = []
    in_force: JudgedVersion | None = None
    for version in versions:
        code = judge_version(
            version,
            network=_network_at(network_at, version.included_at),
            in_force=in_force,
            signature_ok=signature_ok,
        )
        j = JudgedVersion(version, code)
        judged.append(j)
        if j.valid:
            in_force = j
    return tuple(judged)


def delegation_in_force(judged: Iterable[JudgedVersion], t: int) -> JudgedVersion | None:
    """The latest valid version included at or before ``t`` (a version included exactly at t counts).

    The result may be a revocation (``delegate`` None): the file is in force,
    and it delegates to nobody.
    """
    found: JudgedVersion | None = None
    for j in judged:
        if j.valid and j.included_at <= t:
            # History order: a later valid version at or before t replaces the earlier one.
            found = j
    return found


def delegations_in_force(files: Mapping[str, Sequence[JudgedVersion]], t: int) -> tuple[JudgedVersion, ...]:
    """The version in force at ``t`` of every file that has one (revocations included), by delegator."""
    found = (delegation_in_force(files[path], t) for path in files)
    in_force = [j for j in found if j is not None and j.delegation is not None]
    return tuple(sorted(in_force, key=lambda j: j.delegation.delegator if j.delegation else ""))


def delegates_at(files: Mapping[str, Sequence[JudgedVersion]], t: int) -> dict[str, str]:
    """delegator -> delegate for every file whose version in force at ``t`` names a delegate.

    ``files`` maps each delegation file's path to its judged versions; what the
    tally takes at a NEP's VS. A valid version's delegator is its file's name,
    so no two files can speak for one delegator.
    """
    return {
        j.delegation.delegator: j.delegation.delegate
        for j in delegations_in_force(files, t)
        if j.delegation is not None and j.delegation.delegate is not None
    }


@dataclass(frozen=True)
class DelegateSummary:
    """A delegate with the stake delegated to it at an instant (``nep delegations``, the site)."""

    delegate: str
    delegated_stake: Decimal
    delegators: tuple[str, ...]  # sorted


def delegate_summaries(delegations: Mapping[str, str], snapshot: Snapshot) -> tuple[DelegateSummary, ...]:
    """Delegates by stake delegated to them at the snapshot's instant (largest first, ties by node id).

    A delegator with no stake then is still listed among the delegators: the
    delegation is in force even though it carries 0.
    """
    groups: dict[str, list[str]] = {}
    for delegator, delegate in delegations.items():
        groups.setdefault(delegate, []).append(delegator)
    rows = []
    with exact_context():
        for delegate, delegators in groups.items():
            stake = sum((snapshot.weight(n) for n in delegators), ZERO)
            rows.append(DelegateSummary(delegate, stake, tuple(sorted(delegators))))
    return tuple(sorted(rows, key=lambda r: (-r.delegated_stake, r.delegate)))


# --------------------------------------------------------------------------
# Writing


def render_delegation_file(delegation: Delegation) -> str:
    """The file's text: SPEC field order, strings double-quoted, the timestamp bare, a revocation ``null``."""
    values = {
        "delegator": yaml_string(delegation.delegator),
        "public_key": yaml_string(delegation.public_key),
        "delegate": "null" if delegation.delegate is None else yaml_string(delegation.delegate),
        "network": yaml_string(delegation.network),
        "timestamp": str(int(delegation.timestamp)),
        "signature": yaml_string(delegation.signature),
    }
    return "".join(f"{name}: {values[name]}\n" for name in DELEGATION_FILE_FIELDS)
