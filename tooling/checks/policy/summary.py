"""The Markdown summary of ``nep check-pr`` (for ``$GITHUB_STEP_SUMMARY``)."""

from __future__ import annotations

from typing import Mapping, Sequence

from tooling.checks.policy.context import Context, VoteNote, fmt
from tooling.core.diagnostics import Diagnostic, md_escape, render_markdown_table
from tooling.core.model import Proposal, Severity

CHANGE_WORDS = {"A": "added", "M": "changed", "D": "deleted", "T": "changed type"}


def summary(base_sha: str, head_sha: str, as_of: int, changes: Sequence[tuple[str, str]],
            diags: Sequence[Diagnostic], ctx: Context | None, nep_notes: Mapping[int, list[str]],
            vote_notes: Sequence[VoteNote]) -> str:
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    notices = sum(1 for d in diags if d.severity is Severity.NOTICE)
    warnings = len(diags) - errors - notices
    verdict = f"❌ refused: {errors} error(s)" if errors else "✅ accepted"
    lines = [
        f"## NEP change policy: {verdict}",
        "",
        f"Base `{base_sha[:12]}` → head `{head_sha[:12]}`, judged as of {fmt(as_of)}: "
        f"{errors} error(s), {warnings} warning(s), {notices} notice(s).",
        "",
    ]
    if not changes:
        lines += ["No file changes.", ""]
    if ctx is not None and nep_notes:
        lines += ["### NEPs", "", "| NEP | title | type | status on main | change | economic impact |",
                  "|---|---|---|---|---|---|"]
        for nep in sorted(nep_notes):
            p = _head_or_base(ctx, nep)
            st = ctx.states.get(nep) if ctx.base_first.get(nep) is not None else None
            title = md_escape(p.title) if p else ""
            kind = p.type.label if p and p.type else ""
            status = str(st.status) if st else "new"
            impact = md_escape(p.economic_impact.describe()) if p and p.economic_impact else "—"
            change = md_escape("; ".join(nep_notes[nep]))
            lines.append(f"| NEP-{nep:04d} | {title} | {kind} | {status} | {change} | {impact} |")
        lines.append("")
    if vote_notes:
        lines += ["### Votes", "", "| NEP | voter | verdict |", "|---|---|---|"]
        for v in vote_notes:
            lines.append(f"| NEP-{v.nep:04d} | `{md_escape(v.voter)}` | {md_escape(v.verdict)} |")
        lines.append("")
    outside = [(s, p) for s, p in changes if not p.startswith(("neps/", "votes/"))]
    if outside:
        lines += ["### For the maintainers' review", "",
                  "These files are outside `neps/` and `votes/`; the policy does not judge them:", ""]
        lines += [f"- `{md_escape(p)}` ({CHANGE_WORDS.get(s, 'changed')})" for s, p in outside]
        lines.append("")
    if changes:
        lines += ["### Files", "", "| change | file |", "|---|---|"]
        lines += [f"| {CHANGE_WORDS.get(s, s)} | `{md_escape(p)}` |" for s, p in changes]
        lines.append("")
    lines += ["### Findings", "", render_markdown_table(list(diags))]
    return "\n".join(lines)


def _head_or_base(ctx: Context, nep: int) -> Proposal | None:
    for snap in (ctx.head, ctx.base):
        if snap.repo is not None:
            found = sorted((p for p in snap.repo.proposals if p.nep == nep), key=lambda p: p.path)
            if found:
                return found[0]
    return None
