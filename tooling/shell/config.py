"""``nep.toml``: what a repository may set about the tool (governance stays in governance.yaml).

```toml
[repository]
url = "https://github.com/OWNER/NAME"     # used by the site
maintainers = ["@owner"]                  # CODEOWNERS owners of everything outside neps/ and votes/

[tool]
source = "neuroshard-nep==0.1.0"          # what the workflows install (pinned)

[lint]
deny = ["param-conflict"]                 # rules raised to errors; a repository can never lower one
```

Every table and key is optional; an unknown one is an error with the nearest
known name, so a typo cannot silently switch a setting off.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

FILE = "nep.toml"
_KEYS: dict[str, dict[str, type]] = {
    "repository": {"url": str, "maintainers": list},
    "tool": {"source": str},
    "lint": {"deny": list},
}


class ConfigError(ValueError):
    """nep.toml cannot be read or holds something the tool does not know."""


@dataclass(frozen=True)
class RepoConfig:
    """The settings of ``nep.toml`` (defaults when the file or a key is absent)."""

    repository_url: str = ""
    maintainers: tuple[str, ...] = ()
    tool_source: str = ""
    lint_deny: tuple[str, ...] = ()


def _suggest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def parse_config(text: str, where: str = FILE) -> RepoConfig:
    """The configuration in ``text``; :class:`ConfigError` names the file and what to write."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: {exc}; fix the TOML syntax") from None
    for table, body in data.items():
        if table not in _KEYS:
            raise ConfigError(f"{where}: unknown table [{table}]{_suggest(table, list(_KEYS))}; "
                              f"known: {', '.join(f'[{t}]' for t in _KEYS)}")
        if not isinstance(body, Mapping):
            raise ConfigError(f"{where}: `{table}` must be a table ([{table}])")
        for key, value in body.items():
            known = _KEYS[table]
            if key not in known:
                hint = (" — a repository cannot lower a rule's severity; only `deny` raises one"
                        if table == "lint" and key in ("allow", "warn", "ignore") else "")
                raise ConfigError(f"{where}: unknown key `{key}` in [{table}]{_suggest(key, list(known))}{hint}")
            expected = known[key]
            if not isinstance(value, expected) or (expected is list and not all(isinstance(x, str) for x in value)):
                shape = "a list of strings such as [\"a\", \"b\"]" if expected is list else "a quoted string"
                raise ConfigError(f"{where}: [{table}] {key} must be {shape}")
    return _build(data)


def _build(data: Mapping[str, Any]) -> RepoConfig:
    repo, tool, lint = data.get("repository", {}), data.get("tool", {}), data.get("lint", {})
    return RepoConfig(
        repository_url=repo.get("url", ""),
        maintainers=tuple(repo.get("maintainers", ())),
        tool_source=tool.get("source", ""),
        lint_deny=tuple(lint.get("deny", ())),
    )


def load_config(root: Path) -> RepoConfig:
    """The work tree's ``nep.toml`` (defaults if there is none)."""
    path = root / FILE
    if path.is_symlink():
        raise ConfigError(f"{FILE} is a symbolic link; links are never followed")
    if not path.is_file():
        return RepoConfig()
    try:
        return parse_config(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{FILE}: cannot read it ({exc})") from None


def load_config_at(root: Path, rev: str) -> RepoConfig:
    """``nep.toml`` as committed at ``rev`` (defaults if that revision has none)."""
    from tooling.shell.git import HistoryError, git

    try:
        listing = git(root, "ls-tree", "--full-name", rev, "--", FILE)
    except HistoryError as exc:
        raise ConfigError(f"cannot read {FILE} at {rev}: {exc}") from None
    if not listing.strip():
        return RepoConfig()
    if not listing.startswith(b"100"):
        raise ConfigError(f"{FILE} at {rev} is not a regular file")
    try:
        raw = git(root, "cat-file", "blob", f"{rev}:{FILE}")
        return parse_config(raw.decode("utf-8"), f"{FILE} (at {rev})")
    except (HistoryError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {FILE} at {rev}: {exc}") from None
