"""Rendering pages through the page memo: a page whose key is remembered is not rendered again.

``Pages.render`` computes the page's key (``keys.page_key``: the template sources, the code and every
context value), asks the memo for it, and renders with Jinja only on a miss, then remembers the
result. Either way the footer's build instant is filled in last: every page that extends
``base.html`` is rendered with ``keys.HOLE`` where the instant goes, so that one remembered page
serves every build instant; a page whose content happens to hold the hole's text as well is
rendered with the instant itself and not remembered. The Jinja environment is made on the first miss: a build where every page is
remembered compiles no template.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from markupsafe import Markup

from tooling.present.site.env import Formats, make_environment
from tooling.present.site.keys import HOLE, Derived, Keys, Unkeyable, environment_digest, page_key
from tooling.present.site.model import PageMemo

if TYPE_CHECKING:  # pragma: no cover
    from jinja2 import Environment

_HOLE_BYTES = HOLE.encode("ascii")


class Pages:
    """The pages of one build: ``render`` returns a page's bytes, from the memo when its key is there."""

    def __init__(self, templates: Path, formats: Formats, footer: Markup, memo: PageMemo | None = None,
                 code: str = "") -> None:
        self.templates = templates
        self.formats = formats
        self.memo = memo
        self.keys = Keys()
        # Digests of the templates and libraries are only worth computing when there is a memo to ask.
        self.environment = environment_digest(templates, code) if memo is not None else ""
        self._footer = str(footer).encode("utf-8")
        self._env: Environment | None = None
        self.rendered: list[str] = []  # paths rendered by Jinja in this build, in order (for tests and reports)

    def env(self) -> Environment:
        if self._env is None:
            self._env = make_environment(self.templates, self.formats)
        return self._env

    def render(self, path: str, template: str, context: Mapping[str, Any]) -> bytes:
        """The page ``path`` from ``template`` and ``context``.

        A context with ``built_at`` (``HOLE``) is a page that extends ``base.html``, whose footer shows the
        build instant once; the hole is filled here. A page without it does not show the instant.
        """
        holes = 1 if "built_at" in context else 0
        key = None
        if self.memo is not None:
            try:
                key = page_key(self.keys, self.environment, template, context)
            except Unkeyable:
                key = None
            if key is not None:
                data = self.memo.get(path, key)
                if data is not None and (not holes or data.count(_HOLE_BYTES) == 1):
                    return self._fill(data) if holes else data
        values = {k: v.compute() if type(v) is Derived else v for k, v in context.items()}
        self.rendered.append(path)
        text = self.env().get_template(template).render(values)
        if holes and text.count(HOLE) != 1:
            # The page's own content holds the hole's text: where to fill is not certain, so render it whole.
            values["built_at"] = Markup(self._footer.decode("utf-8"))
            return self.env().get_template(template).render(values).encode("utf-8")
        data = text.encode("utf-8")
        if key is not None and self.memo is not None:
            self.memo.put(path, key, data)
        return self._fill(data) if holes else data

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

    def _fill(self, data: bytes) -> bytes:
        head, _, tail = data.partition(_HOLE_BYTES)
        return head + self._footer + tail
