"""The rows of a NEP page's vote table, written in Python: a NEP can have thousands of votes.

A Jinja loop costs several times more per row than an f-string (an output call, a filter call and an
escape per cell). These rows are the same bytes the template loop wrote: every value from a file goes
through ``markupsafe.escape``, as autoescape did, and instants and amounts through the site's
``Formats``, the templates' filters.
"""

from __future__ import annotations

from typing import Iterable

from markupsafe import Markup, escape

from tooling.core.model import VoteResult
from tooling.present.site.env import Formats

_COUNTED = '<td><span class="ok">counted</span></td>\n'


def vote_rows(votes: Iterable[VoteResult], formats: Formats) -> Markup:
    """``<tr>…</tr>\\n`` for each vote, in the order given; the ``<tbody>`` of the vote table."""
    out: list[str] = []
    append = out.append
    amount, when = formats.amount, formats.when
    for r in votes:
        append('<tr class="counted">\n' if r.counted else '<tr class="not-counted">\n')
        append(f'<th scope="row"><code>{escape(r.voter)}</code></th>\n')
        if r.choice:
            choice = escape(r.choice)
            append(f'<td><span class="choice-{choice}">{choice}</span></td>\n')
        else:
            append("<td>—</td>\n")
        append(f'<td class="num">{escape(amount(r.weight))}')
        if r.delegators:
            n = len(r.delegators)
            append(f'<details class="delegated"><summary>own {escape(amount(r.own_weight))} + delegated '
                   f'{escape(amount(r.delegated_weight))}</summary>\n'
                   f'<p>Delegated by {n} node{"" if n == 1 else "s"} that did not vote themselves:</p>\n<ul>')
            out.extend(f"<li><code>{escape(d)}</code></li>" for d in r.delegators)
            append("</ul>\n</details>")
        append("</td>\n")
        if r.counted:
            append(_COUNTED)
        else:
            code = r.code.value  # type: ignore[union-attr]  # a vote not counted always has its code
            note = f' <span class="note">{escape(r.error)}</span>' if r.error else ""
            append(f'<td><span class="warn">not counted: <code>{escape(code)}</code></span>{note}</td>\n')
        append(f"<td>{when(r.timestamp)}</td>\n<td>{when(r.included_at, 'not yet included')}</td>\n"
               f"<td>{escape(r.reason)}</td>\n</tr>\n")
    return Markup("".join(out))
