"""One writer at a time: a lock file created with O_EXCL, naming its holder.

The file holds ``pid host started`` (JSON). A second writer refuses with a
message naming the holder. A lock is *stale*, and is taken over with a note,
when its holder is on this host and no longer running, when it is older than
``stale_after`` seconds (a pid may be reused; a run on another host cannot be
probed), or when it cannot be read and is older than a few seconds (a writer
killed between creating the file and writing it).

Taking over renames the stale file aside and checks that the renamed file is
the one judged stale; if another writer replaced it in between, that file is
put back and this writer refuses. The holder removes the lock on release only
if it still holds its own token.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

#: A lock older than this is stale whatever its pid says (the bot's job times out after 30 minutes).
STALE_AFTER_SECONDS = 3600
#: An unreadable lock younger than this may still be being written by its holder.
_TORN_GRACE_SECONDS = 10


class LockBusy(Exception):
    """Another live writer holds the lock; the message names it."""


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    started: int
    token: str


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    except OverflowError:
        return False
    return True


def _read(path: Path) -> tuple[bytes, Holder | None, float] | None:
    """(raw bytes, holder or None if unreadable, mtime); None if there is no lock file."""
    try:
        raw = path.read_bytes()
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    try:
        d = json.loads(raw.decode("utf-8"))
        holder = Holder(int(d["pid"]), str(d["host"]), int(d["started"]), str(d["token"]))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        holder = None
    return raw, holder, mtime


def describe(holder: Holder) -> str:
    from tooling.core.instants import format_instant

    return f"pid {holder.pid} on host {holder.host}, started {format_instant(holder.started) or holder.started}"


class Lock:
    """A held lock; ``release`` (or leaving the ``with`` block) removes it."""

    def __init__(self, path: Path, holder: Holder, notes: list[str]) -> None:
        self.path, self.holder, self.notes = path, holder, notes

    def release(self) -> None:
        found = _read(self.path)
        if found is not None and found[1] is not None and found[1].token == self.holder.token:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def __enter__(self) -> "Lock":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(path: Path, *, now: int, what: str = "nep advance", stale_after: int = STALE_AFTER_SECONDS,
            host: str | None = None, pid: int | None = None,
            alive: Callable[[int], bool] = pid_alive) -> Lock:
    """Create the lock at ``path`` or raise LockBusy naming the live holder; stale locks are taken over."""
    path = Path(path)
    me = Holder(os.getpid() if pid is None else pid, host or socket.gethostname(), int(now), secrets.token_hex(8))
    body = json.dumps({"pid": me.pid, "host": me.host, "started": me.started, "token": me.token}).encode() + b"\n"
    notes: list[str] = []
    for _ in range(5):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except FileExistsError:
            found = _read(path)
            if found is None:
                continue  # released meanwhile: try again
            raw, holder, mtime = found
            why = _stale(holder, mtime, now=now, host=me.host, stale_after=stale_after, alive=alive)
            if why is None:
                who = describe(holder) if holder is not None else "a run that is still writing its lock"
                raise LockBusy(
                    f"another `{what}` is running in this repository: {who} (lock file {path}). "
                    f"Wait for it to finish; if that process is gone, remove the file (a lock older than "
                    f"{stale_after // 60} minutes is taken over by itself)") from None
            if _take_over(path, raw):
                notes.append(f"note: took over the lock {path} left by a run that stopped: {why}")
            continue
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        return Lock(path, me, notes)
    raise LockBusy(f"could not take the lock {path}: other runs keep replacing it; try again")


def _stale(holder: Holder | None, mtime: float, *, now: int, host: str, stale_after: int,
           alive: Callable[[int], bool]) -> str | None:
    """Why the lock is stale, or None if its holder may still be running."""
    if holder is None:
        return "the lock file is unreadable" if now - mtime > _TORN_GRACE_SECONDS else None
    if holder.host == host and not alive(holder.pid):
        return f"{describe(holder)}, is no longer running"
    if now - holder.started > stale_after:
        return f"{describe(holder)}, is older than {stale_after // 60} minutes"
    return None


def _take_over(path: Path, seen: bytes) -> bool:
    """Move the stale lock aside; True if what was moved is the lock judged stale."""
    aside = path.with_name(f"{path.name}.stale-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    try:
        if aside.read_bytes() == seen:
            return True
        # A live writer replaced the stale lock between our read and the rename: give it back.
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        return False
    finally:
        os.unlink(aside)
