"""Votes and keys: canonical JSON, content hashes, secp256k1 keys and vote signatures (SPEC 3, 4).

Everything here is byte-exact with ``shared/vectors/interop.json``. coincurve
(libsecp256k1) is imported only inside the functions that need it, so commands
that never touch a signature do not pay for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from typing import TYPE_CHECKING, Any, Callable, Mapping

from tooling.core import model
from tooling.core.model import Choice, Vote

if TYPE_CHECKING:  # pragma: no cover
    from coincurve import PublicKey

#: Front-matter keys the bot writes; they are not part of the content a vote binds to.
BOT_FIELDS = ("status", "submitted", "resolution", "activated")

#: Order of the group secp256k1.
CURVE_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
HALF_N = CURVE_N // 2

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

_LOWER_HEX = re.compile(r"(?:[0-9a-f]{2})+")
_PUBLIC_KEY_HEX = re.compile(r"0[23][0-9a-f]{64}")
_PRIVATE_KEY_HEX = re.compile(r"[0-9a-f]{64}")
_NODE_ID = re.compile(r"[0-9a-f]{32}")

# Characters json.dumps(ensure_ascii=False) leaves raw but a YAML double-quoted
# scalar cannot hold verbatim (non-printable in YAML, or read as a line break or
# BOM), plus bidirectional controls so a written file always displays honestly.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


# --------------------------------------------------------------------------
# Canonical JSON and content hash


def canonical_json(obj: Any) -> str:
    """The canonical JSON of SPEC 2, used for every hash and signature."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(front_matter: Mapping[str, Any], body: str) -> str:
    """SHA-256 hex of a NEP's content (SPEC 3): front matter without bot fields, body with LF line ends."""
    content = {k: v for k, v in front_matter.items() if k not in BOT_FIELDS}
    doc = {"front_matter": content, "body": body.replace("\r\n", "\n")}
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------
# Keys


def _check_scalar(priv: bytes) -> None:
    if not isinstance(priv, (bytes, bytearray)) or len(priv) != 32:
        raise ValueError("a private key is 32 bytes")
    k = int.from_bytes(priv, "big")
    if not 0 < k < CURVE_N:
        raise ValueError("private key out of range: it must be between 1 and n-1 of secp256k1")


def private_key_from_token(token: str) -> bytes:
    """The private key a NeuroShard wallet token derives: SHA-256 of its UTF-8 bytes, big-endian."""
    priv = hashlib.sha256(token.encode("utf-8")).digest()
    try:
        _check_scalar(priv)
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

    _check_scalar(priv)
    return PrivateKey(bytes(priv)).public_key.format(compressed=True).hex()


def node_id(public_key_hex: str) -> str:
    """The node id of a public key: first 32 hex chars of SHA-256 of the 33 compressed bytes."""
    if not isinstance(public_key_hex, str) or not _PUBLIC_KEY_HEX.fullmatch(public_key_hex):
        raise ValueError("a public key is 66 lowercase hex chars starting with 02 or 03")
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:32]


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


def payload_digest(payload: Mapping[str, Any]) -> bytes:
    """SHA-256 of the payload's canonical JSON: the 32 bytes ECDSA signs (hashed once, no double hash)."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).digest()


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


def sign_payload(priv: bytes, payload: Mapping[str, Any]) -> str:
    """DER signature (lowercase hex) of the payload; RFC 6979 nonce, always low-s."""
    from coincurve import PrivateKey

    _check_scalar(priv)
    der = PrivateKey(bytes(priv)).sign(payload_digest(payload), hasher=None)
    # libsecp256k1 always signs low-s; checked anyway because a high-s vote would never count.
    rs = der_signature_rs(der)
    if rs is None or rs[1] > HALF_N:  # pragma: no cover - library guarantee
        raise RuntimeError("signer produced a non-canonical signature")
    return der.hex()


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


def _load_public_key(public_key: str) -> PublicKey | None:
    from coincurve import PublicKey

    if not isinstance(public_key, str) or not _PUBLIC_KEY_HEX.fullmatch(public_key):
        return None
    try:
        return PublicKey(bytes.fromhex(public_key))
    except Exception:  # not a point on the curve
        return None


def verify_vote(vote: Vote, *, key_cache: dict[str, Any] | None = None) -> bool:
    """True only for a strict-DER, low-s signature by ``vote.public_key`` over the vote's own payload.

    Never raises: any malformed value (odd or uppercase hex, high s, a public
    key off the curve, wrong types) is simply an invalid signature.
    ``key_cache`` maps public-key hex to a parsed key (or None when invalid) so a
    caller verifying many votes parses each distinct key once.
    """
    try:
        sig_hex = vote.signature
        if not isinstance(sig_hex, str) or not _LOWER_HEX.fullmatch(sig_hex):
            return False
        der = bytes.fromhex(sig_hex)
        rs = der_signature_rs(der)
        # libsecp256k1 also refuses high s, but the rule is ours to enforce, not the library's.
        if rs is None or rs[1] > HALF_N:
            return False
        if key_cache is None:
            key = _load_public_key(vote.public_key)
        elif vote.public_key in key_cache:
            key = key_cache[vote.public_key]
        else:
            key = key_cache[vote.public_key] = _load_public_key(vote.public_key)
        if key is None:
            return False
        return bool(key.verify(der, payload_digest(payload_of(vote)), hasher=None))
    except Exception:
        return False


def signature_checker() -> Callable[[Vote], bool]:
    """A ``verify_vote`` with its own public-key cache, for checking many votes in one run."""
    cache: dict[str, Any] = {}

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


# --------------------------------------------------------------------------
# Key files


def render_key_file(priv: bytes) -> str:
    """Key file text: ``{private_key, public_key, node}`` as quoted hex strings."""
    pub = public_key_hex(priv)
    return (
        f"private_key: {yaml_string(bytes(priv).hex())}\n"
        f"public_key: {yaml_string(pub)}\n"
        f"node: {yaml_string(node_id(pub))}\n"
    )


def write_key_file(path: str | os.PathLike[str], priv: bytes) -> None:
    """Create a key file readable by its owner only; an existing file is never overwritten.

    Raises FileExistsError if ``path`` exists (a symlink included). The mode is
    0600 from creation, so the key is never readable by others, not even briefly.
    """
    text = render_key_file(priv)
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # a umask cannot widen it, but make the mode exact
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            fd = -1
            handle.write(text)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(path)
        except OSError:
            pass
        raise


def read_key_file(path: str | os.PathLike[str]) -> bytes:
    """The private key in a key file, after checking that its public key and node match it.

    Raises ValueError with a message naming the problem; OSError if it cannot be read.
    """
    import yaml

    with open(path, "r", encoding="utf-8") as handle:
        text = handle.read()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise ValueError(f"key file {os.fspath(path)} is not valid YAML: {exc}") from None
    where = f"key file {os.fspath(path)}"
    if not isinstance(data, dict):
        raise ValueError(f"{where} is not a mapping of private_key, public_key and node")
    for name in ("private_key", "public_key", "node"):
        if name not in data:
            raise ValueError(f"{where} has no {name}")
        if not isinstance(data[name], str):
            raise ValueError(f"{where}: {name} must be a quoted hex string")
    unknown = sorted(str(k) for k in data if k not in ("private_key", "public_key", "node"))
    if unknown:
        raise ValueError(f"{where} has unknown keys: {', '.join(unknown)}")
    if not _PRIVATE_KEY_HEX.fullmatch(data["private_key"]):
        raise ValueError(f"{where}: private_key must be 64 lowercase hex chars")
    if not _PUBLIC_KEY_HEX.fullmatch(data["public_key"]):
        raise ValueError(f"{where}: public_key must be 66 lowercase hex chars starting with 02 or 03")
    if not _NODE_ID.fullmatch(data["node"]):
        raise ValueError(f"{where}: node must be 32 lowercase hex chars")
    priv = bytes.fromhex(data["private_key"])
    try:
        pub = public_key_hex(priv)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    if pub != data["public_key"]:
        raise ValueError(f"{where}: public_key does not belong to private_key (expected {pub})")
    if node_id(pub) != data["node"]:
        raise ValueError(f"{where}: node does not match the public key (expected {node_id(pub)})")
    return priv
