"""Properties of YAML formatting: the content hash, canonical JSON and the bot's patch ignore how values are written.

One NEP's values are written in many ways (key order, comments, blank
lines, plain/single/double quotes, flow or block collections, indentation,
CRLF). For every way: the loaded front matter and the content hash are the
same; `nep advance` run on the file changes only the bot fields, never the
hash; and a second `advance` changes nothing. A vote written by `nep vote`
reads back to the same bytes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples
from nepfixtures import BODY, GOVERNANCE, T0, VE, VS, ledger_text, node

from tooling.app.advance import run
from tooling.core.model import Choice, Vote
from tooling.core.votes import BOT_FIELDS, canonical_json, render_vote_file
from tooling.parse.proposals import parse_nep, parse_vote
from tooling.parse.yamlio import load_yaml, split_front_matter

VALUES = {
    "nep": 1,
    "title": "Prompt cache: it's \"fast\" # not a comment",
    "type": "arch",
    "status": "review",
    "authors": [{"name": "Ada O'Neil", "node": node("ada")}],
    "created": "2025-12-20",
    "requires": [],
    "economic_impact": {
        "training_reward_multiplier": 1.0, "training_efficiency_multiplier": 1.0,
        "inference_reward_multiplier": 1.0, "inference_cost_multiplier": 1.0, "min_memory_change_mb": 0,
        "min_compute_change_tflops": 0.0, "staking_multiplier_change": 0.0, "upgrade_cost_neuro": "0",
        "net_earnings_change_percent": 0.0,
    },
    "upgrade_path": {
        "min_version": "1.0.0", "target_version": "1.1.0", "grace_period_days": 7, "backward_compatible": True,
        "requires_checkpoint_reload": False, "migration_steps": [],
    },
}

PLAIN_SAFE = {"arch", "review", "1.0.0", "1.1.0", "2025-12-20"}


def scalar(draw, v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return draw(st.sampled_from([repr(v), f"{v:.2f}", f"{v:e}"]))
    if isinstance(v, int):
        return str(v)
    styles = ["double", "single"] + (["plain"] if v in PLAIN_SAFE else [])
    style = draw(st.sampled_from(styles))
    if style == "plain":
        return v
    if style == "single":
        return "'" + v.replace("'", "''") + "'"
    return json.dumps(v, ensure_ascii=draw(st.booleans()))


def flow(draw, v) -> str:
    if isinstance(v, dict):
        items = list(v.items())
        return "{" + ", ".join(f"{k}: {flow(draw, x)}" for k, x in draw(st.permutations(items))) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow(draw, x) for x in v) + "]"
    return scalar(draw, v)


def comment(draw) -> str:
    return draw(st.sampled_from(["", "", "  # note", " #: yes: no", "\t# tab before"]))


def block(draw, key: str, v, indent: int, pad: int) -> list[str]:
    sp = " " * pad
    if isinstance(v, dict) and v and draw(st.booleans()):
        lines = [f"{sp}{key}:{comment(draw)}"]
        for k, x in draw(st.permutations(list(v.items()))):
            lines += block(draw, k, x, indent, pad + indent)
        return lines
    if isinstance(v, list) and v and draw(st.booleans()):
        lines = [f"{sp}{key}:"]
        for x in v:
            if isinstance(x, dict):
                first, *rest = list(x.items())
                lines.append(f"{sp}{' ' * indent}- {first[0]}: {flow(draw, first[1])}")
                lines += [f"{sp}{' ' * (indent + 2)}{k}: {flow(draw, y)}" for k, y in rest]
            else:
                lines.append(f"{sp}{' ' * indent}- {flow(draw, x)}")
        return lines
    return [f"{sp}{key}: {flow(draw, v)}{comment(draw)}"]


@st.composite
def formatted_nep(draw) -> bytes:
    indent = draw(st.sampled_from([2, 4]))
    lines: list[str] = []
    for key, value in draw(st.permutations(list(VALUES.items()))):
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(st.sampled_from(["# a comment line", "", "   # indented comment", "#---"])))
        lines += block(draw, key, value, indent, 0)
    text = "---\n" + "\n".join(lines) + "\n---\n" + BODY
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8")


def loaded(raw: bytes) -> dict:
    fm = split_front_matter(raw.decode("utf-8"))
    return load_yaml(fm.yaml_text).data


def chash(raw: bytes) -> str:
    parsed = parse_nep("neps/nep-0001.md", raw)
    assert parsed.proposal is not None and not [d for d in parsed.diagnostics if d.severity == "error"], \
        parsed.diagnostics
    return parsed.proposal.content_hash


REFERENCE_HASH = chash(("---\n" + "\n".join(f"{k}: {json.dumps(v)}" for k, v in VALUES.items()) + "\n---\n"
                        + BODY).encode("utf-8"))


@examples(120)
@given(formatted_nep())
def test_content_hash_and_canonical_json_ignore_formatting_that_keeps_the_values(raw):
    data = loaded(raw)
    assert data == VALUES
    assert canonical_json(data) == canonical_json(VALUES)
    assert chash(raw) == REFERENCE_HASH


def bot_blocks_removed(text: str) -> list[str]:
    """The front matter's lines without the top-level bot fields (and their indented continuation lines)."""
    fm = split_front_matter(text)
    out, in_bot = [], False
    for line in fm.yaml_text.replace("\r\n", "\n").split("\n"):
        top = line[:1] not in (" ", "\t", "#", "") and ":" in line
        if top:
            in_bot = line.split(":", 1)[0].strip() in BOT_FIELDS
        elif line[:1] not in (" ", "\t"):
            in_bot = False
        if not in_bot:
            out.append(line)
    return out + [fm.body]


@examples(25)
@given(formatted_nep())
def test_advance_changes_only_the_bot_fields_keeps_the_hash_and_a_second_run_is_a_no_op(tmp_path_factory, raw):
    root = tmp_path_factory.mktemp("fmt")
    (root / "governance.yaml").write_text(GOVERNANCE, encoding="utf-8")
    (root / "stakes").mkdir()
    (root / "stakes/ledger.yaml").write_text(ledger_text(), encoding="utf-8")
    (root / "neps").mkdir()
    path = root / "neps/nep-0001.md"
    path.write_bytes(raw)
    before = raw
    for at in (T0, VS, VE):  # outside git the review file is submitted at the first run: T0
        run(root, at, commit=False, dry_run=False)
        after = path.read_bytes()
        new, old = loaded(after), loaded(before)
        assert {k: v for k, v in new.items() if k not in BOT_FIELDS} == \
               {k: v for k, v in old.items() if k not in BOT_FIELDS}
        assert chash(after) == REFERENCE_HASH
        assert bot_blocks_removed(after.decode()) == bot_blocks_removed(raw.decode())
        if b"\r\n" in raw:  # a CRLF file stays CRLF throughout, the bot's lines included
            assert after.count(b"\r\n") == after.count(b"\n")
        again = run(root, at, commit=False, dry_run=False)
        assert again.changes == [] and path.read_bytes() == after
        before = after
    assert loaded(after)["status"] == "rejected"


@examples(80)
@given(st.builds(
    Vote,
    path=st.just("votes/nep-0001/" + "a" * 32 + ".yaml"),
    nep=st.integers(1, 9999),
    voter=st.from_regex(r"[0-9a-f]{32}", fullmatch=True),
    public_key=st.from_regex(r"0[23][0-9a-f]{64}", fullmatch=True),
    choice=st.sampled_from(list(Choice)),
    timestamp=st.integers(0, 253402300799),
    reason=st.text(max_size=200),
    content_hash=st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
    network=st.text(min_size=1, max_size=40),
    signature=st.from_regex(r"(?:[0-9a-f]{2}){8,72}", fullmatch=True),
))
def test_a_written_vote_loads_back_to_the_same_vote_and_the_same_bytes(vote):
    raw = render_vote_file(vote).encode("utf-8")
    parsed = parse_vote(vote.path, raw)
    if parsed.vote is None:
        # Only a reason or network the vote schema refuses (control or bidi characters) may fail, as a finding.
        assert parsed.diagnostics and all(d.code for d in parsed.diagnostics)
        return
    assert parsed.vote == vote
    assert render_vote_file(parsed.vote).encode("utf-8") == raw
