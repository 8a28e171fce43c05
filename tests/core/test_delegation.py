"""SPEC 11 delegation files: the public vector byte for byte, the schema, and versions judged in code order."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from tooling.core import votes
from tooling.core.delegation import (
    Delegation,
    DelegationVersion,
    delegate_summaries,
    delegates_at,
    delegation_in_force,
    delegations_in_force,
    delegation_path,
    judge_versions,
    delegation_payload,
    payload_bytes,
    payload_of,
    render_delegation_file,
    sign_delegation,
    verify_delegation,
)
from tooling.core.model import DELEGATION_DOMAIN, DelegationCode
from tooling.core.stakes import Snapshot
from tooling.parse.delegations import judged_history, parse_delegation, versions_from_blobs, versions_from_history

from helpers import high_s_twin

VECTOR_FILE = Path(__file__).resolve().parents[3] / "shared" / "vectors" / "delegation.json"

NET = "neuroshard-mainnet"
T = 1_768_000_000


def vector() -> dict:
    if not VECTOR_FILE.exists():
        pytest.skip("shared/vectors/delegation.json is not available")
    return json.loads(VECTOR_FILE.read_text(encoding="utf-8"))


def key(token: str) -> bytes:
    return votes.private_key_from_token(token)


ALICE, BOB, CAROL = key("alice"), key("bob"), key("carol")


def node(priv: bytes) -> str:
    return votes.node_id(votes.public_key_hex(priv))


# --------------------------------------------------------------------------
# The public vector, byte for byte


def test_vector_keys_and_node_ids_derive_from_the_wallet_tokens():
    v = vector()
    for token, priv, pub, nid in (
        (v["wallet_token"], v["private_key_hex"], v["public_key_compressed_hex"], v["node_id"]),
        (v["delegate_token"], v["delegate_private_key_hex"], v["delegate_public_key_compressed_hex"],
         v["delegate_node_id"]),
    ):
        assert votes.private_key_from_token(token).hex() == priv
        assert votes.public_key_hex(bytes.fromhex(priv)) == pub
        assert votes.node_id(pub) == nid


@pytest.mark.parametrize("case", ["delegation", "revocation"])
def test_vector_payload_hash_and_signature_byte_for_byte(case):
    v = vector()
    c = v if case == "delegation" else v["revocation"]
    expected = c["delegation_payload"]
    payload = delegation_payload(network=v["network"], delegator=v["node_id"], delegate=expected["delegate"],
                                 timestamp=expected["timestamp"])
    assert payload == expected and payload["domain"] == DELEGATION_DOMAIN
    assert payload_bytes(payload) == c["delegation_payload_canonical_json"].encode("utf-8")
    assert hashlib.sha256(payload_bytes(payload)).hexdigest() == c["delegation_payload_sha256"]
    signed = sign_delegation(bytes.fromhex(v["private_key_hex"]), network=v["network"],
                             delegate=expected["delegate"], timestamp=expected["timestamp"])
    assert signed.signature == c["signature_der_hex_low_s"]  # RFC 6979: libsecp256k1 reproduces it
    assert signed.path == v["delegation_file_path"]
    assert render_delegation_file(signed) == c["delegation_file"]
    assert payload_of(signed) == expected


@pytest.mark.parametrize("case", ["delegation", "revocation"])
def test_vector_file_parses_verifies_and_its_high_s_twin_is_bad_signature(case):
    v = vector()
    c = v if case == "delegation" else v["revocation"]
    parsed = parse_delegation(v["delegation_file_path"], c["delegation_file"].encode("utf-8"))
    assert parsed.diagnostics == () and parsed.delegation is not None
    assert parsed.delegation.delegate == c["delegation_payload"]["delegate"]
    assert verify_delegation(parsed.delegation)
    twin = dataclasses.replace(parsed.delegation, signature=c["signature_der_hex_high_s_must_be_rejected"])
    assert high_s_twin(c["signature_der_hex_low_s"]) == c["signature_der_hex_high_s_must_be_rejected"]
    assert not verify_delegation(twin)
    [judged] = judge_versions([DelegationVersion(twin.path, twin, c["delegation_payload"]["timestamp"])],
                              network_at=lambda t: v["network"])
    assert judged.code is DelegationCode.BAD_SIGNATURE


def test_a_vote_signature_is_never_a_delegation_signature():
    """The domains differ, so a signature over one payload cannot be replayed as the other."""
    d = sign_delegation(ALICE, network=NET, delegate=node(BOB), timestamp=T)
    vote_sig = votes.sign_payload(ALICE, {k: v for k, v in payload_of(d).items() if k != "domain"})
    assert not verify_delegation(dataclasses.replace(d, signature=vote_sig))


@pytest.mark.parametrize("bad", ["", "zz", "3044", "30440220", "ABCDEF", "abc"])
def test_garbage_signatures_are_invalid_never_an_exception(bad):
    d = sign_delegation(ALICE, network=NET, delegate=node(BOB), timestamp=T)
    assert not verify_delegation(dataclasses.replace(d, signature=bad))
    assert not verify_delegation(dataclasses.replace(d, signature=d.signature.upper()))


def test_a_key_off_the_curve_is_an_invalid_signature():
    d = sign_delegation(ALICE, network=NET, delegate=node(BOB), timestamp=T)
    assert not verify_delegation(dataclasses.replace(d, public_key="02" + "ff" * 32))


# --------------------------------------------------------------------------
# Parsing and the schema


def test_quoted_and_unquoted_layouts_read_the_same_delegation():
    v = vector()
    text = v["delegation_file"]
    canonical = parse_delegation(v["delegation_file_path"], text.encode())
    assert canonical.positions is None  # the fast path
    spaced = parse_delegation(v["delegation_file_path"], ("# mine\n" + text).encode())
    assert spaced.positions is not None and spaced.delegation == canonical.delegation
    assert spaced.pos("delegate").line == 4


@pytest.mark.parametrize(
    "mutate, slug",
    [
        (lambda t: t + "extra: 1\n", "schema-unknown-key"),
        (lambda t: t.replace('timestamp: 1767900000', 'timestamp: "1767900000"'), "schema-type"),
        (lambda t: t.replace('timestamp: 1767900000', 'timestamp: 253402300800'), "schema-value"),
        (lambda t: t.replace('timestamp: 1767900000', 'timestamp: -1'), "schema-value"),
        (lambda t: t.replace('delegate: "fcadd0ad7ac6090065240a1820edf0ad"', 'delegate: "FCADD0AD7AC6090065240A1820EDF0AD"'),
         "schema-value"),
        (lambda t: t.replace('public_key: "037b', 'public_key: "047b'), "schema-value"),
        (lambda t: "\n".join(line for line in t.splitlines() if not line.startswith("network")) + "\n",
         "schema-required"),
        (lambda t: t.replace("network:", "delegator:"), "yaml-duplicate-key"),
        (lambda t: "[1, 2]\n", "schema-type"),
        (lambda t: "delegator: [\n", "yaml-syntax"),
    ],
)
def test_malformed_files_have_diagnostics_at_a_line(mutate, slug):
    v = vector()
    parsed = parse_delegation(v["delegation_file_path"], mutate(v["delegation_file"]).encode())
    assert parsed.delegation is None
    assert slug in {d.slug for d in parsed.diagnostics}
    assert parsed.error and parsed.error.startswith("line ")


def test_bytes_that_are_not_utf8_are_malformed_not_an_exception():
    parsed = parse_delegation("delegations/x.yaml", b"\xff\xfe delegator: 1")
    assert parsed.delegation is None and parsed.diagnostics[0].slug == "not-utf8"


def test_delegate_null_tilde_and_empty_all_revoke():
    v = vector()
    text = v["revocation"]["delegation_file"]
    for spelling in ("null", "~", ""):
        raw = text.replace("delegate: null", f"delegate: {spelling}".rstrip()).encode()
        parsed = parse_delegation(v["delegation_file_path"], raw)
        assert parsed.delegation is not None and parsed.delegation.delegate is None
        assert verify_delegation(parsed.delegation)


# --------------------------------------------------------------------------
# Versions, judged in SPEC order


def signed(priv: bytes, delegate: str | None, ts: int, *, network: str = NET) -> Delegation:
    return sign_delegation(priv, network=network, delegate=delegate, timestamp=ts)


def version(d: Delegation | None, at: int, path: str | None = None) -> DelegationVersion:
    return DelegationVersion(path or (d.path if d else "delegations/x.yaml"), d, at)


def judge(*versions: DelegationVersion, network_at=lambda t: NET):
    return judge_versions(versions, network_at=network_at)


def codes(*versions: DelegationVersion, **kw) -> list[DelegationCode | None]:
    return [j.code for j in judge(*versions, **kw)]


def test_a_valid_delegation_is_in_force_from_its_inclusion():
    j = judge(version(signed(ALICE, node(BOB), T), T))
    assert [x.code for x in j] == [None]
    assert delegation_in_force(j, T - 1) is None
    assert delegation_in_force(j, T).delegate == node(BOB)


def test_malformed_version_changes_nothing():
    good = version(signed(ALICE, node(BOB), T), T)
    broken = DelegationVersion(good.path, None, T + 10, error="line 1: bad")
    j = judge(good, broken)
    assert [x.code for x in j] == [None, DelegationCode.MALFORMED]
    assert delegation_in_force(j, T + 10) is j[0]


def test_wrong_path_is_judged_before_the_network():
    d = signed(ALICE, node(BOB), T, network="testnet")
    assert codes(version(d, T, path=delegation_path(node(CAROL)))) == [DelegationCode.WRONG_PATH]
    assert codes(version(d, T, path="delegations/sub/" + node(ALICE) + ".yaml")) == [DelegationCode.WRONG_PATH]


def test_wrong_network_is_the_network_in_force_at_inclusion():
    d = signed(ALICE, node(BOB), T, network="testnet")
    networks = {T: "testnet", T + 5: NET}
    assert codes(version(d, T), network_at=networks) == [None]
    assert codes(version(d, T + 5), network_at=networks) == [DelegationCode.WRONG_NETWORK]
    assert codes(version(d, T), network_at=lambda t: None) == [DelegationCode.WRONG_NETWORK]


def test_bad_key_before_bad_signature():
    d = signed(ALICE, node(BOB), T)
    stranger = dataclasses.replace(d, public_key=votes.public_key_hex(CAROL))
    assert codes(version(stranger, T)) == [DelegationCode.BAD_KEY]
    assert codes(version(dataclasses.replace(d, signature=d.signature[:-2] + "00"), T)) == [
        DelegationCode.BAD_SIGNATURE
    ]
    tampered = dataclasses.replace(d, delegate=node(CAROL))  # signature over another delegate
    assert codes(version(tampered, T)) == [DelegationCode.BAD_SIGNATURE]


def test_self_delegation_is_refused_even_when_well_signed():
    assert codes(version(signed(ALICE, node(ALICE), T), T)) == [DelegationCode.SELF_DELEGATION]


def test_timestamp_at_inclusion_plus_300_is_valid():
    assert codes(version(signed(ALICE, node(BOB), T + 300), T)) == [None]


def test_timestamp_at_inclusion_plus_301_is_future_timestamp():
    assert codes(version(signed(ALICE, node(BOB), T + 301), T)) == [DelegationCode.FUTURE_TIMESTAMP]


def test_a_far_future_timestamp_cannot_freeze_a_delegation():
    """The version that would make every later one STALE is itself invalid, so it blocks nothing."""
    frozen = version(signed(ALICE, node(BOB), 253402300799), T)
    later = version(signed(ALICE, node(CAROL), T + 100), T + 100)
    assert codes(frozen, later) == [DelegationCode.FUTURE_TIMESTAMP, None]


def test_replayed_older_version_is_stale():
    first = signed(ALICE, node(BOB), T)
    second = signed(ALICE, node(CAROL), T + 100)
    replay = dataclasses.replace(first)  # the same signed values, written again after the second
    j = judge(version(first, T), version(second, T + 100), version(replay, T + 200))
    assert [x.code for x in j] == [None, None, DelegationCode.STALE]
    assert delegation_in_force(j, T + 200).delegate == node(CAROL)


def test_the_same_values_rewritten_as_a_new_blob_are_stale():
    d = signed(ALICE, node(BOB), T)
    text = render_delegation_file(d)
    blobs = [(text.encode(), T), (("# again\n" + text).encode(), T + 50)]
    j = judged_history(d.path, blobs, network_at=lambda t: NET)
    assert [x.code for x in j] == [None, DelegationCode.STALE]


def test_a_blob_put_back_verbatim_is_not_a_new_version():
    a = render_delegation_file(signed(ALICE, node(BOB), T)).encode()
    b = render_delegation_file(signed(ALICE, node(CAROL), T + 10)).encode()
    versions = versions_from_blobs(delegation_path(node(ALICE)), [(a, T), (b, T + 10), (a, T + 20)])
    assert [v.included_at for v in versions] == [T, T + 10]
    j = judge_versions(versions, network_at=lambda t: NET)
    assert delegation_in_force(j, T + 20).delegate == node(CAROL)


def test_stale_is_judged_against_the_valid_version_not_an_invalid_one():
    good = version(signed(ALICE, node(BOB), T), T)
    bad = version(signed(ALICE, node(ALICE), T + 50), T + 50)  # SELF_DELEGATION
    next_ = version(signed(ALICE, node(CAROL), T + 20), T + 60)  # older than the invalid one, newer than good
    assert codes(good, bad, next_) == [None, DelegationCode.SELF_DELEGATION, None]


def test_equal_timestamp_is_stale():
    assert codes(version(signed(ALICE, node(BOB), T), T), version(signed(ALICE, node(CAROL), T), T + 1)) == [
        None, DelegationCode.STALE
    ]


def test_revoke_then_re_delegate():
    j = judge(
        version(signed(ALICE, node(BOB), T), T),
        version(signed(ALICE, None, T + 100), T + 100),
        version(signed(ALICE, node(CAROL), T + 200), T + 200),
    )
    assert [x.code for x in j] == [None, None, None]
    assert delegation_in_force(j, T + 99).delegate == node(BOB)
    in_force = delegation_in_force(j, T + 150)
    assert in_force is not None and in_force.delegate is None  # a revocation is in force
    assert delegation_in_force(j, T + 200).delegate == node(CAROL)


def test_a_first_version_may_be_a_revocation():
    j = judge(version(signed(ALICE, None, T), T))
    assert [x.code for x in j] == [None] and delegation_in_force(j, T).delegate is None
    assert delegates_at({j[0].version.path: j}, T) == {}


def test_a_version_included_exactly_at_t_is_in_force_at_t_and_not_one_second_before():
    j = judge(version(signed(ALICE, node(BOB), T - 500), T - 500), version(signed(ALICE, node(CAROL), T), T))
    assert delegation_in_force(j, T).delegate == node(CAROL)
    assert delegation_in_force(j, T - 1).delegate == node(BOB)


def test_delete_and_recreate_is_compared_with_the_last_valid_version():
    """Deletions are absent from the versions: a file created again is judged against what stayed in force."""
    first = render_delegation_file(signed(ALICE, node(BOB), T + 100)).encode()
    older = render_delegation_file(signed(ALICE, node(CAROL), T + 50)).encode()
    j = judge_versions(versions_from_blobs(delegation_path(node(ALICE)), [(first, T + 100), (older, T + 900)]),
                       network_at=lambda t: NET)
    assert [x.code for x in j] == [None, DelegationCode.STALE]


def test_codes_the_validator_fails_on_are_the_intrinsic_ones():
    assert {c for c in DelegationCode if c.intrinsic} == {
        DelegationCode.MALFORMED, DelegationCode.WRONG_PATH, DelegationCode.WRONG_NETWORK,
        DelegationCode.BAD_KEY, DelegationCode.BAD_SIGNATURE, DelegationCode.SELF_DELEGATION,
    }
    assert [c.value for c in DelegationCode] == [
        "MALFORMED", "WRONG_PATH", "WRONG_NETWORK", "BAD_KEY", "BAD_SIGNATURE", "SELF_DELEGATION",
        "FUTURE_TIMESTAMP", "STALE",
    ]


def test_delegate_summaries_sort_by_stake_delegated():
    from decimal import Decimal

    a, b, c, d = "a" * 32, "b" * 32, "c" * 32, "d" * 32
    snap = Snapshot(at=T, weights={a: Decimal("5"), b: Decimal("7"), c: Decimal("1")}, total=Decimal("13"))
    rows = delegate_summaries({a: d, b: c, c: d}, snap)
    assert [(r.delegate, r.delegated_stake, r.delegators) for r in rows] == [
        (c, Decimal("7"), (b,)), (d, Decimal("6"), (a, c)),
    ]


def test_versions_from_history_skip_deletions_and_read_each_blob_once():
    a = render_delegation_file(signed(ALICE, node(BOB), T)).encode()
    b = render_delegation_file(signed(ALICE, node(CAROL), T + 10)).encode()
    store = {"blob-a": a, "blob-b": b}
    reads: list[str] = []

    def read(blob: str) -> bytes:
        reads.append(blob)
        return store[blob]

    changes = [(T, "blob-a"), (T + 5, None), (T + 10, "blob-b"), (T + 20, "blob-a"), (T + 30, None)]
    versions = versions_from_history(delegation_path(node(ALICE)), changes, read)
    assert [v.included_at for v in versions] == [T, T + 10] and reads == ["blob-a", "blob-b"]
    judged = judge_versions(versions, network_at=lambda t: NET)
    # Deleted at T + 30: the last valid version stays in force.
    assert delegation_in_force(judged, T + 40).delegate == node(CAROL)


def test_delegations_in_force_lists_revocations_and_delegates_at_skips_them():
    alice = judge(version(signed(ALICE, None, T), T))
    bob = judge(version(signed(BOB, node(CAROL), T), T))
    files = {alice[0].version.path: alice, bob[0].version.path: bob}
    listed = delegations_in_force(files, T)
    assert sorted(j.delegation.delegator for j in listed) == [j.delegation.delegator for j in listed]
    assert {j.delegation.delegator: j.delegate for j in listed} == {node(ALICE): None, node(BOB): node(CAROL)}
    assert delegates_at(files, T) == {node(BOB): node(CAROL)}
    assert delegations_in_force(files, T - 1) == ()
