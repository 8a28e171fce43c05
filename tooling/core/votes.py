"""Votes: content hashes, the signed payload, signing and judging signatures, vote files (SPEC 3, 4).

The curve, keys and DER live in ``tooling.crypto``; this module binds them to
the NEP process (the vote domain, the payload's fields, the vote file). The
crypto names are re-exported so callers keep one import.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Mapping

from tooling.core import model
from tooling.core.model import Choice, Vote
from tooling.crypto.canonical import canonical_json, payload_digest, sha256_hex
from tooling.crypto.keyfile import read_key_file, render_key_file, write_key_file
from tooling.crypto.keys import CURVE_N, HALF_N, new_private_key, node_id, private_key_from_token, public_key_hex
from tooling.crypto.signatures import KeyCache, der_signature_rs, sign_payload, verify_payload

__all__ = [
    "BOT_FIELDS",
    "CURVE_N",
    "HALF_N",
    "VOTE_FILE_FIELDS",
    "canonical_json",
    "content_hash",
    "der_signature_rs",
    "new_private_key",
    "node_id",
    "payload_digest",
    "payload_of",
    "private_key_from_token",
    "public_key_hex",
    "read_key_file",
    "render_key_file",
    "render_vote_file",
    "sign_payload",
    "sign_vote",
    "signature_checker",
    "verify_vote",
    "vote_from_mapping",
    "vote_path",
    "vote_payload",
    "write_key_file",
    "yaml_string",
]

#: Front-matter keys the bot writes; they are not part of the content a vote binds to.
BOT_FIELDS = ("status", "submitted", "resolution", "activated")

#: Order of the keys in a vote file (SPEC 4).
VOTE_FILE_FIELDS = (
    "nep",
    "voter",
    "public_key",
    "choice",
    "timestamp",
    "reason",
    "content_hash",
    "network",
    "signature",
)

# Characters json.dumps(ensure_ascii=False) leaves raw but a YAML double-quoted
# scalar cannot hold verbatim (non-printable in YAML, or read as a line break or
# BOM), plus bidirectional controls so a written file always displays honestly.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def content_hash(front_matter: Mapping[str, Any], body: str) -> str:
    """SHA-256 hex of a NEP's content (SPEC 3): front matter without bot fields, body with LF line ends."""
    content = {k: v for k, v in front_matter.items() if k not in BOT_FIELDS}
    return sha256_hex({"front_matter": content, "body": body.replace("\r\n", "\n")})


# --------------------------------------------------------------------------
# Payload and signatures


def vote_payload(
    *, network: str, nep: int, content_hash: str, voter: str, choice: str, timestamp: int, reason: str
) -> dict[str, Any]:
    """The signed object of SPEC 4 (the domain separates it from every other signature)."""
    return {
        "domain": model.VOTE_DOMAIN,
        "network": str(network),
        "nep": nep,
        "content_hash": str(content_hash),
        "voter": str(voter),
        # str() turns a Choice into its plain value, so the JSON is the same either way.
        "choice": str(choice),
        "timestamp": timestamp,
        "reason": str(reason),
    }


def payload_of(vote: Vote) -> dict[str, Any]:
    """The signed payload of a vote, rebuilt from its own values."""
    return vote_payload(
        network=vote.network,
        nep=vote.nep,
        content_hash=vote.content_hash,
        voter=vote.voter,
        choice=vote.choice,
        timestamp=vote.timestamp,
        reason=vote.reason,
    )


def sign_vote(
    priv: bytes,
    *,
    network: str,
    nep: int,
    content_hash: str,
    choice: Choice | str,
    timestamp: int,
    reason: str = "",
) -> Vote:
    """A complete signed vote for the key ``priv``, with its canonical path."""
    pub = public_key_hex(priv)
    voter = node_id(pub)
    payload = vote_payload(
        network=network,
        nep=nep,
        content_hash=content_hash,
        voter=voter,
        choice=str(choice),
        timestamp=timestamp,
        reason=reason,
    )
    return Vote(
        path=vote_path(nep, voter),
        nep=nep,
        voter=voter,
        public_key=pub,
        choice=Choice(str(choice)),
        timestamp=timestamp,
        reason=reason,
        content_hash=content_hash,
        network=network,
        signature=sign_payload(priv, payload),
    )


def vote_path(nep: int, voter: str) -> str:
    """The only path at which ``voter``'s vote on ``nep`` counts."""
    return f"votes/nep-{nep:04d}/{voter}.yaml"


def verify_vote(vote: Vote, *, key_cache: KeyCache | None = None) -> bool:
    """True only for a strict-DER, low-s signature by ``vote.public_key`` over the vote's own payload.

    A malformed value (odd or uppercase hex, high s, a public key off the
    curve) is an invalid signature. ``key_cache`` maps public-key hex to a
    parsed key (or None when invalid) so a caller verifying many votes parses
    each distinct key once.
    """
    return verify_payload(vote.public_key, vote.signature, payload_of(vote), key_cache=key_cache)


def signature_checker() -> Callable[[Vote], bool]:
    """A ``verify_vote`` with its own public-key cache, for checking many votes in one run."""
    cache: KeyCache = {}

    def check(vote: Vote) -> bool:
        return verify_vote(vote, key_cache=cache)

    return check


# --------------------------------------------------------------------------
# Vote files


def vote_from_mapping(data: Mapping[str, Any], path: str) -> Vote:
    """A Vote from a loaded vote file that already passed the vote schema."""
    return Vote(
        path=path,
        nep=data["nep"],
        voter=data["voter"],
        public_key=data["public_key"],
        choice=Choice(data["choice"]),
        timestamp=data["timestamp"],
        reason=data["reason"],
        content_hash=data["content_hash"],
        network=data["network"],
        signature=data["signature"],
    )


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar for ``value`` (JSON string syntax is valid YAML)."""
    text = json.dumps(str(value), ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"cannot write {type(value).__name__} into a vote file")
    return str(value) if isinstance(value, int) else yaml_string(value)


def render_vote_file(vote: Vote) -> str:
    """The vote file's text: SPEC field order, every string double-quoted, integers bare."""
    values = {
        "nep": vote.nep,
        "voter": vote.voter,
        "public_key": vote.public_key,
        "choice": str(vote.choice),
        "timestamp": vote.timestamp,
        "reason": vote.reason,
        "content_hash": vote.content_hash,
        "network": vote.network,
        "signature": vote.signature,
    }
    return "".join(f"{name}: {_yaml_scalar(values[name])}\n" for name in VOTE_FILE_FIELDS)
