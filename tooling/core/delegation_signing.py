"""Delegation payloads and signatures (SPEC 11): byte-exact with ``shared/vectors/delegation.json``.

The signed object has its own domain, so no vote signature can ever be read as
a delegation or the other way round. The curve arithmetic is the votes'
(``tooling.crypto``: strict DER, low-s only, SHA-256 hashed once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from tooling.core.model import DELEGATION_DOMAIN
from tooling.crypto.canonical import canonical_json
from tooling.crypto.keys import node_id, public_key_hex
from tooling.crypto.signatures import KeyCache, sign_payload, verify_payload

if TYPE_CHECKING:  # pragma: no cover
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
    return canonical_json(payload).encode("utf-8")


def sign_delegation(priv: bytes, *, network: str, delegate: str | None, timestamp: int) -> Delegation:
    """A complete signed delegation (or revocation, ``delegate`` None) for the key ``priv``."""
    from tooling.core.delegation import Delegation, delegation_path

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
