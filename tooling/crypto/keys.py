"""secp256k1 private keys, compressed public keys and node ids."""

from __future__ import annotations

import hashlib
import re
import secrets

#: Order of the group secp256k1.
CURVE_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
HALF_N = CURVE_N // 2

PUBLIC_KEY_HEX = re.compile(r"0[23][0-9a-f]{64}")
PRIVATE_KEY_HEX = re.compile(r"[0-9a-f]{64}")
NODE_ID = re.compile(r"[0-9a-f]{32}")


def check_scalar(priv: bytes) -> None:
    """ValueError unless ``priv`` is 32 bytes holding a scalar in [1, n-1]."""
    if not isinstance(priv, (bytes, bytearray)) or len(priv) != 32:
        raise ValueError("a private key is 32 bytes")
    k = int.from_bytes(priv, "big")
    if not 0 < k < CURVE_N:
        raise ValueError("private key out of range: it must be between 1 and n-1 of secp256k1")


def private_key_from_token(token: str) -> bytes:
    """The private key a NeuroShard wallet token derives: SHA-256 of its UTF-8 bytes, big-endian."""
    priv = hashlib.sha256(token.encode("utf-8")).digest()
    try:
        check_scalar(priv)
    except ValueError:
        # Probability ~2**-128, but a key of 0 or >= n must never be used.
        raise ValueError("this token does not derive a valid secp256k1 key; use another token") from None
    return priv


def new_private_key() -> bytes:
    """A fresh random private key from the OS's CSPRNG."""
    while True:
        priv = secrets.token_bytes(32)
        if 0 < int.from_bytes(priv, "big") < CURVE_N:
            return priv


def public_key_hex(priv: bytes) -> str:
    """The 33-byte compressed public key of ``priv``, as 66 lowercase hex chars."""
    from coincurve import PrivateKey

    check_scalar(priv)
    return PrivateKey(bytes(priv)).public_key.format(compressed=True).hex()


def node_id(public_key_hex: str) -> str:
    """The node id of a public key: first 32 hex chars of SHA-256 of the 33 compressed bytes."""
    if not isinstance(public_key_hex, str) or not PUBLIC_KEY_HEX.fullmatch(public_key_hex):
        raise ValueError("a public key is 66 lowercase hex chars starting with 02 or 03")
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:32]
