"""Authoring: the Python API of the NeuroShard docs, `nep new`, CODEOWNERS."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from tooling.cli import main

from helpers import example_repo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def repo(tmp_path):
    return example_repo(tmp_path, ("stakes",))


def validate_json(repo: Path, capsys, *paths: str) -> tuple[int, dict]:
    capsys.readouterr()
    rc = main(["validate", "--repo", str(repo), "--format", "json", *paths])
    return rc, json.loads(capsys.readouterr().out)


def fill_prose(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    # The placeholders nep new writes: TODO paragraphs, the author's name and the all-zero node.
    text = text.replace("TODO: ", "Filled in: ").replace('"' + "0" * 32 + '"', '"' + "ab" * 16 + '"')
    path.write_text(text, encoding="utf-8")


def test_the_docs_example_runs_as_written_and_validates(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    from tooling import EconomicImpact, NEPType, UpgradePath, create_proposal

    proposal = create_proposal(
        title="Multi-Token Prediction Training",
        nep_type=NEPType.TRAINING,
        economic_impact=EconomicImpact(
            training_efficiency_multiplier=2.0,
            training_reward_multiplier=1.0,
            net_earnings_change_percent=0.0,
        ),
        upgrade_path=UpgradePath(grace_period_days=14, backward_compatible=True),
    )
    assert proposal.describe() == "Training efficiency: +100.0%"
    assert proposal.is_neutral() is False
    path = proposal.write(".")
    assert Path(path) == Path("neps/nep-0001.md") and proposal.nep == 1
    text = (repo / path).read_text(encoding="utf-8")
    # Every field explicit, neutral ones included: the completeness check needs no default.
    for field in ("training_reward_multiplier: 1.0", "inference_cost_multiplier: 1.0", "min_memory_change_mb: 0",
                  'upgrade_cost_neuro: "0"', "net_earnings_change_percent: 0.0", "grace_period_days: 14",
                  "backward_compatible: true", "migration_steps: []", 'status: "draft"'):
        assert field in text, field
    fill_prose(repo / path)
    rc, doc = validate_json(repo, capsys)
    assert (rc, doc["errors"], doc["warnings"]) == (0, 0, 0), doc["diagnostics"]


def test_a_written_proposal_loads_back_as_the_same_objects(repo):
    from tooling import EconomicImpact, NEPType, ParameterChange, UpgradePath, create_proposal, load

    impact = EconomicImpact(training_reward_multiplier=1.4, net_earnings_change_percent=25.0)
    change = ParameterChange("economics.constants", "TRAINING_REWARD_PER_BATCH_PER_LAYER", 0.0005, 0.0007, "gap")
    up = UpgradePath(target_version="1.0.1", migration_steps=("Upgrade the node",))
    p = create_proposal(title="Raise the training reward", nep_type="econ", economic_impact=impact,
                        upgrade_path=up, parameter_changes=[change],
                        authors=["Ken Whitfield:4df6b0d3f895f07b483522e489ab487e"])
    p.write(repo)
    (loaded,) = load(repo)
    assert loaded.type is NEPType.ECONOMICS
    assert loaded.economic_impact == impact
    assert loaded.parameter_changes == (change,)
    assert loaded.upgrade_path == up
    assert loaded.authors[0].node == "4df6b0d3f895f07b483522e489ab487e"
    assert loaded.economic_impact.describe() == "Training rewards: +40.0%; Net earnings: +25.0%"


def test_write_takes_the_next_free_number_and_never_overwrites(repo):
    from tooling import create_proposal

    (repo / "neps").mkdir()
    (repo / "neps" / "nep-0007.md").write_text("keep me\n", encoding="utf-8")
    path = create_proposal(title="Another proposal", nep_type="net").write(repo)
    assert path.name == "nep-0008.md"
    assert (repo / "neps" / "nep-0007.md").read_text(encoding="utf-8") == "keep me\n"


def test_unknown_type_is_a_clear_error():
    from tooling import create_proposal
    from tooling.app.authoring import AuthoringError

    with pytest.raises(AuthoringError, match="unknown NEP type"):
        create_proposal(title="Whatever it is", nep_type="economics")


@pytest.mark.parametrize("nep_type", ["arch", "econ", "train", "net", "gov", "emergency"])
def test_nep_new_scaffolds_a_draft_that_validates(repo, capsys, nep_type):
    rc = main(["new", "--repo", str(repo), "--type", nep_type, "--title", "A proposal title",
               "--author", "Ada Okafor:586dd510056f330e6b14b2bdada7505f", "--at", "2026-11-25T00:00:00Z"])
    assert rc == 0 and "created neps/nep-0001.md" in capsys.readouterr().out
    text = (repo / "neps" / "nep-0001.md").read_text(encoding="utf-8")
    assert 'created: "2026-11-25"' in text and 'status: "draft"' in text
    for section in ("## Abstract", "## Motivation", "## Specification", "## Economic Impact", "## Upgrade Path"):
        assert section in text
    rc, doc = validate_json(repo, capsys)
    assert (rc, doc["errors"]) == (0, 0), doc["diagnostics"]
    # A neutral econ draft is flagged, as a warning until it is submitted (docs/decisions.md);
    # so is every placeholder nep new wrote: TODO paragraphs, nothing else (the author is real).
    slugs = {d["slug"] for d in doc["diagnostics"]}
    assert slugs == ({"econ-neutral-type", "placeholder"} if nep_type == "econ" else {"placeholder"})
    assert all(d["severity"] == "warning" for d in doc["diagnostics"])
    assert all(text.split("\n")[d["line"] - 1].startswith("TODO:") for d in doc["diagnostics"]
               if d["slug"] == "placeholder")


def test_a_neutral_econ_nep_in_review_is_an_error(repo, capsys):
    main(["new", "--repo", str(repo), "--type", "econ", "--title", "A proposal title",
          "--author", "Ada Okafor:586dd510056f330e6b14b2bdada7505f"])
    path = repo / "neps" / "nep-0001.md"
    path.write_text(path.read_text(encoding="utf-8").replace('status: "draft"', 'status: "review"'), encoding="utf-8")
    rc, doc = validate_json(repo, capsys)
    assert rc == 1
    assert [(d["slug"], d["severity"], d["line"]) for d in doc["diagnostics"] if d["slug"] != "placeholder"] == [
        ("econ-neutral-type", "error", 12)]
    # From review on, the placeholders nep new wrote are errors too.
    assert {d["severity"] for d in doc["diagnostics"] if d["slug"] == "placeholder"} == {"error"}


@pytest.mark.parametrize("author", ["Ada", "Ada:xyz", ":586dd510056f330e6b14b2bdada7505f"])
def test_nep_new_refuses_a_bad_author(repo, capsys, author):
    assert main(["new", "--repo", str(repo), "--type", "net", "--title", "A proposal title", "--author", author]) == 2
    err = capsys.readouterr().err
    assert "NAME:NODE" in err or "32 lowercase hex" in err
    assert not (repo / "neps").exists() or not list((repo / "neps").iterdir())


def test_nep_new_outside_a_repository_is_a_usage_error(tmp_path, capsys):
    assert main(["new", "--repo", str(tmp_path), "--type", "net", "--title", "A proposal title",
                 "--author", "Ada:586dd510056f330e6b14b2bdada7505f"]) == 2
    assert "governance.yaml" in capsys.readouterr().err


def test_codeowners_lists_each_nep_with_its_handles(capsys):
    assert main(["codeowners", "--repo", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert "/neps/nep-0001.md @ada-okafor" in out
    assert "/neps/nep-0002.md @glindqvist" in out
    assert "nep-0003" not in out  # no GitHub handle


def test_codeowners_write(repo, capsys):
    shutil.copytree(ROOT / "neps", repo / "neps")
    assert main(["codeowners", "--repo", str(repo), "--write"]) == 0
    text = (repo / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert text.startswith("# Generated by `nep codeowners`")
    assert stat.S_IMODE((repo / ".github" / "CODEOWNERS").stat().st_mode) == 0o644


def test_codeowners_write_never_overwrites_a_hand_written_file(repo, capsys):
    shutil.copytree(ROOT / "neps", repo / "neps")
    (repo / ".github").mkdir()
    own = repo / ".github" / "CODEOWNERS"
    own.write_text("* @maintainers\n", encoding="utf-8")
    assert main(["codeowners", "--repo", str(repo), "--write"]) == 2
    assert own.read_text(encoding="utf-8") == "* @maintainers\n"
    assert "not generated by nep" in capsys.readouterr().err


def test_codeowners_write_replaces_its_own_output(repo):
    shutil.copytree(ROOT / "neps", repo / "neps")
    assert main(["codeowners", "--repo", str(repo), "--write"]) == 0
    assert main(["codeowners", "--repo", str(repo), "--write"]) == 0
