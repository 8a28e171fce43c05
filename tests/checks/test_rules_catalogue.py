"""The rules as a catalogue: listing, severity flags, nep.toml's deny, rule pages, phases, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from helpers import initialised_repo, run_nep
from tooling.cli import main

ROOT = Path(__file__).resolve().parents[2]
AT = "2026-12-01T00:00:00Z"


nep = run_nep


@pytest.fixture
def repo(tmp_path, capsys) -> Path:
    return initialised_repo(tmp_path / "gov", capsys)


def new_draft(root: Path, capsys, *extra: str) -> Path:
    assert main(["new", "--repo", str(root), "--type", "arch", "--title", "A title", *extra,
                 "--author", "Ada:586dd510056f330e6b14b2bdada7505f", "--at", AT]) == 0
    capsys.readouterr()
    return root / "neps" / "nep-0001.md"


def findings(capsys, root: Path, *args: str) -> tuple[int, list[dict]]:
    rc, out, _ = nep(capsys, "validate", "--repo", str(root), "--at", AT, "--format", "json", *args)
    return rc, json.loads(out)["diagnostics"]


# --------------------------------------------------------------------------
# --list-rules


def test_list_rules_text_and_json_name_every_rule_with_its_page(capsys):
    from tooling.app.rules import all_rules

    rc, out, _ = nep(capsys, "validate", "--list-rules")
    assert rc == 0
    slugs = set(all_rules())
    assert {line.split()[1] for line in out.splitlines()} == slugs
    assert any(line.startswith("NEP709  pr-vote-not-counted") for line in out.splitlines())
    rc, out, _ = nep(capsys, "validate", "--list-rules", "--format", "json")
    doc = json.loads(out)
    assert {r["slug"] for r in doc["rules"]} == slugs
    assert all(r["page"] == f"docs/rules/{r['slug']}.md" and (ROOT / r["page"]).is_file() for r in doc["rules"])


def test_rule_pages_are_current():
    """docs/rules/ is generated: `python -m tooling.app.rules docs/rules`."""
    from tooling.app.rules import rule_pages

    pages = rule_pages()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "rules").glob("*.md")}
    assert on_disk == pages, "run: python -m tooling.app.rules docs/rules"


def test_each_text_finding_ends_with_help_and_the_rule_page(repo, capsys):
    new_draft(repo, capsys)
    rc, out, _ = nep(capsys, "validate", "--repo", str(repo), "--at", AT)
    blocks = out.split("\n\n")[0].split("neps/nep-0001.md:")[1:]
    assert blocks
    for block in blocks:
        last = block.rstrip("\n").splitlines()[-1].strip()
        assert last.startswith("= help:") and last.endswith("see docs/rules/placeholder.md"), block


# --------------------------------------------------------------------------
# --deny / --warn / --allow and unknown slugs


def test_deny_warn_allow_set_the_severity_for_a_local_run(repo, capsys):
    new_draft(repo, capsys)
    rc, diags = findings(capsys, repo)
    assert rc == 0 and {d["severity"] for d in diags} == {"warning"}
    rc, diags = findings(capsys, repo, "--deny", "placeholder")
    assert rc == 1 and {d["severity"] for d in diags} == {"error"}
    rc, diags = findings(capsys, repo, "--allow", "placeholder")
    assert rc == 0 and diags == []
    rc, diags = findings(capsys, repo, "--deny", "NEP305", "--warn", "placeholder")
    assert rc == 0 and {d["severity"] for d in diags} == {"warning"}  # the later flag wins


@pytest.mark.parametrize("args", [["--deny", "placeholdr"], ["--allow", "placehlder"], ["--level", "placeholdre=off"]])
def test_an_unknown_slug_is_a_usage_error_with_did_you_mean(repo, capsys, args):
    rc, out, err = nep(capsys, "validate", "--repo", str(repo), *args)
    assert rc == 2 and out == ""
    assert "unknown rule" in err and "did you mean `placeholder`" in err


def test_check_pr_refuses_an_unknown_slug_too(repo, capsys):
    rc, _, err = nep(capsys, "check-pr", "--repo", str(repo), "--base", "HEAD", "--deny", "param-confict")
    assert rc == 2 and "did you mean `param-conflict`" in err


# --------------------------------------------------------------------------
# nep.toml


def test_nep_toml_deny_raises_a_rule_to_an_error(repo, capsys):
    new_draft(repo, capsys)
    toml = repo / "nep.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("deny = []", 'deny = ["placeholder"]'), encoding="utf-8")
    rc, diags = findings(capsys, repo)
    assert rc == 1 and {d["severity"] for d in diags} == {"error"}


@pytest.mark.parametrize(("text", "needle"), [
    ('[lint]\nallow = ["placeholder"]\n', "cannot lower"),
    ('[lint]\ndeny = ["placeholdr"]\n', "did you mean `placeholder`"),
    ('[lnt]\ndeny = []\n', "did you mean `lint`"),
    ('[repository]\nurl = 7\n', "quoted string"),
    ('[lint\n', "TOML"),
])
def test_nep_toml_mistakes_are_usage_errors_that_say_what_to_write(repo, capsys, text, needle):
    (repo / "nep.toml").write_text(text, encoding="utf-8")
    rc, _, err = nep(capsys, "validate", "--repo", str(repo))
    assert rc == 2 and needle in err and "nep.toml" in err


def test_check_pr_reads_nep_toml_from_the_base_revision(repo, capsys, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    g = GitRepo(repo)
    g.commit("init", at=1767225600)
    g.checkout("branch", create=True)
    new_draft(repo, capsys)
    # The pull request tries to deny a rule for itself; only the base's settings count.
    toml = repo / "nep.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("deny = []", 'deny = ["placeholder"]'), encoding="utf-8")
    g.commit("draft", at=1767225700)
    rc, out, _ = nep(capsys, "check-pr", "--repo", str(repo), "--base", "main", "--at", "2026-01-01T00:05:00Z",
                     "--format", "json")
    assert {d["severity"] for d in json.loads(out)["diagnostics"] if d["slug"] == "placeholder"} == {"warning"}


# --------------------------------------------------------------------------
# Strictness follows the phase


def test_placeholders_are_exactly_what_nep_new_writes(tmp_path, capsys):
    root = tmp_path / "gov"
    assert main(["init", str(root), "--network", "acme"]) == 0
    from tooling import NEPType, create_proposal

    path = create_proposal("Untitled", NEPType.NETWORK).write(root, today="2026-11-30")
    rc, diags = findings(capsys, root)
    lines = path.read_text(encoding="utf-8").split("\n")
    where = {(d["line"], lines[d["line"] - 1].strip()) for d in diags}
    assert {text for _, text in where} == {'- name: "TODO: your name"', 'node: "' + "0" * 32 + '"'} | {
        line.strip() for line in lines if line.startswith("TODO:")}
    assert rc == 0 and {d["severity"] for d in diags} == {"warning"}


def test_a_todo_inside_a_sentence_or_a_code_block_is_not_a_placeholder(repo, capsys):
    import re

    path = new_draft(repo, capsys)
    text = re.sub(r"TODO: [^\n]*", "Done, nothing TODO: here.", path.read_text(encoding="utf-8"), count=1)
    text = re.sub(r"TODO: [^\n]*", "TODO: the author's own note, not a placeholder of nep new.", text)
    text = text.replace("## Upgrade Path\n", "## Upgrade Path\n\n```\nTODO: a code sample\n```\n")
    path.write_text(text, encoding="utf-8")
    assert findings(capsys, repo) == (0, [])


def test_completeness_is_a_warning_on_a_draft_and_an_error_in_review(repo, capsys):
    # Ada holds stake, so her NEP in review is not rejected at submission (a decided NEP is judged leniently).
    ledger = repo / "stakes" / "ledger.yaml"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("entries: []", (
        'entries:\n  - {node: "586dd510056f330e6b14b2bdada7505f", amount: "500", since: "2026-01-01T00:00:00Z",'
        ' locked_until: "2028-01-01T00:00:00Z"}')), encoding="utf-8")
    path = new_draft(repo, capsys)
    text = path.read_text(encoding="utf-8").replace("## Motivation\n", "## Motivatoin\n")
    path.write_text(text, encoding="utf-8")
    _, diags = findings(capsys, repo, "--allow", "placeholder")
    assert {(d["slug"], d["severity"]) for d in diags} >= {("body-missing-section", "warning")}
    path.write_text(text.replace('status: "draft"', 'status: "review"'), encoding="utf-8")
    rc, diags = findings(capsys, repo, "--allow", "placeholder")
    assert rc == 1 and ("body-missing-section", "error") in {(d["slug"], d["severity"]) for d in diags}


def test_decided_neps_are_checked_leniently():
    from tooling.checks.rules.phase import adjust
    from tooling.core.catalog import rule
    from tooling.core.model import NEPStatus

    d = rule("placeholder").at("neps/nep-0001.md", (1, 1), "x")
    for status in (NEPStatus.ACTIVE, NEPStatus.REJECTED, NEPStatus.SCHEDULED, NEPStatus.WITHDRAWN):
        assert [x.severity for x in adjust([d], status)] == ["notice"]
    assert [x.severity for x in adjust([d], NEPStatus.VOTING)] == ["error"]
    assert [x.severity for x in adjust([d], NEPStatus.DRAFT)] == ["warning"]


# --------------------------------------------------------------------------
# Messages that say what to type


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("title:", "titel:", "did you mean `title`"),
    ('type: "arch"', 'type: "arhc"', "did you mean `arch`"),
    ("grace_period_days: 7", 'grace_period_days: "7"', "write 7 without quotes"),
    ("backward_compatible: true", "backward_compatible: yes", "write true or false"),
    ("requires_checkpoint_reload: false", "requires_checkpoint_reload: \"no\"", "write true or false"),
])
def test_messages_say_what_to_type(repo, capsys, old, new, needle):
    path = new_draft(repo, capsys)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    rc, out, _ = nep(capsys, "validate", "--repo", str(repo), "--at", AT)
    assert rc == 1 and needle in out
