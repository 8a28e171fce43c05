"""Inputs the fuzzer (scripts/fuzz) found crashing, each pinned with the finding it must produce instead.

The raw crashing inputs are replayed by tests/checks/test_hostile_corpus.py; here
each bug has a readable test named for what broke.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tooling.parse import proposals
from tooling.parse.proposals import parse_nep, parse_vote
from tooling.parse.yamlio import LoadError, load_yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", ["!!float nep: 1\n", "a: !!float x\n", "a: !!float ''\n", "a: !!float 1_0\n"])
def test_an_explicit_float_tag_on_text_is_a_finding_not_a_crash(text):
    with pytest.raises(LoadError) as err:
        load_yaml(text)
    assert err.value.kind == "yaml-unsupported" and err.value.line == 1


def test_an_explicit_float_tag_in_a_vote_or_nep_is_reported():
    vote = parse_vote("votes/nep-0001/" + "a" * 32 + ".yaml", b"nep: !!float one\n")
    assert vote.vote is None and [d.slug for d in vote.diagnostics] == ["yaml-unsupported"]
    nep = parse_nep("neps/nep-0001.md", b"---\nnep: !!float one\n---\nbody\n")
    assert nep.proposal is None and [d.slug for d in nep.diagnostics] == ["yaml-unsupported"]


@pytest.mark.parametrize("text", ["a: !!int 1_000\n", "a: !!int ' 12'\n", "a: !!int \"\\u0661\\u0662\"\n",
                                  "a: !!int \"\\uff11\"\n", "a: !!float 1_0.5\n", "a: !!float infinity\n"])
def test_explicit_number_tags_take_only_the_core_schema_spellings(text):
    with pytest.raises(LoadError) as err:
        load_yaml(text)
    assert err.value.kind == "yaml-unsupported"


@pytest.mark.parametrize("text, value", [("a: !!int 12\n", 12), ("a: !!int 0x1F\n", 31), ("a: !!float 1\n", 1.0),
                                         ("a: !!float -2.5e3\n", -2500.0), ("a: !!int '7'\n", 7)])
def test_explicit_number_tags_on_core_spellings_still_load(text, value):
    assert load_yaml(text).data == {"a": value}


VOTE = (ROOT / "votes/nep-0001/4df6b0d3f895f07b483522e489ab487e.yaml").read_bytes()


@pytest.mark.parametrize("char", ["\x00", "\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\ufeff", "\ufffe", "\t"])
def test_the_fast_vote_reader_and_the_yaml_reader_agree_on_odd_characters_in_the_network(char):
    raw = VOTE.replace(b'network: "neuroshard-mainnet"', f'network: "neuroshard-{char}mainnet"'.encode())
    assert raw != VOTE
    path = "votes/nep-0001/4df6b0d3f895f07b483522e489ab487e.yaml"
    fast = parse_vote(path, raw)
    saved = proposals._fast_vote
    proposals._fast_vote = lambda p, t: None
    try:
        slow = parse_vote(path, raw)
    finally:
        proposals._fast_vote = saved
    assert fast.vote == slow.vote
    assert [d.slug for d in fast.diagnostics] == [d.slug for d in slow.diagnostics]


def test_an_instant_beyond_year_9999_formats_as_the_far_future_instead_of_overflowing():
    from tooling.core.instants import MAX_INSTANT, MIN_INSTANT, format_date, format_instant

    assert format_instant(MAX_INSTANT + 1) == format_instant(10**50) == "9999-12-31T23:59:59Z"
    assert format_instant(-(10**50)) == format_instant(MIN_INSTANT)
    assert format_date(10**50) == "9999-12-31"


def test_a_voting_window_of_10_to_the_40_hours_is_shown_not_crashed(tmp_path):
    import shutil

    from fuzz.targets import run_cli

    shutil.copytree(ROOT / "tests/corpus/base", tmp_path / "r")
    shutil.copytree(ROOT / "stakes", tmp_path / "r/stakes")
    (tmp_path / "r/governance.yaml").write_bytes(
        (ROOT / "tests/corpus/files/huge-governance-voting-hours.yaml").read_bytes())
    for cmd in (("status", "--format", "json"), ("tally", "1"), ("site", "build", "--out", str(tmp_path / "site"))):
        rc, out, err = run_cli(*cmd[:2] if cmd[0] == "site" else cmd[:1], "--repo", str(tmp_path / "r"),
                               "--at", "2026-12-10T00:00:00Z", *(cmd[2:] if cmd[0] == "site" else cmd[1:]))
        assert rc == 0, err
    rc, out, _ = run_cli("status", "--repo", str(tmp_path / "r"), "--at", "2026-12-10T00:00:00Z", "--format", "json")
    assert '"voting_end": "9999-12-31T23:59:59Z"' in out


@pytest.mark.parametrize("name", ["neps/nep-\uff10\uff10\uff10\uff15.md", "neps/nep-\u0660\u0660\u0660\u0665.md",
                                  "neps/nep-0005.md\n", "votes/nep-\uff10\uff10\uff10\uff11/" + "a" * 32 + ".yaml",
                                  "votes/nep-0001/" + "a" * 32 + ".yaml\n"])
def test_paths_with_non_ascii_digits_or_a_trailing_newline_are_no_nep_or_vote_files(name):
    from tooling.shell.repository import classify

    assert classify(name) == "unknown"


def test_a_nep_file_named_with_fullwidth_digits_is_an_unknown_file_not_a_second_nep_5(tmp_path):
    import json
    import shutil

    from fuzz.targets import run_cli

    shutil.copytree(ROOT / "tests/corpus/base", tmp_path / "r")
    shutil.copytree(ROOT / "stakes", tmp_path / "r/stakes")
    shutil.copy(ROOT / "governance.yaml", tmp_path / "r/governance.yaml")
    shutil.copy(ROOT / "tests/corpus/base/neps/nep-0005.md", tmp_path / "r/neps/nep-\uff10\uff10\uff10\uff15.md")
    rc, out, _ = run_cli("validate", "--repo", str(tmp_path / "r"), "--at", "2026-12-01T00:00:00Z", "--format", "json")
    slugs = {d["slug"] for d in json.loads(out)["diagnostics"]}
    assert rc == 1 and "unknown-file" in slugs and "duplicate-number" not in slugs


def test_findings_about_a_file_name_that_is_not_utf8_print_it_with_escapes():
    from tooling.core.catalog import rule

    name = "votes/nep-0001/\udcff" + "a" * 31 + ".yaml"  # how os.fsdecode reads the byte 0xff
    d = rule("unknown-file").at(name, (1, 1), f"{name} is not a NEP or vote file")
    assert d.file == "votes/nep-0001/\\xff" + "a" * 31 + ".yaml"
    assert d.message.startswith(d.file)
    d.file.encode("utf-8")  # strict: no surrogates left


def test_a_vote_file_name_that_is_not_utf8_is_no_vote_file():
    from tooling.shell.repository import classify

    assert classify("votes/nep-0001/\udcff" + "a" * 31 + ".yaml") == "unknown"
