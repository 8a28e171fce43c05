"""The Jinja environment of one build: autoescape everywhere, strict undefined names, the site's filters."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from tooling.present.format import amount_text, duration_text, format_date, format_instant, instant_forms, percent
from tooling.present.site.fmt import value_display
from tooling.present.site.model import XML_INVALID, page_name

if TYPE_CHECKING:  # pragma: no cover
    from jinja2 import Environment


class Formats:
    """The site's memoised forms of instants and amounts, shared by the templates' filters and ``rows``.

    One per build (it lives as long as the renderer that made it): instants and amounts repeat a lot
    (votes, tables), and the cache only holds what the pure formatters return.
    """

    def __init__(self) -> None:
        self._when: dict[int, Markup] = {}
        self._day: dict[int, Markup] = {}
        self._amount: dict[Decimal, str] = {}

    def amount(self, d: Decimal) -> str:
        m = self._amount.get(d)
        if m is None:
            m = self._amount[d] = amount_text(d)
        return m

    def when(self, t: int | None, empty: str = "—") -> Markup:
        if t is None:
            return escape(empty)
        m = self._when.get(t)
        if m is None:
            # Digits and punctuation we format ourselves: nothing to escape. The exact second is in the
            # datetime attribute (and its tooltip); the text has the site's one form, to the minute.
            exact, text = instant_forms(t)
            m = self._when[t] = Markup(f'<time datetime="{exact}">{text}</time>')
        return m

    def day(self, t: int | None, empty: str = "—") -> Markup:
        if t is None:
            return escape(empty)
        m = self._day.get(t)
        if m is None:
            m = self._day[t] = Markup(f'<time datetime="{format_instant(t)}">{format_date(t)}</time>')
        return m


def make_environment(templates: Path, formats: Formats | None = None) -> Environment:
    """One Jinja environment per build: autoescape everywhere, undefined names are errors."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    f = formats or Formats()
    env.filters.update(
        when=f.when,
        day=f.day,
        rfc3339=format_instant,
        dec=f.amount,
        duration=duration_text,
        pct=lambda d: percent(d, Decimal(1)),
        value=value_display,
        nep_label=lambda n: f"NEP-{n:04d}",
        nep_page=page_name,
        # A number and its unit stay on one line ("20.0 %", "4,100 NEURO"): the space becomes non-breaking.
        keep=lambda t: str(t).replace(" %", "\u00a0%").replace(" NEURO", "\u00a0NEURO"),
        # XML 1.0 has no place for most control characters, even escaped; validate reports them, the feed drops them.
        xml_text=lambda t: XML_INVALID.sub("", str(t)),
        reason=lambda r: "" if r is None else str(r.value if hasattr(r, "value") else r).replace("_", " "),
    )
    return env
