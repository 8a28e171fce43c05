"""Rendering pages through the page memo: a page whose key is remembered is not rendered again.

``Pages.render`` computes the page's key (``keys.page_key``: the template sources, the code and every
context value), asks the memo for it, and renders with Jinja only on a miss, then remembers the
result. Either way the holes (``keys.Hole``: the build instant where a page writes it as is) are
filled in last, so one remembered page serves every build instant: a page is filled only where each
hole's mark occurs exactly as often as the template writes it; otherwise (a value of the page holds a
mark's text, say) it is rendered with the values themselves and not remembered. The Jinja environment
is made on the first miss: a build where every page is remembered compiles no template.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from markupsafe import Markup

from tooling.present.site.env import Formats, make_environment
from tooling.present.site.keys import Derived, Hole, Keys, Unkeyable, environment_digest, page_key
from tooling.present.site.model import PageMemo

if TYPE_CHECKING:  # pragma: no cover
    from jinja2 import Environment


class Pages:
    """The pages of one build: ``render`` returns a page's bytes, from the memo when its key is there."""

    def __init__(self, templates: Path, formats: Formats, memo: PageMemo | None = None, code: str = "",
                 shared: tuple[type, ...] = ()) -> None:
        self.templates = templates
        self.formats = formats
        self.memo = memo
        self.keys = Keys(shared)
        # Digests of the templates and libraries are only worth computing when there is a memo to ask.
        self.environment = environment_digest(templates, code) if memo is not None else ""
        self._env: Environment | None = None
        self.rendered: list[str] = []  # paths rendered by Jinja in this build, in order (for tests and reports)

    def env(self) -> Environment:
        if self._env is None:
            self._env = make_environment(self.templates, self.formats)
        return self._env

    def render(self, path: str, template: str, context: Mapping[str, Any],
               base: Mapping[str, Any] | None = None) -> bytes:
        """The page ``path`` from ``template`` and ``base`` (what every page receives; not changed while
        the pages are rendered) overridden by ``context``, its holes (``keys.Hole``) filled."""
        merged = context if base is None else {**base, **context}
        holes = [v for v in merged.values() if type(v) is Hole]
        key = None
        if self.memo is not None:
            try:
                key = page_key(self.keys, self.environment, template, context, base)
            except Unkeyable:
                key = None
            if key is not None and (data := self.memo.get(path, key)) is not None and _fits(data, holes):
                return _fill(data, holes)
        values = {k: v.compute() if type(v) is Derived else v for k, v in merged.items()}
        self.rendered.append(path)
        data = self.env().get_template(template).render(values).encode("utf-8")
        if not _fits(data, holes):
            # A mark's text is in the page's content: where to fill is not certain, so render it whole.
            values = {k: Markup(v.text) if type(v) is Hole else v for k, v in values.items()}
            return self.env().get_template(template).render(values).encode("utf-8")
        if key is not None and self.memo is not None:
            self.memo.put(path, key, data)
        return _fill(data, holes)

    def part(self, path: str, name: str, inputs: Any, compute: Callable[[], bytes]) -> bytes:
        """Bytes of a file that are a function of ``inputs`` (and the code): remembered at ``path`` like a page."""
        key = None
        if self.memo is not None:
            try:
                key = page_key(self.keys, self.environment, name, {"inputs": inputs})
            except Unkeyable:
                key = None
            if key is not None and (data := self.memo.get(path, key)) is not None:
                return data
        data = compute()
        if key is not None and self.memo is not None:
            self.memo.put(path, key, data)
        return data


def _fits(data: bytes, holes: Sequence[Hole]) -> bool:
    return all(data.count(h.mark.encode("ascii")) == h.times for h in holes)


def _fill(data: bytes, holes: Sequence[Hole]) -> bytes:
    for h in holes:
        data = data.replace(h.mark.encode("ascii"), h.text.encode("utf-8"))
    return data
