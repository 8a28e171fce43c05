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
from tooling.checks.policy.files import GOVERNANCE, LEDGER, in_scope
from tooling.checks.policy.snapshot import Reader, Snapshot, load_snapshot, wanted_blobs
from tooling.checks.policy.summary import CHANGE_WORDS, PolicySummary, summarize
from tooling.checks.policy.tree import RawChange, read_raw_changes, tree_findings
from tooling.checks.policy.votes import check_vote
from tooling.core.diagnostics import Diagnostic, sort_key
from tooling.core.model import NEPState
from tooling.shell.evaluate import World

if TYPE_CHECKING:  # pragma: no cover
    from tooling.shell.history import History


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
    from tooling.checks.policy.files import read_files
    from tooling.checks.policy.worlds import Caches, base_world, head_world
    from tooling.checks.validation import validate
    from tooling.shell import caches as cache_folder
    from tooling.shell.evaluate import evaluate
    from tooling.shell.history import read_blobs, resolve_rev

    root = Path(root)
    base_sha = resolve_rev(root, base)
    head_sha = resolve_rev(root, head or "HEAD")
    raw_changes = read_raw_changes(root, base_sha, head_sha)
    changes = [(c.status, c.path) for c in raw_changes]
    # The head's tree is the base's plus the diff: one listing is read, not two.
    base_files = read_files(root, base_sha)
    head_files = base_files.changed(raw_changes)
    changed = {p for c in raw_changes if in_scope(p := c.raw_path.decode("utf-8", "surrogateescape"))}
    cache_dir = cache_folder.cache_dir(root)
    memo = Caches.load(root, cache_dir)
    reader = Reader(root, memo.objects)
    delegation_blobs = {e.sha for c in raw_changes if c.utf8 and is_delegation_path(c.path)
                        and (e := head_files.get(c.path)) is not None and e.is_regular}
    reader.blobs = read_blobs(root, wanted_blobs(base_files) | wanted_blobs(head_files) | delegation_blobs)
    history = _history(root, base_sha, cache_dir)

    head_snap = load_snapshot(reader, head_sha, head_files)
    head_gov = head_snap.raw_control.get(GOVERNANCE) if head_snap.repo is not None else None
    # A base without a usable governance.yaml (a repository being set up) is judged with the head's.
    base_snap = load_snapshot(reader, base_sha, base_files, governance_fallback=head_gov)

    states: Mapping[int, NEPState] = {}
    ctx: Context | None = None
    base_w: World | None = None
    if base_snap.repo is not None:
        base_w = base_world(root, base_snap, history, memo, reader.votes)
        _prime_if_cold(base_w, base_snap, memo)
        ev = evaluate(base_w, as_of)
        states = ev.states
        world = base_w
        ctx = Context(as_of, base_snap, head_snap, ev.states, ev.proposals, ev.facts, history,
                      ledger_at=base_w.ledger_at, network_for=lambda nep: _network_at_t0(world, ev.states.get(nep)),
                      delegations=base_w.delegations)
    findings = found(*tree_findings(raw_changes))
    findings += _control(base_snap, head_snap, states, as_of)

    if head_snap.repo is None:
        # Nothing else can be judged without governance values: report why, as validate would.
        assert head_snap.error is not None
        findings += found(*head_snap.error.diagnostics)
        findings += found(*(_outside(c) for c in raw_changes if c.utf8 and not _in_process(c.path)))
        diags = sorted(_dedupe(findings.diagnostics), key=sort_key)
        sources = _sources(diags, base_snap, head_snap)
        return PolicyResult(diags, sources, summarize(base_sha, head_sha, as_of, changes, diags, None, {}, []),
                            changes)
    if ctx is None:
        ctx = Context(as_of, base_snap, head_snap, {}, {}, {}, history)
    findings += _files(ctx, raw_changes, changes)
    for c in raw_changes:
        if c.utf8 and is_delegation_path(c.path):
            entry = head_files.get(c.path)
            raw = reader.blobs.get(entry.sha) if entry is not None and entry.is_regular else None
            findings += check_delegation(ctx, c.status, c.path, raw)

    # Delegation files are judged above from the head's bytes (validate reads a work tree's).
    selected = {c.path for c in raw_changes if c.status != "D" and c.utf8 and c.path in head_files
                and not is_delegation_path(c.path)}
    head_w = head_world(root, head_snap, base_snap, base_w, changed, history, memo, reader.votes)
    checked = validate(head_w, as_of, selected)
    (base_w or head_w).save_caches()
    diags = list(findings.diagnostics) + [d for d in checked if (d.file, d.slug) not in findings.replaced]
    diags = sorted(_dedupe(diags), key=sort_key)
    notes: dict[int, list[str]] = {}
    for nep, text in findings.notes:
        if text not in notes.setdefault(nep, []):
            notes[nep].append(text)
    return PolicyResult(diags, _sources(diags, base_snap, head_snap),
                        summarize(base_sha, head_sha, as_of, changes, diags, ctx, notes, list(findings.votes)),
                        changes)


def _history(root: Path, base_sha: str, cache_dir: Path | None) -> History:
    """The base's first-parent history; from the cache ``nep status`` keeps when the checkout is the base (CI's)."""
    from tooling.shell import git as gitrun
    from tooling.shell.history import read_history

    if cache_dir is not None:
        proc = gitrun.run(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
        if proc.returncode == 0 and proc.stdout.decode("ascii", "replace").strip() == base_sha:
            history = read_history(root, cache_dir=cache_dir)
            if history.head == base_sha:  # HEAD did not move in between
                return history
    return read_history(root, base_sha, cache_dir=cache_dir, cache_key="check-pr base")


def _prime_if_cold(world: World, snap: Snapshot, memo: Caches) -> None:
    """A cold run judges every vote: read them in one batch and verify their signatures on every core up front.

    Cold is told by the signature cache knowing fewer verdicts than half the base's votes; a wrong guess
    only costs time either way.
    """
    from tooling.checks.policy.files import GitVotes

    votes = world.repo.votes
    if not isinstance(votes, GitVotes) or len(memo.signatures) >= len(snap.files.votes) // 2:
        return
    memo.signatures.prime([p.vote for p in votes.read_all() if p.vote is not None])


def _sources(diags: Sequence[Diagnostic], base: Snapshot, head: Snapshot) -> dict[str, str]:
    """The text of every file a finding points at, the head's before the base's (vote files are read on demand)."""
    for d in diags:
        for snap in (head, base):
            if snap.repo is not None and d.file in snap.files.votes:
                snap.repo.votes.get(d.file)  # read, so that its text (if it has findings) is there to quote
    out: dict[str, str] = dict(base.repo.sources) if base.repo is not None else {}
    out.update(head.error.sources if head.error is not None else head.repo.sources if head.repo is not None else {})
    return out


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
