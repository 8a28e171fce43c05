"""The words of the synthetic repository: NEP bodies and titles, vote reasons, the YAML of front matter.

Bodies are paragraphs of the shared corpus beside the checkout when it is
there (so Markdown rendering meets real text), generated prose otherwise.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

REASONS = ("", "", "", "", "", "", "Saves memory on every node.", "Needed for the next release.",
            "Ça marche pour nous.", "Too risky without a test network run.", "Agree with the rationale 👍",
            "The economics section is convincing.")

EMBEDDED_GOVERNANCE = """\
# NeuroShard governance: genesis parameters (SPEC section 5).
network: neuroshard-mainnet
protocol_version: 1.0.0
features: [diloco, dynamic_layers, ponw, gossip_proofs, ecdsa_signatures,
           inference_market, robust_aggregation]
parameters:
  economics.constants.TRAINING_REWARD_PER_BATCH_PER_LAYER: 0.0005
min_stake_to_propose: "100"
proposal_fee: "10"
quorum: "0.20"
approval: "0.66"
resubmit_wait_days: 30
tracks:
  standard:  {review_hours: 168, voting_hours: 168, grace_min_days: 7, grace_max_days: 30}
  emergency: {review_hours: 0,   voting_hours: 48,  grace_min_days: 0, grace_max_days: 7}
rewards: {approved_rate: "0.001", approved_min: "1", approved_max: "1000",
          rejected_rate: "0.0001", rejected_max: "100", voter_rate: "0.0001"}
"""


def _yaml_scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)


def render_yaml(data: dict[str, Any], indent: int = 0) -> list[str]:
    """Block YAML for the front matter shapes used here; every string double-quoted (SPEC 2)."""
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += render_yaml(value, indent + 2)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{pad}{key}:")
            for item in value:
                sub = render_yaml(item, indent + 4)
                lines.append(f"{pad}  - " + sub[0].lstrip())
                lines += sub[1:]
        elif isinstance(value, list):
            if value and all(isinstance(x, str) for x in value):
                lines.append(f"{pad}{key}:")
                lines += [f"{pad}  - {_yaml_scalar(x)}" for x in value]
            else:
                lines.append(f"{pad}{key}: [{', '.join(_yaml_scalar(x) for x in value)}]")
        else:
            lines.append(f"{pad}{key}: {_yaml_scalar(value)}")
    return lines


# --------------------------------------------------------------------------
# Text for the bodies: the shared corpus when the checkout has one, else generated prose

_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WORDS = ("node", "shard", "gradient", "stake", "reward", "layer", "checkpoint", "latency", "proof", "gossip",
          "round", "batch", "validator", "inference", "training", "network", "memory", "peer", "quorum", "upgrade",
          "the", "of", "a", "each", "every", "when", "before", "after", "with", "without", "must", "may", "is")


def _blocks(body: str) -> list[str]:
    """Paragraphs and whole fenced code blocks of a Markdown body, headings and rules removed."""
    out: list[str] = []
    para: list[str] = []
    fence: str | None = None
    code: list[str] = []

    def flush() -> None:
        if para:
            text = "\n".join(para).strip("\n")
            if text.strip():
                out.append(text)
            para.clear()

    for raw in body.split("\n"):
        line = raw.rstrip("\r")
        if _CONTROL.search(line):
            line = _CONTROL.sub("", line)
        m = _FENCE.match(line)
        if fence is not None:
            code.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                out.append("\n".join(code))
                fence, code = None, []
            continue
        if m:
            flush()
            fence, code = m.group(1), [line]
            continue
        if _ATX.match(line) or _SETEXT.match(line):
            flush()
            continue
        if not line.strip():
            flush()
            continue
        para.append(line)
    flush()  # an unclosed fence is dropped: it would swallow every heading after it
    return [b for b in out if 20 <= len(b) <= 2500]


def corpus(checkout: Path) -> tuple[list[str], list[str]]:
    """(blocks, titles) from ``../shared/corpus/eips/neps`` beside the checkout; empty if absent."""
    folder = checkout.parent / "shared" / "corpus" / "eips" / "neps"
    blocks: list[str] = []
    titles: list[str] = []
    if not folder.is_dir():
        return blocks, titles
    for f in sorted(folder.glob("nep-*.md")):
        try:
            text = f.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
        except OSError:
            continue
        if text.startswith("---\n") and "\n---\n" in text[4:]:
            head, body = text[4:].split("\n---\n", 1)
            m = re.search(r'^title: "((?:[^"\\]|\\.)*)"$', head, re.M)
            if m:
                try:
                    title = json.loads(f'"{m.group(1)}"')
                except ValueError:
                    title = ""
                title = _CONTROL.sub("", title).strip()
                if 5 <= len(title) <= 120:
                    titles.append(title)
        else:
            body = text
        blocks += _blocks(body)
    return blocks, titles


def _prose(rng: random.Random, size: int) -> str:
    words = []
    total = 0
    while total < size:
        w = rng.choice(_WORDS)
        words.append(w)
        total += len(w) + 1
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


class TextSource:
    def __init__(self, blocks: list[str], titles: list[str], rng: random.Random) -> None:
        self.blocks = blocks
        self.titles = titles
        self.rng = rng
        self.pos = rng.randrange(len(blocks)) if blocks else 0

    def paragraphs(self, size: int) -> str:
        out: list[str] = []
        total = 0
        while total < size:
            if self.blocks:
                b = self.blocks[self.pos % len(self.blocks)]
                self.pos += 1
            else:
                b = _prose(self.rng, self.rng.randint(200, 700))
            out.append(b)
            total += len(b) + 2
        return "\n\n".join(out)

    def title(self, number: int) -> str:
        if self.titles:
            return self.titles[(number * 7919) % len(self.titles)]
        return f"Synthetic proposal {number}: " + " ".join(self.rng.choice(_WORDS) for _ in range(5))
