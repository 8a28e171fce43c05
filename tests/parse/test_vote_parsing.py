"""The canonical-layout fast path of vote parsing agrees with the full YAML + schema path."""

from __future__ import annotations

import dataclasses

import pytest

from tooling.parse import proposals
from tooling.core.model import Pos
from tooling.core.votes import private_key_from_token, render_vote_file, sign_vote

PATH_TMPL = "votes/nep-0001/{}.yaml"


def full_path(path: str, raw: bytes) -> proposals.ParsedVote:
    """parse_vote with the fast path switched off."""
    original = proposals._fast_vote
    proposals._fast_vote = lambda path, text: None
    try:
        return proposals.parse_vote(path, raw)
    finally:
        proposals._fast_vote = original


REASONS = ["", "Halves the memory per node.", 'Quotes " inside', "back\\slash", "ünïcødé ✓", "# not a comment",
           "key: value", "a" * 10000, "a" * 10001, "tab\there", "new\nline", "bidi \u202e override"]


@pytest.mark.parametrize("reason", REASONS, ids=range(len(REASONS)))
@pytest.mark.parametrize("choice", ["yes", "no", "abstain"])
def test_fast_and_full_paths_agree(reason, choice):
    vote = sign_vote(private_key_from_token("fast-path"), network="neuroshard-mainnet", nep=1,
                     content_hash="ab" * 32, choice=choice, timestamp=1767900000, reason=reason)
    path = PATH_TMPL.format(vote.voter)
    raw = render_vote_file(dataclasses.replace(vote, path=path)).encode("utf-8")
    fast = proposals.parse_vote(path, raw)
    full = full_path(path, raw)
    assert fast.vote == full.vote
    assert [d.code for d in fast.diagnostics] == [d.code for d in full.diagnostics]


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace('choice: "yes"', 'choice: "Yes"'),
        lambda t: t.replace("nep: 1\n", "nep: 0\n"),
        lambda t: t.replace('network: "neuroshard-mainnet"', 'network: ""'),
        lambda t: t.replace("timestamp: 1767900000", "timestamp: 253402300800"),
        lambda t: t.replace('voter: "', 'voter: "X'),
        lambda t: t + "extra: 1\n",
    ],
)
def test_files_the_fast_path_refuses_get_the_full_diagnostics(edit):
    vote = sign_vote(private_key_from_token("fast-path"), network="neuroshard-mainnet", nep=1,
                     content_hash="ab" * 32, choice="yes", timestamp=1767900000, reason="r")
    path = PATH_TMPL.format(vote.voter)
    raw = edit(render_vote_file(vote)).encode("utf-8")
    fast = proposals.parse_vote(path, raw)
    full = full_path(path, raw)
    assert fast.vote is None and fast.diagnostics
    assert fast.diagnostics == full.diagnostics


def test_canonical_positions_match_the_yaml_positions():
    vote = sign_vote(private_key_from_token("fast-path"), network="neuroshard-mainnet", nep=1,
                     content_hash="ab" * 32, choice="yes", timestamp=1767900000, reason="r")
    path = PATH_TMPL.format(vote.voter)
    raw = render_vote_file(vote).encode("utf-8")
    fast = proposals.parse_vote(path, raw)
    full = full_path(path, raw)
    assert fast.positions is None
    for key in proposals._VOTE_KEYS:
        assert fast.pos(key) == full.pos(key), key
    assert proposals.canonical_vote_pos("nep") == Pos(1, 6)
