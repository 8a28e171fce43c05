"""``nep advance``: write every NEP's computed state into its file (the bot).

``plan`` is pure: from a gathered ``World`` and ``as_of`` it lists, per NEP,
the bot fields whose value in the file disagrees with the computed state.
``run`` is the shell: it patches the files (``yamlio.patch_front_matter``,
no other byte changes), writes them atomically, and with ``commit`` makes one
commit per NEP, dated ``as_of``, as the bot identity. Git is only *read*
through history.py; the writing commands run here: one ``git fast-import``
stream for all the commits, ``update-ref`` to move HEAD, ``reset`` to
refresh the index.

Decisions where the spec is silent (for docs/decisions.md; the bot's rules are in docs/bot-guide.md):

- ``status`` is written whenever the computed status differs from the file,
  except that the bot never writes ``draft``: a draft is the author's, and a
  file saying ``review`` that has not reached the history yet is a pending
  request, not a mistake to undo.
- ``submitted`` is written when the NEP has a T0 and the file has no valid
  ``submitted``; ``activated`` when the NEP became active and the file has
  none. ``resolution`` is written once, when the NEP is decided (approved,
  or rejected for any reason); an existing ``resolution`` is never rewritten.
  A NEP rejected at T0 (``insufficient_stake``, ``resubmitted_too_soon``) had
  no vote: its resolution has every amount ``"0"`` and both criteria false.
- Bot fields are never removed, and a key the file already has keeps its
  place. Amounts are exact decimal strings without exponent or trailing zeros.
- Every patched file is parsed again before it is written: its content hash
  must be unchanged and the bot fields must read back as written; a file the
  patch cannot handle (an unusual layout such as a flow-style front matter)
  is reported and left alone, and the other NEPs proceed.
- With ``commit``, a dirty work tree (``.nep-cache/`` aside), a directory
  that is not a git work tree, an ``as_of`` earlier than HEAD's clock, or a
  bot identity git cannot record is refused before anything is written. The
  commits are made before any file is written and HEAD moves only if no one
  committed meanwhile; the commits carry no hooks and no signature. The checks run in ``dry_run`` too, so
  a dry run predicts the real one.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from tooling.shell.evaluate import World
from tooling.core.model import NEPState, NEPStatus, Outcome, Proposal

#: The bot's fields, in the order they are appended to a front matter.
BOT_ORDER = ("status", "submitted", "resolution", "activated")

DEFAULT_BOT_NAME = "neuroshard-nep-bot"
DEFAULT_BOT_EMAIL = "nep-bot@users.noreply.github.com"


class AdvanceError(Exception):
    """The run cannot start (dirty work tree, no git for --commit, clock going backwards) or git failed."""


@dataclass(frozen=True)
class PlannedChange:
    nep: int
    path: str
    old_status: str | None
    new_status: str
    updates: dict[str, Any]  # bot field -> value as written (instants and amounts as strings)
    message: str  # commit message, e.g. "NEP-0002: voting -> scheduled (approved 74.2 % of 31.0 % turnout)"


@dataclass
class AdvanceResult:
    changes: list[PlannedChange]  # written (or, in a dry run, planned)
    commits: list[str]  # shas, one per committed change, in order
    text: str
    skipped: list[str] = field(default_factory=list)  # why a planned change was not written


# --------------------------------------------------------------------------
# The plan (pure)


def _instant(t: int) -> str:
    from tooling.core.instants import format_instant

    text = format_instant(t)
    assert text is not None
    return text


def _amount(d: Decimal) -> str:
    from tooling.present.reports import decimal_str

    return decimal_str(d)


def resolution_of(state: NEPState) -> dict[str, Any] | None:
    """The ``resolution`` mapping of a decided NEP (None while undecided), in SPEC 9 key order."""
    if state.outcome is None or state.decided_at is None:
        return None
    t = state.tally
    zero = Decimal(0)
    return {
        "outcome": state.outcome.value,
        "reason": state.reason.value if state.reason is not None else None,
        "yes": _amount(t.yes if t else zero),
        "no": _amount(t.no if t else zero),
        "abstain": _amount(t.abstain if t else zero),
        "total_stake": _amount(t.total_stake if t else zero),
        "quorum_reached": bool(t.quorum_reached) if t else False,
        "approval_reached": bool(t.approval_reached) if t else False,
        "decided_at": _instant(state.decided_at),
    }


def updates_for(p: Proposal, state: NEPState) -> dict[str, Any]:
    """The bot fields of ``p`` that disagree with ``state``, as they are to be written."""
    fm = p.front_matter
    out: dict[str, Any] = {}
    if state.status is not NEPStatus.DRAFT and fm.get("status") != state.status.value:
        out["status"] = state.status.value
    if state.submitted is not None and p.submitted is None:
        out["submitted"] = _instant(state.submitted)
    if "resolution" not in fm:
        resolution = resolution_of(state)
        if resolution is not None:
            out["resolution"] = resolution
    if state.activated is not None and p.activated is None:
        out["activated"] = _instant(state.activated)
    return out


def _percent(part: Decimal, whole: Decimal) -> str:
    from tooling.present.reports import percent

    return percent(part, whole)


def describe(p: Proposal, state: NEPState, old_status: str | None, updates: Mapping[str, Any]) -> str:
    """The commit message: ``NEP-0002: voting -> scheduled (approved 74.2 % of 31.0 % turnout)``."""
    new = state.status.value
    head = f"{p.label}: {old_status or 'no status'} -> {new}" if "status" in updates else f"{p.label}: {new}"
    t = state.tally
    detail: str
    if "resolution" in updates and t is None:
        detail = f"{state.outcome.value if state.outcome else 'decided'} at submission"
        if state.reason is not None:
            detail = f"{state.reason.value}, {detail}"
    elif "resolution" in updates and state.outcome is Outcome.APPROVED:
        detail = f"approved {_percent(t.yes, t.yes + t.no)} of {_percent(t.turnout_stake, t.total_stake)} turnout"
    elif "resolution" in updates:
        reason = state.reason.value if state.reason else "rejected"
        turnout = f"{_percent(t.turnout_stake, t.total_stake)} turnout"
        detail = f"{reason}: {turnout}" if t.yes + t.no == 0 else \
            f"{reason}: {_percent(t.yes, t.yes + t.no)} yes of {turnout}"
    elif new == NEPStatus.VOTING.value and state.voting_end is not None:
        detail = f"voting until {_instant(state.voting_end)}"
    elif new == NEPStatus.REVIEW.value and state.voting_start is not None:
        detail = f"submitted {_instant(state.submitted or 0)}, voting from {_instant(state.voting_start)}"
    elif new == NEPStatus.ACTIVE.value and state.activated is not None:
        detail = f"activated {_instant(state.activated)}"
    elif new == NEPStatus.DEPRECATED.value and state.deprecated_by is not None:
        detail = f"superseded by NEP-{state.deprecated_by:04d}"
    elif new == NEPStatus.WITHDRAWN.value and state.withdrawn_at is not None:
        detail = f"withdrawn {_instant(state.withdrawn_at)}"
    else:
        detail = "record " + ", ".join(k for k in BOT_ORDER if k in updates)
    return f"{head} ({detail})"


def plan(world: World, as_of: int) -> list[PlannedChange]:
    """Every NEP whose file disagrees with its state at ``as_of``, by NEP number."""
    from tooling.shell.evaluate import evaluate

    ev = evaluate(world, as_of)
    out = []
    for nep in sorted(ev.proposals):
        p = ev.proposals[nep]
        state = ev.states[nep]
        updates = updates_for(p, state)
        if not updates:
            continue
        raw = p.front_matter.get("status")
        old_status = raw if isinstance(raw, str) else None
        out.append(PlannedChange(nep, p.path, old_status, state.status.value, updates,
                                 describe(p, state, old_status, updates)))
    return out


# --------------------------------------------------------------------------
# Writing (the shell)


def patched_bytes(raw: bytes, path: str, updates: Mapping[str, Any]) -> bytes:
    """The file with the bot fields set; ValueError if the result would not read back exactly."""
    from tooling.parse.proposals import parse_nep
    from tooling.parse.yamlio import LoadError
    from tooling.parse.yamlpatch import patch_front_matter

    text = raw.decode("utf-8")
    try:
        new_text = patch_front_matter(text, updates, BOT_ORDER)
    except LoadError as exc:
        raise ValueError(exc.message) from None
    new = new_text.encode("utf-8")
    before, after = parse_nep(path, raw), parse_nep(path, new)
    if before.proposal is None or after.proposal is None:
        raise ValueError("the patched front matter does not parse")
    if after.proposal.content_hash != before.proposal.content_hash:
        raise ValueError("the patch would change the NEP's content")
    fm_before, fm_after = before.proposal.front_matter, after.proposal.front_matter
    for key in BOT_ORDER:
        expected = updates[key] if key in updates else fm_before.get(key)
        if fm_after.get(key) != expected or (key in fm_after) != (key in updates or key in fm_before):
            raise ValueError(f"`{key}` does not read back as written")
    return new


def _git_env() -> dict[str, str]:
    from tooling.shell.history import _LOCAL_GIT_ENV

    # Variables that would point git at another repository, or set an identity or date, are dropped:
    # the stream below states the bot's identity and date itself.
    return {k: v for k, v in os.environ.items()
            if k not in _LOCAL_GIT_ENV and not k.startswith(("GIT_AUTHOR_", "GIT_COMMITTER_"))}


def _git(root: Path, *args: str, input: bytes | None = None) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=root, env=_git_env(), input=input, capture_output=True)
    except OSError as exc:
        raise AdvanceError(f"cannot run git in {root}: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().replace("\n", "; ")
        raise AdvanceError(f"git {args[0]} failed in {root}: {detail}")
    return proc.stdout.decode("utf-8", "replace")


_PENDING_REF = "refs/nep-advance/pending"


def _check_identity(name: str, email: str) -> None:
    for what, value in (("NEP_BOT_NAME", name), ("NEP_BOT_EMAIL", email)):
        if not value or any(c in value for c in "<>\n\r\0"):
            raise AdvanceError(f"{what} {value!r} cannot be a git identity (empty, or contains <, > or a line break)")


def commit_all(root: Path, head: str, files: list[tuple[str, bytes, str, str]], *, name: str, email: str,
               at: int) -> list[str]:
    """One commit per (path, content, mode, message), in order, on top of ``head``, dated ``at``; the shas.

    The commits are made by one ``git fast-import`` stream (one process, not a
    ``git add`` + ``git commit`` per NEP that would rewrite a 100,000-entry index
    each time) on a scratch ref, and HEAD moves to the last of them only if it
    is still ``head`` (so a concurrent commit is never overwritten). The
    index is then refreshed once; the work tree already holds the new files.
    """
    import tempfile

    ident = f"{name} <{email}> {int(at)} +0000\n".encode("utf-8")
    # Hashing by path applies .gitattributes (eol, clean filters) as `git add` would, so a CRLF
    # checkout of an LF repository commits only the bot's lines and leaves the tree clean.
    blobs = [_git(root, "hash-object", "-w", f"--path={path}", "--stdin", input=data).strip()
             for path, data, _, _ in files]
    chunks: list[bytes] = []
    for i, ((path, data, mode, message), blob) in enumerate(zip(files, blobs), start=1):
        msg = message.encode("utf-8")
        chunks += [f"commit {_PENDING_REF}\nmark :{i}\n".encode(), b"author " + ident, b"committer " + ident,
                   b"data %d\n" % len(msg), msg, b"\n"]
        if i == 1:
            chunks.append(f"from {head}\n".encode())
        chunks += [f"M {mode} {blob} {path}\n".encode("utf-8"), b"\n"]
    chunks.append(b"done\n")
    with tempfile.TemporaryDirectory(prefix="nep-advance-") as tmp:
        marks = Path(tmp) / "marks"
        _git(root, "fast-import", "--quiet", "--done", "--force", f"--export-marks={marks}",
             input=b"".join(chunks))
        by_mark: dict[str, str] = {}
        for line in marks.read_text().splitlines():
            mark, _, sha = line.partition(" ")
            by_mark[mark] = sha.strip()
    shas = [by_mark[f":{i}"] for i in range(1, len(files) + 1)]
    try:
        _git(root, "update-ref", "-m", f"nep advance: {len(shas)} bot commit(s)", "HEAD", shas[-1], head)
    finally:
        _git(root, "update-ref", "-d", _PENDING_REF)
    return shas


def _preflight(root: Path, as_of: int) -> None:
    """What --commit needs before anything is written: a clean git work tree."""
    from tooling.shell.history import HistoryError, dirty_paths, is_git_repo

    if not is_git_repo(root):
        raise AdvanceError(f"--commit needs a git repository, and {root} is not the top of one")
    try:
        dirty = dirty_paths(root)
    except HistoryError as exc:
        raise AdvanceError(str(exc)) from None
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise AdvanceError(
            f"the work tree has uncommitted changes ({shown}); a bot commit must contain only the bot's "
            "change: commit or remove them first")


def run(root: Path, as_of: int, *, commit: bool, dry_run: bool, bot_name: str = DEFAULT_BOT_NAME,
        bot_email: str = DEFAULT_BOT_EMAIL) -> AdvanceResult:
    """Write the plan into the files (and commit it); ``dry_run`` writes nothing."""
    from tooling.shell.evaluate import gather
    from tooling.shell.fsio import write_atomic
    from tooling.shell.history import HistoryError

    root = Path(root)
    if commit:
        _check_identity(bot_name, bot_email)
        _preflight(root, as_of)
    try:
        world = gather(root)
    except HistoryError as exc:
        raise AdvanceError(str(exc)) from None
    if commit and world.history.commits:
        clock = world.history.commits[-1].clock
        if as_of < clock:
            raise AdvanceError(
                f"--at {_instant(as_of)} is before the clock of HEAD ({_instant(clock)}): the history clock "
                f"never goes backwards, so a bot commit cannot be dated earlier; use --at {_instant(clock)} or later")
    changes = plan(world, as_of)
    world.save_caches()
    when = _instant(as_of)
    if dry_run:
        lines = [f"Dry run as of {when}: nothing written."]
        if not changes:
            lines.append("Nothing to do: every NEP file agrees with its state.")
        for c in changes:
            lines.append(f"would write {c.path} ({', '.join(k for k in BOT_ORDER if k in c.updates)}): {c.message}")
            if commit:
                lines.append(f"  would commit as {bot_name} <{bot_email}>, dated {when}")
        return AdvanceResult(changes, [], "\n".join(lines) + "\n")

    done: list[PlannedChange] = []
    skipped: list[str] = []
    lines: list[str] = []
    written: list[tuple[PlannedChange, bytes]] = []
    for c in changes:
        try:
            written.append((c, patched_bytes((root / c.path).read_bytes(), c.path, c.updates)))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            why = f"NEP-{c.nep:04d} not written: {c.path}: {exc}"
            skipped.append(why)
            lines.append(f"error: {why}")
    commits: list[str] = []
    if commit and written:
        head = world.history.head
        if head is None:
            raise AdvanceError("--commit needs a commit to build on, and HEAD has none")
        from tooling.shell.history import read_tree_entries

        modes = {p: e.mode for p, e in read_tree_entries(root, head, ("neps/",)).items()}
        # Commits first: until HEAD moves nothing is visible, and a failure leaves the tree as it was.
        commits = commit_all(root, head, [(c.path, new, modes.get(c.path, "100644"), c.message)
                                          for c, new in written], name=bot_name, email=bot_email, at=as_of)
    for c, new in written:
        write_atomic(root / c.path, new)
        done.append(c)
    if commits:
        _git(root, "reset", "-q")  # the index follows the new HEAD; the files already match it
    for k, (c, _) in enumerate(written):
        lines.append(f"{c.message}\n  wrote {c.path}: {', '.join(key for key in BOT_ORDER if key in c.updates)}")
        if commits:
            lines.append(f"  committed {commits[k][:12]} as {bot_name} <{bot_email}>, dated {when}")
    if not changes:
        lines.append(f"Nothing to do as of {when}: every NEP file agrees with its state.")
    return AdvanceResult(done, commits, "\n".join(lines) + "\n", skipped)
