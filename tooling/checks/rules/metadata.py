"""Metadata rules: file name and number, unique numbers, references, text hygiene, status."""

from __future__ import annotations

import re
from typing import Sequence

from tooling.core.diagnostics import Diagnostic
from tooling.core.model import AUTHOR_STATUSES, NEPStatus, Proposal
from tooling.checks.rules.context import Context
from tooling.core.catalog import rule

_NEP_FILE = re.compile(r"^neps/nep-([0-9]{4,})\.md\Z")
#: C0/C1 controls and bidirectional overrides/isolates (the "Trojan Source" set).
_BAD_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


_DATE_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _real_date(text: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def bad_text(value: str) -> re.Match | None:
    return _BAD_CHARS.search(value)


def check(p: Proposal, ctx: Context) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    m = _NEP_FILE.match(p.path)
    fm = p.front_matter
    if m and isinstance(fm.get("nep"), int) and not isinstance(fm.get("nep"), bool):
        if int(m.group(1)) != fm["nep"] or m.group(1) != f"{fm['nep']:04d}":
            out.append(rule("number-mismatch").at(
                p.path, p.positions.at(("nep",)),
                f"nep is {fm['nep']} but the file is named {p.path.rsplit('/', 1)[-1]}",
                f"rename the file to neps/nep-{fm['nep']:04d}.md or fix the number"))
    texts: list[tuple[tuple, object]] = [(("title",), fm.get("title"))]
    for i, a in enumerate(fm.get("authors") or [] if isinstance(fm.get("authors"), list) else []):
        if isinstance(a, dict):
            texts.append((("authors", i, "name"), a.get("name")))
    for path, value in texts:
        if isinstance(value, str):
            bad = bad_text(value)
            if bad:
                out.append(rule("text-control-chars").at(
                    p.path, p.positions.at(path),
                    f"{'.'.join(map(str, path))} contains the invisible character U+{ord(bad.group()):04X}"))
    created = fm.get("created")
    if isinstance(created, str) and _DATE_SHAPE.match(created) and not _real_date(created):
        # The schema's pattern admits 2026-02-30; the calendar does not.
        out.append(rule("schema-value").at(
            p.path, p.positions.at(("created",)), f"created: {created} is not a date of the calendar",
            "write the real date of the first draft, YYYY-MM-DD"))
    if p.status is not None and p.status not in AUTHOR_STATUSES and p.submitted is None:
        out.append(rule("status-not-authored").at(
            p.path, p.positions.at(("status",)),
            f"status '{p.status}' is the bot's to write, and this NEP was never submitted",
            "write 'draft' while editing, 'review' to submit, or 'withdrawn'"))
    return out


def check_all(proposals: Sequence[Proposal], ctx: Context) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    numbers = {n for n in ctx.by_number}
    for n, ps in ctx.by_number.items():
        if len(ps) > 1:
            first = ps[0]
            for other in ps[1:]:
                out.append(rule("duplicate-number").at(
                    other.path, other.positions.at(("nep",)),
                    f"NEP {n} is also claimed by {first.path}", "take the next free number (nep new does)"))
    graph: dict[int, set[int]] = {}
    for p in proposals:
        for key in ("requires", "supersedes"):
            for i, ref in enumerate(getattr(p, key)):
                pos = p.positions.at((key, i))
                if ref == p.nep:
                    out.append(rule("self-reference").at(p.path, pos, f"{key} lists this NEP itself"))
                elif ref not in numbers:
                    out.append(rule("unknown-reference").at(p.path, pos, f"{key} names NEP {ref}, which does not exist"))
                else:
                    graph.setdefault(p.nep, set()).add(ref)
        if p.resubmission_of is not None:
            pos = p.positions.at(("resubmission_of",))
            ref = p.resubmission_of
            if ref == p.nep:
                out.append(rule("self-reference").at(p.path, pos, "resubmission_of names this NEP itself"))
            elif ref not in numbers:
                out.append(rule("unknown-reference").at(p.path, pos, f"resubmission_of names NEP {ref}, which does not exist"))
            else:
                target = ctx.by_number[ref][0]
                status = ctx.status_of(target)
                if status is not None and str(status) != NEPStatus.REJECTED:
                    out.append(rule("resubmission-not-rejected").at(
                        p.path, pos, f"resubmission_of names NEP {ref}, whose status is {status}"))
    out += _cycles(proposals, graph)
    return out


def _cycles(proposals: Sequence[Proposal], graph: dict[int, set[int]]) -> list[Diagnostic]:
    """Report each cycle once, at the lowest-numbered NEP on it."""
    out = []
    first = {}
    for p in proposals:
        first.setdefault(p.nep, p)
    colour: dict[int, int] = {}
    reported: set[frozenset[int]] = set()

    for start in sorted(graph):
        if colour.get(start):
            continue
        stack: list[tuple[int, list[int]]] = [(start, sorted(graph.get(start, ())))]
        path = [start]
        colour[start] = 1
        while stack:
            node, children = stack[-1]
            if children:
                child = children.pop(0)
                if colour.get(child) == 1:
                    cycle = path[path.index(child):]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        low = min(cycle)
                        i = cycle.index(low)
                        ordered = cycle[i:] + cycle[:i] + [low]
                        p = first[low]
                        out.append(rule("reference-cycle").at(
                            p.path, p.positions.at(("requires",)) if p.requires else p.positions.at(("supersedes",)),
                            "reference cycle: " + " -> ".join(f"NEP-{n:04d}" for n in ordered)))
                elif not colour.get(child):
                    colour[child] = 1
                    path.append(child)
                    stack.append((child, sorted(graph.get(child, ()))))
            else:
                colour[node] = 2
                stack.pop()
                path.pop()
    return out
