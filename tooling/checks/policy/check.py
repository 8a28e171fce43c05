"""``check_pr``: read both revisions from git objects, run every check, gather what they return."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from tooling.checks.policy.context import Context, Findings, found
from tooling.checks.policy.control import governance_findings, ledger_findings
from tooling.checks.policy.delegations import check_delegation, is_delegation_path
from tooling.checks.policy.neps import check_nep, renumberings
from tooling.checks.policy.rules import r
from tooling.checks.policy.snapshot import (
    GOVERNANCE,
    LEDGER,
    READ_PREFIXES,
    ParseMemo,
    Snapshot,
    load_snapshot,
    only_safe,
    world_of,
)
from tooling.checks.policy.summary import CHANGE_WORDS, PolicySummary, summarize
from tooling.checks.policy.tree import RawChange, read_raw_changes, tree_findings
from tooling.checks.policy.votes import check_vote
from tooling.core.diagnostics import Diagnostic, sort_key
from tooling.core.model import NEPState
from tooling.shell.evaluate import World

if TYPE_CHECKING:  # pragma: no cover
    from tooling.shell.objcache import ObjectCache
    from tooling.shell.sigcache import SignatureCache


@dataclass
class PolicyResult:
    diagnostics: list[Diagnostic]
    sources: dict[str, str]
    summary: PolicySummary  # what the Markdown summary shows (present.pr_summary renders it)
    changed: list[tuple[str, str]]  # (git status letter A|M|D|T, path), in path order


def check_pr(root: Path, base: str, head: str | None, as_of: int) -> PolicyResult:
    """Judge the changes from ``base`` to ``head`` (default ``HEAD``) at ``as_of``.

    Raises HistoryError for a revision git does not know (or a shallow clone).
    """
    from tooling.checks.validation import validate
    from tooling.shell.evaluate import evaluate
    from tooling.shell.history import read_blobs, read_history, read_tree_entries, resolve_rev
    from tooling.shell import caches
    from tooling.shell.objcache import ObjectCache
    from tooling.shell.repository import classify
    from tooling.shell.sigcache import SignatureCache

    root = Path(root)
    base_sha = resolve_rev(root, base)
    head_sha = resolve_rev(root, head or "HEAD")
    raw_changes = read_raw_changes(root, base_sha, head_sha)
    changes = [(c.status, c.path) for c in raw_changes]
    base_entries = only_safe(read_tree_entries(root, base_sha, READ_PREFIXES))
    head_entries = only_safe(read_tree_entries(root, head_sha, READ_PREFIXES))
    cache_dir = caches.cache_dir(root)
    # Vote parses by blob id (shell.objcache): a vote seen before is neither read from git nor parsed again.
    objects = ObjectCache.load(cache_dir, root)
    blobs = read_blobs(root, {e.sha for p, e in (*base_entries.items(), *head_entries.items())
                              if e.is_regular and not (classify(p) == "vote" and objects.has_vote(p, e.sha))})
    history = read_history(root, base_sha, cache_dir=cache_dir, cache_key="check-pr base")

    memo: ParseMemo = {}
    head_snap = load_snapshot(root, head_sha, blobs, memo, head_entries, objects=objects)
    head_gov = head_snap.raw_control.get(GOVERNANCE) if head_snap.repo is not None else None
    # A base without a usable governance.yaml (a repository being set up) is judged with the head's.
    base_snap = load_snapshot(root, base_sha, blobs, memo, base_entries, governance_fallback=head_gov,
                              objects=objects)
    sources: dict[str, str] = dict(base_snap.repo.sources) if base_snap.repo is not None else {}
    # Verdicts are kept in the cache folder, outside the work tree (shell.caches): a warm run verifies only new
    # votes, and the one cache serves both revisions, so no signature is verified twice.
    signatures = SignatureCache.load(cache_dir or caches.UNUSABLE, root)
    signatures.known.update(objects.verdicts())

    states: Mapping[int, NEPState] = {}
    ctx: Context | None = None
    if base_snap.repo is not None:
        base_world = world_of(root, base_snap, history, signatures)
        ev = evaluate(base_world, as_of)
        states = ev.states
        ctx = Context(as_of, base_snap, head_snap, ev.states, ev.proposals, ev.facts, history,
                      ledger_at=base_world.ledger_at, network_for=lambda nep: _network_at_t0(base_world, ev.states.get(nep)),
                      delegations=base_world.delegations)
    findings = found(*tree_findings(raw_changes))
    findings += _control(base_snap, head_snap, states, as_of)

    if head_snap.repo is None:
        # Nothing else can be judged without governance values: report why, as validate would.
        assert head_snap.error is not None
        sources.update(head_snap.error.sources)
        findings += found(*head_snap.error.diagnostics)
        findings += found(*(_outside(c) for c in raw_changes if c.utf8 and not _in_process(c.path)))
        diags = sorted(_dedupe(findings.diagnostics), key=sort_key)
        return PolicyResult(diags, sources, summarize(base_sha, head_sha, as_of, changes, diags, None, {}, []),
                            changes)
    sources.update(head_snap.repo.sources)
    if ctx is None:
        ctx = Context(as_of, base_snap, head_snap, {}, {}, {}, history)
    findings += _files(ctx, raw_changes, changes)
    for c in raw_changes:
        if c.utf8 and is_delegation_path(c.path):
            entry = head_entries.get(c.path)
            raw = blobs.get(entry.sha) if entry is not None and entry.is_regular else None
            findings += check_delegation(ctx, c.status, c.path, raw)

    # Delegation files are judged above from the head's bytes (validate reads a work tree's).
    selected = {c.path for c in raw_changes if c.status != "D" and c.utf8 and c.path in head_entries
                and not is_delegation_path(c.path)}
    checked = validate(world_of(root, head_snap, history, signatures), as_of, selected)
    _save(objects, signatures)
    diags = list(findings.diagnostics) + [d for d in checked if (d.file, d.slug) not in findings.replaced]
    diags = sorted(_dedupe(diags), key=sort_key)
    notes: dict[int, list[str]] = {}
    for nep, text in findings.notes:
        if text not in notes.setdefault(nep, []):
            notes[nep].append(text)
    return PolicyResult(diags, sources, summarize(base_sha, head_sha, as_of, changes, diags, ctx, notes,
                                                  list(findings.votes)), changes)


def _save(objects: ObjectCache, signatures: SignatureCache) -> None:
    """Keep what this run learned (never an error: a cache only saves time)."""
    objects.record_verdicts(signatures.known)
    for cache in (signatures, objects):
        try:
            cache.save()
        except OSError:
            pass


def _network_at_t0(world: World, st: NEPState | None) -> str | None:
    """The network a NEP's votes are judged against: governance.yaml as of its T0 (SPEC 2), as the tally does."""
    if st is None or st.submitted is None or world.snapshots is None:
        return None
    governance = world.snapshots.governance.at(st.submitted)
    return governance.network if governance is not None else None


def _in_process(path: str) -> bool:
    return path.startswith(("neps/", "votes/", "delegations/"))


def _files(ctx: Context, raw_changes: Sequence[RawChange], changes: Sequence[tuple[str, str]]) -> Findings:
    """Each changed file by the rules of its kind (a path that is not UTF-8 is refused as such alone)."""
    from tooling.shell.repository import classify

    renamed = renumberings(changes, ctx.base, ctx.head)
    out = Findings()
    for c in raw_changes:
        if not c.utf8:
            continue
        status, path = c.status, c.path
        if not _in_process(path):
            out += found(_outside(c))
            continue
        if is_delegation_path(path):
            continue  # check_delegation, with the head's bytes
        kind = classify(path)
        if kind == "keep":
            continue
        if kind == "unknown":
            if status != "D":
                out += found(r("pr-unknown-file").at(
                    path, (1, 1), f"{path} is not a NEP file (neps/nep-NNNN.md) or a vote file "
                    "(votes/nep-NNNN/<voter>.yaml)"), replaced=frozenset({(path, "unknown-file")}))
            continue
        out += check_nep(ctx, status, path, renamed) if kind == "nep" else check_vote(ctx, status, path)
    return out


def _control(base: Snapshot, head: Snapshot, states: Mapping[int, NEPState], as_of: int) -> Findings:
    """governance.yaml frozen once a NEP is submitted; a ledger change reported node by node."""
    submitted = sorted((st.submitted, nep) for nep, st in states.items()
                       if st.submitted is not None and st.submitted <= as_of)
    first = f"NEP-{submitted[0][1]:04d}" if submitted else None
    gov = governance_findings(base.raw_control.get(GOVERNANCE), head.raw_control.get(GOVERNANCE), first)
    ledger = ledger_findings(base.raw_control.get(LEDGER), head.raw_control.get(LEDGER), as_of)
    return found(*gov, *ledger)


def _dedupe(diags: Sequence[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, str, int, int, str]] = set()
    out = []
    for d in diags:
        key = (d.code, d.file, d.line, d.col, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _outside(c: RawChange) -> Diagnostic:
    what = CHANGE_WORDS.get(c.status, "changed")
    return r("pr-outside-layout").at(
        c.path, (1, 1), f"{c.path} ({what}) is outside neps/ and votes/: not part of the NEP process rules; "
        "maintainers review it by hand")
