"""tooling.crypto: a malformed signature is a verdict; a bug is an error, never BAD_SIGNATURE."""

from __future__ import annotations

import pytest

from tooling.crypto import keyfile, keys, signatures
from tooling.crypto.canonical import canonical_json

PRIV = keys.private_key_from_token("crypto-test-token")
PUB = keys.public_key_hex(PRIV)
PAYLOAD = {"domain": "test", "n": 1, "text": "é"}


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


def test_a_signature_verifies_and_a_changed_payload_does_not() -> None:
    sig = signatures.sign_payload(PRIV, PAYLOAD)
    assert signatures.verify_payload(PUB, sig, PAYLOAD)
    assert not signatures.verify_payload(PUB, sig, {**PAYLOAD, "n": 2})


@pytest.mark.parametrize(
    "public_key, signature",
    [
        (PUB, "zz"),
        (PUB, "ABCD"),
        (PUB, 12),
        ("02" + "00" * 32, None),  # not on the curve; signature filled below
        (None, None),
    ],
)
def test_malformed_input_is_an_invalid_signature(public_key: object, signature: object) -> None:
    sig = signatures.sign_payload(PRIV, PAYLOAD) if signature is None else signature
    assert signatures.verify_payload(public_key, sig, PAYLOAD) is False


def test_a_payload_without_canonical_json_is_an_invalid_signature() -> None:
    sig = signatures.sign_payload(PRIV, PAYLOAD)
    assert signatures.verify_payload(PUB, sig, {"x": object()}) is False
    assert signatures.verify_payload(PUB, sig, {"x": "\ud800"}) is False


def test_an_unexpected_error_is_not_turned_into_a_verdict() -> None:
    class Broken(dict):
        def __contains__(self, key: object) -> bool:
            raise RuntimeError("bug")

    sig = signatures.sign_payload(PRIV, PAYLOAD)
    with pytest.raises(RuntimeError):
        signatures.verify_payload(PUB, sig, PAYLOAD, key_cache=Broken())


def test_key_file_round_trip_and_mismatch(tmp_path) -> None:
    path = tmp_path / "k.yaml"
    keyfile.write_key_file(path, PRIV)
    assert keyfile.read_key_file(path) == PRIV
    assert (path.stat().st_mode & 0o777) == 0o600
    with pytest.raises(FileExistsError):
        keyfile.write_key_file(path, PRIV)
    other = keys.public_key_hex(keys.private_key_from_token("other"))
    text = path.read_text().replace(PUB, other)
    with pytest.raises(ValueError, match="does not belong"):
        keyfile.parse_key_file(text, "key file k.yaml")
