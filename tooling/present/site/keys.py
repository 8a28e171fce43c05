"""Page keys: a digest of exactly what a template receives, so that an unchanged key is an unchanged page.

A page is a pure function of its template sources, the code that renders it (the tool's own sources,
Jinja, MarkupSafe, markdown-it, Python) and the values of its context. ``page_key`` hashes all of
them. Context values are written in one canonical, unambiguous form (``Keys``): every value carries
its type (a ``Markup`` is not a ``str``: the template escapes one and not the other; ``Decimal("1.0")``
is not ``Decimal("1")``; a dataclass is named by its class and every field, shown or not), strings
carry their length, and containers keep their iteration order, which is the order a template sees.
A value this module cannot write (a closure, an object of an unknown type) raises ``Unkeyable``: that
page is rendered and not remembered.

The build instant is not special: it is in a page's key exactly when the page receives something
computed from it (a countdown, the phases "now"). Where a page only writes it as is (the footer of
every page, the "nep show --at" line of a NEP without a final tally) it is a ``Hole``: the page is
remembered with a mark there and the renderer fills it in after the memo (``memo``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import platform
import sys
import types
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Mapping

from markupsafe import Markup, escape

FORMAT = "1"
#: Marks of the holes (``Hole``): the footer's build instant, and the instant of the "nep show --at" line of a
#: NEP without a final tally. Each starts with "<", which autoescape never lets through from a value, and
#: occurs once in itself, so occurrences of marks never overlap and ``count`` counts every one.
FOOTER_MARK = "<\x00nep-site:as-of\x00>"
AT_MARK = "<\x00nep-site:at\x00>"
HOLE = FOOTER_MARK  # the older name


class Unkeyable(TypeError):
    """A context value with no canonical form here: the page is rendered every time."""


@dataclass(frozen=True)
class Derived:
    """A costly context value, in the key by ``name`` and ``inputs`` and computed only if the page is rendered.

    ``compute`` must be a function of ``inputs`` alone (and of the code): e.g. a NEP body's HTML is
    named by the digest of its Markdown text and of the NEP numbers it may link to.
    """

    name: str
    inputs: Any
    compute: Callable[[], Any]


@dataclass(frozen=True)
class Hole:
    """A value a page writes as is and that differs from build to build with the instant alone.

    The page is rendered, and remembered, with ``mark`` where the value goes; ``text`` (the value as the
    template would write it) is put in afterwards (``memo.Pages``). ``times`` is how often the template
    writes it: a page is filled only where exactly that many marks are found, otherwise it is rendered
    with the value itself. In a key a hole is its mark and count, never its text.
    """

    mark: str
    text: str
    times: int = 1

    @classmethod
    def of(cls, mark: str, value: object, times: int = 1) -> Hole:
        return cls(mark, str(escape(value)), times)

    def __html__(self) -> str:
        return self.mark


def _fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


class Keys:
    """Canonical digests of context values, for one build.

    Values many pages receive are written once, as their digest: the context every page shares
    (``page_key``'s ``base``), frozensets, and frozen dataclasses of the ``shared`` types (a NEP's view is
    in its page and in some 30 lists). Each is hashed once per object: the renderer builds its values
    before it renders and changes none of them afterwards, and the objects are held, so their ids are
    not reused while this lives. A value of a shared type is always written as its digest, so a key
    does not depend on which page met it first.
    """

    def __init__(self, shared: tuple[type, ...] = ()) -> None:
        self._memo: dict[int, tuple[object, str]] = {}
        self._fields: dict[type, tuple[str, ...] | None] = {}
        self._shared_types = frozenset(shared)

    def digest(self, value: Any) -> str:
        out: list[str] = []
        self._write(value, out)
        return hashlib.sha256("".join(out).encode("utf-8", "surrogatepass")).hexdigest()

    def mapping_digest(self, mapping: Mapping[str, Any]) -> str:
        """The digest of a mapping of names to values (a context), once per mapping object."""
        memo = self._memo.get(id(mapping))
        if memo is None:
            out: list[str] = [f"{len(mapping)}["]
            for name, value in mapping.items():
                out.append(f"{len(name)}:{name}")
                self._write(value, out)
            memo = self._memo[id(mapping)] = (mapping, hashlib.sha256(
                "".join(out).encode("utf-8", "surrogatepass")).hexdigest())
        return memo[1]

    def _shared(self, value: Any, out: list[str]) -> None:
        memo = self._memo.get(id(value))
        if memo is None:
            inner: list[str] = []
            self._write_inline(value, inner)
            memo = self._memo[id(value)] = (value, hashlib.sha256(
                "".join(inner).encode("utf-8", "surrogatepass")).hexdigest())
        out.append("h" + memo[1])

    def _write(self, value: Any, out: list[str]) -> None:
        t = type(value)
        if t is str:
            out.append(f"s{len(value)}:{value}")
        elif t is int:
            out.append(f"i{value};")
        elif value is None:
            out.append("N")
        elif t is bool:
            out.append("T" if value else "F")
        elif t is tuple or t is list:
            out.append(f"{'t' if t is tuple else 'l'}{len(value)}[")
            for item in value:
                self._write(item, out)
        elif t is frozenset:
            self._shared(value, out)
        else:
            self._write_other(value, t, out)

    def _write_other(self, value: Any, t: type, out: list[str]) -> None:
        if t is Markup:
            out.append(f"m{len(value)}:{value}")
        elif t is Decimal:
            out.append(f"d{value};")  # str(Decimal) is exact: 1.0 and 1, -0 and 0 differ
        elif t is float:
            out.append(f"f{value!r};")
        elif t is dict or t is set:
            out.append(f"{'M' if t is dict else 'S'}{len(value)}[")
            for item in value.items() if t is dict else value:
                self._write(item, out)
        elif isinstance(value, Enum):
            out.append(f"e{t.__module__}.{t.__qualname__}.{value.name};")
        elif t is Hole:
            out.append(f"H{len(value.mark)}:{value.mark}{value.times};")
        elif t is Derived:
            out.append(f"D{len(value.name)}:{value.name}")
            self._write(value.inputs, out)
        elif hasattr(t, "__dataclass_fields__"):
            if t in self._shared_types and t.__dataclass_params__.frozen:  # type: ignore[attr-defined]
                self._shared(value, out)
            else:
                self._write_inline(value, out)
        elif isinstance(value, types.FunctionType) and value.__closure__ is None and "<" not in value.__qualname__:
            # A module-level function is its name: its code is in the tool's digest.
            out.append(f"F{value.__module__}.{value.__qualname__};")
        else:
            raise Unkeyable(f"no canonical form for a value of type {t.__module__}.{t.__qualname__}")

    def _write_inline(self, value: Any, out: list[str]) -> None:
        t = type(value)
        if t is frozenset:
            out.append(f"S{len(value)}[")
            for item in value:
                self._write(item, out)
            return
        names = self._fields.get(t)
        if names is None:
            names = self._fields[t] = _fields(t)
        out.append(f"C{t.__module__}.{t.__qualname__};{len(names)}[")
        for name in names:
            self._write(getattr(value, name), out)


#: The libraries whose code writes bytes of a page (templates, escaping, Markdown, link normalisation).
LIBRARIES = ("jinja2", "markupsafe", "markdown_it", "mdurl")


def environment_digest(templates: Path, code: str) -> str:
    """What every page depends on besides its context: template sources, the tool's code, Python, the libraries.

    The libraries are named by their code (every ``.py`` and compiled module), not a version string: it
    costs a few milliseconds and is right for a patched or editable install too.
    """
    import importlib.util

    h = hashlib.sha256()

    def part(b: bytes) -> None:
        h.update(len(b).to_bytes(8, "big"))
        h.update(b)

    def folder(root: Path, suffixes: tuple[str, ...] | None) -> None:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and (suffixes is None or p.suffix in suffixes)):
            part(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape"))
            part(path.read_bytes())

    for text in (FORMAT, code, platform.python_version(), sys.version):
        part(text.encode("utf-8", "replace"))
    for lib in LIBRARIES:
        spec = importlib.util.find_spec(lib)
        part(lib.encode("ascii"))
        if spec is None or spec.origin is None:
            part(b"?")
            continue
        folder(Path(spec.origin).parent, (".py", ".so", ".pyd"))
    part(b"templates")
    folder(templates, None)
    return h.hexdigest()


def page_key(keys: Keys, environment: str, template: str, context: Mapping[str, Any],
             base: Mapping[str, Any] | None = None) -> str:
    """The key of one page: its template, the environment's digest and every context value, by name.

    ``base``: the values every page receives, under those of ``context`` (written once per build, as its digest).
    """
    out: list[str] = [f"{FORMAT};{environment};{len(template)}:{template};"]
    out.append("N" if base is None else "h" + keys.mapping_digest(base))
    out.append(f"{len(context)}[")
    for name, value in context.items():
        out.append(f"{len(name)}:{name}")
        keys._write(value, out)
    return hashlib.sha256("".join(out).encode("utf-8", "surrogatepass")).hexdigest()
