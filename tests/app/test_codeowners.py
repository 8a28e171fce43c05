"""`nep codeowners`: maintainers own the process files; no value in a NEP file can add a rule of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from nepfixtures import genesis, nep_cli, nep_text
from tooling.app.codeowners import MAINTAINED_PATHS, owner

FORGED = 'alice\\n* @mallory'  # a YAML escape: the parsed value holds a real line break


def nep_with_github(n: int, value: str) -> str:
    return nep_text(n).replace('    node: "', f'    github: "{value}"\n    node: "', 1)


@pytest.fixture
def repo(tmp_path: Path):
    return genesis(tmp_path / "repo", {1: nep_with_github(1, "alice"), 2: nep_with_github(2, FORGED)})


def test_a_github_value_with_a_line_break_is_skipped_with_a_warning(repo):
    proc = nep_cli(repo.path, "codeowners", "--maintainer", "@core-team")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "/neps/nep-0001.md @alice" in lines  # positive control
    assert not any("mallory" in line for line in lines)
    assert not any(line.startswith("*") for line in lines)
    assert "neps/nep-0002.md" in proc.stderr and "not a GitHub handle" in proc.stderr
    assert "\\n" in proc.stderr  # shown escaped, on one line


def test_maintainers_own_the_process_files_after_every_nep_rule(repo):
    proc = nep_cli(repo.path, "codeowners", "--maintainer", "@core-team", "--maintainer", "org/maintainers")
    lines = proc.stdout.splitlines()
    owned = [line for line in lines if line.split(" ", 1)[0] in MAINTAINED_PATHS]
    assert [line.split(" ", 1)[0] for line in owned] == list(MAINTAINED_PATHS)
    assert all(line.endswith(" @core-team @org/maintainers") for line in owned)
    assert lines.index(owned[0]) > max(i for i, line in enumerate(lines) if line.startswith("/neps/"))
    for path in ("/tooling/", "/schemas/", "/.github/", "/pyproject.toml", "/governance.yaml", "/stakes/",
                 "/nep.toml"):
        assert path in MAINTAINED_PATHS


def test_maintainers_come_from_nep_toml_when_no_option_is_given(repo):
    repo.write("nep.toml", '[repository]\nmaintainers = ["@alice", "bad handle", "@org/team"]\n')
    proc = nep_cli(repo.path, "codeowners")
    assert proc.returncode == 0
    assert "/tooling/ @alice @org/team" in proc.stdout.splitlines()
    assert "skipped maintainer 'bad handle'" in proc.stderr


def test_without_maintainers_the_file_says_so_and_the_command_warns(repo):
    proc = nep_cli(repo.path, "codeowners")
    assert proc.returncode == 0
    assert "/tooling/" not in proc.stdout and "no code owner" in proc.stdout
    assert "no maintainers" in proc.stderr


def test_write_puts_the_rules_in_github_codeowners(repo):
    assert nep_cli(repo.path, "codeowners", "--write", "--maintainer", "@core-team").returncode == 0
    text = (repo.path / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "/governance.yaml @core-team" in text.splitlines()


@pytest.mark.parametrize("handle, expected", [
    ("alice", "@alice"), ("@alice", "@alice"), ("org/team_x", "@org/team_x"), ("a-b", "@a-b"),
    ("alice\n* @mallory", None), ("-alice", None), ("alice-", None), ("a--b", None), ("a b", None),
    ("*", None), ("", None), ("a" * 40, None), ("alice@example.com", None),
])
def test_only_github_handle_syntax_is_an_owner(handle, expected):
    assert owner(handle) == expected
