"""The writer's lock (tooling/shell/lock.py): one holder, named in the refusal; stale locks are taken over."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tooling.shell.lock import STALE_AFTER_SECONDS, LockBusy, acquire

NOW = 1_800_000_000


def holder(path: Path, *, pid: int = 4242, host: str = "here", started: int = NOW - 60) -> bytes:
    raw = json.dumps({"pid": pid, "host": host, "started": started, "token": "t"}).encode()
    path.write_bytes(raw)
    return raw


def take(path: Path, *, alive: bool = True, now: int = NOW):
    return acquire(path, now=now, host="here", pid=1, alive=lambda pid: alive)


def test_the_lock_holds_pid_host_and_start_and_is_removed_on_release(tmp_path):
    path = tmp_path / "nep-advance.lock"
    with take(path) as lock:
        d = json.loads(path.read_text())
        assert (d["pid"], d["host"], d["started"]) == (1, "here", NOW) and lock.notes == []
    assert not path.exists()


def test_a_live_holder_is_refused_by_name(tmp_path):
    path = tmp_path / "nep-advance.lock"
    raw = holder(path)
    with pytest.raises(LockBusy, match=r"pid 4242 on host here, started 2027-01-15T07:59:00Z \(lock file"):
        take(path, alive=True)
    assert path.read_bytes() == raw


def test_a_dead_holder_on_this_host_is_taken_over_with_a_note(tmp_path):
    path = tmp_path / "nep-advance.lock"
    holder(path)
    with take(path, alive=False) as lock:
        assert json.loads(path.read_text())["pid"] == 1
        assert "took over" in lock.notes[0] and "pid 4242 on host here" in lock.notes[0]
        assert "no longer running" in lock.notes[0]


def test_a_holder_on_another_host_counts_as_alive_until_the_bound(tmp_path):
    path = tmp_path / "nep-advance.lock"
    holder(path, host="elsewhere", started=NOW - STALE_AFTER_SECONDS)
    with pytest.raises(LockBusy, match="host elsewhere"):
        take(path, alive=False)
    holder(path, host="elsewhere", started=NOW - STALE_AFTER_SECONDS - 1)
    with take(path, alive=True) as lock:
        assert "older than 60 minutes" in lock.notes[0]


def test_an_unreadable_lock_is_left_to_its_writer_for_a_moment_then_taken_over(tmp_path):
    path = tmp_path / "nep-advance.lock"
    path.write_bytes(b"")  # a writer between creating the file and filling it
    os.utime(path, (NOW - 5, NOW - 5))
    with pytest.raises(LockBusy):
        take(path)
    os.utime(path, (NOW - 11, NOW - 11))
    with take(path) as lock:
        assert "unreadable" in lock.notes[0]


def test_release_never_removes_a_lock_another_run_holds(tmp_path):
    path = tmp_path / "nep-advance.lock"
    lock = take(path)
    raw = holder(path, pid=77)  # e.g. taken over after this run was judged stale
    lock.release()
    assert path.read_bytes() == raw
