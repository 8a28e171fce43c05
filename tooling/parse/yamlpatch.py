"""YAML out: scalars for new files, and the bot's byte-preserving patch of front matter.

Writing never re-serialises an author's YAML: ``patch_front_matter`` replaces
or appends single top-level keys and leaves every other byte as it was.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping, Sequence

from tooling.parse.yamlio import LoadError, load_yaml, split_front_matter


def quote(value: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def render_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return quote(str(value))


def render_value(value: Any, indent: int) -> str:
    """Render a value for ``key:``; returns the text after the colon (with leading space or newline)."""
    pad = " " * indent
    if isinstance(value, Mapping):
        if not value:
            return " {}"
        return "".join(f"\n{pad}{k}:{render_value(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            return " []"
        parts = []
        for item in value:
            if isinstance(item, Mapping) and item:
                items = list(item.items())
                first_k, first_v = items[0]
                s = f"\n{pad}- {first_k}:{render_value(first_v, indent + 4)}"
                s += "".join(f"\n{pad}  {k}:{render_value(v, indent + 4)}" for k, v in items[1:])
                parts.append(s)
            else:
                parts.append(f"\n{pad}-{render_value(item, indent + 2)}")
        return "".join(parts)
    return " " + render_scalar(value)


def _lines(text: str) -> list[str]:
    """Lines ending at LF only, ends kept: YAML breaks lines at LF (or CRLF), while
    ``str.splitlines`` also splits at U+2028, U+0085 or a form feed inside a value."""
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _top_level_spans(yaml_text: str) -> dict[str, tuple[int, int]]:
    """Offsets [start, end) of each top-level key's whole entry (key line to next top-level key)."""
    spans: dict[str, tuple[int, int]] = {}
    starts: list[tuple[str, int]] = []
    lines = _lines(yaml_text)
    line_starts = [0]
    for line in lines:
        line_starts.append(line_starts[-1] + len(line))
    try:
        # The parser knows where each top-level key starts; a line scan would take a
        # continuation line of a multi-line scalar that reads like `key:` for a key.
        keys = load_yaml(yaml_text).positions.keys
        starts = sorted(((path[0], line_starts[pos.line - 1]) for path, pos in keys.items()
                         if len(path) == 1 and isinstance(path[0], str) and pos.col == 1), key=lambda x: x[1])
        # libyaml also breaks lines at U+0085/U+2028/U+2029; if its lines and ours disagree, scan.
        if not all(yaml_text[s:].lstrip("\"'").startswith(k) for k, s in starts):
            raise LoadError("yaml-syntax", "positions disagree with line feeds")
    except (LoadError, IndexError):
        starts = []
        offset = 0
        for line in lines:
            if line[:1] not in (" ", "\t", "#", "\n", "\r", "-", "") and ":" in line:
                key = line.split(":", 1)[0].strip().strip("\"'")
                starts.append((key, offset))
            offset += len(line)
    for i, (key, s) in enumerate(starts):
        e = starts[i + 1][1] if i + 1 < len(starts) else len(yaml_text)
        # Trailing comment or blank lines belong to what follows, not to this key.
        chunk = yaml_text[s:e]
        lines = _lines(chunk)
        while len(lines) > 1 and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
            lines.pop()
        spans[key] = (s, s + sum(len(x) for x in lines))
    return spans


def patch_front_matter(text: str, updates: Mapping[str, Any], order: Sequence[str]) -> str:
    """Set top-level front matter keys, changing no other byte of ``text``.

    A key already present has its entry replaced (for a plain one-line scalar
    only the value is replaced, so a trailing comment survives); a new key is
    appended at the end of the front matter, in ``order``.
    """
    fm = split_front_matter(text)
    newline = "\r\n" if "\r\n" in fm.yaml_text else "\n"
    yaml_text = fm.yaml_text
    spans = _top_level_spans(yaml_text)
    replacements: list[tuple[int, int, str]] = []
    appended: list[str] = []
    for key in order:
        if key not in updates:
            continue
        rendered = f"{key}:{render_value(updates[key], 2)}"
        if key in spans:
            s, e = spans[key]
            old = yaml_text[s:e]
            one_line = old.rstrip("\r\n")
            if "\n" not in one_line and not isinstance(updates[key], (Mapping, list, tuple)):
                m = re.match(
                    r"^([^:]+:[ \t]*)((?:\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^#\r\n]*?))([ \t]+#.*|[ \t]*)$",
                    one_line,
                )
                if m:
                    # `key:` with an empty value needs a space before the new one; spaces and a
                    # comment after the old value stay as they were.
                    lead = m.group(1) if m.group(1).endswith((" ", "\t")) else m.group(1) + " "
                    new_line = lead + render_scalar(updates[key]) + m.group(3)
                    replacements.append((s, s + len(one_line), new_line))
                    continue
            tail = old[len(old.rstrip("\r\n")) :]
            replacements.append((s, e, rendered.replace("\n", newline) + (tail or newline)))
        else:
            appended.append(rendered.replace("\n", newline) + newline)
    for s, e, new in sorted(replacements, reverse=True):
        yaml_text = yaml_text[:s] + new + yaml_text[e:]
    if appended:
        if yaml_text and not yaml_text.endswith("\n"):
            yaml_text += newline
        yaml_text += "".join(appended)
    return text[: fm.yaml_start] + yaml_text + text[fm.yaml_start + len(fm.yaml_text) :]
