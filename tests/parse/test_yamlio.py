"""YAML in and out (SPEC 2): YAML 1.2 core values, rejected constructs with their places,
positions of every value, front matter splitting, and the bot's byte-preserving patch."""

from __future__ import annotations

import pytest

from tooling.core.model import Pos
from tooling.parse.yamlio import (
    MAX_FILE_BYTES,
    MAX_NODES,
    LoadError,
    decode,
    load_yaml,
    split_front_matter,
)
from tooling.parse.yamlpatch import patch_front_matter

BOT_ORDER = ["status", "submitted", "resolution", "activated"]


def value(text: str):
    return load_yaml(f"v: {text}\n").data["v"]


def load_error(text: str, **kw) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_yaml(text, **kw)
    return info.value


# --------------------------------------------------------------------------
# YAML 1.2 core resolution: only true/false are booleans, no implicit timestamps


@pytest.mark.parametrize("word", ["yes", "no", "Yes", "NO", "on", "off", "On", "OFF", "y", "n", "Y", "N",
                                  "True", "TRUE", "False", "FALSE"])
def test_yaml_1_1_booleans_stay_strings(word):
    v = value(word)
    assert v == word and type(v) is str


@pytest.mark.parametrize(("word", "expected"), [("true", True), ("false", False)])
def test_true_and_false_are_the_only_booleans(word, expected):
    assert value(word) is expected


def test_choice_yes_is_the_string_yes():
    data = load_yaml("choice: yes\n").data
    assert data == {"choice": "yes"}
    assert type(data["choice"]) is str


@pytest.mark.parametrize("text", ["2026-01-08T00:00:00Z", "2026-11-02", "2026-01-08 00:00:00", "12:30:00"])
def test_timestamps_and_dates_stay_strings(text):
    assert value(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("-3", -3),
        ("+12", 12),
        ("012", 12),  # YAML 1.2: decimal, not octal
        ("0o17", 15),
        ("0x1F", 31),
        ("1.0", 1.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("-0", 0),
        ("99999999999999999999999", 99999999999999999999999),
    ],
)
def test_numbers(text, expected):
    v = value(text)
    assert v == expected and type(v) is type(expected)


@pytest.mark.parametrize("text", ["0b101", "1_000", "1:20", "0x", "1.2.3", ".", "1e"])
def test_yaml_1_1_number_forms_stay_strings(text):
    assert value(text) == text


@pytest.mark.parametrize("text", ["~", "null", "Null", "NULL", ""])
def test_nulls(text):
    assert value(text) is None


def test_quoted_values_are_strings():
    assert load_yaml('a: "5"\nb: \'true\'\nc: "2026-01-08T00:00:00Z"\n').data == {
        "a": "5", "b": "true", "c": "2026-01-08T00:00:00Z"}


def test_non_string_keys_are_read_as_their_text():
    assert load_yaml("1: a\ntrue: b\nyes: c\n").data == {"1": "a", "true": "b", "yes": "c"}


def test_empty_document_is_none():
    assert load_yaml("").data is None
    assert load_yaml("# only a comment\n").data is None


# --------------------------------------------------------------------------
# Rejected: duplicate keys, unsupported constructs, aliases, non-finite numbers


def test_duplicate_key_is_reported_at_the_second_key_with_the_first_line():
    err = load_error("nep: 1\ntitle: a\nnep: 2\n")
    assert (err.kind, err.line, err.col) == ("yaml-duplicate-key", 3, 1)
    assert err.message == "duplicate key 'nep' (first defined on line 1)"


def test_nested_duplicate_key_with_line_offset():
    err = load_error("economic_impact:\n  min_memory_change_mb: 1\n  min_memory_change_mb: 2\n", line_offset=1)
    assert (err.kind, err.line, err.col) == ("yaml-duplicate-key", 4, 3)
    assert "first defined on line 3" in err.message


def test_same_key_in_two_mappings_is_fine():
    assert load_yaml("a: {x: 1}\nb: {x: 2}\n").data == {"a": {"x": 1}, "b": {"x": 2}}


@pytest.mark.parametrize("text", [".nan", ".NaN", ".NAN", ".inf", "-.inf", "+.Inf", "1e400", "-1e400"])
def test_non_finite_numbers_are_rejected(text):
    err = load_error(f"v: {text}\n")
    assert (err.kind, err.line, err.col) == ("yaml-unsupported", 1, 4)
    assert "non-finite" in err.message


def test_quoted_nan_is_just_text():
    assert value('".nan"') == ".nan"


@pytest.mark.parametrize(
    "text",
    ["v: !!python/object:os.system x\n", "v: !custom x\n", "v: !!binary aGk=\n", "v: !!set {a}\n",
     "v: !!omap [a: 1]\n", "v: !!timestamp 2026-01-08\n"],
)
def test_unsupported_tags_are_rejected_at_the_value(text):
    err = load_error(text)
    assert (err.kind, err.line, err.col) == ("yaml-unsupported", 1, 4)
    assert "tag" in err.message


def test_bool_tag_on_a_yaml_1_1_word_is_rejected():
    err = load_error("v: !!bool yes\n")
    assert (err.kind, err.line, err.col) == ("yaml-unsupported", 1, 4)


def test_alias_of_a_scalar_is_allowed():
    assert load_yaml("a: &x 5\nb: *x\n").data == {"a": 5, "b": 5}


def test_alias_bomb_is_bounded():
    # "billion laughs": 10**9 values if expanded; the loader stops at MAX_NODES.
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    err = load_error("\n".join(lines) + "\n")
    assert err.kind == "yaml-unsupported"
    assert str(MAX_NODES) in err.message


def test_node_limit_boundary():
    # 10 aliases of a 10-item list: 1 + 1 + 10 * 11 values. The bound is MAX_NODES for short text.
    ten = "a: &a [" + ",".join(["1"] * 10) + "]\n"
    small = ten + "b: [" + ",".join(["*a"] * 10) + "]\n"
    assert len(load_yaml(small).data["b"]) == 10
    k = MAX_NODES // 11 + 1
    bomb = ten + "b: [" + ",".join(["*a"] * k) + "]\n"
    assert len(bomb) // 2 < MAX_NODES
    err = load_error(bomb)
    assert err.kind == "yaml-unsupported" and str(MAX_NODES) in err.message


def test_large_plain_documents_are_not_limited():
    # A large ledger has more values than MAX_NODES but no expansion: the bound grows with the text.
    n = MAX_NODES * 2
    assert len(load_yaml("v: [" + ", ".join(["1"] * n) + "]\n").data["v"]) == n


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {b: *a}\n"])
def test_recursive_alias_is_rejected(text):
    err = load_error(text)
    assert (err.kind, err.line) == ("yaml-unsupported", 1)
    assert "recursive" in err.message


def test_undefined_alias_is_a_syntax_error():
    err = load_error("a:\n  b: *nowhere\n")
    assert (err.kind, err.line, err.col) == ("yaml-syntax", 2, 6)


@pytest.mark.parametrize("text", ["base: &b {x: 1}\nderived:\n  <<: *b\n", "a:\n  <<: {x: 1}\n"])
def test_merge_key_is_rejected(text):
    err = load_error(text)
    assert err.kind == "yaml-unsupported"
    assert "merge" in err.message


def test_quoted_merge_key_is_an_ordinary_key():
    assert load_yaml('"<<": 1\n').data == {"<<": 1}


def test_complex_key_is_rejected():
    err = load_error("? [x]\n: b\n")
    assert (err.kind, err.line, err.col) == ("yaml-unsupported", 1, 3)


def test_syntax_error_position_with_line_offset():
    err = load_error("a: [1, 2\n", line_offset=5)
    assert (err.kind, err.line, err.col) == ("yaml-syntax", 7, 1)
    assert err.message.startswith("invalid YAML: ")


def test_two_documents_are_a_syntax_error():
    err = load_error("a: 1\n---\nb: 2\n")
    assert (err.kind, err.line) == ("yaml-syntax", 2)


def test_load_error_is_never_a_bare_yaml_error():
    import yaml

    for text in ["a: [", "a: b: c", "\t- x", "a: 'x", "%YAML 9.9\n---\na: 1\n", "a: !<tag:x> 1\n"]:
        try:
            load_yaml(text)
        except LoadError:
            pass
        except yaml.YAMLError as exc:  # pragma: no cover - the failure this test is about
            pytest.fail(f"{text!r} raised {type(exc).__name__}")


# --------------------------------------------------------------------------
# Positions


NESTED = """a: 1
b:
  c: [x, y]
  d:
    - e: 1
      f: "q"
g: &anc {h: 1}
i: *anc
"""


def test_positions_of_values_and_keys():
    pos = load_yaml(NESTED).positions
    assert pos.values[()] == Pos(1, 1)
    assert pos.values[("a",)] == Pos(1, 4)
    assert pos.keys[("a",)] == Pos(1, 1)
    assert pos.keys[("b",)] == Pos(2, 1)
    assert pos.values[("b", "c")] == Pos(3, 6)
    assert pos.values[("b", "c", 0)] == Pos(3, 7)
    assert pos.values[("b", "c", 1)] == Pos(3, 10)
    assert pos.keys[("b", "d")] == Pos(4, 3)
    assert pos.values[("b", "d", 0, "e")] == Pos(5, 10)
    assert pos.keys[("b", "d", 0, "f")] == Pos(6, 7)
    assert pos.values[("b", "d", 0, "f")] == Pos(6, 10)


def test_an_alias_shares_its_anchors_place():
    pos = load_yaml(NESTED).positions
    assert pos.keys[("i",)] == Pos(8, 1)
    assert pos.values[("i",)] == pos.values[("g",)] == Pos(7, 4)


def test_positions_fall_back_to_the_enclosing_value():
    pos = load_yaml(NESTED).positions
    assert pos.at(("b", "c", 7)) == Pos(3, 6)  # a missing list item: the list
    assert pos.at(("b", "missing")) == Pos(3, 3)  # a missing key: the mapping that should hold it
    assert pos.at(("nowhere",)) == Pos(1, 1)
    assert pos.key_at(("b", "d")) == Pos(4, 3)
    assert pos.key_at(("b", "nope")) == pos.at(("b",))


def test_line_offset_shifts_lines_not_columns():
    pos = load_yaml(NESTED, line_offset=1).positions
    assert pos.values[("b", "d", 0, "f")] == Pos(7, 10)
    assert pos.keys[("a",)] == Pos(2, 1)


def test_positions_in_a_crlf_document():
    pos = load_yaml(NESTED.replace("\n", "\r\n")).positions
    assert pos.values[("b", "d", 0, "f")] == Pos(6, 10)
    assert pos.keys[("i",)] == Pos(8, 1)


def test_columns_count_characters_not_bytes():
    pos = load_yaml('t: "Café"\nu: "x"\nv: [é, z]\n').positions
    assert pos.values[("v", 1)] == Pos(3, 8)


# --------------------------------------------------------------------------
# Bytes to text


def test_decode_plain_utf8():
    assert decode("título ✓\n".encode()) == "título ✓\n"


def test_decode_rejects_a_bom():
    with pytest.raises(LoadError) as info:
        decode(b"\xef\xbb\xbf---\n")
    assert (info.value.kind, info.value.line, info.value.col) == ("not-utf8", 1, 1)


def test_decode_reports_the_first_bad_byte():
    with pytest.raises(LoadError) as info:
        decode(b"---\nnep: 1\ntitle: \"Caf\xe9\"\n")
    assert (info.value.kind, info.value.line, info.value.col) == ("not-utf8", 3, 12)
    assert "0xe9" in info.value.message


def test_decode_column_counts_characters():
    with pytest.raises(LoadError) as info:
        decode("t: \"Café ".encode() + b"\xff\"\n")
    assert (info.value.line, info.value.col) == (1, 10)


def test_decode_rejects_overlong_and_surrogate_encodings():
    for raw in (b"\xc0\xaf", b"\xed\xa0\x80"):
        with pytest.raises(LoadError) as info:
            decode(raw)
        assert info.value.kind == "not-utf8"


def test_decode_size_limit_is_1_mib_inclusive():
    assert len(decode(b"x" * MAX_FILE_BYTES)) == MAX_FILE_BYTES
    with pytest.raises(LoadError) as info:
        decode(b"x" * (MAX_FILE_BYTES + 1))
    assert (info.value.kind, info.value.line, info.value.col) == ("file-too-large", 1, 1)


# --------------------------------------------------------------------------
# Front matter


def test_split_front_matter_lf():
    fm = split_front_matter("---\nnep: 1\ntitle: x\n---\n\n## Abstract\n")
    assert fm.yaml_text == "nep: 1\ntitle: x\n"
    assert (fm.yaml_start, fm.yaml_line) == (4, 2)
    assert fm.body == "\n## Abstract\n"  # the leading blank line belongs to the body
    assert fm.body_line == 5


def test_split_front_matter_crlf():
    fm = split_front_matter("---\r\nnep: 1\r\ntitle: x\r\n---\r\n\r\n## Abstract\r\n")
    assert fm.yaml_text == "nep: 1\r\ntitle: x\r\n"
    assert (fm.yaml_start, fm.yaml_line) == (5, 2)
    assert fm.body == "\r\n## Abstract\r\n"
    assert fm.body_line == 5
    assert load_yaml(fm.yaml_text, line_offset=fm.yaml_line - 1).positions.keys[("title",)] == Pos(3, 1)


def test_split_front_matter_empty_and_without_body():
    fm = split_front_matter("---\n---\n")
    assert (fm.yaml_text, fm.body, fm.body_line) == ("", "", 3)
    fm = split_front_matter("---\nnep: 1\n---")
    assert (fm.yaml_text, fm.body) == ("nep: 1\n", "")


def test_split_front_matter_closing_delimiter_may_have_trailing_blanks():
    assert split_front_matter("---\nnep: 1\n---  \nbody").body == "body"


def test_split_front_matter_ignores_an_indented_dash_line():
    fm = split_front_matter("---\nx: |\n  ---\n---\nbody\n")
    assert fm.yaml_text == "x: |\n  ---\n"
    assert fm.body == "body\n"


@pytest.mark.parametrize("text", ["nep: 1\n---\n", "", "# Title\n", " ---\nnep: 1\n---\n", "----\nnep: 1\n----\n"])
def test_no_opening_delimiter(text):
    with pytest.raises(LoadError) as info:
        split_front_matter(text)
    assert (info.value.kind, info.value.line, info.value.col) == ("no-front-matter", 1, 1)


def test_unclosed_front_matter():
    with pytest.raises(LoadError) as info:
        split_front_matter("---\nnep: 1\ntitle: x")
    assert (info.value.kind, info.value.line) == ("no-front-matter", 3)


def test_unclosed_front_matter_points_inside_the_file():
    text = "---\nnep: 1\ntitle: x\n"
    with pytest.raises(LoadError) as info:
        split_front_matter(text)
    assert 1 <= info.value.line <= 3


# --------------------------------------------------------------------------
# patch_front_matter: the bot's writes change no other byte


AUTHORED = """---
# Written by hand; the bot must keep every byte it does not own.
nep: 1
title: 'It''s a "title"'   # single-quoted on purpose
status: draft   # the author writes draft
authors:
  - {name: "Ada", node: "586dd510056f330e6b14b2bdada7505f"}
economic_impact:
  upgrade_cost_neuro: "0"    # a string, as the spec says
# trailing comment of the front matter
---

## Abstract  
Body text with trailing blanks   
"""


def test_patch_replaces_a_scalar_and_keeps_its_comment():
    out = patch_front_matter(AUTHORED, {"status": "review"}, BOT_ORDER)
    assert out == AUTHORED.replace("status: draft   # the author", 'status: "review"   # the author')


def test_patch_appends_new_keys_at_the_end_in_order():
    out = patch_front_matter(AUTHORED, {"submitted": "2026-01-08T00:00:00Z", "status": "voting"}, BOT_ORDER)
    assert out == AUTHORED.replace("status: draft   #", 'status: "voting"   #').replace(
        "# trailing comment of the front matter\n---\n",
        '# trailing comment of the front matter\nsubmitted: "2026-01-08T00:00:00Z"\n---\n')


def test_patch_appends_a_mapping_with_every_string_quoted():
    resolution = {"outcome": "approved", "reason": None, "yes": "15000", "quorum_reached": True,
                  "decided_at": "2026-01-22T00:00:00Z"}
    out = patch_front_matter(AUTHORED, {"resolution": resolution, "activated": "2026-02-05T00:00:00Z"}, BOT_ORDER)
    added = ('resolution:\n  outcome: "approved"\n  reason: null\n  yes: "15000"\n  quorum_reached: true\n'
             '  decided_at: "2026-01-22T00:00:00Z"\nactivated: "2026-02-05T00:00:00Z"\n')
    assert out == AUTHORED.replace("---\n\n## Abstract", added + "---\n\n## Abstract")
    fm = split_front_matter(out)
    data = load_yaml(fm.yaml_text).data
    assert data["resolution"] == resolution  # "yes" as a key and "15000" as a value survive YAML 1.2
    assert data["title"] == 'It\'s a "title"'


def test_patch_replaces_a_block_value():
    text = '---\nnep: 1\nstatus: "voting"\nresolution:\n  outcome: "rejected"\n  reason: "no_quorum"\nactivated: null\n---\nbody\n'
    out = patch_front_matter(text, {"status": "scheduled", "resolution": {"outcome": "approved", "reason": None}},
                             BOT_ORDER)
    assert out == ('---\nnep: 1\nstatus: "scheduled"\nresolution:\n  outcome: "approved"\n  reason: null\n'
                   'activated: null\n---\nbody\n')


def test_patch_keeps_crlf_line_ends():
    crlf = AUTHORED.replace("\n", "\r\n")
    out = patch_front_matter(crlf, {"status": "review", "submitted": "2026-01-08T00:00:00Z"}, BOT_ORDER)
    assert out == crlf.replace("status: draft   #", 'status: "review"   #').replace(
        "# trailing comment of the front matter\r\n---\r\n",
        '# trailing comment of the front matter\r\nsubmitted: "2026-01-08T00:00:00Z"\r\n---\r\n')
    assert "\n" not in out.replace("\r\n", "")


def test_patch_replace_in_a_crlf_block_value():
    text = "---\r\nnep: 1\r\nresolution:\r\n  outcome: rejected\r\n# keep me\r\n---\r\nbody  \r\n"
    out = patch_front_matter(text, {"resolution": {"outcome": "approved"}}, BOT_ORDER)
    assert out == '---\r\nnep: 1\r\nresolution:\r\n  outcome: "approved"\r\n# keep me\r\n---\r\nbody  \r\n'


def test_patch_is_idempotent_and_a_no_op_patch_changes_nothing():
    once = patch_front_matter(AUTHORED, {"status": "review", "submitted": "2026-01-08T00:00:00Z"}, BOT_ORDER)
    assert patch_front_matter(once, {"status": "review", "submitted": "2026-01-08T00:00:00Z"}, BOT_ORDER) == once
    assert patch_front_matter(AUTHORED, {}, BOT_ORDER) == AUTHORED


def test_patch_only_writes_keys_named_in_order():
    assert patch_front_matter(AUTHORED, {"title": "Changed"}, BOT_ORDER) == AUTHORED


def test_patch_of_a_value_containing_a_hash():
    text = "---\nnep: 1\nstatus: draft#x\n---\n"
    assert patch_front_matter(text, {"status": "review"}, BOT_ORDER) == '---\nnep: 1\nstatus: "review"\n---\n'


def test_patch_quotes_text_that_yaml_would_misread():
    out = patch_front_matter("---\nnep: 1\n---\n", {"status": "yes: no # x"}, BOT_ORDER)
    assert load_yaml(split_front_matter(out).yaml_text).data == {"nep": 1, "status": "yes: no # x"}


def test_patch_needs_front_matter():
    with pytest.raises(LoadError) as info:
        patch_front_matter("no front matter\n", {"status": "review"}, BOT_ORDER)
    assert info.value.kind == "no-front-matter"


def test_patch_finds_keys_by_the_parser_not_by_a_line_scan():
    """A continuation line of a multi-line quoted title that reads like `submitted:` is not a key."""
    text = ('---\nnep: 1\ntitle: "Prompt cache number 1\nsubmitted: for inference"\nstatus: review\n---\nbody\n')
    out = patch_front_matter(text, {"status": "voting", "submitted": "2026-01-01T00:00:00Z"},
                             ["status", "submitted", "resolution", "activated"])
    assert out == ('---\nnep: 1\ntitle: "Prompt cache number 1\nsubmitted: for inference"\nstatus: "voting"\n'
                   'submitted: "2026-01-01T00:00:00Z"\n---\nbody\n')
