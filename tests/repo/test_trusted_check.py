"""The required check runs the base branch's tool on the pull request's git objects (docs/trust-model.md).

The fetch step of .github/workflows/validate.yml is run as written, in a clone
of an "origin" that serves `refs/pull/7/merge` like GitHub does; then
`nep check-pr` (this tool, standing for the one installed from the base) reads
the fetched revisions. A pull request whose own tooling would accept
everything is still refused, and none of its files reach the work tree.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

from gitrepo import GitRepo
from nepfixtures import VS, content_hash, genesis, nep_cli, nep_text, vote_file

ROOT = Path(__file__).resolve().parents[2]
NEP1 = nep_text(1, status="review")
SABOTAGE = '"""A pull request\'s own check-pr."""\n\n\ndef check_pr(*args, **kwargs):\n    return None\n'


def fetch_script() -> str:
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8"))
    return next(s["run"] for s in doc["jobs"]["validate"]["steps"] if s.get("id") == "fetch")


def serve_pull_request(origin: GitRepo, changes: dict[str, str], number: int = 7) -> None:
    """A PR branch and GitHub's merge of it into main, published as refs/pull/N/head and refs/pull/N/merge."""
    origin.checkout("main")
    origin.checkout("pr", create=True)
    for path, text in changes.items():
        origin.write(path, text)
    head = origin.commit("pull request", at=VS + 600)
    origin.checkout("main")
    origin.checkout("merge-tmp", create=True)
    origin.git("reset", "-q", "--hard", "main")
    merged = origin.merge("pr", at=VS + 700)
    origin.checkout("main")
    origin.git("update-ref", f"refs/pull/{number}/head", head)
    origin.git("update-ref", f"refs/pull/{number}/merge", merged)
    origin.git("branch", "-D", "pr", "merge-tmp")


def run_fetch_step(clone: Path, tmp: Path, number: int = 7) -> dict[str, str]:
    out = tmp / "github_output"
    out.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, EVENT="pull_request_target",
               PR=str(number), QUEUE_REF="", QUEUE_BASE="", GITHUB_OUTPUT=str(out))
    proc = subprocess.run(["bash", "-c", fetch_script()], cwd=clone, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dict(line.split("=", 1) for line in out.read_text().splitlines())


def clone_of(origin: GitRepo, path: Path) -> GitRepo:
    subprocess.run(["git", "clone", "-q", str(origin.path), str(path)], check=True, capture_output=True,
                   env={**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
                        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull})
    return GitRepo(path, init=False)


def test_a_pull_request_that_disables_check_pr_in_its_own_tooling_is_still_refused(tmp_path):
    origin = genesis(tmp_path / "origin", {1: NEP1})
    edited = NEP1.replace("bounded cache", "bounded LRU cache")
    serve_pull_request(origin, {"neps/nep-0001.md": edited, "tooling/checks/policy/__init__.py": SABOTAGE})
    clone = clone_of(origin, tmp_path / "clone")
    files_before = sorted(p.relative_to(clone.path).as_posix() for p in clone.path.rglob("*") if ".git" not in p.parts)
    revs = run_fetch_step(clone.path, tmp_path)
    # Git objects only: the work tree is still the base, byte for byte.
    assert sorted(p.relative_to(clone.path).as_posix() for p in clone.path.rglob("*")
                  if ".git" not in p.parts and ".nep-cache" not in p.parts) == files_before
    assert clone.read("neps/nep-0001.md") == NEP1 and not (clone.path / "tooling").exists()
    assert revs["base"] == clone.head()
    proc = nep_cli(clone.path, "check-pr", "--base", revs["base"], "--head", revs["head"], "--at", str(VS + 800),
                   "--format", "github")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "title=NEP700" in proc.stdout  # pr-content-frozen
    assert "tooling/checks/policy/__init__.py" in proc.stdout  # the tooling change, for the maintainers


def test_positive_control_a_valid_vote_passes_the_same_way(tmp_path):
    origin = genesis(tmp_path / "origin", {1: NEP1})
    path, text = vote_file("ada", 1, "yes", VS + 60, content_hash(NEP1))
    serve_pull_request(origin, {path: text})
    clone = clone_of(origin, tmp_path / "clone")
    revs = run_fetch_step(clone.path, tmp_path)
    assert not (clone.path / path).exists()
    proc = nep_cli(clone.path, "check-pr", "--base", revs["base"], "--head", revs["head"], "--at", str(VS + 800),
                   "--format", "github")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_pull_request_without_a_merge_ref_fails_the_fetch_step(tmp_path):
    origin = genesis(tmp_path / "origin", {1: NEP1})
    clone = clone_of(origin, tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, EVENT="pull_request_target", PR="9",
               QUEUE_REF="", QUEUE_BASE="", GITHUB_OUTPUT=str(tmp_path / "out"))
    proc = subprocess.run(["bash", "-c", fetch_script()], cwd=clone.path, env=env, capture_output=True, text=True)
    assert proc.returncode == 1 and "does not merge cleanly" in proc.stdout
