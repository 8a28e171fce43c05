"""``nep key`` and ``nep vote`` as a voter uses them (SPEC 4, SPEC 9).

Key files: YAML ``{private_key, public_key, node}`` in hex, mode 0600, never
overwritten; a key can be derived from a NeuroShard wallet token. Votes: one
file at ``votes/nep-NNNN/<voter>.yaml``, every string double-quoted, signed
over the NEP's content hash and the repository's network. The interop vector
fixes the token -> key -> node id chain and the content hash byte for byte.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tooling.core import votes
from helpers import write_files
from tooling.cli import main
from tooling.shell.repository import load_repository

ROOT = Path(__file__).resolve().parents[2]
VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors" / "interop.json"

GOVERNANCE = """\
network: {network}
protocol_version: 1.0.0
features: [diloco]
parameters: {{}}
min_stake_to_propose: "100"
proposal_fee: "10"
quorum: "0.20"
approval: "0.66"
resubmit_wait_days: 30
tracks:
  standard:  {{review_hours: 168, voting_hours: 168, grace_min_days: 7, grace_max_days: 30}}
  emergency: {{review_hours: 0,   voting_hours: 48,  grace_min_days: 0, grace_max_days: 7}}
rewards: {{approved_rate: "0.001", approved_min: "1", approved_max: "1000",
          rejected_rate: "0.0001", rejected_max: "100", voter_rate: "0.0001"}}
"""


@pytest.fixture(scope="module")
def vec() -> dict:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def make_repo(path: Path, nep_file: str, network: str = "neuroshard-mainnet") -> Path:
    """A repository (no git needed to vote) holding the interop vector's NEP 1."""
    return write_files(path, {"governance.yaml": GOVERNANCE.format(network=network), "neps/nep-0001.md": nep_file})


@pytest.fixture
def repo(tmp_path: Path, vec: dict) -> Path:
    return make_repo(tmp_path / "repo", vec["nep_file"])


@pytest.fixture
def keyfile(tmp_path: Path, vec: dict) -> Path:
    """The interop vector's key, written by ``nep key new --token``."""
    path = tmp_path / "vector-key.yaml"
    assert main(["key", "new", "--token", vec["wallet_token"], "--out", str(path)]) == 0
    return path


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``python -m tooling`` in a subprocess, as a user's shell runs it."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    full_env.pop("NEUROSHARD_TOKEN", None)
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "tooling", *args],
        cwd=ROOT,
        env=full_env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr


def printed_field(out: str, name: str) -> str:
    m = re.search(rf"^{name}: ([0-9a-f]+)$", out, re.MULTILINE)
    assert m, f"no `{name}:` line in {out!r}"
    return m.group(1)


def vote_args(repo: Path, key: Path, *extra: str, nep: str = "1", choice: str = "yes") -> list[str]:
    # The interop NEP is not in voting here (no history, no stake): these tests are about the signed
    # file, so they --force past the refusal that tests/app/test_voters.py covers.
    return ["vote", nep, choice, "--key", str(key), "--repo", str(repo), "--force", *extra]


def vote_files(repo: Path) -> list[Path]:
    return sorted((repo / "votes").rglob("*")) if (repo / "votes").exists() else []


# --------------------------------------------------------------------------
# nep key new --out


def test_key_new_out_creates_a_0600_key_file_and_prints_its_node(tmp_path, capsys):
    path = tmp_path / "me.yaml"
    assert main(["key", "new", "--out", str(path)]) == 0
    out = capsys.readouterr().out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(data) == {"private_key", "public_key", "node"}
    priv = bytes.fromhex(data["private_key"])
    assert data["public_key"] == votes.public_key_hex(priv)
    assert data["node"] == votes.node_id(data["public_key"])
    assert printed_field(out, "node") == data["node"]
    assert printed_field(out, "public_key") == data["public_key"]
    # The secret is written to the file, never to the terminal.
    assert data["private_key"] not in out


def test_key_file_quotes_every_hex_string(tmp_path):
    path = tmp_path / "me.yaml"
    assert main(["key", "new", "--out", str(path)]) == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [ln.split(":", 1)[0] for ln in lines] == ["private_key", "public_key", "node"]
    assert all(re.fullmatch(r'[a-z_]+: "[0-9a-f]+"', ln) for ln in lines), lines


def test_key_file_is_0600_even_with_a_permissive_umask(tmp_path):
    path = tmp_path / "me.yaml"
    old = os.umask(0)
    try:
        assert main(["key", "new", "--out", str(path)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_two_new_keys_differ(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert main(["key", "new", "--out", str(a)]) == 0
    assert main(["key", "new", "--out", str(b)]) == 0
    assert yaml.safe_load(a.read_text())["private_key"] != yaml.safe_load(b.read_text())["private_key"]


@pytest.mark.parametrize("how", [["--out"], ["--token", "another token", "--out"]], ids=["random", "token"])
def test_key_new_never_overwrites_an_existing_file(tmp_path, capsys, how):
    path = tmp_path / "me.yaml"
    assert main(["key", "new", "--out", str(path)]) == 0
    before = path.read_bytes()
    capsys.readouterr()
    assert main(["key", "new", *how, str(path)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and str(path) in err
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_key_new_refuses_to_replace_a_symlink(tmp_path, capsys):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n")
    link = tmp_path / "me.yaml"
    link.symlink_to(target)
    assert main(["key", "new", "--out", str(link)]) == 2
    assert target.read_text() == "keep me\n"
    assert "already exists" in capsys.readouterr().err


def test_key_new_into_a_missing_folder_exits_2_with_a_message(tmp_path):
    rc, out, err = run("key", "new", "--out", str(tmp_path / "no" / "such" / "dir" / "k.yaml"))
    assert rc == 2
    assert "k.yaml" in err and "Traceback" not in err


def test_key_new_without_out_prints_the_key_as_its_help_says(capsys):
    assert main(["key", "new"]) == 0
    doc = yaml.safe_load(capsys.readouterr().out)
    # What --out would have written: a key file that `nep key show` and `nep vote` read.
    assert set(doc) == {"private_key", "public_key", "node"}
    assert votes.node_id(votes.public_key_hex(bytes.fromhex(doc["private_key"]))) == doc["node"]


# --------------------------------------------------------------------------
# nep key new --token / $NEUROSHARD_TOKEN


def test_key_new_token_derives_the_interop_key(tmp_path, capsys, vec):
    path = tmp_path / "vector.yaml"
    assert main(["key", "new", "--token", vec["wallet_token"], "--out", str(path)]) == 0
    out = capsys.readouterr().out
    assert printed_field(out, "node") == vec["node_id"]
    assert printed_field(out, "public_key") == vec["public_key_compressed_hex"]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data == {
        "private_key": vec["private_key_hex"],
        "public_key": vec["public_key_compressed_hex"],
        "node": vec["node_id"],
    }


def test_key_new_token_without_out_only_prints_the_public_part(tmp_path, capsys, vec, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["key", "new", "--token", vec["wallet_token"]]) == 0
    out = capsys.readouterr().out
    assert printed_field(out, "node") == vec["node_id"]
    assert vec["private_key_hex"] not in out
    assert list(tmp_path.iterdir()) == []


def test_key_new_token_from_the_environment(tmp_path, capsys, vec, monkeypatch):
    monkeypatch.setenv("NEUROSHARD_TOKEN", vec["wallet_token"])
    path = tmp_path / "env.yaml"
    assert main(["key", "new", "--token", "--out", str(path)]) == 0
    assert printed_field(capsys.readouterr().out, "node") == vec["node_id"]
    assert yaml.safe_load(path.read_text())["private_key"] == vec["private_key_hex"]


def test_key_new_token_from_the_environment_in_a_real_shell(vec):
    # The token never appears on the command line (and so never in `ps` or the shell history).
    rc, out, err = run("key", "new", "--token", env={"NEUROSHARD_TOKEN": vec["wallet_token"]})
    assert rc == 0, err
    assert printed_field(out, "node") == vec["node_id"]


def test_key_new_token_without_a_value_or_environment_exits_2(capsys, monkeypatch):
    monkeypatch.delenv("NEUROSHARD_TOKEN", raising=False)
    assert main(["key", "new", "--token"]) == 2
    assert "NEUROSHARD_TOKEN" in capsys.readouterr().err


# --------------------------------------------------------------------------
# nep key show


def test_key_show_prints_public_key_and_node(keyfile, capsys, vec):
    capsys.readouterr()
    assert main(["key", "show", "--key", str(keyfile)]) == 0
    out = capsys.readouterr().out
    assert printed_field(out, "public_key") == vec["public_key_compressed_hex"]
    assert printed_field(out, "node") == vec["node_id"]
    assert vec["private_key_hex"] not in out


def test_key_show_missing_file_exits_2_without_traceback(tmp_path):
    missing = tmp_path / "nope.yaml"
    rc, out, err = run("key", "show", "--key", str(missing))
    assert rc == 2
    assert "nope.yaml" in err and "no such key file" in err
    assert "Traceback" not in err


def test_key_show_tampered_key_file_exits_2_naming_the_problem(keyfile, capsys):
    text = keyfile.read_text(encoding="utf-8")
    node = yaml.safe_load(text)["node"]
    os.chmod(keyfile, 0o600)
    keyfile.write_text(text.replace(node, "0" * 32), encoding="utf-8")
    capsys.readouterr()
    assert main(["key", "show", "--key", str(keyfile)]) == 2
    assert "node does not match" in capsys.readouterr().err


# --------------------------------------------------------------------------
# nep vote: the file


def test_vote_writes_the_signed_file_at_its_canonical_path(repo, keyfile, capsys, vec):
    expected = vec["vote_file_fields"]
    capsys.readouterr()
    rc = main(vote_args(repo, keyfile, "--timestamp", str(expected["timestamp"]), "--reason", expected["reason"], "-y"))
    out = capsys.readouterr().out
    assert rc == 0
    rel = f"votes/nep-0001/{vec['node_id']}.yaml"
    assert vote_files(repo) == [repo / "votes" / "nep-0001", repo / rel]
    assert rel in out
    data = yaml.safe_load((repo / rel).read_text(encoding="utf-8"))
    # Every field but the signature is fixed by the vector; the signature must verify.
    assert {k: v for k, v in data.items() if k != "signature"} == {
        k: v for k, v in expected.items() if k != "signature"
    }
    assert votes.verify_vote(votes.vote_from_mapping(data, rel))


def test_vote_file_quotes_every_string_and_keeps_integers_bare(repo, keyfile):
    reason = 'Halves "memory": yes, really — 50 %'
    assert main(vote_args(repo, keyfile, "--timestamp", "1767900000", "--reason", reason, "-y", choice="no")) == 0
    (path,) = [p for p in vote_files(repo) if p.is_file()]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [ln.split(":", 1)[0] for ln in lines] == list(votes.VOTE_FILE_FIELDS)
    for ln in lines:
        key, value = ln.split(": ", 1)
        if key in ("nep", "timestamp"):
            assert re.fullmatch(r"[0-9]+", value), ln
        else:
            assert value.startswith('"') and value.endswith('"'), ln
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # `choice: "no"` stays the string "no", never the YAML 1.1 boolean false.
    assert data["choice"] == "no" and data["reason"] == reason
    assert votes.verify_vote(votes.vote_from_mapping(data, path.relative_to(repo).as_posix()))


def test_vote_binds_the_nep_content_hash(repo, keyfile, vec):
    assert main(vote_args(repo, keyfile, "--timestamp", "1767900000", "-y")) == 0
    (path,) = [p for p in vote_files(repo) if p.is_file()]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["content_hash"] == vec["nep_content_hash"]
    tampered = votes.vote_from_mapping({**data, "content_hash": "0" * 64}, "x")
    assert not votes.verify_vote(tampered)


def test_vote_binds_the_content_as_it_is_now(tmp_path, keyfile, vec):
    edited = vec["nep_file"].replace("between 4 and 12 peers", "between 4 and 16 peers")
    assert edited != vec["nep_file"]
    repo = make_repo(tmp_path / "edited", edited)
    assert main(vote_args(repo, keyfile, "--timestamp", "1767900000", "-y")) == 0
    (path,) = [p for p in vote_files(repo) if p.is_file()]
    current = load_repository(repo).proposals[0].content_hash
    assert current != vec["nep_content_hash"]
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["content_hash"] == current


def test_vote_binds_the_network_of_governance_yaml(tmp_path, keyfile, vec):
    repo = make_repo(tmp_path / "testnet", vec["nep_file"], network="neuroshard-testnet")
    assert main(vote_args(repo, keyfile, "--timestamp", "1767900000", "-y")) == 0
    (path,) = [p for p in vote_files(repo) if p.is_file()]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["network"] == "neuroshard-testnet"
    rel = path.relative_to(repo).as_posix()
    assert votes.verify_vote(votes.vote_from_mapping(data, rel))
    # Replayed on mainnet, the signature no longer holds.
    assert not votes.verify_vote(votes.vote_from_mapping({**data, "network": "neuroshard-mainnet"}, rel))


# --------------------------------------------------------------------------
# nep vote: confirmation and refusals


def test_declining_the_confirmation_writes_nothing_and_exits_1(repo, keyfile, capsys, monkeypatch, vec):
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
    capsys.readouterr()
    assert main(vote_args(repo, keyfile, "--timestamp", "1767900000")) == 1
    err = capsys.readouterr().err
    assert vec["node_id"] in err and vec["nep_content_hash"] in err  # the prompt says what is signed
    assert "nothing written" in err
    assert vote_files(repo) == []


def test_end_of_input_at_the_prompt_is_a_refusal(repo, keyfile, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(vote_args(repo, keyfile, "--timestamp", "1767900000")) == 1
    assert vote_files(repo) == []


def test_confirming_at_the_prompt_writes_the_vote(repo, keyfile, monkeypatch, vec):
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    assert main(vote_args(repo, keyfile, "--timestamp", "1767900000")) == 0
    assert (repo / "votes" / "nep-0001" / f"{vec['node_id']}.yaml").is_file()


def test_declining_in_a_real_shell(repo, keyfile):
    rc, out, err = run(*vote_args(repo, keyfile, "--timestamp", "1767900000"), stdin="n\n")
    assert rc == 1
    assert "[y/N]" in err and "Traceback" not in err
    assert vote_files(repo) == []


def test_voting_twice_is_refused_and_the_first_vote_stays(repo, keyfile, capsys):
    assert main(vote_args(repo, keyfile, "--timestamp", "1767900000", "-y")) == 0
    (path,) = [p for p in vote_files(repo) if p.is_file()]
    first = path.read_bytes()
    capsys.readouterr()
    assert main(vote_args(repo, keyfile, "--timestamp", "1767900001", "-y", choice="no")) == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_bytes() == first


def test_vote_on_an_unknown_nep_exits_1_and_writes_nothing(repo, keyfile, capsys):
    assert main(vote_args(repo, keyfile, "--timestamp", "1767900000", "-y", nep="42")) == 1
    assert "NEP 42 not found" in capsys.readouterr().err
    assert vote_files(repo) == []


def test_vote_with_a_missing_key_file_exits_2_with_a_message(repo, tmp_path):
    missing = tmp_path / "lost-key.yaml"
    rc, out, err = run(*vote_args(repo, missing, "--timestamp", "1767900000", "-y"))
    assert rc == 2
    assert "lost-key.yaml" in err and "no such key file" in err
    assert "Traceback" not in err
    assert vote_files(repo) == []


def test_vote_with_a_broken_key_file_exits_2(repo, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("private_key: [unclosed\n", encoding="utf-8")
    assert main(vote_args(repo, bad, "--timestamp", "1767900000", "-y")) == 2
    assert "bad.yaml" in capsys.readouterr().err
    assert vote_files(repo) == []


@pytest.mark.parametrize("ts", ["-1", "253402300800"])
def test_vote_timestamp_out_of_range_exits_2(repo, keyfile, capsys, ts):
    assert main(vote_args(repo, keyfile, f"--timestamp={ts}", "-y")) == 2
    assert "--timestamp" in capsys.readouterr().err
    assert vote_files(repo) == []


def test_vote_timestamp_bounds_are_inclusive(repo, keyfile, tmp_path):
    assert main(vote_args(repo, keyfile, "--timestamp", "253402300799", "-y")) == 0
    other = make_repo(tmp_path / "zero", (repo / "neps" / "nep-0001.md").read_text(encoding="utf-8"))
    assert main(vote_args(other, keyfile, "--timestamp", "0", "-y")) == 0


def test_vote_reason_with_a_bidi_override_exits_2_and_writes_nothing(repo, keyfile, capsys):
    assert main(vote_args(repo, keyfile, "--timestamp", "1767900000", "--reason", "ok \u202e evil", "-y")) == 2
    assert "U+202E" in capsys.readouterr().err
    assert vote_files(repo) == []


def test_vote_outside_a_repository_exits_1_naming_governance_yaml(tmp_path, keyfile, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(vote_args(empty, keyfile, "--timestamp", "1767900000", "-y")) == 1
    assert "governance.yaml" in capsys.readouterr().err


def test_vote_never_writes_through_a_symlinked_folder(repo, keyfile, tmp_path):
    # SPEC 2: links are never followed; a cloned pull request could plant one.
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "votes").mkdir()
    (repo / "votes" / "nep-0001").symlink_to(outside, target_is_directory=True)
    rc = main(vote_args(repo, keyfile, "--timestamp", "1767900000", "-y"))
    assert list(outside.iterdir()) == []
    assert rc in (1, 2)


def test_vote_that_cannot_be_written_is_a_clear_environment_error(repo, keyfile, capsys):
    # An environment problem, not a bug of nep: exit 2 with a message, never "internal error".
    (repo / "votes").write_text("not a folder\n", encoding="utf-8")
    capsys.readouterr()
    rc = main(vote_args(repo, keyfile, "--timestamp", "1767900000", "-y"))
    err = capsys.readouterr().err
    assert rc == 2
    assert "internal error" not in err and "votes" in err


# --------------------------------------------------------------------------
# --at


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01T00:00:00Z", "2026-02-30", "-5", "253402300800"])
@pytest.mark.parametrize("command", [["status"], ["tally", "1"]])
def test_bad_at_exits_2(repo, capsys, command, bad):
    assert main([*command, "--repo", str(repo), f"--at={bad}"]) == 2
    assert "--at" in capsys.readouterr().err


def test_bad_at_in_a_real_shell_has_no_traceback(repo):
    rc, out, err = run("status", "--repo", str(repo), "--at", "next tuesday", "--format", "json")
    assert rc == 2
    assert "--at" in err and "Traceback" not in err and out == ""
