"""The Markdown summary of ``nep check-pr`` (for ``$GITHUB_STEP_SUMMARY`` or ``--summary FILE``)."""

from __future__ import annotations

from tooling.checks.policy.summary import CHANGE_WORDS, PolicySummary
from tooling.core.instants import format_instant
from tooling.core.model import Severity
from tooling.present.diagnostics import md_escape, render_markdown_table


def render_summary(s: PolicySummary) -> str:
    diags = s.diagnostics
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    notices = sum(1 for d in diags if d.severity is Severity.NOTICE)
    warnings = len(diags) - errors - notices
    verdict = f"❌ refused: {errors} error(s)" if errors else "✅ accepted"
    lines = [
        f"## NEP change policy: {verdict}",
        "",
        f"Base `{s.base_sha[:12]}` → head `{s.head_sha[:12]}`, judged as of {format_instant(s.as_of) or '?'}: "
        f"{errors} error(s), {warnings} warning(s), {notices} notice(s).",
        "",
    ]
    if not s.changes:
        lines += ["No file changes.", ""]
    if s.neps:
        lines += ["### NEPs", "", "| NEP | title | type | status on main | change | economic impact |",
                  "|---|---|---|---|---|---|"]
        for row in s.neps:
            lines.append(f"| NEP-{row.nep:04d} | {md_escape(row.title)} | {row.kind} | {row.status} | "
                         f"{md_escape(row.change)} | {md_escape(row.impact) if row.impact else '—'} |")
        lines.append("")
    if s.votes:
        lines += ["### Votes", "", "| NEP | voter | verdict |", "|---|---|---|"]
        for v in s.votes:
            lines.append(f"| NEP-{v.nep:04d} | `{md_escape(v.voter)}` | {md_escape(v.verdict)} |")
        lines.append("")
    outside = [(st, p) for st, p in s.changes if not p.startswith(("neps/", "votes/"))]
    if outside:
        lines += ["### For the maintainers' review", "",
                  "These files are outside `neps/` and `votes/`; the policy does not judge them:", ""]
        lines += [f"- `{md_escape(p)}` ({CHANGE_WORDS.get(st, 'changed')})" for st, p in outside]
        lines.append("")
    if s.changes:
        lines += ["### Files", "", "| change | file |", "|---|---|"]
        lines += [f"| {CHANGE_WORDS.get(st, st)} | `{md_escape(p)}` |" for st, p in s.changes]
        lines.append("")
    lines += ["### Findings", "", render_markdown_table(list(diags))]
    return "\n".join(lines)
