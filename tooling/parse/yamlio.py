"""YAML in: decoding, front matter, and loading with positions.

Loading follows SPEC 2: libyaml parses (``CParser``, the fast path), but
values are built here from the node tree, with YAML 1.2 core resolution
(only ``true``/``false`` are booleans, no implicit timestamps), duplicate
keys rejected, alias expansion bounded, non-finite numbers rejected, and the
line and column of every key and value recorded.

Writing is in ``tooling.parse.yamlpatch``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tooling.core.model import Pos, Positions, YPath

MAX_FILE_BYTES = 1 << 20
#: Upper bound on values built from one document; aliases count every time
#: they are expanded, so an alias bomb stops here instead of eating memory.
MAX_NODES = 100_000

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class LoadError(Exception):
    """A file that cannot be loaded; ``kind`` is a rule slug (see rules.catalog)."""

    def __init__(self, kind: str, message: str, line: int = 1, col: int = 1, hint: str | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line
        self.col = col
        self.hint = hint


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema, minus everything the spec wants kept as text."""

    yaml_implicit_resolvers: dict = {}


_Resolver.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|false)$"), list("tf"))
_INT_RE = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_Resolver.add_implicit_resolver(_INT, _INT_RE, list("-+0123456789"))
_Resolver.add_implicit_resolver(_FLOAT, _FLOAT_RE, list("-+0123456789."))
_Resolver.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


def _loader_class() -> type:
    try:
        from yaml.cyaml import CParser as Parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - libyaml missing: slower, same result
        from yaml.composer import Composer
        from yaml.parser import Parser as _P
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        class Parser(Reader, Scanner, _P, Composer):  # type: ignore[no-redef]
            def __init__(self, stream: str) -> None:
                Reader.__init__(self, stream)
                Scanner.__init__(self)
                _P.__init__(self)
                Composer.__init__(self)

    class _Loader(Parser, _Resolver):  # type: ignore[valid-type, misc]
        def __init__(self, stream: str) -> None:
            Parser.__init__(self, stream)
            _Resolver.__init__(self)

    return _Loader


_LOADER = _loader_class()


@dataclass(frozen=True)
class Loaded:
    data: Any
    positions: Positions


def load_yaml(text: str, *, line_offset: int = 0) -> Loaded:
    """Parse one YAML document; positions are shifted by ``line_offset`` lines.

    Raises LoadError (never a bare yaml error) for anything the spec rejects.
    """
    loader = _LOADER(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
            col = (mark.column + 1) if mark else 1
            problem = exc.problem or exc.context or "invalid YAML"
            raise LoadError(
                "yaml-syntax",
                f"invalid YAML: {problem}",
                line,
                col,
                "fix the YAML syntax at this point (check indentation, quotes and colons)",
            ) from None
        except yaml.YAMLError as exc:
            raise LoadError("yaml-syntax", f"invalid YAML: {exc}", 1 + line_offset, 1) from None
    finally:
        loader.dispose()
    positions = Positions()
    if node is None:
        return Loaded(None, positions)
    # Without aliases a document cannot hold more values than half its characters;
    # the bound only bites on expansion, however large the (ledger) file.
    builder = _Builder(positions, line_offset, max(MAX_NODES, len(text) // 2))
    return Loaded(builder.build(node, ()), positions)


class _Builder:
    def __init__(self, positions: Positions, line_offset: int, max_nodes: int = MAX_NODES) -> None:
        self.max_nodes = max_nodes
        self.positions = positions
        self.offset = line_offset
        self.count = 0
        self.active: set[int] = set()

    def pos(self, node: Node) -> Pos:
        return Pos(node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)

    def fail(self, kind: str, node: Node, message: str, hint: str | None = None) -> LoadError:
        p = self.pos(node)
        return LoadError(kind, message, p.line, p.col, hint)

    def build(self, node: Node, path: YPath) -> Any:
        self.count += 1
        if self.count > self.max_nodes:
            raise self.fail(
                "yaml-unsupported",
                node,
                f"document expands to more than {self.max_nodes} values (alias expansion?)",
                "write the values out instead of repeating anchors and aliases",
            )
        # Positions of the first occurrence win: an alias shares its anchor's place.
        self.positions.values.setdefault(path, self.pos(node))
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        key = id(node)
        if key in self.active:
            raise self.fail("yaml-unsupported", node, "recursive alias", "remove the self-referencing alias")
        self.active.add(key)
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ:
                    raise self._bad_tag(node)
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                if node.tag != _MAP:
                    raise self._bad_tag(node)
                return self.mapping(node, path)
        finally:
            self.active.discard(key)
        raise self.fail("yaml-unsupported", node, "unsupported YAML node")  # pragma: no cover

    def mapping(self, node: MappingNode, path: YPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, ScalarNode):
                raise self.fail("yaml-unsupported", knode, "keys must be plain scalars", "use a simple name as the key")
            k = self.scalar(knode)
            if knode.tag == _STR and knode.value == "<<" and not knode.style:
                raise self.fail(
                    "yaml-unsupported", knode, "merge keys (<<) are not supported", "write the merged keys out"
                )
            if not isinstance(k, str):
                # Keys are names in every file we read; 1: or true: is almost always a slip.
                k = knode.value
            if k in out:
                first = self.positions.keys.get(path + (k,))
                where = f" (first defined on line {first.line})" if first else ""
                raise self.fail(
                    "yaml-duplicate-key",
                    knode,
                    f"duplicate key '{k}'{where}",
                    "keep one definition of the key and delete the other",
                )
            self.positions.keys[path + (k,)] = self.pos(knode)
            out[k] = self.build(vnode, path + (k,))
        return out

    def _bad_tag(self, node: Node) -> LoadError:
        return self.fail(
            "yaml-unsupported", node, f"unsupported YAML tag {node.tag!r}", "remove the explicit tag; plain values only"
        )

    def scalar(self, node: ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            if value in ("true", "false"):
                return value == "true"
            raise self.fail("yaml-unsupported", node, f"not a boolean: {value!r}", "write true or false")
        if tag == _INT:
            # An explicit !!int must still be written as the core schema says: Python's int() would
            # also take '1_000', ' 12 ' and non-ASCII digits.
            if not _INT_RE.match(value):
                raise self.fail("yaml-unsupported", node, f"not an integer: {value!r}")
            try:
                if value.startswith("0o"):
                    return int(value[2:], 8)
                if value.startswith("0x"):
                    return int(value[2:], 16)
                return int(value, 10)
            except ValueError:
                raise self.fail("yaml-unsupported", node, f"not an integer: {value!r}") from None
        if tag == _FLOAT:
            text = value.lower().lstrip("+-")
            if not (_FLOAT_RE.match(value) or _INT_RE.match(value)) or value.startswith(("0o", "0x")):
                raise self.fail("yaml-unsupported", node, f"not a number: {value!r}")  # e.g. !!float on text
            f = math.inf if text in (".inf", ".nan") else float(value)
            if not math.isfinite(f):
                raise self.fail(
                    "yaml-unsupported",
                    node,
                    f"non-finite number {value!r}",
                    "numbers must be finite; NaN and infinity are not allowed",
                )
            return f
        raise self._bad_tag(node)


# --------------------------------------------------------------------------
# Files: size, encoding, front matter


def decode(raw: bytes, limit: int = MAX_FILE_BYTES) -> str:
    """Bytes to text per SPEC: at most 1 MiB (by default), strict UTF-8, no BOM."""
    if len(raw) > limit:
        raise LoadError(
            "file-too-large",
            f"file is more than {limit:,} bytes; the limit is {limit:,} bytes ({limit >> 20} MiB)",
            1,
            1,
            "move large material (data, images) out of the file and link to it",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raise LoadError("not-utf8", "file starts with a UTF-8 byte-order mark", 1, 1, "save the file as UTF-8 without BOM")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        raise LoadError(
            "not-utf8",
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            line,
            col,
            "re-save the file with UTF-8 encoding",
        ) from None


@dataclass(frozen=True)
class FrontMatter:
    yaml_text: str  # between the delimiters, newlines included
    yaml_start: int  # offset of yaml_text in the file text
    yaml_line: int  # file line (1-based) of the first front matter line
    body: str  # every character after the closing delimiter line
    body_line: int  # file line of the first body line


_DELIM = re.compile(r"^---[ \t]*\r?$", re.M)


def split_front_matter(text: str) -> FrontMatter:
    """Split ``---\\n`` YAML ``---\\n`` body, as SPEC 3 says."""
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        raise LoadError(
            "no-front-matter",
            "file does not start with a front matter delimiter line '---'",
            1,
            1,
            "begin the file with a line '---', the YAML front matter, and another line '---'",
        )
    start = text.index("\n") + 1
    m = _DELIM.search(text, start)
    if m is None:
        raise LoadError(
            "no-front-matter",
            "front matter is not closed by a line '---'",
            max(1, text.rstrip("\n").count("\n") + 1),
            1,
            "add a line '---' after the last front matter key",
        )
    end_of_delim = text.find("\n", m.end())
    body_start = len(text) if end_of_delim < 0 else end_of_delim + 1
    yaml_text = text[start : m.start()]
    body_line = text.count("\n", 0, body_start) + 1
    return FrontMatter(yaml_text, start, 2, text[body_start:], body_line)
