"""Pictures drawn at build time as inline SVG: no JavaScript, no external asset, same bytes every build.

Every picture carries its text alternative (``<title>`` and ``<desc>``, tied by
``aria-labelledby``) and the page prints the same figures in words beside it.
Coordinates are integers or one-decimal numbers computed with ``Decimal``, so
the output never depends on float formatting. Colours come from the
stylesheet's classes (light and dark themes).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Sequence

from markupsafe import Markup, escape

from tooling.core.model import Tally
from tooling.present.format import amount_text, instant_text, percent

_W, _H = 640, 220  # viewBox of the charts; they scale to the column width
_L, _R, _T, _B = 48, 16, 14, 40  # plot margins


def _n(d: Decimal | int) -> str:
    q = Decimal(d).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    text = format(q, "f")
    return text[:-2] if text.endswith(".0") else text


def _svg(ident: str, title: str, desc: str, body: Sequence[str], height: int = _H) -> Markup:
    head = (f'<svg class="chart" viewBox="0 0 {_W} {height}" role="img" aria-labelledby="{ident}-t {ident}-d" '
            f'xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


@dataclass(frozen=True)
class Picture:
    svg: Markup
    caption: str  # the same figures in words, shown under the picture


def turnout_chart(t: Tally, start: int, end: int, as_of: int, ident: str = "turnout") -> Picture | None:
    """Cumulative counted turnout (% of the snapshot stake) by inclusion time, against the quorum line."""
    if t.total_stake <= 0 or end <= start:
        return None
    counted = sorted((v.included_at, v.weight) for v in t.votes if v.counted and v.included_at is not None)
    quorum_pct = t.quorum * 100
    final_pct = sum((w for _, w in counted), Decimal(0)) * 100 / t.total_stake
    top = max(Decimal(100) if final_pct > quorum_pct * 2 else quorum_pct * 2, final_pct, Decimal(1))
    pw, ph = _W - _L - _R, _H - _T - _B

    def x(at: int) -> Decimal:
        at = min(max(at, start), end)
        return _L + Decimal(pw) * (at - start) / (end - start)

    def y(p: Decimal) -> Decimal:
        return _T + Decimal(ph) - Decimal(ph) * min(p, top) / top

    now = min(max(as_of, start), end)
    # One step per whole pixel of x (votes included within the same pixel merge), so a window with
    # thousands of votes still draws a short path.
    span = end - start
    steps: dict[int, Decimal] = {}
    running = Decimal(0)
    for at, w in counted:
        running += w
        steps[_L + pw * (min(max(at, start), end) - start) // span] = running
    base = _n(y(Decimal(0)))
    points = [f"{_L},{base}"]
    last = base
    for px, total in steps.items():
        points.append(f"{px},{last}")
        last = _n(y(total * 100 / t.total_stake))
        points.append(f"{px},{last}")
    points.append(f"{_L + pw * (now - start) // span},{last}")
    path = " ".join(points)
    qy = _n(y(quorum_pct))
    body = [
        f'<line class="axis" x1="{_L}" y1="{_T + ph}" x2="{_L + pw}" y2="{_T + ph}"/>',
        f'<line class="axis" x1="{_L}" y1="{_T}" x2="{_L}" y2="{_T + ph}"/>',
        f'<text class="tick" x="{_L - 6}" y="{_T + ph}" text-anchor="end">0 %</text>',
        f'<text class="tick" x="{_L - 6}" y="{_n(y(top)) }" text-anchor="end" dominant-baseline="hanging">{_n(top)} %</text>',
        f'<line class="quorum" x1="{_L}" y1="{qy}" x2="{_L + pw}" y2="{qy}"/>',
        f'<text class="mark" x="{_L + pw}" y="{qy}" dy="-4" text-anchor="end">quorum {percent(t.quorum, Decimal(1))}</text>',
        f'<polyline class="series" points="{path}"/>',
        f'<text class="tick" x="{_L}" y="{_H - 8}">{escape(instant_text(start))}</text>',
        f'<text class="tick" x="{_L + pw}" y="{_H - 8}" text-anchor="end">{escape(instant_text(end))}</text>',
    ]
    if start < as_of < end:
        nx = _n(x(as_of))
        body.append(f'<line class="now" x1="{nx}" y1="{_T}" x2="{nx}" y2="{_T + ph}"/>')
        body.append(f'<text class="mark" x="{nx}" y="{_T + ph + 14}" text-anchor="middle">now</text>')
    reached = next((at for at, _ in _cumulative(counted) if _ >= t.quorum * t.total_stake), None)
    words = (f"{len(counted)} counted votes bring turnout to {percent(final_pct, Decimal(100))} of the "
             f"snapshot stake against a quorum of {percent(t.quorum, Decimal(1))}; ")
    words += (f"the quorum was reached at {instant_text(reached)}." if reached is not None
              else "the quorum has not been reached.")
    title = "Cumulative turnout over the voting window"
    return Picture(_svg(ident, title, words, body), words)


def _cumulative(counted: Sequence[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    out, running = [], Decimal(0)
    for at, w in counted:
        running += w
        out.append((at, running))
    return out


def stake_chart(t: Tally, ident: str = "stake") -> Picture | None:
    """The counted voters' stake, largest first, as one stacked bar; how many it takes to pass 50 %."""
    weights = sorted((v.weight for v in t.votes if v.counted and v.weight > 0), reverse=True)
    total = sum(weights, Decimal(0))
    if not weights or total <= 0:
        return None
    need, running = 0, Decimal(0)
    for w in weights:
        need += 1
        running += w
        if running * 2 > total:
            break
    shown = weights[:8]
    rest = total - sum(shown, Decimal(0))
    height = 96
    pw = _W - 2 * _R
    body, x = [], Decimal(_R)
    for i, w in enumerate(shown + ([rest] if rest > 0 else [])):
        width = Decimal(pw) * w / total
        cls = "rest" if i == len(shown) else f"s{i % 4}"
        body.append(f'<rect class="{cls}" x="{_n(x)}" y="16" width="{_n(width)}" height="36"/>')
        if cls == "rest" and width >= 90:
            others = len(weights) - len(shown)
            body.append(f'<text class="label" x="{_n(x + width / 2)}" y="39" text-anchor="middle">'
                        f'{others} other{"s" if others != 1 else ""}</text>')
        x += width
    half = _n(Decimal(_R) + Decimal(pw) / 2)
    body.append(f'<line class="quorum" x1="{half}" y1="8" x2="{half}" y2="60"/>')
    body.append(f'<text class="mark" x="{half}" y="76" text-anchor="middle">half of the stake voted</text>')
    largest = percent(weights[0], total)
    top3 = percent(sum(weights[:3], Decimal(0)), total)
    words = (f"{len(weights)} counted voters cast {amount_text(total)} NEURO. The largest holds {largest}, "
             f"the three largest {top3}; {need} of them together cast more than half.")
    return Picture(_svg(ident, "Stake of the counted voters, largest first", words, body, height), words)


def version_chart(points: Sequence[tuple[str, str, bool]], ident: str = "versions") -> Picture | None:
    """Versions as evenly spaced stops (label, date text, pending); pending stops are drawn hollow."""
    if len(points) < 1:
        return None
    height = 90
    n = len(points)
    step = Decimal(_W - 2 * 60) / max(n - 1, 1)
    body = [f'<line class="axis" x1="60" y1="40" x2="{_W - 60}" y2="40"/>']
    for i, (version, when, pending) in enumerate(points):
        cx = _n(Decimal(60) + step * i if n > 1 else Decimal(_W) / 2)
        cls = "pending" if pending else "done"
        body.append(f'<circle class="{cls}" cx="{cx}" cy="40" r="7"/>')
        body.append(f'<text class="label" x="{cx}" y="24" text-anchor="middle">{escape(version)}</text>')
        body.append(f'<text class="tick" x="{cx}" y="66" text-anchor="middle">{escape(when)}</text>')
    words = "; ".join(f"{v} {'(pending) ' if p else ''}{w}" for v, w, p in points)
    return Picture(_svg(ident, "Protocol versions over time", "Versions: " + words + ".", body, height), words)
