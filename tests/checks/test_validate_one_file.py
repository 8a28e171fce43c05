"""`nep validate PATH` reports exactly what a whole-repository run reports for that path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tooling.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _diagnostics(capsys, repo: Path, at: str, *paths: str) -> tuple[int, list[dict]]:
    capsys.readouterr()
    rc = main(["validate", "--repo", str(repo), "--format", "json", "--at", at, *paths])
    out = capsys.readouterr()
    assert out.out.startswith("{"), (paths, out.out[:300], out.err[:300])
    return rc, json.loads(out.out)["diagnostics"]


def _files(repo: Path) -> list[str]:
    return sorted(p.relative_to(repo).as_posix() for folder in ("neps", "votes") for p in (repo / folder).rglob("*")
                  if p.is_file() and p.name not in ("README.md", ".gitkeep"))


def _same_per_file(capsys, repo: Path, at: str) -> int:
    _, whole = _diagnostics(capsys, repo, at)
    files = _files(repo)
    for path in files:
        rc, one = _diagnostics(capsys, repo, at, str(repo / path))
        expected = [d for d in whole if d["file"] == path]
        assert one == expected, path
        assert rc == (1 if any(d["severity"] == "error" for d in expected) else 0), path
    return len(files)


@pytest.mark.parametrize("at", ["2026-06-01T00:00:00Z", "2027-06-01T00:00:00Z"])
def test_each_file_of_the_example_repository(capsys, monkeypatch, tmp_path, at) -> None:
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "cache"))
    assert _same_per_file(capsys, ROOT, at) > 0


def test_each_file_of_a_synthetic_repository(capsys, monkeypatch, tmp_path) -> None:
    from tooling.bench.generator import build_repository

    syn = build_repository(tmp_path / "repo", neps=6, votes=30, commits=40, nodes=8)
    monkeypatch.setenv("NEP_CACHE_DIR", str(tmp_path / "cache"))
    assert _same_per_file(capsys, syn.root, str(syn.as_of)) > 0
