"""`nep site build` over a real git repository: where the repository's address comes from, and
vote files whose name is not UTF-8 (said on stderr, not silently skipped)."""

from __future__ import annotations

import os
from pathlib import Path

from nepfixtures import T0, VS, content_hash, genesis, nep_cli, nep_text, vote_file

URL = "https://github.com/acme/governance"
AT = "2026-01-10T00:00:00Z"


def _repo(tmp_path: Path, nep_toml: str | None = None):  # type: ignore[no-untyped-def]
    text = nep_text(1, status="review")
    repo = genesis(tmp_path / "repo", {1: text})
    if nep_toml is not None:
        repo.write("nep.toml", nep_toml)
        repo.commit("settings", at=T0 + 60)
    return repo, text


def _source_link(out: Path) -> str:
    return (out / "nep-0001.html").read_text(encoding="utf-8")


def test_the_repository_url_comes_from_nep_toml(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path, f'[repository]\nurl = "{URL}"\n')
    done = nep_cli(repo.path, "site", "build", "--at", AT, "--out", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    assert f'href="{URL}/blob/HEAD/neps/nep-0001.md"' in _source_link(tmp_path / "site")


def test_repo_url_on_the_command_line_overrides_nep_toml(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path, f'[repository]\nurl = "{URL}"\n')
    other = "https://github.com/other/neps"
    done = nep_cli(repo.path, "site", "build", "--at", AT, "--out", str(tmp_path / "site"), "--repo-url", other)
    assert done.returncode == 0, done.stderr
    page = _source_link(tmp_path / "site")
    assert f'href="{other}/blob/HEAD/neps/nep-0001.md"' in page and URL not in page


def test_a_mistake_in_nep_toml_is_a_usage_error(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path, '[repository]\nurl = 3\n')
    done = nep_cli(repo.path, "site", "build", "--at", AT, "--out", str(tmp_path / "site"))
    assert done.returncode == 2 and "nep.toml" in done.stderr


def test_without_nep_toml_there_is_no_source_link(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path)
    done = nep_cli(repo.path, "site", "build", "--at", AT, "--out", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    assert "/blob/HEAD/neps/" not in _source_link(tmp_path / "site")


def test_a_vote_file_whose_name_is_not_utf8_is_reported_and_the_site_is_built(tmp_path: Path) -> None:
    repo, text = _repo(tmp_path)
    path, vote = vote_file("ada", 1, "yes", VS + 60, content_hash(text))
    bad = os.fsencode(repo.path) + b"/votes/nep-0001/\xff\xfe.yaml"
    os.makedirs(os.path.dirname(bad), exist_ok=True)
    with open(bad, "wb") as f:
        f.write(vote.encode("utf-8"))
    repo.commit("a vote with a Latin-1 name", at=VS + 120)
    done = nep_cli(repo.path, "site", "build", "--at", AT, "--out", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    assert "votes/nep-0001/" in done.stderr and "not UTF-8" in done.stderr
    assert (tmp_path / "site" / "nep-0001.html").is_file()
