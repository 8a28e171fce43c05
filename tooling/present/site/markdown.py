"""NEP bodies as HTML: CommonMark + tables, raw HTML off, safe links, heading ids and a TOC."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from tooling.present.site.model import NEP_MD_LINK, PAGE_IDS, SCHEME, page_name

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it import MarkdownIt

def validate_link(url: str) -> bool:
    """Refuse script-capable and local schemes outright (data: images included), allow the rest."""
    probe = re.sub(r"[\x00-\x20\x7f]+", "", url).lower()
    return not probe.startswith(("javascript:", "vbscript:", "data:", "file:"))


def is_remote(url: str) -> bool:
    return bool(SCHEME.match(url)) or url.startswith("//")


def make_markdown() -> MarkdownIt:
    """The one Markdown renderer of a build: CommonMark + tables, raw HTML off, safe links."""
    from markdown_it import MarkdownIt
    from markdown_it.common.utils import escapeHtml

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.validateLink = validate_link  # type: ignore[method-assign]
    default_image = md.renderer.rules["image"]

    def image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        # A remote image would make the page fetch from elsewhere (and track readers): link to it instead.
        tok = tokens[idx]
        src = tok.attrGet("src") or ""
        if is_remote(src):
            alt = self.renderInlineAsText(tok.children or [], options, env) or src
            return f'<a href="{escapeHtml(src)}" rel="nofollow noopener">[image: {escapeHtml(alt)}]</a>'
        return default_image(tokens, idx, options, env)

    def link_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        tok = tokens[idx]
        if is_remote(tok.attrGet("href") or ""):
            tok.attrSet("rel", "nofollow noopener")
        return self.renderToken(tokens, idx, options, env)

    def heading_close(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        tok = tokens[idx]
        anchor = tok.meta.get("anchor")
        if not anchor:
            return self.renderToken(tokens, idx, options, env)
        text = escapeHtml(tok.meta.get("text", ""))
        return f' <a class="anchor" href="#{anchor}" aria-label="Link to section: {text}">#</a></{tok.tag}>\n'

    md.add_render_rule("image", image)
    md.add_render_rule("link_open", link_open)
    md.add_render_rule("heading_close", heading_close)
    return md


def slugify(text: str) -> str:
    """Stable ASCII slug: ``Economic Impact`` -> ``economic-impact``."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9 _-]", "", s)
    s = re.sub(r"[\s_-]+", "-", s).strip("-")
    return s or "section"


def _inline_text(tok: Any) -> str:
    parts = []
    for c in tok.children or []:
        if c.type in ("text", "code_inline"):
            parts.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif c.type == "image":
            parts.append(_inline_text(c))
    return "".join(parts).strip()


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    text: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class RenderedBody:
    html: str
    toc: tuple[TocEntry, ...]
    #: Every NEP number the render asked about, with the answer (in the repository or not): the one
    #: thing besides the text the HTML depends on (a link to ``nep-NNNN.md`` becomes a link to its page).
    asked: tuple[tuple[int, bool], ...] = ()

    def fits(self, known_neps: frozenset[int]) -> bool:
        """Whether this is the render of its text for ``known_neps``: every question has the same answer."""
        return all((n in known_neps) is answer for n, answer in self.asked)


class _Asked:
    """The set of NEP numbers as the renderer may use it: membership only, every answer recorded."""

    def __init__(self, known: frozenset[int]) -> None:
        self._known = known
        self.answers: dict[int, bool] = {}

    def __contains__(self, n: object) -> bool:
        answer = n in self._known
        if isinstance(n, int):
            self.answers[n] = answer
        return answer


def body_key(text: str) -> str:
    """The name of a body's render: the digest of its text (``RenderedBody.fits`` says for which NEP numbers)."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def body_to_json(body: RenderedBody) -> list[Any]:
    def toc(e: TocEntry) -> list[Any]:
        return [e.level, e.anchor, e.text, [toc(c) for c in e.children]]

    return [body.html, [toc(e) for e in body.toc], [[n, a] for n, a in body.asked]]


def body_from_json(rec: Any) -> RenderedBody:
    """Raises TypeError/ValueError for a record ``body_to_json`` did not write."""
    def toc(r: Any) -> TocEntry:
        level, anchor, text, children = r
        if not isinstance(level, int) or not isinstance(anchor, str) or not isinstance(text, str):
            raise TypeError("not a table-of-contents entry")
        return TocEntry(level, anchor, text, tuple(toc(c) for c in children))

    html, entries, asked = rec
    if not isinstance(html, str):
        raise TypeError("not a rendered body")
    answers = []
    for n, answer in asked:
        if type(n) is not int or type(answer) is not bool:
            raise TypeError("not an answer about a NEP number")
        answers.append((n, answer))
    return RenderedBody(html, tuple(toc(e) for e in entries), tuple(answers))


def render_markdown(md: MarkdownIt, text: str, known_neps: frozenset[int] = frozenset()) -> RenderedBody:
    """Body HTML with heading ids (levels shifted down one, under the page's own h2) and its TOC.

    Links to ``nep-NNNN.md`` of a known NEP become links to its page.
    """
    known = _Asked(known_neps)
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    used: set[str] = set(PAGE_IDS)
    flat: list[tuple[int, str, str]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            inline = tokens[i + 1]
            text_ = _inline_text(inline)
            base = slugify(text_)
            slug, n = base, 0
            while slug in used:
                n += 1
                slug = f"{base}-{n}"
            used.add(slug)
            shifted = f"h{min(level + 1, 6)}"
            tok.tag = shifted
            tok.attrSet("id", slug)
            close = tokens[i + 2]  # a heading is always open, inline, close
            close.tag = shifted
            close.meta = {"anchor": slug, "text": text_}
            if level in (2, 3):
                flat.append((level, slug, text_))
        elif tok.type == "th_open":
            tok.attrSet("scope", "col")
        elif tok.type == "inline" and tok.children:
            if i >= 2 and tokens[i - 2].type == "list_item_open":
                _task_item(tokens[i - 2], tok)
            for c in tok.children:
                if c.type == "link_open":
                    m = NEP_MD_LINK.match(c.attrGet("href") or "")
                    if m and int(m.group(1)) in known:
                        c.attrSet("href", page_name(int(m.group(1))) + (m.group(2) or ""))
    html = md.renderer.render(tokens, md.options, env)
    return RenderedBody(html, _nest_toc(flat), tuple(sorted(known.answers.items())))


_TASK = re.compile(r"^\[([ xX])\]\s+")


def _task_item(item: Any, inline: Any) -> None:
    """``- [ ] text`` / ``- [x] text`` (GitHub task lists): a box mark instead of the literal brackets."""
    first = inline.children[0]
    m = _TASK.match(first.content) if first.type == "text" else None
    if m is None:
        return
    from markdown_it.token import Token

    done = m.group(1) != " "
    first.content = first.content[m.end():]
    mark = Token("html_inline", "", 0)
    # Fixed markup of our own (the author's text stays in text tokens, escaped as usual).
    mark.content = ('<span class="task done" role="img" aria-label="done">☑</span> ' if done
                    else '<span class="task" role="img" aria-label="to do">☐</span> ')
    inline.children.insert(0, mark)
    item.attrSet("class", "task-item")


def _nest_toc(flat: Sequence[tuple[int, str, str]]) -> tuple[TocEntry, ...]:
    top: list[tuple[int, str, str, list]] = []
    for level, anchor, text in flat:
        if level == 3 and top and top[-1][0] == 2:
            top[-1][3].append(TocEntry(3, anchor, text))
        else:
            top.append((level, anchor, text, []))
    return tuple(TocEntry(lv, a, t, tuple(ch)) for lv, a, t, ch in top)

