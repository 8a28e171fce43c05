"""Hypothesis strategies for the fuzz targets: mutated real files and generated YAML.

Three sources, mixed: the repository's own NEP, vote, ledger and governance
files and the broken fixtures, mutated by splicing in YAML's sharp edges
(anchors, tags, flow brackets, block scalars, odd line ends, huge numbers,
bidi and control characters); YAML documents generated from a small grammar
in block and flow styles; and raw bytes.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]


def _seeds(*globs: str) -> list[bytes]:
    out: list[bytes] = []
    for g in globs:
        out += [p.read_bytes() for p in sorted(ROOT.glob(g)) if p.is_file() and p.stat().st_size < 200_000]
    return out


NEP_SEEDS = _seeds("neps/*.md", "tests/fixtures/*.md", "tests/fixtures/broken/*.md", "tests/corpus/files/*.md")
VOTE_SEEDS = _seeds("votes/*/*.yaml", "tests/fixtures/broken/vote-*.yaml", "tests/corpus/files/vote-*.yaml")
YAML_SEEDS = _seeds("governance.yaml", "stakes/*.yaml", "tests/fixtures/broken/*.yaml") + VOTE_SEEDS

TOKENS = [
    b":", b": ", b"- ", b"-", b"?", b"? ", b",", b"[", b"]", b"{", b"}", b"&a ", b"*a", b"&a [*a, *a]", b"<<: *a",
    b"!!str ", b"!!int ", b"!!float ", b"!!bool ", b"!!null ", b"!!binary ", b"!!timestamp ", b"!!set ", b"!!omap ",
    b"!!pairs ", b"!!map ", b"!!seq ", b"!!python/object:os.system ", b"!custom ", b"!<tag:x> ", b"%YAML 1.1\n",
    b"%TAG ! tag:x,2000:\n", b"---\n", b"...\n", b"---", b"#", b" # c", b"|", b"|-\n  x", b">+\n  y", b"\"", b"'",
    b"\\", b"\\u", b"\\x", b"\t", b"\r", b"\r\n", b"\n", b"\n\n", b"  ", b"\x00", b"\xff", b"\xef\xbb\xbf",
    b"\xe2\x80\xae", b"\xe2\x80\xa8", b"\xed\xa0\x80", b"9" * 400, b"-0", b"0x1F", b"0o17", b"1e400", b"-1e400",
    b".inf", b".nan", b"1.0e-400", b"253402300799", b"253402300800", b"-1", b"1.5", b"true", b"yes", b"no", b"on",
    b"null", b"~", b"2026-01-01", b"2026-01-01T00:00:00Z", b"9999-12-31T23:59:59Z", b"10000-01-01T00:00:00Z",
    b"\"0.000000000000000001\"", b"nep: ", b"status: ", b"requires: [1, 1, 1]", b"supersedes: [1]", b"type: ",
    b"choice: ", b"timestamp: ", b"\xd0\xb0", b"\xce\xbf", b"\xef\xbc\x91",
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.integers(0, 5))
        at = draw(st.integers(0, len(data)))
        if op == 0:
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == 1:
            end = draw(st.integers(at, min(len(data), at + 40)))
            del data[at:end]
        elif op == 2:
            end = draw(st.integers(at, min(len(data), at + 80)))
            data[at:at] = data[at:end] * draw(st.integers(1, 4))
        elif op == 3 and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == 4:
            data[at:at] = draw(st.binary(max_size=8))
        else:
            end = draw(st.integers(at, min(len(data), at + 30)))
            data[at:end] = draw(st.text(max_size=12)).encode("utf-8", "surrogatepass")
    return bytes(data)


_SCALARS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["true", "false", "null", "~", "yes", "No", ".inf", "-.nan", "1e3", "0x10", "''", '""',
                     "2026-01-01", "2026-01-01T00:00:00Z", "!!str 1", "!!binary aGk=", "!!timestamp 2001-12-14"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=15).map(
        lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True),
)


def _flow(node: object) -> str:
    if isinstance(node, list):
        return "[" + ", ".join(_flow(x) for x in node) + "]"
    if isinstance(node, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in node.items()) + "}"
    return str(node)


def _block(node: object, indent: int = 0) -> str:
    pad = " " * indent
    if isinstance(node, dict):
        if not node:
            return "{}"
        return "\n" + "".join(f"{pad}{k}:{_block(v, indent + 2) if isinstance(v, (dict, list)) else ' ' + str(v)}\n"
                              for k, v in node.items()).rstrip("\n")
    if isinstance(node, list):
        if not node:
            return "[]"
        return "\n" + "".join(f"{pad}- {_flow(v)}\n" for v in node).rstrip("\n")
    return " " + str(node)


_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), inner, max_size=4)),
    max_leaves=20,
)

NEP_KEYS = ["nep", "title", "type", "status", "authors", "created", "requires", "supersedes", "replaces",
            "economic_impact", "upgrade_path", "parameter_changes", "submitted", "resolution", "discussion"]


@st.composite
def generated_yaml(draw: st.DrawFn) -> bytes:
    tree = draw(st.dictionaries(st.sampled_from(NEP_KEYS + ["voter", "choice", "timestamp", "x"]), _TREES,
                                min_size=1, max_size=8))
    text = _flow(tree) if draw(st.booleans()) else _block(tree).lstrip("\n") + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8", "surrogatepass")


@st.composite
def as_nep(draw: st.DrawFn) -> bytes:
    fm = draw(generated_yaml())
    return b"---\n" + fm + b"---\n\n## Abstract\n\nx\n"


def for_target(name: str) -> st.SearchStrategy[bytes]:
    if name == "yaml":
        return st.one_of(mutated(YAML_SEEDS), generated_yaml(), st.binary(max_size=200))
    if name in ("vote", "validate-vote"):
        return st.one_of(mutated(VOTE_SEEDS), mutated(VOTE_SEEDS), generated_yaml())
    return st.one_of(mutated(NEP_SEEDS), mutated(NEP_SEEDS), as_nep())
