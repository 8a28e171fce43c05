"""``nep validate`` over delegation files (SPEC 11): intrinsic codes are errors, the others notices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nepfixtures import NETWORK, VS, T0, genesis, key, nep_text, node

from tooling.cli import main
from tooling.core.delegation import Delegation, render_delegation_file, sign_delegation

HOUR = 3600


def signed(who: str, to: str | None, ts: int, network: str = NETWORK) -> Delegation:
    return sign_delegation(key(who), network=network, delegate=None if to is None else node(to), timestamp=ts)


def codes(capsys, repo, at: int) -> dict[str, str]:
    code = main(["validate", "--repo", str(repo.path), "--at", str(at), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    found = doc["diagnostics"] if isinstance(doc, dict) else doc
    return {d["slug"]: d["severity"] for d in found if d["file"].startswith("delegations/")} | {"exit": str(code)}


@pytest.fixture()
def repo(tmp_path: Path):
    return genesis(tmp_path / "r", {1: nep_text(1, status="review")})


def test_a_valid_delegation_validates(repo, capsys) -> None:
    d = signed("ada", "bob", VS)
    repo.write(d.path, render_delegation_file(d))
    assert codes(capsys, repo, VS) == {"exit": "0"}


@pytest.mark.parametrize(
    ("make", "slug"),
    [
        (lambda: (f"delegations/{node('bob')}.yaml", render_delegation_file(signed("ada", "bob", VS))),
         "delegation-wrong-path"),
        (lambda: (signed("ada", "bob", VS, "other-net").path, render_delegation_file(signed("ada", "bob", VS,
                                                                                            "other-net"))),
         "delegation-wrong-network"),
        (lambda: (signed("ada", "bob", VS).path,
                  render_delegation_file(signed("ada", "bob", VS)).replace("timestamp: ", "timestamp: 1")),
         "delegation-bad-signature"),
        (lambda: (signed("ada", "ada", VS).path, render_delegation_file(signed("ada", "ada", VS))),
         "delegation-self"),
        (lambda: (signed("ada", "bob", VS).path, render_delegation_file(signed("ada", "bob", VS)).replace(
            key_pub("ada"), key_pub("bob"))), "delegation-bad-key"),
        (lambda: (signed("ada", "bob", VS).path, "delegator: [\n"), "yaml-syntax"),
    ],
)
def test_intrinsic_codes_are_errors(repo, capsys, make, slug: str) -> None:
    path, text = make()
    repo.write(path, text)
    found = codes(capsys, repo, VS)
    assert found.get(slug) == "error" and found["exit"] == "1", found


def key_pub(name: str) -> str:
    from tooling.crypto.keys import public_key_hex

    return public_key_hex(key(name))


def test_future_timestamp_and_stale_are_notices(repo, capsys) -> None:
    d = signed("ada", "bob", VS + 301)
    repo.write(d.path, render_delegation_file(d))
    assert codes(capsys, repo, VS) == {"delegation-not-in-force": "notice", "exit": "0"}
    d = signed("ada", "bob", VS + 300)
    repo.write(d.path, render_delegation_file(d))
    assert codes(capsys, repo, VS) == {"exit": "0"}
    repo.commit("ada delegates", at=VS)
    old = signed("ada", "cy", VS - 10)  # an older signed delegation replayed
    repo.write(old.path, render_delegation_file(old))
    assert codes(capsys, repo, VS + HOUR) == {"delegation-not-in-force": "notice", "exit": "0"}


def test_hostile_delegation_files_are_findings_never_a_crash(repo, capsys) -> None:
    """Non-UTF-8 bytes, a NUL, a huge file, a link, a folder named like a file: findings and exit 1, never exit 2."""
    import os

    (repo.path / "delegations").mkdir()
    (repo.path / f"delegations/{node('ada')}.yaml").write_bytes(b"\xff\xfe delegator: \x00")
    (repo.path / f"delegations/{node('bob')}.yaml").write_bytes(b"delegator: " + b"9" * (2 << 20))
    (repo.path / f"delegations/{node('cy')}.yaml").mkdir()
    os.symlink("/etc/passwd", repo.path / f"delegations/{node('dee')}.yaml")
    (repo.path / "delegations/notes.txt").write_text("not a delegation\n")
    found = codes(capsys, repo, VS)
    assert found["exit"] == "1" and found.get("not-a-file") == "error"
    assert {"not-utf8", "file-too-large"} <= set(found), found
