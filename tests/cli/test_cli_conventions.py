"""CLI conventions, the pre-commit and pull-request flow, the local site preview and the Python API."""

from __future__ import annotations

import argparse
import inspect
import json
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest
import yaml

from helpers import initialised_repo, run_nep
from tooling.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


nep = run_nep


@pytest.fixture
def repo(tmp_path, capsys) -> Path:
    return initialised_repo(tmp_path / "gov", capsys)


def _parsers(p: argparse.ArgumentParser, name: str = "nep"):
    yield name, p
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sp in action.choices.items():
                yield from _parsers(sp, f"{name} {sub_name}")


def test_version(capsys):
    from tooling import __version__

    rc, out, _ = nep(capsys, "--version")
    assert rc == 0 and out.strip() == f"nep {__version__}"


def test_every_option_has_help_that_names_its_default_or_says_it_is_required():
    for name, p in _parsers(build_parser()):
        for action in p._actions:
            if not action.option_strings or isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
                continue
            text = action.help or ""
            assert text and ("default" in text or "required" in text), f"{name} {action.option_strings}: {text!r}"


def test_enum_choices_come_from_the_model():
    from tooling.core.model import Choice, NEPType

    parsers = dict(_parsers(build_parser()))
    (t,) = [a for a in parsers["nep new"]._actions if "--type" in a.option_strings]
    (c,) = [a for a in parsers["nep vote"]._actions if a.dest == "choice"]
    assert list(t.choices) == list(NEPType) and list(c.choices) == list(Choice)


def test_quiet_keeps_results_and_drops_chatter(repo, capsys):
    assert nep(capsys, "-q", "validate", "--repo", str(repo)) == (0, "", "")
    assert nep(capsys, "validate", "-q", "--repo", str(repo)) == (0, "", "")
    rc, out, _ = nep(capsys, "-q", "init", str(repo.parent / "other"), "--network", "acme")
    assert (rc, out) == (0, "")


@pytest.mark.parametrize(("env", "tty", "expected"), [
    ({}, False, False), ({}, True, True), ({"NO_COLOR": "1"}, True, False), ({"FORCE_COLOR": "1"}, False, True),
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
])
def test_no_color_and_force_color(monkeypatch, env, tty, expected):
    from tooling.cli.common import color_wanted

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)

    class Stream:
        def isatty(self) -> bool:
            return tty

    assert color_wanted(Stream()) is expected


def test_force_color_paints_the_findings(repo, capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    (repo / "neps" / "stray.txt").write_text("x", encoding="utf-8")
    rc, out, _ = nep(capsys, "validate", "--repo", str(repo))
    assert rc == 1 and "\x1b[" in out


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(capsys, shell):
    rc, out, _ = nep(capsys, "completion", shell)
    assert rc == 0 and "validate" in out and "check-pr" in out and "list-rules" in out
    if shell == "bash":
        assert subprocess.run(["bash", "-n"], input=out, text=True).returncode == 0
        probe = out + '\nCOMP_WORDS=(nep key ""); COMP_CWORD=2; _nep_complete; echo "${COMPREPLY[*]}"\n'
        got = subprocess.run(["bash", "-c", probe], capture_output=True, text=True).stdout
        assert got.split() == ["new", "show"] or set(got.split()) >= {"new", "show"}


def test_pre_commit_hook_is_declared():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "nep-validate" and hook["entry"] == "nep validate" and hook["pass_filenames"] is False


def test_pull_request_templates_exist_and_match_the_init_templates():
    from tooling.app.init import template_files

    ours = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / ".github" / "PULL_REQUEST_TEMPLATE").glob("*.md")}
    assert set(ours) == {"new-nep.md", "request-review.md", "withdraw.md", "vote.md"}
    for name, text in ours.items():
        assert template_files()[f".github/PULL_REQUEST_TEMPLATE/{name}"] == text


def test_the_status_comment_is_written_by_a_job_that_reads_nothing_of_the_pull_request():
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "status-comment.yml").read_text(encoding="utf-8"))
    assert set(doc[True]) == {"workflow_run"} and doc["permissions"] == {}  # YAML 1.1 reads `on` as True
    summarize, comment = doc["jobs"]["summarize"], doc["jobs"]["comment"]
    assert "write" not in summarize["permissions"].values()
    assert comment["permissions"] == {"pull-requests": "write"}
    # The writing job checks out nothing and runs no nep; the reading job checks out main only.
    assert not any("checkout" in s.get("uses", "") or "nep " in s.get("run", "") for s in comment["steps"])
    (checkout,) = [s for s in summarize["steps"] if "checkout" in s.get("uses", "")]
    assert checkout["with"]["ref"] == "main" and checkout["with"]["persist-credentials"] is False


def test_codeowners_check_fails_when_stale(repo, capsys):
    assert nep(capsys, "codeowners", "--repo", str(repo), "--check")[0] == 0
    assert main(["new", "--repo", str(repo), "--type", "net", "--title", "T",
                 "--author", "Ada:586dd510056f330e6b14b2bdada7505f"]) == 0
    path = repo / "neps" / "nep-0001.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        '    node: "586dd510056f330e6b14b2bdada7505f"', '    node: "586dd510056f330e6b14b2bdada7505f"\n'
        '    github: "ada"'), encoding="utf-8")
    rc, _, err = nep(capsys, "codeowners", "--repo", str(repo), "--check")
    assert rc == 1 and "nep codeowners --write" in err
    assert nep(capsys, "codeowners", "--repo", str(repo), "--write")[0] == 0
    assert nep(capsys, "codeowners", "--repo", str(repo), "--check")[0] == 0


def test_site_serve_listens_on_loopback_only(repo, tmp_path, capsys):
    from tooling.app.serve import make_server

    out = tmp_path / "_site"
    assert main(["site", "build", "--repo", str(repo), "--out", str(out)]) == 0
    server = make_server(out, 0)
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=10) as resp:
            assert resp.status == 200 and b"<html" in resp.read().lower()
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------
# Python API


def test_proposals_print_readably(repo):
    import tooling
    from tooling import EconomicImpact, NEPType, create_proposal

    p = create_proposal("Faster gossip", NEPType.NETWORK, economic_impact=EconomicImpact(min_memory_change_mb=64))
    assert str(p) == "NEP (unnumbered) [NEP-NET] Faster gossip (Memory requirement: +64 MB)"
    p.write(repo, today="2026-11-30")
    assert str(p).startswith("NEP-0001 [NEP-NET] Faster gossip")
    (loaded,) = tooling.load(repo)
    assert str(loaded) == "NEP-0001 [NEP-NET] Faster gossip (draft; Memory requirement: +64 MB)"
    assert repr(loaded).startswith("Proposal(nep=1, title='Faster gossip', type='net', status='draft'")
    assert "body=" not in repr(loaded) and len(repr(loaded)) < 300


def test_write_refuses_a_folder_without_governance_yaml(tmp_path):
    from tooling import NEPType, create_proposal
    from tooling.app.authoring import AuthoringError

    with pytest.raises(AuthoringError, match="governance.yaml"):
        create_proposal("T", NEPType.NETWORK).write(tmp_path)
    assert not (tmp_path / "neps").exists()


def test_render_is_private_and_the_date_is_utc_from_the_caller(repo):
    from tooling import NEPType, create_proposal
    from tooling.app import authoring

    p = create_proposal("T", NEPType.NETWORK)
    assert not hasattr(p, "render")
    path = p.write(repo, today="2031-02-03")
    assert 'created: "2031-02-03"' in path.read_text(encoding="utf-8")
    source = inspect.getsource(authoring)
    assert "date.today" not in source and "datetime.now" not in source


@pytest.mark.parametrize("module", ["tooling.app.authoring", "tooling.app.init", "tooling.app.rules",
                                    "tooling.app.voting", "tooling.shell.config", "tooling.checks.rules.phase"])
def test_every_public_name_has_a_docstring(module):
    import importlib

    mod = importlib.import_module(module)
    for name, obj in vars(mod).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert inspect.getdoc(obj), f"{module}.{name}"
            for attr, member in vars(obj).items() if inspect.isclass(obj) else ():
                if not attr.startswith("_") and inspect.isfunction(member):
                    assert inspect.getdoc(member), f"{module}.{name}.{attr}"
