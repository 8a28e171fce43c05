"""A throw-away git repository for tests, with commits at chosen instants.

    repo = GitRepo(tmp_path)
    repo.write("neps/nep-0001.md", text)
    sha = repo.commit("add NEP 1", at=1767225600)

Every commit sets author and committer date to ``@at +0000`` and the
identity ``Test <test@example.com>``; ``commit`` stages everything first
(``git add -A``). The environment is isolated from the user's git
configuration.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

IDENTITY_NAME = "Test"
IDENTITY_EMAIL = "test@example.com"


class GitRepo:
    def __init__(self, path: Path | str, *, branch: str = "main", init: bool = True) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        if init:
            self.git("init", "-q", "-b", branch)

    def _env(self, at: int | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_AUTHOR_NAME=IDENTITY_NAME,
            GIT_AUTHOR_EMAIL=IDENTITY_EMAIL,
            GIT_COMMITTER_NAME=IDENTITY_NAME,
            GIT_COMMITTER_EMAIL=IDENTITY_EMAIL,
        )
        if at is not None:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{int(at)} +0000"
        return env

    def git(self, *args: str, at: int | None = None) -> str:
        """Run git in the repository; returns stdout (raises CalledProcessError with stderr on failure)."""
        proc = subprocess.run(
            ["git", *args], cwd=self.path, env=self._env(at), capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, proc.args, proc.stdout, proc.stderr)
        return proc.stdout

    # -- work tree

    def write(self, relpath: str, text: str | bytes) -> Path:
        target = self.path / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8", newline="")
        return target

    def read(self, relpath: str) -> str:
        return (self.path / relpath).read_text(encoding="utf-8")

    def delete(self, relpath: str) -> None:
        (self.path / relpath).unlink()

    # -- history

    def commit(self, message: str, at: int, *, allow_empty: bool = False) -> str:
        """Stage everything and commit at ``at`` (Unix seconds); returns the new sha."""
        self.git("add", "-A")
        args = ["commit", "-q", "--no-verify", "--no-gpg-sign", "-m", message]
        if allow_empty:
            args.append("--allow-empty")
        self.git(*args, at=at)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def branch(self, name: str, start: str | None = None) -> None:
        self.git("branch", name, *([start] if start else []))

    def checkout(self, name: str, *, create: bool = False) -> None:
        self.git("checkout", "-q", *(["-b"] if create else []), name)

    def merge(self, name: str, at: int, message: str | None = None) -> str:
        """Merge ``name`` into the current branch with a merge commit (never fast-forward)."""
        self.git("merge", "-q", "--no-ff", "--no-edit", "-m", message or f"merge {name}", name, at=at)
        return self.head()

    def tag(self, name: str, rev: str = "HEAD") -> None:
        self.git("tag", name, rev)
