"""Delegation payloads and signatures (SPEC 11): byte-exact with ``shared/vectors/delegation.json``.

The signed object has its own domain, so no vote signature can ever be read as
a delegation or the other way round. The curve arithmetic is the votes'
(strict DER, low-s only, SHA-256 hashed once); it is reached through
``tooling.core.votes`` until the key and signature code moves to its own layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from tooling.core import votes
from tooling.core.model import DELEGATION_DOMAIN

if TYPE_CHECKING:  # pragma: no cover
    from coincurve import PublicKey

    from tooling.core.delegation import Delegation


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
    return votes.canonical_json(payload).encode("utf-8")


def sign_delegation(priv: bytes, *, network: str, delegate: str | None, timestamp: int) -> Delegation:
    """A complete signed delegation (or revocation, ``delegate`` None) for the key ``priv``."""
    from tooling.core.delegation import Delegation, delegation_path

    pub = votes.public_key_hex(priv)
    delegator = votes.node_id(pub)
    payload = delegation_payload(network=network, delegator=delegator, delegate=delegate, timestamp=timestamp)
    return Delegation(
        path=delegation_path(delegator),
        delegator=delegator,
        public_key=pub,
        delegate=delegate,
        network=network,
        timestamp=timestamp,
        signature=votes.sign_payload(priv, payload),
    )


def _load_public_key(public_key: str) -> PublicKey | None:
    from coincurve import PublicKey

    try:
        votes.node_id(public_key)  # the form check: 66 lowercase hex, 02/03 prefix
        return PublicKey(bytes.fromhex(public_key))
    except (ValueError, TypeError):  # wrong form, or not a point on the curve
        return None


def verify_delegation(delegation: Delegation, *, key_cache: dict[str, PublicKey | None] | None = None) -> bool:
    """True only for a strict-DER, low-s signature by the file's public key over its own payload.

    Never raises for a bad value: odd or uppercase hex, a high s, a key off the
    curve are all simply an invalid signature.
    """
    sig_hex = delegation.signature
    if not isinstance(sig_hex, str) or len(sig_hex) % 2 or sig_hex != sig_hex.lower():
        return False
    try:
        der = bytes.fromhex(sig_hex)
    except ValueError:
        return False
    rs = votes.der_signature_rs(der)
    # libsecp256k1 refuses high s too, but the rule is ours to enforce, not the library's.
    if rs is None or rs[1] > votes.HALF_N:
        return False
    pub = delegation.public_key
    if key_cache is None:
        key = _load_public_key(pub)
    elif pub in key_cache:
        key = key_cache[pub]
    else:
        key = key_cache[pub] = _load_public_key(pub)
    if key is None:
        return False
    try:
        return bool(key.verify(der, votes.payload_digest(payload_of(delegation)), hasher=None))
    except (ValueError, TypeError):
        return False


def signature_checker() -> Callable[[Delegation], bool]:
    """A ``verify_delegation`` with its own public-key cache, for checking many versions in one run."""
    cache: dict[str, PublicKey | None] = {}

    def check(delegation: Delegation) -> bool:
        return verify_delegation(delegation, key_cache=cache)

    return check
