"""ECDSA over secp256k1: strict-DER, low-s signatures of canonical payloads."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Mapping, MutableMapping

from tooling.crypto.canonical import payload_digest
from tooling.crypto.keys import CURVE_N, HALF_N, PUBLIC_KEY_HEX, check_scalar

if TYPE_CHECKING:  # pragma: no cover
    from coincurve import PublicKey

_LOWER_HEX = re.compile(r"(?:[0-9a-f]{2})+")

#: Public-key hex -> parsed key, or None for a key that is not on the curve.
KeyCache = MutableMapping[str, "PublicKey | None"]


def sign_payload(priv: bytes, payload: Mapping[str, Any]) -> str:
    """DER signature (lowercase hex) of the payload; RFC 6979 nonce, always low-s."""
    from coincurve import PrivateKey

    check_scalar(priv)
    der = PrivateKey(bytes(priv)).sign(payload_digest(payload), hasher=None)
    # libsecp256k1 always signs low-s; checked anyway because a high-s vote would never count.
    rs = der_signature_rs(der)
    if rs is None or rs[1] > HALF_N:  # pragma: no cover - library guarantee
        raise RuntimeError("signer produced a non-canonical signature")
    return der.hex()


def der_signature_rs(der: bytes) -> tuple[int, int] | None:
    """(r, s) of a strictly DER-encoded ECDSA signature, or None if it is not strict DER.

    Strict means: minimal lengths, no negative or zero-padded integers, nothing
    trailing, and 1 <= r, s < n. Any other encoding of the same (r, s) would be a
    second valid file for one vote, so it is refused rather than normalised.
    """
    size = len(der)
    if size < 8 or size > 72 or der[0] != 0x30 or der[1] != size - 2:
        return None
    if der[2] != 0x02:
        return None
    rlen = der[3]
    if rlen == 0 or 4 + rlen + 2 > size:
        return None
    r_bytes = der[4 : 4 + rlen]
    if der[4 + rlen] != 0x02:
        return None
    slen = der[5 + rlen]
    if slen == 0 or 6 + rlen + slen != size:
        return None
    s_bytes = der[6 + rlen :]
    for part in (r_bytes, s_bytes):
        if part[0] & 0x80:  # negative
            return None
        if len(part) > 1 and part[0] == 0 and not part[1] & 0x80:  # needless leading zero
            return None
    r = int.from_bytes(r_bytes, "big")
    s = int.from_bytes(s_bytes, "big")
    if not (0 < r < CURVE_N and 0 < s < CURVE_N):
        return None
    return r, s


def load_public_key(public_key: object) -> PublicKey | None:
    """The curve point of a compressed public key in lowercase hex, or None if it is not one."""
    from coincurve import PublicKey

    if not isinstance(public_key, str) or not PUBLIC_KEY_HEX.fullmatch(public_key):
        return None
    try:
        return PublicKey(bytes.fromhex(public_key))
    except ValueError:  # coincurve: not a point on the curve
        return None


def verify_payload(
    public_key: object, signature: object, payload: Mapping[str, Any], *, key_cache: KeyCache | None = None
) -> bool:
    """True only for a strict-DER, low-s signature by ``public_key`` over ``payload``.

    Malformed input (odd or uppercase hex, high s, a key off the curve, a
    payload that has no canonical JSON) is an invalid signature, not an error.
    Anything else a bug would raise is left to raise, so it can never pass as
    a verdict. ``key_cache`` lets a caller verifying many signatures parse each
    distinct key once.
    """
    try:
        digest = payload_digest(payload)
    except (TypeError, ValueError):  # a value JSON cannot hold, or text that is not UTF-8 encodable
        return False
    return verify_digest(public_key, signature, digest, key_cache=key_cache)


def verify_digest(public_key: object, signature: object, digest: bytes, *, key_cache: KeyCache | None = None) -> bool:
    """``verify_payload`` for a caller that already hashed the canonical payload (built once per vote)."""
    if not isinstance(signature, str) or not _LOWER_HEX.fullmatch(signature):
        return False
    der = bytes.fromhex(signature)
    rs = der_signature_rs(der)
    # libsecp256k1 also refuses high s, but the rule is ours to enforce, not the library's.
    if rs is None or rs[1] > HALF_N or not isinstance(public_key, str):
        return False
    if key_cache is None:
        key = load_public_key(public_key)
    elif public_key in key_cache:
        key = key_cache[public_key]
    else:
        key = key_cache[public_key] = load_public_key(public_key)
    if key is None:
        return False
    try:
        return bool(key.verify(der, digest, hasher=None))
    except ValueError:  # coincurve: a signature libsecp256k1 cannot parse
        return False
