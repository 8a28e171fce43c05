"""SPEC 3 content hash and SPEC 4 keys and signatures, byte for byte against the interop vectors."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from pathlib import Path

import pytest
import yaml

from tooling.core import votes
from tooling.core.model import VOTE_DOMAIN, Choice, Vote

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors" / "interop.json"


@pytest.fixture(scope="module")
def vec() -> dict:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def vector_vote(vec) -> Vote:
    return votes.vote_from_mapping(vec["vote_file_fields"], votes.vote_path(1, vec["node_id"]))


def split_nep(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    end = text.index("\n---\n", 3)
    front = yaml.safe_load(text[4 : end + 1])
    body = text[end + len("\n---\n") :]
    return front, body


# --------------------------------------------------------------------------
# Keys


def test_private_key_from_wallet_token_matches_vector(vec):
    assert votes.private_key_from_token(vec["wallet_token"]).hex() == vec["private_key_hex"]


def test_public_key_is_compressed_33_bytes_matching_vector(vec):
    pub = votes.public_key_hex(bytes.fromhex(vec["private_key_hex"]))
    assert pub == vec["public_key_compressed_hex"]
    assert len(bytes.fromhex(pub)) == 33


def test_node_id_is_first_32_hex_of_sha256_of_public_key(vec):
    assert votes.node_id(vec["public_key_compressed_hex"]) == vec["node_id"]


def test_private_key_zero_and_n_are_refused():
    with pytest.raises(ValueError):
        votes.public_key_hex(bytes(32))
    with pytest.raises(ValueError):
        votes.public_key_hex(votes.CURVE_N.to_bytes(32, "big"))


def test_new_private_key_is_a_valid_distinct_key():
    a, b = votes.new_private_key(), votes.new_private_key()
    assert a != b and len(a) == 32
    assert len(votes.node_id(votes.public_key_hex(a))) == 32


def test_node_id_rejects_a_malformed_public_key():
    with pytest.raises(ValueError):
        votes.node_id("04" + "00" * 32)


# --------------------------------------------------------------------------
# Canonical JSON and content hash


def test_content_hash_of_vector_nep_file(vec):
    front, body = split_nep(vec["nep_file"])
    assert votes.content_hash(front, body) == vec["nep_content_hash"]


def test_content_hash_ignores_bot_fields_and_crlf(vec):
    front, body = split_nep(vec["nep_file"])
    botted = dict(front, status="voting", submitted="2026-01-01T00:00:00Z", activated="2026-02-01T00:00:00Z",
                  resolution={"outcome": "approved"})
    assert votes.content_hash(botted, body.replace("\n", "\r\n")) == vec["nep_content_hash"]


def test_content_hash_changes_with_the_body_and_author_fields(vec):
    front, body = split_nep(vec["nep_file"])
    assert votes.content_hash(front, body + "x") != vec["nep_content_hash"]
    assert votes.content_hash(dict(front, title="Another title here"), body) != vec["nep_content_hash"]


def test_vote_payload_canonical_json_and_sha256_match_vector(vec):
    f = vec["vote_file_fields"]
    payload = votes.vote_payload(
        network=f["network"], nep=f["nep"], content_hash=f["content_hash"], voter=f["voter"],
        choice=Choice(f["choice"]), timestamp=f["timestamp"], reason=f["reason"],
    )
    assert payload == vec["vote_payload"]
    assert payload["domain"] == VOTE_DOMAIN
    assert votes.canonical_json(payload) == vec["vote_payload_canonical_json"]
    assert votes.payload_digest(payload).hex() == vec["vote_payload_sha256"]


def test_canonical_json_keeps_unicode_unescaped():
    assert votes.canonical_json({"b": "é", "a": 1}) == '{"a":1,"b":"é"}'


# --------------------------------------------------------------------------
# Signatures


def test_rfc6979_signature_reproduces_vector_low_s(vec):
    sig = votes.sign_payload(bytes.fromhex(vec["private_key_hex"]), vec["vote_payload"])
    assert sig == vec["signature_der_hex_low_s"]


def test_vector_low_s_signature_verifies(vector_vote):
    assert votes.verify_vote(vector_vote) is True


def test_vector_high_s_twin_is_rejected(vec, vector_vote):
    high = dataclasses.replace(vector_vote, signature=vec["signature_der_hex_high_s_must_be_rejected"])
    rs = votes.der_signature_rs(bytes.fromhex(high.signature))
    assert rs is not None and rs[1] > votes.HALF_N  # it is a well-formed DER, only high-s
    assert votes.verify_vote(high) is False


@pytest.mark.parametrize(
    "field, value",
    [
        ("nep", 2),
        ("content_hash", "0" * 64),
        ("network", "neuroshard-testnet"),
        ("choice", Choice.NO),
        ("timestamp", 1767900001),
        ("reason", "Halves the memory per node"),
        ("voter", "0" * 32),
    ],
)
def test_changing_any_signed_field_breaks_the_signature(vector_vote, field, value):
    assert votes.verify_vote(dataclasses.replace(vector_vote, **{field: value})) is False


def test_signature_by_another_key_fails(vector_vote):
    other = votes.public_key_hex(votes.private_key_from_token("another token"))
    assert votes.verify_vote(dataclasses.replace(vector_vote, public_key=other)) is False


@pytest.mark.parametrize(
    "signature",
    ["", "zz", "3044", "abc", "30" * 40, "00" * 70, 12345, None],
)
def test_garbage_signature_returns_false(vector_vote, signature):
    assert votes.verify_vote(dataclasses.replace(vector_vote, signature=signature)) is False


def test_uppercase_hex_signature_is_not_accepted(vector_vote):
    assert votes.verify_vote(dataclasses.replace(vector_vote, signature=vector_vote.signature.upper())) is False


def test_non_minimal_der_encoding_is_rejected(vector_vote):
    der = bytes.fromhex(vector_vote.signature)
    r_len = der[3]
    r, s = der[4 : 4 + r_len], der[6 + r_len :]
    padded_r = b"\x00" + r  # same r, one needless leading zero
    body = b"\x02" + bytes([len(padded_r)]) + padded_r + b"\x02" + bytes([len(s)]) + s
    bad = b"\x30" + bytes([len(body)]) + body
    assert votes.der_signature_rs(bad) is None
    assert votes.verify_vote(dataclasses.replace(vector_vote, signature=bad.hex())) is False


def test_trailing_bytes_after_der_are_rejected(vector_vote):
    assert votes.verify_vote(dataclasses.replace(vector_vote, signature=vector_vote.signature + "00")) is False


@pytest.mark.parametrize("public_key", ["02" + "ff" * 32, "04" + "11" * 32, "02", "", None])
def test_invalid_public_key_returns_false(vector_vote, public_key):
    assert votes.verify_vote(dataclasses.replace(vector_vote, public_key=public_key)) is False


def test_sign_vote_round_trip_with_a_fresh_key():
    priv = votes.new_private_key()
    vote = votes.sign_vote(priv, network="net", nep=7, content_hash="a" * 64, choice="abstain",
                           timestamp=1_700_000_000, reason="why not")
    assert vote.path == f"votes/nep-0007/{vote.voter}.yaml"
    assert votes.verify_vote(vote) is True
    checker = votes.signature_checker()
    assert checker(vote) is True and checker(vote) is True


# --------------------------------------------------------------------------
# Vote files


def test_rendered_vote_file_has_spec_field_order_and_round_trips(vec, vector_vote):
    text = votes.render_vote_file(vector_vote)
    keys = [line.split(":", 1)[0] for line in text.splitlines()]
    assert keys == list(votes.VOTE_FILE_FIELDS)
    assert yaml.safe_load(text) == vec["vote_file_fields"]
    assert 'choice: "yes"\n' in text and "nep: 1\n" in text and "timestamp: 1767900000\n" in text


@pytest.mark.parametrize(
    "reason",
    [
        "",
        'He said "no" \\ then yes',
        "line one\nline two\n",
        "tab\there",
        "unicode: é ü 中文 🚀",
        "# not a comment",
        "key: value",
        "- list? no",
        "  leading and trailing spaces  ",
        "yes",
        "null",
        "'single'",
        "del\x7f c1\x85 ls\u2028 ps\u2029 bom\ufeff rlo\u202e",
    ],
)
def test_vote_file_reason_round_trips_through_yaml(vector_vote, reason):
    vote = dataclasses.replace(vector_vote, reason=reason)
    loaded = yaml.safe_load(votes.render_vote_file(vote))
    assert loaded["reason"] == reason
    assert votes.vote_from_mapping(loaded, vote.path) == vote


def test_vote_from_mapping_makes_a_choice_enum(vec):
    vote = votes.vote_from_mapping(vec["vote_file_fields"], "p.yaml")
    assert vote.choice is Choice.YES and vote.path == "p.yaml"


# --------------------------------------------------------------------------
# Key files


def test_key_file_is_created_0600_and_read_back(tmp_path, vec):
    path = tmp_path / "key.yaml"
    priv = bytes.fromhex(vec["private_key_hex"])
    votes.write_key_file(path, priv)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    data = yaml.safe_load(path.read_text())
    assert data == {
        "private_key": vec["private_key_hex"],
        "public_key": vec["public_key_compressed_hex"],
        "node": vec["node_id"],
    }
    assert votes.read_key_file(path) == priv


def test_key_file_is_never_overwritten(tmp_path):
    path = tmp_path / "key.yaml"
    votes.write_key_file(path, votes.new_private_key())
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        votes.write_key_file(path, votes.new_private_key())
    assert path.read_bytes() == before


def test_key_file_refuses_to_write_through_a_symlink(tmp_path):
    target = tmp_path / "target"
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    with pytest.raises(FileExistsError):
        votes.write_key_file(link, votes.new_private_key())
    assert not target.exists()


@pytest.mark.parametrize(
    "text, message",
    [
        ("- a\n- b\n", "not a mapping"),
        ('private_key: "zz"\npublic_key: "02"\nnode: "00"\n', "private_key must be 64"),
        ('public_key: "02"\nnode: "00"\n', "no private_key"),
    ],
)
def test_bad_key_files_give_clear_errors(tmp_path, text, message):
    path = tmp_path / "key.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        votes.read_key_file(path)


def test_key_file_with_mismatched_public_key_or_node_is_refused(tmp_path, vec):
    good = {
        "private_key": vec["private_key_hex"],
        "public_key": vec["public_key_compressed_hex"],
        "node": vec["node_id"],
    }
    other_pub = votes.public_key_hex(votes.private_key_from_token("x"))
    for change, message in (({"public_key": other_pub}, "public_key does not belong"),
                            ({"node": "0" * 32}, "node does not match")):
        path = tmp_path / f"{message[:4]}.yaml"
        path.write_text("".join(f'{k}: "{v}"\n' for k, v in {**good, **change}.items()))
        with pytest.raises(ValueError, match=message):
            votes.read_key_file(path)
