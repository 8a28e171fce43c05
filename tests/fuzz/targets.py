"""Fuzz targets: the YAML loader, the vote parser and the NEP validator, each fed arbitrary bytes.

Each target returns normally for every input, whatever its bytes: a finding is
the answer to bad input, an exception escaping the target is a bug. Besides
"no crash", the vote target checks two oracles that hold for all inputs:
a vote read by the fast canonical-layout path equals the same file read
through the YAML loader, and writing a parsed vote back and reading it again
gives the same vote.

The targets are plain functions of ``bytes``: `scripts/fuzz` drives them with
hypothesis strategies (tests/fuzz/strategies.py), and
tests/checks/test_hostile_corpus.py replays every stored crash through them.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from tooling.core.votes import render_vote_file
from tooling.parse import proposals
from tooling.parse.proposals import parse_nep, parse_vote
from tooling.parse.yamlio import LoadError, decode, load_yaml

ROOT = Path(__file__).resolve().parents[2]
VOTE_PATH = "votes/nep-0001/4df6b0d3f895f07b483522e489ab487e.yaml"
NEP_PATH = "neps/nep-0001.md"
AS_OF = "2026-12-01T00:00:00Z"


class OracleFailure(AssertionError):
    """An input for which two readings that must agree did not."""


def yaml_loader(data: bytes) -> None:
    try:
        text = decode(data)
        load_yaml(text)
    except LoadError as err:
        if not (isinstance(err.line, int) and err.line >= 1 and err.col >= 1 and err.kind):
            raise OracleFailure(f"LoadError without a usable position: {err.kind} {err.line}:{err.col}") from None


def _slow_vote(path: str, raw: bytes) -> proposals.ParsedVote:
    saved = proposals._fast_vote
    proposals._fast_vote = lambda p, t: None  # type: ignore[assignment]
    try:
        return parse_vote(path, raw)
    finally:
        proposals._fast_vote = saved  # type: ignore[assignment]


def vote_parser(data: bytes) -> None:
    parsed = parse_vote(VOTE_PATH, data)
    for d in parsed.diagnostics:
        if not d.code:
            raise OracleFailure(f"finding without a code: {d}")
    if parsed.vote is None:
        return
    slow = _slow_vote(VOTE_PATH, data)
    if parsed.positions is None and slow.vote != parsed.vote:
        raise OracleFailure(f"fast path read {parsed.vote!r}, the YAML loader {slow.vote!r}")
    written = render_vote_file(parsed.vote).encode("utf-8")
    again = parse_vote(VOTE_PATH, written)
    if again.vote != parsed.vote:
        raise OracleFailure(f"a written vote reads back differently: {parsed.vote!r} -> {again.vote!r}")
    if render_vote_file(again.vote).encode("utf-8") != written:
        raise OracleFailure("writing a vote twice is not byte-stable")


def nep_parser(data: bytes) -> None:
    parsed = parse_nep(NEP_PATH, data)
    lines = data.count(b"\n") + 1
    for d in parsed.diagnostics:
        if not d.code:
            raise OracleFailure(f"finding without a code: {d}")
        line = getattr(d, "line", None)
        if isinstance(line, int) and not (1 <= line <= lines + 1):
            raise OracleFailure(f"finding at line {line} of a {lines}-line file: {d}")


_REPO: Path | None = None


def _repo() -> Path:
    """One scratch repository (no git) reused by every validator call of this process."""
    global _REPO
    if _REPO is None or not _REPO.exists():
        _REPO = Path(tempfile.mkdtemp(prefix="nep-fuzz-"))
        shutil.copy(ROOT / "governance.yaml", _REPO / "governance.yaml")
        shutil.copytree(ROOT / "stakes", _REPO / "stakes")
        shutil.copytree(ROOT / "neps", _REPO / "neps")
        shutil.copytree(ROOT / "votes", _REPO / "votes")
    return _REPO


def run_cli(*args: str) -> tuple[int, str, str]:
    """``nep ARGS`` in this process with NEP_DEBUG=1, so an internal error raises instead of exiting 2."""
    from tooling.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = os.environ.get("NEP_DEBUG")
    os.environ["NEP_DEBUG"] = "1"
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(list(args))
    finally:
        if old is None:
            os.environ.pop("NEP_DEBUG", None)
        else:
            os.environ["NEP_DEBUG"] = old
    if rc not in (0, 1):
        raise OracleFailure(f"nep {' '.join(args)} exited {rc}: {err.getvalue()[-500:]}")
    return rc, out.getvalue(), err.getvalue()


def validator(data: bytes) -> None:
    """The fuzzed bytes as NEP 1 of the example repository: validate, status and tally it."""
    repo = _repo()
    (repo / NEP_PATH).write_bytes(data)
    for cmd in (("validate",), ("status",), ("tally", "1")):
        run_cli(*cmd, "--repo", str(repo), "--at", AS_OF, "--format", "json")


def vote_validator(data: bytes) -> None:
    """The fuzzed bytes as a vote file of the example repository: validate and tally."""
    repo = _repo()
    target = repo / VOTE_PATH
    original = (ROOT / VOTE_PATH).read_bytes()
    target.write_bytes(data)
    try:
        for cmd in (("validate",), ("tally", "1")):
            run_cli(*cmd, "--repo", str(repo), "--at", AS_OF, "--format", "json")
    finally:
        target.write_bytes(original)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "yaml": yaml_loader,
    "vote": vote_parser,
    "nep": nep_parser,
    "validate": validator,
    "validate-vote": vote_validator,
}
