"""Body rules: the required level-2 sections, in order and non-empty; no level-1 heading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tooling.core.diagnostics import Diagnostic
from tooling.core.model import Proposal
from tooling.core.catalog import rule

REQUIRED = ("Abstract", "Motivation", "Specification", "Economic Impact", "Upgrade Path")
OPTIONAL = ("Rationale", "Security Considerations", "Backwards Compatibility", "Test Plan", "References")

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    line: int  # file line of the heading
    content: str  # text up to the next heading of the same or higher level


@lru_cache(maxsize=8)  # body and impact rules both ask for the same proposal's sections
def sections(body: str, first_line: int) -> tuple[Section, ...]:
    """ATX and setext headings outside fenced code, with the text each one heads."""
    lines = body.split("\n")
    heads: list[tuple[int, str, int]] = []  # (level, title, index)
    fence: str | None = None
    for i, raw in enumerate(lines):
        line = raw.rstrip("\r")
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        a = _ATX.match(line)
        if a:
            heads.append((len(a.group(1)), (a.group(2) or "").strip(), i))
            continue
        s = _SETEXT.match(line)
        if s and i > 0 and lines[i - 1].strip() and not _ATX.match(lines[i - 1]) and not (
            heads and heads[-1][2] == i - 1
        ):
            # '---' under a paragraph line is a level-2 heading; '===' level 1.
            prev = lines[i - 1].rstrip("\r")
            if not prev.startswith((" " * 4, "\t")) and not prev.lstrip().startswith(("-", "*", "+", ">", "|")):
                heads.append((1 if s.group(1)[0] == "=" else 2, prev.strip(), i - 1))
    out = []
    for n, (level, title, idx) in enumerate(heads):
        end = len(lines)
        for level2, _, idx2 in heads[n + 1 :]:
            if level2 <= level:
                end = idx2
                break
        setext = idx + 1 < len(lines) and _SETEXT.match(lines[idx + 1].rstrip("\r")) and not _ATX.match(lines[idx])
        start = idx + (2 if setext else 1)
        out.append(Section(level, title, first_line + idx, "\n".join(lines[start:end])))
    return tuple(out)


def section_text(p: Proposal, title: str) -> str | None:
    for s in sections(p.body, p.body_line):
        if s.level == 2 and s.title.casefold() == title.casefold():
            return s.content
    return None


def check(p: Proposal) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    secs = sections(p.body, p.body_line)
    for s in secs:
        if s.level == 1:
            out.append(rule("body-h1").at(p.path, (s.line, 1), f"level-1 heading '{s.title}' in the body"))
    level2 = [s for s in secs if s.level == 2]
    found: dict[str, Section] = {}
    for s in level2:
        name = next((r for r in REQUIRED + OPTIONAL if r.casefold() == s.title.casefold()), None)
        if name is None:
            out.append(rule("body-unknown-section").at(p.path, (s.line, 1), f"non-standard section '{s.title}'"))
        elif name not in found:
            found[name] = s
    end_line = p.body_line + p.body.rstrip("\n").count("\n")
    for name in REQUIRED:
        if name not in found:
            out.append(rule("body-missing-section").at(p.path, (end_line, 1), f"required section '## {name}' is missing",
                                                       f"add a '## {name}' section; required sections in order: "
                                                       + ", ".join(REQUIRED)))
    present = [found[n] for n in REQUIRED if n in found]
    for a, b in zip(present, present[1:]):
        if b.line < a.line:
            out.append(rule("body-section-order").at(p.path, (b.line, 1),
                                                     f"'## {b.title}' comes before '## {a.title}'"))
    for name in REQUIRED:
        s = found.get(name)
        if s and not _has_content(s.content):
            out.append(rule("body-empty-section").at(p.path, (s.line, 1), f"section '## {name}' is empty"))
    return out


def _has_content(text: str) -> bool:
    stripped = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return any(line.strip() for line in stripped.splitlines())
