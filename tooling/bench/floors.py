"""Floors: what the libraries need for the operations a command really performs, each measured once.

A primitive is one operation the tool performs, timed in a fresh process
(``python -m tooling.bench.floors PRIMITIVE REPO [--paths FILE] [--range A..B]``)
with only the libraries the tool uses for it, its inputs prepared before the
clock starts:

- ``start``: interpreter start and the third-party imports of a reading
  command (PyYAML, jsonschema, coincurve); ``start_site`` adds Jinja and
  markdown-it. Timed from outside, as a whole process.
- ``read``: read every NEP and vote file, the governance file and the ledger.
- ``parse_neps``: per NEP: decode, split the front matter, PyYAML's C loader,
  the compiled JSON schema, the content hash (canonical JSON + SHA-256).
- ``parse_votes``: per vote: decode and one match of the canonical-layout
  pattern (the tool reads vote files with that pattern, not with YAML); the
  governance file and the ledger with the C loader.
- ``verify``: per vote: canonical payload + SHA-256 + coincurve ``verify``,
  one public-key object per distinct key.
- ``history``: one ``git log --first-parent --raw`` pass (the tool's own
  arguments) and one ``git cat-file --batch`` of every NEP version it names
  (the tool reads each version's status).
- ``render`` / ``write``: markdown-it over every NEP body and a Jinja page
  per NEP and an index; writing those pages to a scratch folder.
- ``index``: ``git ls-files -s -z`` (every blob id of the work tree).
- ``cache``: reading every file of ``.nep-cache`` as the previous run left it.
- ``diff``: for a pull request, ``git diff-tree`` between base and head and
  one ``git cat-file --batch`` of the changed blobs.

``--paths`` restricts read/parse/verify to a list of files (one file's
needs, or what a commit changed); ``--range`` restricts ``history`` to a
revision range (a cache extended by the new commits) or, with ``--paths``,
to those paths. Which primitives make which stage's floor is in
``tooling.bench.compose``.

Each primitive gives its wall seconds (``time.perf_counter``) and its CPU
seconds (``getrusage``, git's processes included): measuring is this module's job; nothing here decides a governance outcome.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from tooling.bench.common import git_bytes

#: Imports of the reading commands, and of the site, for the ``start`` primitives.
START_IMPORTS = {
    "start": "import yaml, jsonschema, coincurve",
    "start_site": "import yaml, jsonschema, coincurve, jinja2, markdown_it",
}
IN_PROCESS = ("read", "parse_neps", "parse_votes", "verify", "history", "render", "index", "cache", "diff")

_VOTE_KEYS = ("nep", "voter", "public_key", "choice", "timestamp", "reason", "content_hash", "network", "signature")
_CANONICAL_VOTE = re.compile("".join(
    rf'{k}: (?P<{k}>0|[1-9][0-9]{{0,15}})\n' if k in ("nep", "timestamp") else rf'{k}: "(?P<{k}>[^"\\\n]*)"\n'
    for k in _VOTE_KEYS))
_BOT_FIELDS = ("status", "submitted", "resolution", "activated")


#: (wall seconds, CPU seconds of this process and the git processes it waited for)
Span = tuple[float, float]


def _now() -> Span:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _since(start: Span) -> Span:
    wall, cpu = _now()
    return wall - start[0], cpu - start[1]


def repository_files(root: Path) -> list[str]:
    """Every NEP and vote file, the governance file and the ledger (repository-relative)."""
    out = []
    for folder in ("neps", "votes"):
        for dirpath, _, files in os.walk(root / folder):
            rel = Path(dirpath).relative_to(root).as_posix()
            out += [f"{rel}/{f}" for f in files if f.endswith((".md", ".yaml")) and f != "README.md"]
    return sorted(out) + ["governance.yaml", "stakes/ledger.yaml"]


def _read(root: Path, paths: Sequence[str]) -> dict[str, bytes]:
    out = {}
    for p in paths:
        try:
            out[p] = (root / p).read_bytes()
        except OSError:
            pass  # a path the pull request or the commit deleted
    return out


def _split(text: str) -> tuple[str, str]:
    end = text.index("\n---\n", 3)
    return text[4:end + 1], text[end + 5:]


def _parse_neps(files: dict[str, bytes]) -> Span:
    import yaml
    from jsonschema import Draft202012Validator

    from tooling.parse.schemas import schema

    nep_schema = schema("nep")
    texts = [v for k, v in files.items() if k.startswith("neps/")]
    start = _now()
    validator = Draft202012Validator(nep_schema)
    for raw in texts:
        head, body = _split(raw.decode("utf-8"))
        data = yaml.load(head, Loader=yaml.CSafeLoader)
        # Dates stay strings in the tool; the C loader makes them dates, so the schema sees strings here too.
        data = {k: (str(v) if k == "created" else v) for k, v in data.items()}
        for _ in validator.iter_errors(data):
            pass
        doc = {"front_matter": {k: v for k, v in data.items() if k not in _BOT_FIELDS}, "body": body}
        hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                  default=str).encode("utf-8")).hexdigest()
    return _since(start)


def _parse_votes(files: dict[str, bytes]) -> Span:
    import yaml

    votes = [v for k, v in files.items() if k.startswith("votes/")]
    config = [v for k, v in files.items() if k in ("governance.yaml", "stakes/ledger.yaml")]
    start = _now()
    for raw in votes:
        _CANONICAL_VOTE.fullmatch(raw.decode("utf-8"))
    for raw in config:
        yaml.load(raw, Loader=yaml.CSafeLoader)
    return _since(start)


def _verify(files: dict[str, bytes]) -> Span:
    from coincurve import PublicKey

    votes = []
    for k, raw in files.items():
        m = _CANONICAL_VOTE.fullmatch(raw.decode("utf-8")) if k.startswith("votes/") else None
        if m:
            votes.append(m.groupdict())
    start = _now()
    keys: dict[str, PublicKey] = {}
    for v in votes:
        payload = {"domain": "neuroshard-nep-vote/v1", "network": v["network"], "nep": int(v["nep"]),
                   "content_hash": v["content_hash"], "voter": v["voter"], "choice": v["choice"],
                   "timestamp": int(v["timestamp"]), "reason": v["reason"]}
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                                           ensure_ascii=False).encode("utf-8")).digest()
        key = keys.get(v["public_key"])
        if key is None:
            key = keys[v["public_key"]] = PublicKey(bytes.fromhex(v["public_key"]))
        key.verify(bytes.fromhex(v["signature"]), digest, hasher=None)
    return _since(start)


def _history(root: Path, rev_range: str, paths: Sequence[str]) -> Span:
    start = _now()
    out = git_bytes(root, "log", "--first-parent", "--reverse", "--root", "--diff-merges=first-parent", "--raw",
               "--no-abbrev", "--no-renames", "--no-color", "--no-ext-diff", "-z", "--format=%x01%H %P %ct",
               "--end-of-options", rev_range, "--", *paths)
    blobs = set()
    fields = out.split(b"\0")
    for i, tok in enumerate(fields):
        if tok.startswith(b":") and i + 1 < len(fields) and fields[i + 1].startswith(b"neps/"):
            sha = tok.split(b" ")[3]
            if sha.strip(b"0"):
                blobs.add(sha)
    if blobs:
        git_bytes(root, "cat-file", "--batch", "--buffer", stdin=b"\n".join(sorted(blobs)) + b"\n")
    return _since(start)


def _render(files: dict[str, bytes]) -> dict[str, Span]:
    import jinja2
    from markdown_it import MarkdownIt

    pages = [_split(v.decode("utf-8")) for k, v in files.items() if k.startswith("neps/")]
    start = _now()
    env = jinja2.Environment(autoescape=True)
    page = env.from_string("<!doctype html><title>{{ title }}</title><main>{{ body | safe }}</main>")
    md = MarkdownIt("commonmark")
    html = [page.render(title=front[:80], body=md.render(body)) for front, body in pages]
    html.append(page.render(title="index", body="".join(f"<li>{i}</li>" for i in range(len(pages)))))
    rendered = _since(start)
    with tempfile.TemporaryDirectory() as out:
        start = _now()
        for i, text in enumerate(html):
            with open(os.path.join(out, f"{i}.html"), "w", encoding="utf-8") as fh:
                fh.write(text)
        written = _since(start)
    return {"render": rendered, "write": written}


def _cache(root: Path) -> Span:
    """Every file of the caches: ``NEP_CACHE_DIR`` (where the benchmark points the tool), the git directory's
    and the work tree's older one."""
    folders = [root / ".git" / "nep-cache", root / ".nep-cache"]
    folders += [Path(os.environ["NEP_CACHE_DIR"])] if os.environ.get("NEP_CACHE_DIR") else []
    start = _now()
    for dirpath, _, files in (entry for folder in folders for entry in os.walk(folder)):
        for f in files:
            with open(os.path.join(dirpath, f), "rb") as fh:
                fh.read()
    return _since(start)


def _diff(root: Path, rev_range: str) -> Span:
    base, head = rev_range.split("..", 1)
    start = _now()
    out = git_bytes(root, "diff-tree", "-r", "--raw", "--no-abbrev", "--no-renames", "-z", base, head)
    shas = [tok.split(b" ")[3] for tok in out.split(b"\0") if tok.startswith(b":")]
    shas = [s for s in shas if s.strip(b"0")]
    if shas:
        git_bytes(root, "cat-file", "--batch", "--buffer", stdin=b"\n".join(shas) + b"\n")
    return _since(start)


def measure(prim: str, root: Path, paths: Sequence[str] | None = None, rev_range: str = "HEAD") -> dict[str, Span]:
    """(wall, CPU) seconds of one in-process primitive (``render`` also gives ``write``)."""
    chosen = list(paths) if paths is not None else repository_files(root)
    if prim == "read":
        start = _now()
        _read(root, chosen)
        return {prim: _since(start)}
    if prim == "history":
        # A range is a cache extended by new commits (every path); a list of paths with the whole
        # history is what one file needs.
        limit = [p for p in chosen if p.startswith(("neps/", "votes/"))] if paths is not None else []
        return {prim: _history(root, rev_range, limit if rev_range == "HEAD" else [])}
    if prim == "index":
        start = _now()
        git_bytes(root, "ls-files", "-s", "-z")
        return {prim: _since(start)}
    if prim == "cache":
        return {prim: _cache(root)}
    if prim == "diff":
        return {prim: _diff(root, rev_range)}
    files = _read(root, chosen)
    if prim == "parse_neps":
        return {prim: _parse_neps(files)}
    if prim == "parse_votes":
        return {prim: _parse_votes(files)}
    if prim == "verify":
        return {prim: _verify(files)}
    if prim == "render":
        return _render(files)
    raise ValueError(f"unknown floor primitive {prim!r}")


def _main(argv: Sequence[str]) -> int:
    if len(argv) < 2 or argv[0] not in IN_PROCESS:
        sys.stderr.write("usage: python -m tooling.bench.floors PRIMITIVE REPO [--paths FILE] [--range A..B]\n")
        return 2
    prim, root, rest = argv[0], Path(argv[1]), list(argv[2:])
    paths = None
    rev_range = "HEAD"
    while rest:
        flag, value = rest.pop(0), rest.pop(0)
        if flag == "--paths":
            paths = [p for p in Path(value).read_text(encoding="utf-8").split("\n") if p]
        elif flag == "--range":
            rev_range = value
    print(json.dumps(measure(prim, root, paths, rev_range)))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
