"""Canonical JSON (SPEC 2): the one byte form that every hash and signature covers."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping


#: One encoder for every call: ``json.dumps`` with options builds a new one each time (100,000 votes a run).
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(obj: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text kept as is."""
    return _ENCODER.encode(obj)


def sha256_hex(obj: Any) -> str:
    """SHA-256 hex of ``obj``'s canonical JSON."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def payload_digest(payload: Mapping[str, Any]) -> bytes:
    """SHA-256 of the payload's canonical JSON: the 32 bytes ECDSA signs (hashed once, no double hash)."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).digest()
