"""``nep advance``: write every NEP's computed state into its file (the bot).

``advance_plan.review`` is pure: from a gathered ``World`` and ``as_of`` it
lists, per NEP, the bot fields whose value in the file disagrees with the
computed state, and the NEPs whose recorded decision the recomputation
contradicts (``decision-mismatch``: nothing is written for them, every other
NEP proceeds, and the command exits 1 naming them). ``run`` is the shell: it patches the files (``yamlio.patch_front_matter``,
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
- With ``commit``, an ``as_of`` more than 300 s after the wall clock is
  refused first (a future-dated bot commit would move the history clock for
  every later vote); so is one before HEAD's clock, so a future-dated commit
  that reached main stops the bot instead of dragging its dates forward.
- With ``commit``, a dirty work tree (``.nep-cache/`` aside), a directory
  that is not a git work tree, an ``as_of`` earlier than HEAD's clock, or a
  bot identity git cannot record is refused before anything is written. The
  commits are made before any file is written and HEAD moves only if no one
  committed meanwhile; the commits carry no hooks and no signature. The checks run in ``dry_run`` too, so
  a dry run predicts the real one.
- A writing run (not ``dry_run``) holds ``<git-dir>/nep-advance.lock`` (outside git:
  ``.nep-advance.lock`` in the folder) from before its checks to its end, so two runs never both
  write; a lock left by a killed run is taken over (tooling/shell/lock.py). It first finishes or
  undoes what a killed run left (advance_txn.recover). How the commits and writes survive a crash
  or a failure at any point: advance_txn.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from tooling.app.advance_plan import BOT_ORDER, PlannedChange, plan, resolution_of, review, updates_for

__all__ = ["AdvanceError", "AdvanceResult", "BOT_ORDER", "PlannedChange", "plan", "resolution_of", "review", "run",
           "updates_for"]
from tooling.app.advance_txn import (LOCK_NAME, AdvanceError, Fault, FileChange, commit_and_write, no_fault, recover,
                                     remove_tmp, tmp_name)
from tooling.core.diagnostics import Diagnostic

DEFAULT_BOT_NAME = "neuroshard-nep-bot"
DEFAULT_BOT_EMAIL = "nep-bot@users.noreply.github.com"


@dataclass
class AdvanceResult:
    changes: list[PlannedChange]  # written (or, in a dry run, planned)
    commits: list[str]  # shas, one per committed change, in order
    text: str
    skipped: list[str] = field(default_factory=list)  # why a planned change was not written
    #: NEPs whose recorded decision the recomputation contradicts: nothing written for them (exit 1).
    mismatches: list[Diagnostic] = field(default_factory=list)
    #: Warnings about the inputs (invalid ledger or governance versions, bot fields history contradicts).
    warnings: tuple[Diagnostic, ...] = ()
    #: NEPs rejected for invalid_input (SPEC 2: the command exits 1).
    invalid_input: list[int] = field(default_factory=list)


#: How far ahead of the wall clock a bot commit may be dated (the vote timestamps' tolerance).
FUTURE_TOLERANCE_SECONDS = 300


def _instant(t: int) -> str:
    from tooling.core.instants import format_instant

    return format_instant(t) or str(t)


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


def _check_identity(name: str, email: str) -> None:
    for what, value in (("NEP_BOT_NAME", name), ("NEP_BOT_EMAIL", email)):
        if not value or any(c in value for c in "<>\n\r\0"):
            raise AdvanceError(f"{what} {value!r} cannot be a git identity (empty, or contains <, > or a line break)")


def commit_all(root: Path, head: str, files: list[tuple[str, bytes, str, str]], *, name: str, email: str,
               at: int) -> list[str]:
    """One commit per (path, content, mode, message) on top of ``head``; HEAD moves only if it is still ``head``.

    The commits only: the files are not written (``advance_txn.commit_and_write`` does both).
    """
    from tooling.app.advance_txn import build_commits, drop_pending, move_head

    try:
        shas = build_commits(Path(root), head, [FileChange(p, b"", d, m, msg) for p, d, m, msg in files],
                             name=name, email=email, at=at)
        move_head(Path(root), shas[-1], head, f"nep advance: {len(shas)} bot commit(s)")
    finally:
        drop_pending(Path(root))
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


def _check_not_future(as_of: int, now: int) -> None:
    """A bot commit dated ahead of the wall clock would move every later vote's inclusion clock (SPEC 4, 9)."""
    if as_of > now + FUTURE_TOLERANCE_SECONDS:
        raise AdvanceError(
            f"--at {_instant(as_of)} is more than {FUTURE_TOLERANCE_SECONDS} s after the wall clock ({_instant(now)}): "
            "a bot commit dated in the future would move the history clock forward for everyone; "
            "advance --commit only runs as of now or the past")


def run(root: Path, as_of: int, *, commit: bool, dry_run: bool, bot_name: str = DEFAULT_BOT_NAME,
        bot_email: str = DEFAULT_BOT_EMAIL, now: int | None = None, fault: Fault = no_fault) -> AdvanceResult:
    """Write the plan into the files (and commit it); ``dry_run`` writes nothing.

    ``now`` is the wall clock (read here when not given): with ``commit``, an
    ``as_of`` more than 300 s after it is refused before anything is read; it
    also dates the lock. ``fault`` is called at each named point of the
    writing (a test seam: it may raise or kill the process there).
    """
    import time

    from tooling.shell.git import git_dir, is_git_repo
    from tooling.shell.lock import LockBusy, acquire

    root = Path(root)
    wall = int(time.time()) if now is None else now
    if commit:
        _check_not_future(as_of, wall)
        _check_identity(bot_name, bot_email)
    if dry_run:
        return _run(root, as_of, commit=commit, dry_run=True, bot_name=bot_name, bot_email=bot_email, fault=fault)
    gdir = git_dir(root) if is_git_repo(root) else None
    lock_path = gdir / LOCK_NAME if gdir is not None else root / f".{LOCK_NAME}"
    try:
        lock = acquire(lock_path, now=wall, what="nep advance")
    except LockBusy as exc:
        raise AdvanceError(str(exc)) from None
    except OSError as exc:
        raise AdvanceError(f"cannot create the lock {lock_path}: {exc.strerror or exc}") from None
    with lock:
        try:
            fault("locked")
            notes = lock.notes + (recover(root, gdir) if gdir is not None else [])
            result = _run(root, as_of, commit=commit, dry_run=False, bot_name=bot_name, bot_email=bot_email,
                          fault=fault, gdir=gdir)
            fault("before unlock")
        except OSError as exc:
            # Past the point where a failure is undone (advance_txn): what is done stays, the next run finishes.
            raise AdvanceError(f"nep advance stopped: {exc.strerror or exc}"
                               f"{': ' + str(exc.filename) if exc.filename else ''}; run it again to finish") from None
    if notes:
        result.text = "\n".join(notes) + "\n" + result.text
    return result


def _run(root: Path, as_of: int, *, commit: bool, dry_run: bool, bot_name: str, bot_email: str, fault: Fault,
         gdir: Path | None = None) -> AdvanceResult:
    from tooling.shell.evaluate import gather
    from tooling.shell.fsio import write_atomic
    from tooling.shell.history import HistoryError

    if commit:
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
    found = review(world, as_of)
    changes, mismatches = found.changes, found.mismatches
    extra = {"warnings": found.inputs, "invalid_input": found.invalid_input}
    world.save_caches()
    when = _instant(as_of)
    refused = [f"error: {d.slug}: {d.message}" for d in mismatches]
    if dry_run:
        lines = [f"Dry run as of {when}: nothing written."]
        if not changes:
            lines.append("Nothing to do: every NEP file agrees with its state.")
        for c in changes:
            lines.append(f"would write {c.path} ({', '.join(k for k in BOT_ORDER if k in c.updates)}): {c.message}")
            if commit:
                lines.append(f"  would commit as {bot_name} <{bot_email}>, dated {when}")
        return AdvanceResult(changes, [], "\n".join(lines + refused) + "\n", mismatches=mismatches, **extra)

    skipped: list[str] = []
    lines: list[str] = []
    written: list[tuple[PlannedChange, bytes, bytes]] = []
    for c in changes:
        try:
            old = (root / c.path).read_bytes()
            written.append((c, old, patched_bytes(old, c.path, c.updates)))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            why = f"NEP-{c.nep:04d} not written: {c.path}: {exc}"
            skipped.append(why)
            lines.append(f"error: {why}")
    commits: list[str] = []
    if commit and written:
        head = world.history.head
        if head is None or gdir is None:
            raise AdvanceError("--commit needs a commit to build on, and HEAD has none")
        from tooling.shell.history import read_tree_entries

        modes = {p: e.mode for p, e in read_tree_entries(root, head, ("neps/",)).items()}
        commits = commit_and_write(
            root, gdir, head, [FileChange(c.path, old, new, modes.get(c.path, "100644"), c.message)
                               for c, old, new in written],
            name=bot_name, email=bot_email, at=as_of, fault=fault)
    else:
        for c, _, new in written:
            fault(f"before write {c.path}")
            try:
                # A fixed temporary name: a run killed mid-write leaves a file the next run (holding the lock)
                # recognises and removes, instead of a random name that would dirty the tree forever.
                remove_tmp(root, c.path, tmp_name(c.path))
                write_atomic(root / c.path, new, tmp_name=tmp_name(c.path),
                             before_replace=lambda p=c.path: fault(f"before replace {p}"))
            except OSError as exc:
                raise AdvanceError(f"cannot write {c.path}: {exc.strerror or exc} (the files before it were "
                                   "written; run again to finish)") from None
    for k, (c, _, _) in enumerate(written):
        lines.append(f"{c.message}\n  wrote {c.path}: {', '.join(key for key in BOT_ORDER if key in c.updates)}")
        if commits:
            lines.append(f"  committed {commits[k][:12]} as {bot_name} <{bot_email}>, dated {when}")
    if not changes and not mismatches:
        lines.append(f"Nothing to do as of {when}: every NEP file agrees with its state.")
    return AdvanceResult([c for c, _, _ in written], commits, "\n".join(lines + refused) + "\n", skipped,
                         mismatches, **extra)
