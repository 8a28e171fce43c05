"""`nep validate`: one broken input per rule, each compared finding by finding.

Like python/peps' check-peps tests, every broken file is compared against the
EXACT list of findings it must produce (tests/fixtures/broken/expected.json:
file name -> [[code, line, col], ...]); see tests/fixtures/README.md for what
each fixture breaks. Each test builds a small repository in tmp_path from the
example repository's governance.yaml and stakes/ledger.yaml, the valid NEP
below as neps/nep-0001.md, and the broken file in its place.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tooling.cli import main
from tooling.core.model import Choice, Severity
from tooling.core.catalog import BY_CODE, RULES

from helpers import example_repo, write_files

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "broken"
EXPECTED: dict[str, list[list]] = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))

#: Every fixture is judged at this instant: NEP 1 below is in voting (VS 2026-11-27, VE 2026-12-04).
AT = "2026-12-01T00:00:00Z"
FIXTURE_VOTER_TOKEN = "nep-fixtures/voter-1"
OTHER_VOTER_TOKEN = "nep-fixtures/voter-2"
FIXTURE_VOTER = "9331de4599d9c50e3a68d2d27a60f2cd"  # node id of FIXTURE_VOTER_TOKEN's key
VOTE_PATH = f"votes/nep-0001/{FIXTURE_VOTER}.yaml"
TS_IN_VOTING = 1795867200  # 2026-11-28T12:00:00Z

#: A valid NEP (derived from the example's nep-0001.md) that the bot moved to voting on 2026-11-20.
BASE_NEP = '''---
nep: 1
title: "Multi-Token Prediction training objective"
type: "train"
status: "voting"
authors:
  - name: "Ada Okafor"
    node: "586dd510056f330e6b14b2bdada7505f"
    github: "ada-okafor"
created: "2026-11-02"
discussion: "https://forum.neuroshard.example/t/nep-0001-multi-token-prediction"
requires: []
supersedes: []
economic_impact:
  training_reward_multiplier: 1.0
  training_efficiency_multiplier: 2.0
  inference_reward_multiplier: 1.0
  inference_cost_multiplier: 1.0
  min_memory_change_mb: 200
  min_compute_change_tflops: 0.0
  staking_multiplier_change: 0.0
  upgrade_cost_neuro: "0"
  net_earnings_change_percent: 0.0
parameter_changes: []
upgrade_path:
  min_version: "1.0.0"
  target_version: "1.1.0"
  grace_period_days: 14
  backward_compatible: true
  requires_checkpoint_reload: false
  migration_steps:
    - "Upgrade the node software to 1.1.0 during the grace period"
    - "Keep at least 200 MB of free memory for the extra prediction heads"
submitted: "2026-11-20T00:00:00Z"
---

## Abstract

Train every shard with a multi-token prediction (MTP) objective: each
position also predicts the token after next through a small extra head.

## Motivation

Every batch teaches the model only one token per position; MTP doubles the
learning signal of a forward pass.

## Specification

- The final shard adds one MTP head that predicts token t+2.
- The loss is `L = L_next + 0.3 * L_mtp`; the head is dropped at inference.

## Economic Impact

Training efficiency (`training_efficiency_multiplier`): x2.0.

Memory requirement (`min_memory_change_mb`): +200 MB for the MTP head.

## Upgrade Path

Backward compatible; nodes upgrade to 1.1.0 during the 14-day grace period.
'''
BASE_NEP_HASH = "639deb7a2b7d035c354121d1d69e028694e9e670f679319377e962fefd0910d7"

#: The valid draft (NEP 5, requiring NEP 1) that every broken NEP fixture copies with one defect.
VALID_NEP5 = (ROOT / "tests" / "fixtures" / "nep-0005-valid.md").read_text(encoding="utf-8")

#: Fixtures whose expected findings are right but the tool does not produce them yet.
XFAIL: dict[str, str] = {}  # fixture name -> reason, for a known bug awaiting its fix

#: Fixture files used by dedicated tests below rather than by the manifest.
DEDICATED = {"vote-text-control-chars.yaml"}


# --------------------------------------------------------------------------
# Helpers


def make_repo(root: Path, files: dict[str, str | bytes] | None = None, *, base: bool = True) -> Path:
    """The example's governance.yaml and ledger, NEP 1 in voting, and ``files`` on top."""
    example_repo(root, ("stakes",), {"neps/nep-0001.md": BASE_NEP} if base else {})
    (root / "neps").mkdir(exist_ok=True)
    (root / "votes").mkdir(exist_ok=True)
    return write_files(root, files or {})


def place(name: str, text: str) -> tuple[dict[str, str], list[str], str]:
    """Where a fixture goes: (files to write, paths to validate, the file findings must name)."""
    if name.endswith(".md"):
        files = {"neps/nep-0005.md": text}
        if name == "reference-cycle.md":  # NEP 5 requires 6, and NEP 6 requires 5
            files["neps/nep-0006.md"] = text.replace("nep: 5", "nep: 6").replace("requires: [1, 6]", "requires: [5]")
        if name == "param-conflict.md":  # another draft changing the same parameter
            files["neps/nep-0006.md"] = text.replace("nep: 5", "nep: 6")
        return files, ["neps/nep-0005.md"], "neps/nep-0005.md"
    if name.startswith("vote-"):
        return {VOTE_PATH: text}, [VOTE_PATH], VOTE_PATH
    if name.startswith("governance-"):
        return {"governance.yaml": text}, [], "governance.yaml"
    if name.startswith("ledger-"):
        return {"stakes/ledger.yaml": text}, ["stakes/ledger.yaml"], "stakes/ledger.yaml"
    return {f"neps/{name}": text}, [f"neps/{name}"], f"neps/{name}"


_TEXT_FINDING = re.compile(r"^(\S+):(\d+):(\d+): (error|warning|notice) (NEP\d{3})\[([a-z0-9-]+)\] (.*)$", re.M)


def findings_from_text(text: str) -> list[dict]:
    return [
        {"file": m[1], "line": int(m[2]), "col": int(m[3]), "severity": m[4], "code": m[5], "slug": m[6],
         "message": m[7]}
        for m in _TEXT_FINDING.finditer(text)
    ]


def validate(repo: Path, *paths: str, capsys, monkeypatch, fmt: str = "json", extra: tuple[str, ...] = ()):
    """Run `nep validate` in-process from the repository root; (exit code, stdout, stderr)."""
    monkeypatch.chdir(repo)
    capsys.readouterr()
    rc = main(["validate", "--repo", str(repo), "--at", AT, "--format", fmt, *extra, *paths])
    out, err = capsys.readouterr()
    return rc, out, err


def diagnostics(out: str, err: str) -> list[dict]:
    """Findings from JSON on stdout, or from the text a repository error prints on stderr."""
    if out.strip():
        return json.loads(out)["diagnostics"]
    return findings_from_text(err)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    env.pop("NEP_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "tooling", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def triples(diags: list[dict]) -> list[tuple[str, int, int]]:
    return sorted((d["code"], d["line"], d["col"]) for d in diags)


def default_severity(code: str) -> Severity:
    return BY_CODE[code].severity


# --------------------------------------------------------------------------
# The example repository


def copy_example(root: Path) -> Path:
    """The example repository's files (no .git: outside git, `review` NEPs are submitted at --at)."""
    return example_repo(root, ("stakes", "neps", "votes"))


@pytest.mark.parametrize("at", [AT, "2026-11-20T00:00:00Z", "2027-06-01T00:00:00Z"])
def test_example_repository_validates(at, tmp_path, capsys, monkeypatch):
    repo = copy_example(tmp_path / "example")
    monkeypatch.chdir(repo)
    capsys.readouterr()
    rc = main(["validate", "--repo", str(repo), "--at", at, "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert [d for d in doc["diagnostics"] if d["severity"] == "error"] == []
    assert (rc, doc["errors"], doc["warnings"]) == (0, 0, 0)


def test_example_repository_validates_via_subprocess(tmp_path):
    repo = copy_example(tmp_path / "example")
    r = run_cli("validate", "--repo", str(repo), "--at", AT, cwd=repo)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "\n0 error(s), 0 warning(s)" in "\n" + r.stdout
    assert r.stderr == ""


def test_base_nep_of_the_fixtures_is_valid(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": VALID_NEP5})
    rc, out, _ = validate(repo, capsys=capsys, monkeypatch=monkeypatch)
    assert (rc, json.loads(out)["diagnostics"]) == (0, [])


@pytest.mark.parametrize("created,ok", [("2026-02-28", True), ("2028-02-29", True), ("2026-02-29", False),
                                        ("2026-02-30", False), ("2026-04-31", False)])
def test_created_must_be_a_calendar_date(created, ok, tmp_path, capsys, monkeypatch):
    text = VALID_NEP5.replace('created: "2026-11-25"', f'created: "{created}"')
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": text})
    rc, out, _ = validate(repo, capsys=capsys, monkeypatch=monkeypatch)
    found = [(d["code"], d["line"]) for d in json.loads(out)["diagnostics"]]
    assert (rc, found) == ((0, []) if ok else (1, [("NEP203", 10)]))


def test_base_nep_content_hash_is_the_one_the_vote_fixtures_sign():
    from tooling.parse.proposals import parse_nep

    parsed = parse_nep("neps/nep-0001.md", BASE_NEP.encode("utf-8"))
    assert parsed.diagnostics == ()
    assert parsed.proposal.content_hash == BASE_NEP_HASH


# --------------------------------------------------------------------------
# The manifest: one broken file per rule, exact findings


def _fixture_params():
    out = []
    for name in sorted(EXPECTED):
        marks = [pytest.mark.xfail(strict=True, reason=XFAIL[name])] if name in XFAIL else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


@pytest.mark.parametrize("name", _fixture_params())
def test_broken_fixture(name, tmp_path, capsys, monkeypatch):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    files, selected, target = place(name, text)
    repo = make_repo(tmp_path / "repo", files)
    rc, out, err = validate(repo, *selected, capsys=capsys, monkeypatch=monkeypatch)
    assert "Traceback" not in err and "internal error" not in err
    diags = diagnostics(out, err)
    expected = sorted(tuple(x) for x in EXPECTED[name])
    assert triples(diags) == expected
    assert {d["file"] for d in diags} == {target}
    for d in diags:
        assert d["slug"] == BY_CODE[d["code"]].slug
        assert d["severity"] == draft_severity(d["code"])
        # A finding points at a place that exists in the file.
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        assert 1 <= d["line"] <= lines, f"{d['code']} at line {d['line']} of a {lines}-line file"
        assert d["col"] >= 1
    has_error = any(draft_severity(code) == "error" for code, _, _ in expected)
    assert rc == (1 if has_error else 0)


def draft_severity(code: str) -> str:
    """The fixtures are drafts: completeness rules and placeholders are warnings there."""
    from tooling.checks.rules.phase import PHASED

    default = str(default_severity(code))
    return "warning" if BY_CODE[code].slug in PHASED and default == "error" else default


def test_manifest_names_every_fixture_file():
    on_disk = {p.name for p in FIXTURES.iterdir() if p.name != "expected.json"}
    assert on_disk == set(EXPECTED) | DEDICATED
    for name, findings in EXPECTED.items():
        assert findings, f"{name}: a fixture must expect at least one finding"
        for f in findings:
            assert len(f) == 3 and f[0] in BY_CODE and f[1] >= 1 and f[2] >= 1, (name, f)


def test_at_least_30_broken_inputs_exit_1():
    failing = [n for n, fs in EXPECTED.items() if any(default_severity(c) is Severity.ERROR for c, *_ in fs)]
    assert len(failing) >= 30


#: Rules asserted by the dedicated tests below (run-time generated inputs, CLI arguments).
COVERED_ELSEWHERE = {
    "NEP010": "test_trust_history.py (invalid ledger / governance versions)",
    "NEP011": "test_trust_history.py::test_a_bot_field_that_disagrees_with_history_is_reported",
    "NEP001": "test_missing_governance_is_a_repository_error",
    "NEP004": "test_symlink_is_reported_and_not_followed",
    "NEP005": "test_path_not_found",
    "NEP008": "test_advance_decisions.py (decision-mismatch is the bot's finding)",
    "NEP100": "test_file_too_large",
    "NEP101": "test_not_utf8 / test_bom",
    **{code: "test_delegation_validate.py (delegation files signed at run time)"
       for code in ("NEP620", "NEP621", "NEP622", "NEP623", "NEP624", "NEP625")},
}


def test_every_rule_is_covered_by_name():
    # NEP0xx-NEP6xx are validate's rules; NEP7xx (pr-*) belong to check-pr and its tests.
    nep_rules = {code for code in BY_CODE if re.fullmatch(r"NEP[0-6][0-9][0-9]", code)}
    assert len(nep_rules) >= 50
    in_manifest = {code for findings in EXPECTED.values() for code, *_ in findings}
    assert nep_rules - in_manifest - set(COVERED_ELSEWHERE) == set()
    # and the manifest and the dedicated tests name only real rules
    assert in_manifest | set(COVERED_ELSEWHERE) <= set(BY_CODE)
    assert set(RULES) >= {BY_CODE[c].slug for c in nep_rules}


# --------------------------------------------------------------------------
# Files and repository: generated at run time


def test_missing_governance_is_a_repository_error(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r")
    (repo / "governance.yaml").unlink()
    rc, out, err = validate(repo, capsys=capsys, monkeypatch=monkeypatch, fmt="text")
    assert rc == 1
    assert triples(findings_from_text(out + err)) == [("NEP001", 1, 1)]
    assert "governance.yaml is missing" in out + err
    assert "Traceback" not in err


def test_missing_governance_via_subprocess_prints_no_traceback(tmp_path):
    repo = make_repo(tmp_path / "r")
    (repo / "governance.yaml").unlink()
    r = run_cli("validate", "--repo", str(repo), "--at", AT, cwd=repo)
    assert r.returncode == 1
    assert "NEP001[governance-invalid]" in r.stdout + r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("fmt", ["json", "github"])
def test_governance_error_respects_the_output_format(fmt, tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r")
    (repo / "governance.yaml").unlink()
    rc, out, _ = validate(repo, capsys=capsys, monkeypatch=monkeypatch, fmt=fmt)
    assert rc == 1
    if fmt == "json":
        doc = json.loads(out)
        assert [(d["code"], d["file"]) for d in doc["diagnostics"]] == [("NEP001", "governance.yaml")]
        assert doc["errors"] == 1
    else:
        assert out.startswith("::error file=governance.yaml,line=1,col=1,title=NEP001")


def test_file_too_large(tmp_path, capsys, monkeypatch):
    big = VALID_NEP5.encode() + b"\n" + (b"x" * 79 + b"\n") * (2 * 1024 * 1024 // 80)
    assert len(big) > 2 * 1024 * 1024 - 100
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": big})
    rc, out, err = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    assert rc == 1
    assert triples(json.loads(out)["diagnostics"]) == [("NEP100", 1, 1)]


def test_file_too_large_message_states_the_real_size(tmp_path, capsys, monkeypatch):
    big = VALID_NEP5.encode() + b"x" * (2 * 1024 * 1024)
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": big})
    _, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    (d,) = json.loads(out)["diagnostics"]
    assert f"{len(big):,}" in d["message"] or "more than" in d["message"]


def test_file_too_large_via_subprocess_prints_no_traceback(tmp_path):
    big = VALID_NEP5.encode() + b"x" * (2 * 1024 * 1024)
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": big})
    r = run_cli("validate", "--repo", str(repo), "--at", AT, "--format", "json", str(repo / "neps/nep-0005.md"),
                cwd=repo)
    assert r.returncode == 1
    assert triples(json.loads(r.stdout)["diagnostics"]) == [("NEP100", 1, 1)]
    assert r.stderr == ""


def test_exactly_1_mib_is_allowed(tmp_path, capsys, monkeypatch):
    raw = VALID_NEP5.encode()
    raw += b"\n" + b"x" * (1024 * 1024 - len(raw) - 2) + b"\n"
    assert len(raw) == 1024 * 1024
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": raw})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    assert (rc, triples(json.loads(out)["diagnostics"])) == (0, [])


def test_not_utf8(tmp_path, capsys, monkeypatch):
    # A Latin-1 'é' (0xe9) in the title, line 3: `title: "Multi-Token Pr` is 22 bytes, so column 23.
    raw = VALID_NEP5.encode().replace(b'title: "Multi-Token Prediction', b'title: "Multi-Token Pr\xe9diction')
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": raw})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    assert rc == 1
    assert triples(json.loads(out)["diagnostics"]) == [("NEP101", 3, 23)]


def test_not_utf8_via_subprocess_prints_no_traceback(tmp_path):
    raw = VALID_NEP5.encode().replace(b"## Motivation", b"## Motivation \xff\xfe")
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": raw})
    for fmt in ("text", "json", "github"):
        r = run_cli("validate", "--repo", str(repo), "--at", AT, "--format", fmt, "neps/nep-0005.md", cwd=repo)
        assert r.returncode == 1, fmt
        assert "NEP101" in r.stdout
        assert r.stderr == "", fmt


def test_bom(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": b"\xef\xbb\xbf" + VALID_NEP5.encode()})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    assert rc == 1
    (d,) = json.loads(out)["diagnostics"]
    assert (d["code"], d["slug"], d["line"], d["col"]) == ("NEP101", "not-utf8", 1, 1)
    assert "byte-order mark" in d["message"]


def test_symlink_is_reported_and_not_followed(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r")
    outside = tmp_path / "outside.md"
    outside.write_text("not even front matter\n", encoding="utf-8")
    os.symlink(outside, repo / "neps" / "nep-0005.md")
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    assert rc == 1
    (d,) = json.loads(out)["diagnostics"]  # only the link: its target is never read
    assert (d["code"], d["slug"], d["file"], d["line"], d["col"]) == ("NEP004", "not-a-file", "neps/nep-0005.md", 1, 1)


def test_symlinked_vote_folder_is_an_error_and_not_followed(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / f"{FIXTURE_VOTER}.yaml").write_text("- not a vote\n", encoding="utf-8")
    os.symlink(elsewhere, repo / "votes" / "nep-0001")
    rc, out, _ = validate(repo, capsys=capsys, monkeypatch=monkeypatch)
    assert rc == 1
    (d,) = json.loads(out)["diagnostics"]
    assert d["file"] == "votes/nep-0001" and d["severity"] == "error"
    assert d["code"] in ("NEP003", "NEP004")


def test_path_not_found(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r")
    rc, out, _ = validate(repo, "neps/nep-0009.md", capsys=capsys, monkeypatch=monkeypatch)
    assert rc == 1
    (d,) = json.loads(out)["diagnostics"]
    assert (d["code"], d["slug"], d["file"], d["line"], d["col"]) == ("NEP005", "path-not-found", "neps/nep-0009.md", 1, 1)


def test_path_outside_the_repository_is_a_usage_error(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r")
    (tmp_path / "elsewhere.md").write_text(VALID_NEP5, encoding="utf-8")
    rc, out, err = validate(repo, str(tmp_path / "elsewhere.md"), capsys=capsys, monkeypatch=monkeypatch)
    assert rc == 2
    assert "outside the repository" in err


def test_absolute_and_relative_paths_select_the_same_file(tmp_path, capsys, monkeypatch):
    broken = (FIXTURES / "number-mismatch.md").read_text(encoding="utf-8")
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": broken})
    _, rel, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    _, absolute, _ = validate(repo, str(repo / "neps" / "nep-0005.md"), capsys=capsys, monkeypatch=monkeypatch)
    _, folder, _ = validate(repo, "neps", capsys=capsys, monkeypatch=monkeypatch)
    assert json.loads(rel) == json.loads(absolute) == json.loads(folder)
    assert triples(json.loads(rel)["diagnostics"]) == [("NEP210", 2, 6)]


@pytest.mark.parametrize("name", ["yaml-unsupported-alias-bomb.md", "yaml-unsupported-tag.md", "schema-type-nep.md",
                                  "governance-invalid.yaml", "vote-malformed.yaml", "no-front-matter.md"])
def test_broken_input_via_subprocess_prints_no_traceback(name, tmp_path):
    files, selected, _ = place(name, (FIXTURES / name).read_text(encoding="utf-8"))
    repo = make_repo(tmp_path / "r", files)
    r = run_cli("validate", "--repo", str(repo), "--at", AT, "--format", "json", *selected, cwd=repo)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert triples(diagnostics(r.stdout, r.stderr)) == sorted(tuple(x) for x in EXPECTED[name])


# --------------------------------------------------------------------------
# Rules that need a second look: boundaries, statuses, positive cases


@pytest.mark.parametrize(
    ("nep_type", "days", "ok"),
    [
        ("train", 6, False),
        ("train", 7, True),  # both bounds inclusive
        ("train", 30, True),
        ("train", 31, False),
        ("emergency", 0, True),
        ("emergency", 7, True),
        ("emergency", 8, False),
    ],
)
def test_grace_period_bounds_are_inclusive(nep_type, days, ok, tmp_path, capsys, monkeypatch):
    text = VALID_NEP5.replace("grace_period_days: 14", f"grace_period_days: {days}").replace(
        'type: "train"', f'type: "{nep_type}"')
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": text})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    assert triples(json.loads(out)["diagnostics"]) == ([] if ok else [("NEP504", 28, 22)])
    assert rc == (0 if ok else 1)


def test_econ_neutral_type_is_a_warning_on_a_draft(tmp_path, capsys, monkeypatch):
    text = (FIXTURES / "econ-neutral-type.md").read_text(encoding="utf-8").replace('status: "review"', 'status: "draft"')
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": text})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    (d,) = json.loads(out)["diagnostics"]
    assert (d["code"], d["severity"], d["line"]) == ("NEP401", "warning", 14)
    assert rc == 0


@pytest.mark.parametrize(("status", "severity", "rc"), [("draft", "warning", 0), ("review", "error", 1)])
def test_missing_section_is_named(status, severity, rc, tmp_path, capsys, monkeypatch):
    # Completeness is a warning while the NEP is a draft and an error once review is requested.
    text = (FIXTURES / "body-missing-section.md").read_text(encoding="utf-8")
    text = text.replace('status: "draft"', f'status: "{status}"')
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": text})
    got_rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    (d,) = json.loads(out)["diagnostics"]
    assert (d["code"], d["slug"], d["severity"]) == ("NEP300", "body-missing-section", severity)
    assert "'## Motivation'" in d["message"]
    assert got_rc == rc


def test_resubmission_of_a_rejected_nep_is_fine(tmp_path, capsys, monkeypatch):
    # NEP 2's proposer has no stake at submission, so NEP 2 is rejected at T0 (insufficient_stake).
    nep2 = VALID_NEP5.replace("nep: 5", "nep: 2").replace('status: "draft"', 'status: "review"').replace(
        "586dd510056f330e6b14b2bdada7505f", "0123456789abcdef0123456789abcdef")
    nep5 = VALID_NEP5.replace("supersedes: []\n", "supersedes: []\nresubmission_of: 2\n")
    repo = make_repo(tmp_path / "r", {"neps/nep-0002.md": nep2, "neps/nep-0005.md": nep5})
    rc, out, _ = validate(repo, capsys=capsys, monkeypatch=monkeypatch)
    assert (rc, json.loads(out)["diagnostics"]) == (0, [])


def test_status_active_with_submitted_is_not_flagged(tmp_path, capsys, monkeypatch):
    text = (FIXTURES / "status-not-authored.md").read_text(encoding="utf-8").replace(
        "\n---\n\n## Abstract", '\nsubmitted: "2026-10-01T00:00:00Z"\n---\n\n## Abstract')
    assert 'submitted: "2026-10-01T00:00:00Z"' in text
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": text})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    assert "NEP216" not in [d["code"] for d in json.loads(out)["diagnostics"]]


def test_param_conflict_is_reported_on_both_drafts(tmp_path, capsys, monkeypatch):
    text = (FIXTURES / "param-conflict.md").read_text(encoding="utf-8")
    files, _, _ = place("param-conflict.md", text)
    repo = make_repo(tmp_path / "r", files)
    rc, out, _ = validate(repo, capsys=capsys, monkeypatch=monkeypatch)
    found = [(d["file"], d["code"], d["severity"], d["line"]) for d in json.loads(out)["diagnostics"]]
    assert found == [("neps/nep-0005.md", "NEP506", "warning", 26), ("neps/nep-0006.md", "NEP506", "warning", 26)]
    assert rc == 0


def test_parameter_change_with_the_value_in_force_is_clean(tmp_path, capsys, monkeypatch):
    text = (FIXTURES / "param-conflict.md").read_text(encoding="utf-8")
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": text})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    assert (rc, json.loads(out)["diagnostics"]) == (0, [])


def test_crlf_nep_validates_like_lf(tmp_path, capsys, monkeypatch):
    crlf_ok = VALID_NEP5.replace("\n", "\r\n")
    crlf_bad = (FIXTURES / "param-stale-old-value.md").read_text(encoding="utf-8").replace("\n", "\r\n")
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": crlf_ok, "neps/nep-0006.md": crlf_bad.replace("nep: 5", "nep: 6")})
    rc, out, _ = validate(repo, capsys=capsys, monkeypatch=monkeypatch)
    found = [(d["file"], d["code"], d["line"], d["col"]) for d in json.loads(out)["diagnostics"]]
    assert found == [("neps/nep-0006.md", "NEP505", 27, 16)]
    assert rc == 1


def test_several_defects_in_one_file_are_all_reported(tmp_path, capsys, monkeypatch):
    text = VALID_NEP5.replace('title: "Multi-Token Prediction for the final shard"', 'title: "MTP"').replace(
        "grace_period_days: 14", "grace_period_days: 31") + "\n## Alternatives\n\nNone considered.\n"
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": text})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    doc = json.loads(out)
    assert [(d["code"], d["line"], d["col"]) for d in doc["diagnostics"]] == [
        ("NEP203", 3, 8), ("NEP504", 28, 22), ("NEP304", 64, 1)]  # in file order
    assert (doc["errors"], doc["warnings"], rc) == (2, 0, 1)


# --------------------------------------------------------------------------
# Known defects found while writing these tests (the lead fixes them)


def test_grace_period_true_is_one_type_error(tmp_path, capsys, monkeypatch):
    text = VALID_NEP5.replace("grace_period_days: 14", "grace_period_days: true")
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": text})
    _, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    assert triples(json.loads(out)["diagnostics"]) == [("NEP200", 28, 22)]


@pytest.mark.parametrize(
    ("old", "new", "line", "col"),
    [
        ("grace_period_days: 14", "grace_period_days: 14.0", 28, 22),
        ("supersedes: []\n", "supersedes: []\nresubmission_of: 1.0\n", 14, 18),
        ("requires: [1]", "requires: [1.0]", 12, 12),
        ("nep: 5", "nep: 5.0", 2, 6),
    ],
)
def test_integral_float_where_an_integer_is_required(old, new, line, col, tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": VALID_NEP5.replace(old, new)})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    assert ("NEP200", line, col) in triples(json.loads(out)["diagnostics"])
    assert rc == 1


def test_vote_with_float_nep_does_not_crash(tmp_path, capsys, monkeypatch):
    text = (FIXTURES / "vote-wrong-path.yaml").read_text(encoding="utf-8").replace("nep: 2\n", "nep: 2.0\n")
    repo = make_repo(tmp_path / "r", {VOTE_PATH: text})
    rc, out, err = validate(repo, VOTE_PATH, capsys=capsys, monkeypatch=monkeypatch)
    assert "internal error" not in err
    assert rc == 1
    assert json.loads(out)["errors"] >= 1


def test_vote_reason_with_bidi_override_is_an_error(tmp_path, capsys, monkeypatch):
    text = (FIXTURES / "vote-text-control-chars.yaml").read_text(encoding="utf-8")
    repo = make_repo(tmp_path / "r", {VOTE_PATH: text})
    rc, out, _ = validate(repo, VOTE_PATH, capsys=capsys, monkeypatch=monkeypatch)
    assert ("NEP204", 6, 9) in triples(json.loads(out)["diagnostics"])
    assert rc == 1


# --------------------------------------------------------------------------
# Votes


def test_choice_yes_unquoted_is_the_string_yes():
    from tooling.parse.proposals import parse_vote
    from tooling.parse.yamlio import load_yaml

    raw = (FIXTURES / "vote-valid-choice-yes-unquoted.yaml").read_bytes()
    assert b"\nchoice: yes\n" in raw
    data = load_yaml(raw.decode("utf-8")).data
    assert data["choice"] == "yes" and type(data["choice"]) is str
    parsed = parse_vote(VOTE_PATH, raw)
    assert parsed.diagnostics == ()
    assert parsed.vote.choice is Choice.YES


def test_choice_capital_yes_is_malformed():
    from tooling.parse.proposals import parse_vote

    parsed = parse_vote(VOTE_PATH, (FIXTURES / "vote-malformed-choice-capital.yaml").read_bytes())
    assert parsed.vote is None
    assert [(d.code, d.slug, d.line, d.col) for d in parsed.diagnostics] == [("NEP203", "schema-value", 4, 9)]


def test_vote_fixtures_are_signed_as_they_claim():
    from tooling.parse.proposals import parse_vote
    from tooling.core.votes import node_id, private_key_from_token, public_key_hex, verify_vote

    def vote(name):
        parsed = parse_vote(VOTE_PATH, (FIXTURES / name).read_bytes())
        assert parsed.vote is not None, name
        return parsed.vote

    assert node_id(public_key_hex(private_key_from_token(FIXTURE_VOTER_TOKEN))) == FIXTURE_VOTER
    for name in ("vote-valid-choice-yes-unquoted.yaml", "vote-wrong-path.yaml", "vote-wrong-network.yaml",
                 "vote-not-counted.yaml"):
        v = vote(name)
        assert v.voter == FIXTURE_VOTER and node_id(v.public_key) == v.voter, name
        assert verify_vote(v), name
    assert vote("vote-wrong-path.yaml").nep == 2
    assert vote("vote-wrong-network.yaml").network == "neuroshard-testnet"
    bad_key = vote("vote-bad-key.yaml")
    assert node_id(bad_key.public_key) == node_id(public_key_hex(private_key_from_token(OTHER_VOTER_TOKEN)))
    assert node_id(bad_key.public_key) != bad_key.voter
    bad_sig = vote("vote-bad-signature.yaml")
    assert node_id(bad_sig.public_key) == bad_sig.voter and not verify_vote(bad_sig)


def _signed(**overrides):
    from tooling.core.votes import private_key_from_token, render_vote_file, sign_vote

    args = dict(network="neuroshard-mainnet", nep=1, content_hash=BASE_NEP_HASH, choice="yes",
                timestamp=TS_IN_VOTING, reason="Twice the signal per batch.")
    token = overrides.pop("token", FIXTURE_VOTER_TOKEN)
    args.update(overrides)
    v = sign_vote(private_key_from_token(token), **args)
    return v, render_vote_file(v)


def _high_s(signature_hex: str) -> str:
    """The same signature with s replaced by n - s (valid ECDSA, but not low-s)."""
    from tooling.core.votes import CURVE_N, der_signature_rs

    r, s = der_signature_rs(bytes.fromhex(signature_hex))

    def der_int(x: int) -> bytes:
        b = x.to_bytes((x.bit_length() + 7) // 8, "big")
        if b[0] & 0x80:
            b = b"\x00" + b
        return b"\x02" + bytes([len(b)]) + b

    body = der_int(r) + der_int(CURVE_N - s)
    return (b"\x30" + bytes([len(body)]) + body).hex()


@pytest.mark.parametrize(
    ("case", "expected", "rc"),
    [
        ("valid", [("NEP605", 1, 1)], 0),  # valid, but not in git history: PENDING, a notice
        ("tampered", [("NEP604", 9, 12)], 1),
        ("high-s", [("NEP604", 9, 12)], 1),
        ("other-network", [("NEP602", 8, 10)], 1),
        ("other-key", [("NEP603", 3, 13)], 1),
    ],
)
def test_freshly_signed_votes(case, expected, rc, tmp_path, capsys, monkeypatch):
    vote, text = _signed(network="neuroshard-testnet") if case == "other-network" else _signed()
    if case == "tampered":
        text = text.replace('choice: "yes"', 'choice: "no"')
    elif case == "high-s":
        text = text.replace(vote.signature, _high_s(vote.signature))
    elif case == "other-key":
        other, _ = _signed(token=OTHER_VOTER_TOKEN)
        text = text.replace(vote.public_key, other.public_key)
    repo = make_repo(tmp_path / "r", {vote.path: text})
    got_rc, out, _ = validate(repo, vote.path, capsys=capsys, monkeypatch=monkeypatch)
    assert triples(json.loads(out)["diagnostics"]) == expected
    assert got_rc == rc


def test_valid_vote_in_git_history_is_counted_and_clean(tmp_path, capsys, monkeypatch):
    """Included during voting by a staked voter: counted, so not even a notice."""
    from gitrepo import GitRepo  # tests/gitrepo.py

    vote, text = _signed()
    repo = make_repo(tmp_path / "r")
    ledger = repo / "stakes" / "ledger.yaml"
    ledger.write_text(ledger.read_text(encoding="utf-8") + (
        f'  - node: "{FIXTURE_VOTER}"\n    amount: "1000"\n'
        '    since: "2025-12-01T00:00:00Z"\n    locked_until: "2027-12-01T00:00:00Z"\n'), encoding="utf-8")
    g = GitRepo(repo)
    g.commit("NEP 1 in voting", at=1795132800)  # 2026-11-20T00:00:00Z
    g.write(vote.path, text)
    g.commit("vote on NEP 1", at=TS_IN_VOTING + 60)
    rc, out, _ = validate(repo, vote.path, capsys=capsys, monkeypatch=monkeypatch)
    assert (rc, json.loads(out)["diagnostics"]) == (0, [])


# --------------------------------------------------------------------------
# Output formats and --level


def test_text_output_has_location_code_source_caret_and_help(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": (FIXTURES / "number-mismatch.md").read_text()})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch, fmt="text")
    lines = out.splitlines()
    assert rc == 1
    assert lines[0] == "neps/nep-0005.md:2:6: error NEP210[number-mismatch] nep is 6 but the file is named nep-0005.md"
    assert lines[1] == " 2 | nep: 6"
    assert lines[2] == "   |      ^"
    assert lines[3].startswith("   = help: ")
    assert lines[-1] == "1 error(s), 0 warning(s), 0 notice(s)"


def test_json_output_shape(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": (FIXTURES / "param-identity.md").read_text()})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch)
    doc = json.loads(out)
    assert set(doc) >= {"diagnostics", "errors", "warnings"}
    (d,) = doc["diagnostics"]
    assert set(d) == {"code", "slug", "severity", "file", "line", "col", "message", "hint"}
    assert (d["code"], d["slug"], d["severity"], d["file"], d["line"], d["col"]) == (
        "NEP508", "param-identity", "warning", "neps/nep-0005.md", 28, 16)
    assert isinstance(d["message"], str) and d["message"]
    assert isinstance(d["hint"], str) and d["hint"]
    assert (doc["errors"], doc["warnings"], rc) == (0, 1, 0)


def test_json_output_of_a_clean_repository(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r")
    rc, out, _ = validate(repo, capsys=capsys, monkeypatch=monkeypatch)
    assert (rc, json.loads(out)) == (0, {"diagnostics": [], "errors": 0, "warnings": 0})


def test_github_output(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": (FIXTURES / "duplicate-number.md").read_text()})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch, fmt="github")
    lines = out.splitlines()
    assert rc == 1
    assert len(lines) == 3
    for line, code in zip(lines, ("NEP210", "NEP211")):
        assert line.startswith(f"::error file=neps/nep-0005.md,line=2,col=6,title={code}")
        message = line.split("::", 2)[2]
        assert message and "\n" not in message
    assert lines[-1] == "2 error(s), 0 warning(s)"


def test_github_output_of_a_warning(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": (FIXTURES / "param-identity.md").read_text()})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch, fmt="github")
    assert out.startswith("::warning file=neps/nep-0005.md,line=28,col=16,title=NEP508")
    assert rc == 0


@pytest.mark.parametrize("key", ["number-mismatch", "NEP210"])
def test_level_off_removes_a_finding(key, tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": (FIXTURES / "duplicate-number.md").read_text()})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch,
                          extra=("--level", f"{key}=off"))
    assert triples(json.loads(out)["diagnostics"]) == [("NEP211", 2, 6)]
    assert rc == 1


def test_level_warning_turns_an_error_into_a_warning_and_exit_0(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": (FIXTURES / "grace-out-of-bounds-31.md").read_text()})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch,
                          extra=("--level", "grace-out-of-bounds=warning"))
    doc = json.loads(out)
    assert [(d["code"], d["severity"]) for d in doc["diagnostics"]] == [("NEP504", "warning")]
    assert (doc["errors"], doc["warnings"], rc) == (0, 1, 0)


def test_level_error_turns_a_warning_into_an_error_and_exit_1(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", {"neps/nep-0005.md": (FIXTURES / "param-identity.md").read_text()})
    rc, out, _ = validate(repo, "neps/nep-0005.md", capsys=capsys, monkeypatch=monkeypatch,
                          extra=("--level", "param-identity=error"))
    assert [(d["code"], d["severity"]) for d in json.loads(out)["diagnostics"]] == [("NEP508", "error")]
    assert rc == 1


def test_bad_level_is_a_usage_error(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r")
    rc, _, err = validate(repo, capsys=capsys, monkeypatch=monkeypatch, extra=("--level", "param-identity=fatal"))
    assert rc == 2
    assert "SLUG=error|warning|notice|off" in err
