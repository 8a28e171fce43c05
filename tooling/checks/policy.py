"""``nep check-pr``: the change policy between two revisions (SPEC 4, 7, 9).

The base revision stands for the main branch: every NEP's state (T0, voting
start, status) is computed from the base's files and its first-parent
history at ``as_of``. The head's files are then judged against it, as if they
were the work tree of main before the merge: the pull request's own commits
never count as history. ``check_pr`` returns the refusals (``pr-*`` rules,
codes NEP7xx), everything ``nep validate`` reports for the changed files,
and a Markdown summary for ``$GITHUB_STEP_SUMMARY``.

Both revisions are read from git objects (history.py), never from the work
tree, and files that are the same in both are parsed once.

Decisions where the spec is silent (for docs/decisions.md; the refusals are in docs/bot-guide.md, section 4):

- Status changes an author may make: a new file starts as ``draft`` or
  ``review``; ``draft -> review`` while the NEP was never submitted;
  ``draft``/``review`` -> ``withdrawn`` before voting start. ``review -> draft``
  is allowed only while the NEP was never submitted on the base (T0 unknown);
  once T0 is recorded it would not undo the submission, so it is refused
  (withdraw instead). Withdrawn is final.
- The content of a withdrawn or decided NEP is frozen too (it is the record
  that votes, resubmissions and supersessions refer to).
- An added vote is judged as if it were included at ``as_of``, with the
  base's stake snapshot at voting start and the content hash the tally
  binds votes to (main's file as of voting start). Intrinsic codes
  (MALFORMED ... BAD_SIGNATURE) and tally codes alike are refused with
  ``pr-vote-not-counted``; ``validate``'s own vote findings for that file
  are replaced by it, not repeated.
- Re-adding a vote file that main's history already included is a change of
  that vote (the first included content counts forever), not an addition.
- Deleting a stray file inside ``neps/`` or ``votes/`` is allowed; adding or
  changing one is refused. ``neps/README.md`` and ``.gitkeep`` files are fine.
- A deleted NEP whose body (or title) reappears in an added NEP file is
  reported once, as a renumbering, on the added file.
- The comparison is between the two trees (``base..head``). A branch that is
  behind main therefore seems to undo main's later changes (bot fields,
  votes); the hints say to merge main into the branch. In CI, pass the
  checked-out merge commit as ``--head`` to judge exactly what will land.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from tooling.core.diagnostics import Diagnostic, sort_key
from tooling.present.diagnostics import md_escape, render_markdown_table
from tooling.core.model import AUTHOR_STATUSES, NEPState, NEPStatus, Pos, Proposal, Severity, VoteCode
from tooling.core import catalog
from tooling.core.catalog import POLICY_RULES, Rule  # noqa: F401  (POLICY_RULES re-exported)


#: What the policy reads of each revision: the process files and nothing else.
_READ_PREFIXES = ("neps/", "votes/", "governance.yaml", "stakes/ledger.yaml")
_CONTROL_FILES = ("governance.yaml", "stakes/ledger.yaml")
#: validate's findings on a vote file that the policy's own vote judgement replaces.
_VOTE_SLUGS = frozenset({"vote-wrong-path", "vote-wrong-network", "vote-bad-key", "vote-bad-signature",
                         "vote-not-counted"})
_BOT_ONLY_FIELDS = ("submitted", "resolution", "activated")
_OPEN = frozenset({NEPStatus.DRAFT, NEPStatus.REVIEW})
_CHANGE_WORDS = {"A": "added", "M": "changed", "D": "deleted", "T": "changed type"}


def _r(slug: str) -> Rule:
    return catalog.rule(slug)


@dataclass
class PolicyResult:
    diagnostics: list[Diagnostic]
    sources: dict[str, str]
    summary_markdown: str
    changed: list[tuple[str, str]]  # (git status letter A|M|D|T, path), in path order


# --------------------------------------------------------------------------
# Reading one revision


@dataclass
class _Snapshot:
    """One revision's process files, loaded like a work tree."""

    sha: str
    repo: Any  # repository.Repository, or None when governance.yaml is unusable
    error: Any = None  # repository.RepositoryError
    entries: Mapping[str, Any] = field(default_factory=dict)  # path -> history.TreeEntry
    raw_control: dict[str, bytes] = field(default_factory=dict)

    def proposal_at(self, path: str) -> Proposal | None:
        if self.repo is None:
            return None
        return next((p for p in self.repo.proposals if p.path == path), None)


def _load_snapshot(root: Path, sha: str, blobs: Mapping[str, bytes], parsed: dict[tuple[str, str], Any],
                   entries: Mapping[str, Any], governance_fallback: bytes | None = None) -> _Snapshot:
    """A ``Repository`` from git objects: the same findings ``load_repository`` makes on a checkout."""
    from tooling.parse.proposals import parse_nep, parse_vote
    from tooling.shell.repository import (
        Repository,
        RepositoryError,
        classify,
        load_governance,
        load_stakes,
    )

    raw_control = {p: blobs[e.sha] for p, e in entries.items() if p in _CONTROL_FILES and e.is_regular
                   and e.sha in blobs}
    with tempfile.TemporaryDirectory(prefix="nep-check-pr-") as tmp:
        scratch = Path(tmp)
        # governance.yaml and the ledger go through the loaders unchanged, from a scratch copy.
        for rel in _CONTROL_FILES:
            entry = entries.get(rel)
            if entry is None:
                continue
            target = scratch / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if entry.is_symlink:
                os.symlink("(symbolic link, never followed)", target)
            elif not entry.is_regular:
                target.mkdir()
            elif entry.sha in blobs:
                target.write_bytes(blobs[entry.sha])
        governance, gdiags, gtext = load_governance(scratch)
        if governance is None and governance_fallback is not None:
            target = scratch / "governance.yaml"
            if target.is_dir() and not target.is_symlink():
                target.rmdir()
            elif target.exists() or target.is_symlink():
                target.unlink()
            target.write_bytes(governance_fallback)
            governance, _, _ = load_governance(scratch)
        stakes, sdiags, stext = load_stakes(scratch)
    sources: dict[str, str] = {}
    if gtext is not None:
        sources["governance.yaml"] = gtext
    if stext is not None:
        sources["stakes/ledger.yaml"] = stext
    if governance is None:
        return _Snapshot(sha, None, RepositoryError(gdiags, sources), entries, raw_control)

    from tooling.core.catalog import rule

    diags: list[Diagnostic] = list(sdiags)
    proposals: list[Proposal] = []
    votes: dict[str, Any] = {}
    nep_blobs: dict[str, str] = {}
    vote_blobs: dict[str, str] = {}
    for rel in sorted(entries):
        if not rel.startswith(("neps/", "votes/")):
            continue
        kind = classify(rel)
        if kind == "keep":
            continue
        if kind == "unknown":
            diags.append(rule("unknown-file").at(rel, (1, 1), f"{rel} is not a NEP or vote file"))
            continue
        entry = entries[rel]
        if not entry.is_regular:
            what = "a symbolic link" if entry.is_symlink else "not a regular file"
            diags.append(rule("not-a-file").at(rel, (1, 1), f"{rel} is {what}; it is not read"))
            continue
        raw = blobs.get(entry.sha)
        if raw is None:
            continue
        key = (rel, entry.sha)
        if kind == "nep":
            result = parsed.get(key)
            if result is None:
                result = parsed[key] = parse_nep(rel, raw)
            nep_blobs[rel] = entry.sha
            diags.extend(result.diagnostics)
            if result.text is not None:
                sources[rel] = result.text
            if result.proposal is not None:
                proposals.append(result.proposal)
        else:
            pv = parsed.get(key)
            if pv is None:
                pv = parsed[key] = parse_vote(rel, raw)
            vote_blobs[rel] = entry.sha
            votes[rel] = pv
            if pv.text is not None:
                sources[rel] = pv.text
    repo = Repository(root, governance, stakes, proposals, votes, diags, sources, nep_blobs, vote_blobs)
    return _Snapshot(sha, repo, None, entries, raw_control)


def _world(root: Path, snap: _Snapshot, history: Any) -> Any:
    """A ``World`` of the snapshot's files over the base's history (what ``gather`` builds on a checkout)."""
    from tooling.shell.evaluate import FAR_FUTURE, World
    from tooling.shell.history import read_blobs
    from tooling.parse.proposals import VOTE_PATH, parse_vote

    committed = {}
    want: dict[str, str] = {}
    for path in history.paths("votes/", FAR_FUTURE):
        blob = history.first_blob(path, FAR_FUTURE)
        if blob and snap.repo.vote_blobs.get(path) != blob and VOTE_PATH.match(path):
            want[path] = blob
    if want:
        blobs = read_blobs(root, set(want.values()))
        for path, blob in want.items():
            if blob in blobs:
                committed[path] = parse_vote(path, blobs[blob])

    def read_blob(blob: str) -> bytes | None:
        return read_blobs(root, [blob]).get(blob)

    from tooling.shell.snapshots import read_snapshots

    # The deciding inputs as history gives them (SPEC 2), as gather does on a checkout.
    return World(snap.repo, history, True, committed, read_blob, snapshots=read_snapshots(root, snap.repo, history, True))


# --------------------------------------------------------------------------
# The check


@dataclass
class _Context:
    as_of: int
    base: _Snapshot
    head: _Snapshot
    states: Mapping[int, NEPState]
    base_first: Mapping[int, Proposal]  # number -> the file the lifecycle follows on the base
    facts: Mapping[int, Any]  # number -> lifecycle.NEPFacts on the base
    history: Any
    out: list[Diagnostic] = field(default_factory=list)
    replaced: set[tuple[str, str]] = field(default_factory=set)  # (path, slug) of validate findings to drop
    nep_notes: dict[int, list[str]] = field(default_factory=dict)  # what the PR does to each NEP, for the summary
    vote_notes: list[tuple[str, int | None, str, str]] = field(default_factory=list)  # path, nep, voter, verdict
    snapshots: dict[int, Any] = field(default_factory=dict)  # voting start -> stake snapshot of the base

    def state_of(self, p: Proposal | None) -> NEPState | None:
        if p is None:
            return None
        first = self.base_first.get(p.nep)
        if first is None or first.path != p.path:
            return None
        return self.states.get(p.nep)

    def note(self, nep: int, text: str) -> None:
        notes = self.nep_notes.setdefault(nep, [])
        if text not in notes:
            notes.append(text)


def check_pr(root: Path, base: str, head: str | None, as_of: int) -> PolicyResult:
    """Judge the changes from ``base`` to ``head`` (default ``HEAD``) at ``as_of``.

    Raises HistoryError for a revision git does not know (or a shallow clone).
    """
    from tooling.shell.evaluate import evaluate
    from tooling.shell.history import changed_paths, read_blobs, read_history, read_tree_entries, resolve_rev
    from tooling.shell.repository import classify
    from tooling.checks.validation import validate

    root = Path(root)
    base_sha = resolve_rev(root, base)
    head_sha = resolve_rev(root, head or "HEAD")
    changes = sorted(((s, p) for s, p, _ in changed_paths(root, base_sha, head_sha)), key=lambda c: c[1])
    base_entries = read_tree_entries(root, base_sha, _READ_PREFIXES)
    head_entries = read_tree_entries(root, head_sha, _READ_PREFIXES)
    wanted = {e.sha for e in (*base_entries.values(), *head_entries.values()) if e.is_regular}
    blobs = read_blobs(root, wanted)
    history = read_history(root, base_sha)

    parsed: dict[tuple[str, str], Any] = {}
    head_snap = _load_snapshot(root, head_sha, blobs, parsed, _only(head_entries))
    head_gov = head_snap.raw_control.get("governance.yaml") if head_snap.repo is not None else None
    # A base without a usable governance.yaml (a repository being set up) is judged with the head's.
    base_snap = _load_snapshot(root, base_sha, blobs, parsed, _only(base_entries), governance_fallback=head_gov)

    diags: list[Diagnostic] = []
    # Deleted files are shown from the base; everything else from the head.
    sources: dict[str, str] = dict(base_snap.repo.sources) if base_snap.repo is not None else {}
    if head_snap.repo is not None:
        sources.update(head_snap.repo.sources)
    if head_snap.repo is None:
        # Nothing can be judged without governance values: report why, as validate would.
        diags.extend(head_snap.error.diagnostics)
        sources.update(head_snap.error.sources)
        for status, path in changes:
            if not path.startswith(("neps/", "votes/")):
                diags.append(_outside(path, status))
        diags = sorted(diags, key=sort_key)
        summary = _summary(base_sha, head_sha, as_of, changes, diags, None)
        return PolicyResult(diags, sources, summary, changes)

    states: Mapping[int, NEPState] = {}
    base_first: Mapping[int, Proposal] = {}
    facts: Mapping[int, Any] = {}
    if base_snap.repo is not None:
        from tooling.shell import caches
        from tooling.shell.sigcache import SignatureCache

        # Verdicts are kept in the cache folder, outside the work tree (shell.caches): a warm run verifies only new votes.
        signatures = SignatureCache.load(caches.cache_dir(root) or caches.UNUSABLE, root)
        ev = evaluate(_world(root, base_snap, history), as_of, signature_ok=signatures.checker())
        signatures.save()
        states, base_first, facts = ev.states, ev.proposals, ev.facts
    ctx = _Context(as_of, base_snap, head_snap, states, base_first, facts, history)

    renamed = _renumberings(changes, base_snap, head_snap)
    for status, path in changes:
        if not path.startswith(("neps/", "votes/")):
            ctx.out.append(_outside(path, status))
            continue
        kind = classify(path)
        if kind == "keep":
            continue
        if kind == "unknown":
            if status != "D":
                ctx.out.append(_r("pr-unknown-file").at(
                    path, (1, 1), f"{path} is not a NEP file (neps/nep-NNNN.md) or a vote file "
                    "(votes/nep-NNNN/<voter>.yaml)"))
                ctx.replaced.add((path, "unknown-file"))
            continue
        if kind == "nep":
            _check_nep(ctx, status, path, renamed)
        else:
            _check_vote(ctx, status, path)

    selected = {p for s, p in changes if s != "D" and p in head_entries}
    head_world = _world(root, head_snap, history)
    found = validate(head_world, as_of, selected)
    diags = ctx.out + [d for d in found if (d.file, d.slug) not in ctx.replaced]
    diags = sorted(_dedupe(diags), key=sort_key)
    summary = _summary(base_sha, head_sha, as_of, changes, diags, ctx)
    return PolicyResult(diags, sources, summary, changes)


def _only(entries: Mapping[str, Any]) -> dict[str, Any]:
    """Entries at safe relative paths only: a crafted tree cannot point outside the scratch copy."""
    out = {}
    for path, entry in entries.items():
        parts = path.split("/")
        if path.startswith("/") or any(p in ("", ".", "..", ".git") for p in parts):
            continue
        out[path] = entry
    return out


def _dedupe(diags: Sequence[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple] = set()
    out = []
    for d in diags:
        key = (d.code, d.file, d.line, d.col, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _outside(path: str, status: str) -> Diagnostic:
    what = _CHANGE_WORDS.get(status, "changed")
    return _r("pr-outside-layout").at(
        path, (1, 1), f"{path} ({what}) is outside neps/ and votes/: not part of the NEP process rules; "
        "maintainers review it by hand")


# --------------------------------------------------------------------------
# NEP files


def _renumberings(changes: Sequence[tuple[str, str]], base: _Snapshot, head: _Snapshot) -> dict[str, str]:
    """Added NEP path -> deleted NEP path it appears to be, by equal body or equal title."""
    deleted = [base.proposal_at(p) for s, p in changes if s == "D" and p.startswith("neps/")]
    added = [head.proposal_at(p) for s, p in changes if s == "A" and p.startswith("neps/")]
    out: dict[str, str] = {}
    used: set[str] = set()
    for new in added:
        if new is None:
            continue
        for old in deleted:
            if old is None or old.path in used:
                continue
            if old.body == new.body or (old.title and old.title == new.title):
                out[new.path] = old.path
                used.add(old.path)
                break
    return out


def _key_pos(p: Proposal, key: str) -> Pos:
    return p.positions.key_at((key,))


def _fmt(t: int | None) -> str:
    from tooling.core.instants import format_instant

    return format_instant(t) or "?"


def _check_nep(ctx: _Context, status: str, path: str, renamed: Mapping[str, str]) -> None:
    old = ctx.base.proposal_at(path) if status != "A" else None
    new = ctx.head.proposal_at(path) if status != "D" else None

    if status == "D":
        if path in renamed.values():
            return  # reported once, on the added file
        label = old.label if old else path
        if old is not None:
            ctx.note(old.nep, "deleted")
        ctx.out.append(_r("pr-nep-deleted").at(
            path, (1, 1), f"{label} ({path}) is deleted; NEP files stay in the repository for good"))
        return
    if new is None:
        return  # unreadable: validate reports why
    if status == "A":
        _check_new_nep(ctx, new, renamed.get(path))
        return
    if old is None:
        # The base version was unreadable; judge the head as a new file would be.
        _check_new_nep(ctx, new, None)
        return

    st = ctx.state_of(old)
    base_fm, head_fm = old.front_matter, new.front_matter
    if base_fm.get("nep") != head_fm.get("nep"):
        ctx.note(old.nep, f"renumbered to {head_fm.get('nep')!r}")
        ctx.out.append(_r("pr-nep-renumbered").at(
            path, new.positions.at(("nep",)),
            f"`nep` changes from {base_fm.get('nep')!r} to {head_fm.get('nep')!r}; a NEP keeps its number"))
    for key in _BOT_ONLY_FIELDS:
        if key in base_fm or key in head_fm:
            if key not in head_fm:
                pos, what = Pos(1, 1), "removes"
            elif key not in base_fm:
                pos, what = _key_pos(new, key), "adds"
            elif base_fm[key] != head_fm[key]:
                pos, what = _key_pos(new, key), "changes"
            else:
                continue
            ctx.note(old.nep, f"touches `{key}`")
            ctx.out.append(_r("pr-bot-field").at(
                path, pos, f"this change {what} `{key}` of {old.label}; only the bot writes it"))
    if st is not None and st.submitted is not None and st.submitted <= ctx.as_of:
        _check_submission_fixed(ctx, old, new)
    s0, s1 = base_fm.get("status"), head_fm.get("status")
    if s0 != s1 and isinstance(s1, str):  # a missing or non-string status is a schema error (validate)
        _check_status(ctx, old, new, st, s0, s1)
    if old.content_hash != new.content_hash:
        ctx.note(old.nep, "content edited")
        frozen = _frozen(st, ctx.as_of)
        if frozen is not None:
            ctx.out.append(_r("pr-content-frozen").at(
                path, _first_difference(old, new),
                f"the content of {old.label} changes, but {frozen}; its content can no longer change"))


def _check_submission_fixed(ctx: _Context, old: Proposal, new: Proposal) -> None:
    """The T0 checks and the windows were decided on the submitted file; a later edit must not redo them."""
    changed: list[tuple[str, str]] = []
    if old.type is not None and new.type is not None and old.type.track != new.type.track:
        changed.append(("type", f"the track ({old.type.track} -> {new.type.track})"))
    if old.proposer != new.proposer:
        changed.append(("authors", "the proposer (first author's node)"))
    if old.resubmission_of != new.resubmission_of:
        changed.append(("resubmission_of", "resubmission_of"))
    for key, what in changed:
        ctx.out.append(_r("pr-submission-fixed").at(
            new.path, _key_pos(new, key), f"this change alters {what} of {old.label} after its submission"))


def _check_new_nep(ctx: _Context, new: Proposal, renumbered_from: str | None) -> None:
    fm = new.front_matter
    if renumbered_from is not None:
        old = ctx.base.proposal_at(renumbered_from)
        was = old.label if old else renumbered_from
        ctx.note(new.nep, f"renumbered from {was}")
        ctx.out.append(_r("pr-nep-renumbered").at(
            new.path, new.positions.at(("nep",)),
            f"{new.path} replaces {renumbered_from} ({was}), which this change deletes: a NEP keeps its number "
            "and its file"))
        return
    s1 = fm.get("status")
    ctx.note(new.nep, f"new ({s1})" if isinstance(s1, str) else "new")
    if s1 not in (NEPStatus.DRAFT.value, NEPStatus.REVIEW.value):
        ctx.out.append(_r("pr-status-transition").at(
            new.path, new.positions.at(("status",)),
            f"a new NEP starts with `status: draft` or `status: review`, not {s1!r}"))
    for key in _BOT_ONLY_FIELDS:
        if key in fm:
            ctx.out.append(_r("pr-bot-field").at(
                new.path, _key_pos(new, key), f"a new NEP must not contain `{key}`; only the bot writes it"))


def _frozen(st: NEPState | None, as_of: int) -> str | None:
    """Why a NEP's content may no longer change at ``as_of`` (None: it may)."""
    if st is None:
        return None
    if st.voting_start is not None and as_of >= st.voting_start:
        return f"its voting started at {_fmt(st.voting_start)}"
    if st.status in _OPEN:
        return None
    if st.status is NEPStatus.WITHDRAWN:
        return "it is withdrawn"
    if st.decided_at is not None:
        return f"it was decided ({st.status}) at {_fmt(st.decided_at)}"
    return f"it is {st.status}"


def _check_status(ctx: _Context, old: Proposal, new: Proposal, st: NEPState | None, s0: Any, s1: Any) -> None:
    label, path = old.label, new.path
    pos = new.positions.at(("status",))
    computed = st.status if st is not None else NEPStatus.DRAFT
    ctx.note(old.nep, f"status {s0} → {s1}")
    if s1 not in {s.value for s in AUTHOR_STATUSES}:
        ctx.out.append(_r("pr-status-transition").at(
            path, pos, f"`status: {s1}` is the bot's to write; authors write draft, review or withdrawn"))
        return
    if computed is NEPStatus.WITHDRAWN and s1 != NEPStatus.WITHDRAWN.value:
        ctx.out.append(_r("pr-status-transition").at(
            path, pos, f"{label} is withdrawn, and withdrawn is final; a new proposal needs a new NEP file"))
        return
    if s1 == NEPStatus.WITHDRAWN.value:
        if computed in _OPEN or computed is NEPStatus.WITHDRAWN:
            return
        if st is not None and st.voting_start is not None and ctx.as_of >= st.voting_start:
            ctx.out.append(_r("pr-withdraw-after-voting-start").at(
                path, pos, f"{label}'s voting started at {_fmt(st.voting_start)}; a withdrawal now would be "
                "ignored"))
        else:
            ctx.out.append(_r("pr-status-transition").at(
                path, pos, f"{label} is {computed}; a decided NEP cannot be withdrawn"))
        return
    if computed not in _OPEN:
        ctx.out.append(_r("pr-status-transition").at(
            path, pos, f"{label} is {computed}; its status is the bot's to write now"))
        return
    if s1 == NEPStatus.DRAFT.value and computed is NEPStatus.REVIEW:
        ctx.out.append(_r("pr-status-transition").at(
            path, pos, f"{label} was submitted at {_fmt(st.submitted if st else None)}; setting it back to draft "
            "would not undo the submission", "withdraw it instead (`status: withdrawn`), before voting start"))


def _first_difference(old: Proposal, new: Proposal) -> Pos:
    """Where the content first differs: the first changed author key, else the first changed body line."""
    from tooling.core.votes import BOT_FIELDS

    for key, value in new.front_matter.items():
        if key not in BOT_FIELDS and (key not in old.front_matter or old.front_matter[key] != value):
            return new.positions.key_at((key,))
    if any(k not in new.front_matter for k in old.front_matter if k not in BOT_FIELDS):
        return Pos(2, 1)
    a, b = old.body.replace("\r\n", "\n").split("\n"), new.body.replace("\r\n", "\n").split("\n")
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return Pos(new.body_line + i, 1)
    return Pos(new.body_line + min(len(a), len(b)), 1)


# --------------------------------------------------------------------------
# Vote files


def _check_vote(ctx: _Context, status: str, path: str) -> None:
    from tooling.parse.proposals import VOTE_PATH

    m = VOTE_PATH.match(path)
    assert m is not None
    nep, voter = int(m.group(1)), m.group(2)
    if status == "D":
        ctx.vote_notes.append((path, nep, voter, "deleted (refused)"))
        ctx.out.append(_r("pr-vote-deleted").at(
            path, (1, 1), f"the vote of {voter} on NEP-{nep:04d} is deleted; votes are final"))
        return
    if status != "A":
        ctx.vote_notes.append((path, nep, voter, "changed (refused)"))
        ctx.out.append(_r("pr-vote-changed").at(
            path, (1, 1), f"the vote of {voter} on NEP-{nep:04d} is changed; votes are final"))
        return
    included = ctx.history.inclusion_time(path, ctx.as_of)
    if included is not None:
        ctx.vote_notes.append((path, nep, voter, "re-added (refused)"))
        ctx.out.append(_r("pr-vote-changed").at(
            path, (1, 1), f"main already included a vote at {path} (at {_fmt(included)}); the first included "
            "vote counts for good and cannot be replaced"))
        return
    parsed = ctx.head.repo.votes.get(path)
    if parsed is None:
        return  # not a regular file: validate reports it
    st = ctx.states.get(nep)
    if st is None or st.status is not NEPStatus.VOTING:
        if st is None:
            why = f"NEP-{nep:04d} does not exist on the base branch"
        elif st.voting_start is not None and ctx.as_of < st.voting_start:
            why = f"NEP-{nep:04d} is {st.status}; its voting starts at {_fmt(st.voting_start)}"
        elif st.voting_end is not None and ctx.as_of >= st.voting_end:
            why = f"NEP-{nep:04d} is {st.status}; its voting ended at {_fmt(st.voting_end)}"
        else:
            why = f"NEP-{nep:04d} is {st.status}, not in voting"
        ctx.vote_notes.append((path, nep, voter, "refused: NEP not in voting"))
        ctx.out.append(_r("pr-vote-not-open").at(path, (1, 1), f"{why} (as of {_fmt(ctx.as_of)})"))
        ctx.replaced.update((path, s) for s in _VOTE_SLUGS)
        return
    code, message, key = _judge_added_vote(ctx, path, parsed, nep, st)
    ctx.replaced.update((path, s) for s in _VOTE_SLUGS)
    if code is None:
        vote = parsed.vote
        ctx.vote_notes.append((path, nep, voter, f"{vote.choice}: would count"))
        return
    pos = parsed.pos(key) if key else Pos(1, 1)
    ctx.vote_notes.append((path, nep, voter, f"refused: {code}"))
    ctx.out.append(_r("pr-vote-not-counted").at(path, pos, f"this vote would not count: {code}: {message}"))


def _judge_added_vote(ctx: _Context, path: str, parsed: Any, nep: int, st: NEPState) -> tuple[VoteCode | None, str, str]:
    """The tally's verdict on the vote as if it were included at as_of: (code, explanation, key to point at)."""
    from tooling.core import stakes as stakes_mod
    from tooling.core.tally import VoteFile, judge_vote
    from tooling.core.votes import verify_vote, vote_path

    network = ctx.base.repo.governance.network
    # The content at voting start, as the tally binds it: main's file as of VS (a later change is
    # refused, and even one forced through does not move what the votes bind to).
    f = ctx.facts.get(nep)
    content_hash = (f.content_hash_at_vs or f.content_hash) if f is not None else ""
    assert st.voting_start is not None and st.voting_end is not None
    snapshot = ctx.snapshots.get(st.voting_start)
    if snapshot is None:
        snapshot = ctx.snapshots[st.voting_start] = stakes_mod.snapshot(ctx.base.repo.stakes, st.voting_start)
    error = "; ".join(d.message for d in parsed.diagnostics) or None
    vf = VoteFile(path, parsed.vote, ctx.as_of, error)
    res = judge_vote(vf, nep=nep, network=network, content_hash=content_hash, voting_start=st.voting_start,
                     voting_end=st.voting_end, snapshot=snapshot, signature_ok=verify_vote)
    v = parsed.vote
    code = res.code
    if code is None:
        return None, "", ""
    if code is VoteCode.MALFORMED:
        return code, f"the file does not match the vote schema ({error or 'see schemas/vote.schema.json'})", ""
    if code is VoteCode.WRONG_PATH:
        return code, (f"a vote by {v.voter} on NEP {v.nep} must be stored as {vote_path(v.nep, v.voter)} and "
                      f"this folder is for NEP {nep}"), "voter"
    if code is VoteCode.WRONG_NETWORK:
        return code, f"it is signed for network '{v.network}', but this repository is '{network}'", "network"
    if code is VoteCode.BAD_KEY:
        return code, "public_key does not hash to the voter's node id", "public_key"
    if code is VoteCode.BAD_SIGNATURE:
        return code, "the signature does not verify (or is not low-s) for this vote's content", "signature"
    if code is VoteCode.STALE_CONTENT:
        return code, (f"it signs content hash {v.content_hash[:12]}…, but NEP-{nep:04d}'s content hash at voting "
                      f"start is {content_hash[:12]}… (`nep show {nep}` prints it)"), "content_hash"
    if code is VoteCode.TOO_EARLY:
        return code, f"timestamp {v.timestamp} is before the voting start {_fmt(st.voting_start)}", "timestamp"
    if code is VoteCode.TOO_LATE:
        return code, f"timestamp {v.timestamp} is at or after the voting end {_fmt(st.voting_end)}", "timestamp"
    if code is VoteCode.FUTURE_TIMESTAMP:
        return code, (f"timestamp {v.timestamp} is more than 300 s after now ({_fmt(ctx.as_of)}); sign with the "
                      "current time"), "timestamp"
    if code is VoteCode.NO_STAKE:
        return code, (f"node {v.voter} has no stake at the snapshot (voting start {_fmt(st.voting_start)}); "
                      "stake added at or after voting start does not count"), "voter"
    return code, f"the tally would list it as {code}", ""


# --------------------------------------------------------------------------
# Markdown summary


def _summary(base_sha: str, head_sha: str, as_of: int, changes: Sequence[tuple[str, str]],
             diags: Sequence[Diagnostic], ctx: _Context | None) -> str:
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    notices = sum(1 for d in diags if d.severity is Severity.NOTICE)
    warnings = len(diags) - errors - notices
    if errors:
        verdict = f"❌ refused: {errors} error(s)"
    else:
        verdict = "✅ accepted"
    lines = [
        f"## NEP change policy: {verdict}",
        "",
        f"Base `{base_sha[:12]}` → head `{head_sha[:12]}`, judged as of {_fmt(as_of)}: "
        f"{errors} error(s), {warnings} warning(s), {notices} notice(s).",
        "",
    ]
    if not changes:
        lines += ["No file changes.", ""]
    if ctx is not None and ctx.nep_notes:
        lines += ["### NEPs", "", "| NEP | title | type | status on main | change | economic impact |",
                  "|---|---|---|---|---|---|"]
        for nep in sorted(ctx.nep_notes):
            p = _head_or_base(ctx, nep)
            st = ctx.states.get(nep) if ctx.base_first.get(nep) is not None else None
            title = md_escape(p.title) if p else ""
            kind = p.type.label if p and p.type else ""
            status = str(st.status) if st else "new"
            impact = md_escape(p.economic_impact.describe()) if p and p.economic_impact else "—"
            change = md_escape("; ".join(ctx.nep_notes[nep]))
            lines.append(f"| NEP-{nep:04d} | {title} | {kind} | {status} | {change} | {impact} |")
        lines.append("")
    if ctx is not None and ctx.vote_notes:
        lines += ["### Votes", "", "| NEP | voter | verdict |", "|---|---|---|"]
        for path, nep, voter, verdict_text in ctx.vote_notes:
            lines.append(f"| NEP-{nep:04d} | `{md_escape(voter)}` | {md_escape(verdict_text)} |")
        lines.append("")
    outside = [(s, p) for s, p in changes if not p.startswith(("neps/", "votes/"))]
    if outside:
        lines += ["### For the maintainers' review", "",
                  "These files are outside `neps/` and `votes/`; the policy does not judge them:", ""]
        lines += [f"- `{md_escape(p)}` ({_CHANGE_WORDS.get(s, 'changed')})" for s, p in outside]
        lines.append("")
    if changes:
        lines += ["### Files", "", "| change | file |", "|---|---|"]
        lines += [f"| {_CHANGE_WORDS.get(s, s)} | `{md_escape(p)}` |" for s, p in changes]
        lines.append("")
    lines += ["### Findings", "", render_markdown_table(list(diags))]
    return "\n".join(lines)


def _head_or_base(ctx: _Context, nep: int) -> Proposal | None:
    for snap in (ctx.head, ctx.base):
        if snap.repo is not None:
            found = sorted((p for p in snap.repo.proposals if p.nep == nep), key=lambda p: p.path)
            if found:
                return found[0]
    return None
