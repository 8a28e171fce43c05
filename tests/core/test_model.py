"""One source of truth: model.py's enums and records agree with the JSON Schemas, the
schemas are valid draft 2020-12, and docs/rules.md is the rule catalog."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tooling.core import model
from tooling.core.model import (
    IMPACT_FIELDS,
    Choice,
    EconomicImpact,
    Governance,
    NEPStatus,
    NEPType,
    Outcome,
    Reason,
    Resolution,
    Rewards,
    Severity,
    Track,
)
from tooling.core import catalog
from tooling.parse.schemas import KINDS, schema_dir

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"


def load(kind: str) -> dict:
    return json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))


NEP = load("nep")
VOTE = load("vote")
GOVERNANCE = load("governance")
LEDGER = load("ledger")


def values(enum) -> list[str]:
    return [m.value for m in enum]


# --------------------------------------------------------------------------
# Enums and the schemas


def test_nep_type_matches_the_schema():
    assert values(NEPType) == NEP["properties"]["type"]["enum"]


def test_nep_type_members_and_labels():
    assert {m.name: m.value for m in NEPType} == {
        "ARCHITECTURE": "arch", "ECONOMICS": "econ", "TRAINING": "train", "NETWORK": "net",
        "GOVERNANCE": "gov", "EMERGENCY": "emergency"}
    assert [t.label for t in NEPType] == ["NEP-ARCH", "NEP-ECON", "NEP-TRAIN", "NEP-NET", "NEP-GOV", "NEP-EMERGENCY"]
    assert [t.track for t in NEPType] == ["standard"] * 5 + ["emergency"]


def test_nep_status_matches_the_schema():
    assert values(NEPStatus) == NEP["properties"]["status"]["enum"]
    assert values(NEPStatus) == ["draft", "review", "voting", "scheduled", "active", "rejected", "withdrawn",
                                 "deprecated"]


def test_author_statuses():
    assert model.AUTHOR_STATUSES == {NEPStatus.DRAFT, NEPStatus.REVIEW, NEPStatus.WITHDRAWN}


def test_choice_matches_the_vote_schema():
    assert values(Choice) == VOTE["properties"]["choice"]["enum"] == ["yes", "no", "abstain"]


def test_outcome_and_reason_match_the_resolution_schema():
    resolution = NEP["properties"]["resolution"]["properties"]
    assert values(Outcome) == resolution["outcome"]["enum"]
    assert [None, *values(Reason)] == resolution["reason"]["enum"]


def test_resolution_record_matches_the_schema():
    schema = NEP["properties"]["resolution"]
    assert [f.name for f in dataclasses.fields(Resolution)] == schema["required"] == list(schema["properties"])


def test_impact_fields_match_the_schema_in_order():
    schema = NEP["$defs"]["economic_impact"]
    names = [f.name for f in IMPACT_FIELDS]
    assert names == schema["required"]
    assert names == list(schema["properties"])
    assert list(model.IMPACT_FIELD_NAMES) == names
    assert [f.name for f in dataclasses.fields(EconomicImpact)] == names


def test_impact_labels_are_distinct_and_human():
    labels = [f.label for f in IMPACT_FIELDS]
    assert len(set(labels)) == 9
    assert all(re.fullmatch(r"[A-Z][a-z]+( [a-z]+)*", label) for label in labels)


def test_upgrade_path_matches_the_schema():
    schema = NEP["properties"]["upgrade_path"]
    assert [f.name for f in dataclasses.fields(model.UpgradePath)] == schema["required"]


def test_parameter_change_matches_the_schema():
    schema = NEP["properties"]["parameter_changes"]["items"]
    assert [f.name for f in dataclasses.fields(model.ParameterChange)] == schema["required"]


def test_author_matches_the_schema():
    schema = NEP["properties"]["authors"]["items"]
    assert [f.name for f in dataclasses.fields(model.Author)] == list(schema["properties"])
    assert schema["required"] == ["name", "node"]


def test_vote_record_matches_the_schema():
    from tooling.core.votes import VOTE_FILE_FIELDS

    fields = [f.name for f in dataclasses.fields(model.Vote)]
    assert fields[0] == "path"  # where the file is; not a key of the file
    assert fields[1:] == VOTE["required"] == list(VOTE["properties"]) == list(VOTE_FILE_FIELDS)


def test_governance_records_match_the_schema():
    assert [f.name for f in dataclasses.fields(Governance)] == GOVERNANCE["required"]
    assert [f.name for f in dataclasses.fields(Track)] == GOVERNANCE["$defs"]["track"]["required"]
    assert [f.name for f in dataclasses.fields(Rewards)] == GOVERNANCE["properties"]["rewards"]["required"]
    assert GOVERNANCE["properties"]["tracks"]["required"] == ["standard", "emergency"]


def test_ledger_entry_matches_the_schema():
    entry = LEDGER["properties"]["entries"]["items"]
    assert [f.name for f in dataclasses.fields(model.StakeEntry)] == entry["required"]


def test_vote_codes_in_check_order():
    assert values(model.VoteCode) == [
        "MALFORMED", "WRONG_PATH", "WRONG_NETWORK", "BAD_KEY", "BAD_SIGNATURE", "STALE_CONTENT", "TOO_EARLY",
        "TOO_LATE", "LATE_INCLUSION", "FUTURE_TIMESTAMP", "NO_STAKE", "PENDING"]
    assert [c.value for c in model.VoteCode if c.intrinsic] == [
        "MALFORMED", "WRONG_PATH", "WRONG_NETWORK", "BAD_KEY", "BAD_SIGNATURE"]


def test_severity_values_and_ranks():
    assert values(Severity) == ["error", "warning", "notice"]
    assert [s.rank for s in Severity] == [2, 1, 0]


# --------------------------------------------------------------------------
# The schemas themselves


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12(kind):
    schema = load(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/{kind}.schema.json")
    assert schema["title"].strip()
    assert len(schema["description"]) > 20


def test_every_schema_file_is_a_known_kind():
    assert sorted(p.name for p in SCHEMAS.glob("*.schema.json")) == sorted(f"{k}.schema.json" for k in KINDS)


def test_the_tool_reads_its_own_schemas():
    assert schema_dir().resolve() == SCHEMAS.resolve()


@pytest.mark.parametrize("kind", KINDS)
def test_objects_reject_unknown_keys(kind):
    """SPEC 3: unknown keys are errors; every object with fixed properties says so."""

    def walk(node, where):
        if isinstance(node, dict):
            if "properties" in node and node.get("type") == "object":
                assert node.get("additionalProperties") is False, where
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    walk(load(kind), kind)


def test_example_files_satisfy_their_schemas():
    from tooling.parse.yamlio import load_yaml, split_front_matter

    Draft202012Validator(GOVERNANCE).validate(load_yaml((ROOT / "governance.yaml").read_text()).data)
    Draft202012Validator(LEDGER).validate(load_yaml((ROOT / "stakes" / "ledger.yaml").read_text()).data)
    neps = sorted((ROOT / "neps").glob("nep-*.md"))
    assert neps
    for path in neps:
        fm = split_front_matter(path.read_text(encoding="utf-8"))
        Draft202012Validator(NEP).validate(load_yaml(fm.yaml_text).data)


# --------------------------------------------------------------------------
# The rule catalog and docs/rules.md


def test_rule_codes_and_slugs_are_well_formed_and_unique():
    rules = list(catalog.BY_CODE.values())
    assert len({r.code for r in rules}) == len({r.slug for r in rules}) == len(rules)
    for r in rules:
        assert re.fullmatch(r"NEP\d{3}", r.code), r.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.slug), r.slug
        assert isinstance(r.severity, Severity)
        assert r.summary and r.help
        assert catalog.RULES[r.slug] is r


def test_rules_doc_is_current():
    doc = ROOT / "docs" / "rules.md"
    if not doc.exists():  # generate it once, as the lead would
        doc.write_text(catalog.markdown(), encoding="utf-8")
    assert doc.read_text(encoding="utf-8") == catalog.markdown(), (
        "docs/rules.md is stale: regenerate it from tooling.core.catalog.markdown()")


def test_rules_doc_lists_every_rule():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for r in catalog.BY_CODE.values():
        assert f"| `{r.code}` | `{r.slug}` | {r.severity} |" in text, r.code


def test_catalog_is_complete_without_importing_any_checker():
    """The table is data: importing it alone gives every rule, the pr-* ones included."""
    code = (
        "import sys; from tooling.core import catalog; "
        "assert 'tooling.checks.policy' not in sys.modules; "
        "print(len(catalog.RULES), sum(s.startswith('pr-') for s in catalog.RULES))"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    total, pr = map(int, r.stdout.split())
    assert total == len(catalog.RULES) and pr == 22


def test_rules_doc_command_prints_the_whole_catalog():
    r = subprocess.run([sys.executable, "-m", "tooling.core.catalog"], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == catalog.markdown()
