"""Key files: ``{private_key, public_key, node}`` as quoted hex, created readable by the owner only.

The one place of this layer that touches the file system, because creating
the file with mode 0600 and never over an existing one is part of keeping a
key secret, not a detail of the caller.
"""

from __future__ import annotations

import json
import os

from tooling.crypto.keys import NODE_ID, PRIVATE_KEY_HEX, PUBLIC_KEY_HEX, node_id, public_key_hex

KEY_FILE_FIELDS = ("private_key", "public_key", "node")


def render_key_file(priv: bytes) -> str:
    """Key file text: ``{private_key, public_key, node}`` as quoted hex strings."""
    pub = public_key_hex(priv)
    # Lowercase hex needs no escaping: its JSON string is a valid YAML double-quoted scalar.
    values = (bytes(priv).hex(), pub, node_id(pub))
    return "".join(f"{name}: {json.dumps(value)}\n" for name, value in zip(KEY_FILE_FIELDS, values))


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


def parse_key_file(text: str, where: str) -> bytes:
    """The private key in a key file's text, after checking that its public key and node match it.

    Raises ValueError with a message that starts with ``where`` and names the problem.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise ValueError(f"{where} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{where} is not a mapping of private_key, public_key and node")
    for name in KEY_FILE_FIELDS:
        if name not in data:
            raise ValueError(f"{where} has no {name}")
        if not isinstance(data[name], str):
            raise ValueError(f"{where}: {name} must be a quoted hex string")
    unknown = sorted(str(k) for k in data if k not in KEY_FILE_FIELDS)
    if unknown:
        raise ValueError(f"{where} has unknown keys: {', '.join(unknown)}")
    if not PRIVATE_KEY_HEX.fullmatch(data["private_key"]):
        raise ValueError(f"{where}: private_key must be 64 lowercase hex chars")
    if not PUBLIC_KEY_HEX.fullmatch(data["public_key"]):
        raise ValueError(f"{where}: public_key must be 66 lowercase hex chars starting with 02 or 03")
    if not NODE_ID.fullmatch(data["node"]):
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


def read_key_file(path: str | os.PathLike[str]) -> bytes:
    """The private key in the key file at ``path``; ValueError naming the problem, OSError if unreadable."""
    with open(path, "r", encoding="utf-8") as handle:
        text = handle.read()
    return parse_key_file(text, f"key file {os.fspath(path)}")
