"""The package's shape: imports run only downward through the layers, no cycle, no module over 400 lines.

The import graph is read from the source with ``ast`` (every ``import`` and
``from ... import``, at module level or inside a function, absolute or
relative), so a lazy import cannot hide an edge. See docs/architecture.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "tooling"

#: Lowest first; a module may import its own layer and the layers before it.
LAYERS = ("crypto", "core", "parse", "shell", "checks", "present", "app", "bench", "cli")
#: The package's own entry points may import anything.
EXEMPT = frozenset({"tooling", "tooling.__main__"})
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return None
    return LAYERS.index(parts[1])


def _resolve(target: str, known: dict[str, Path]) -> str | None:
    """The deepest known module that ``target`` names (``a.b.c`` may be a name in module ``a.b``)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def _imports(module: str, path: Path, known: dict[str, Path]) -> set[tuple[str, int]]:
    """(imported tooling module, line) for every import in the file."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    out: set[tuple[str, int]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # ``from a.b import c`` imports module a.b.c if there is one, else a name of a.b.
            targets = [f"{base}.{a.name}" for a in node.names]
        for t in targets:
            if t == "tooling" or t.startswith("tooling."):
                resolved = _resolve(t, known)
                if resolved is not None and resolved != module:
                    out.add((resolved, node.lineno))
    return out


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    known = _modules()
    graph: dict[str, set[str]] = {m: set() for m in known}
    upward: list[str] = []
    for module, path in known.items():
        for target, line in sorted(_imports(module, path, known)):
            graph[module].add(target)
            if module in EXEMPT or target in EXEMPT:
                continue
            src, dst = _layer(module), _layer(target)
            if src is None or dst is None:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module} is in no layer of {LAYERS}"
                              if src is None else
                              f"{path.relative_to(PACKAGE.parent)}:{line}: imports {target}, which is in no layer")
            elif dst > src:
                upward.append(
                    f"{path.relative_to(PACKAGE.parent)}:{line}: {module} ({LAYERS[src]}) imports "
                    f"{target} ({LAYERS[dst]}), a higher layer"
                )
    return graph, upward


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    component.append(m)
                    if m == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _cycle_path(graph: dict[str, set[str]], component: list[str]) -> str:
    """One concrete loop through the component, for the message."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    node = start
    while True:
        nxt = sorted(t for t in graph[node] if t in members)
        back = [t for t in nxt if t == start]
        if back and len(path) > 1:
            return " -> ".join(path + [start])
        fresh = [t for t in nxt if t not in seen]
        if not fresh:
            return " -> ".join(path + [nxt[0]]) if nxt else " <-> ".join(component)
        node = fresh[0]
        path.append(node)
        seen.add(node)


def test_every_module_is_in_a_layer_and_imports_only_downward() -> None:
    _, upward = _graph()
    assert not upward, "imports that run upward through the layers " + " < ".join(LAYERS) + ":\n  " + "\n  ".join(
        upward
    )


def test_no_import_cycle_function_local_imports_included() -> None:
    graph, _ = _graph()
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n  " + "\n  ".join(_cycle_path(graph, c) for c in cycles)


def test_no_module_over_400_lines() -> None:
    too_long = []
    for module, path in _modules().items():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            too_long.append(f"{path.relative_to(PACKAGE.parent)}: {n} lines")
    assert not too_long, f"modules over {MAX_LINES} lines (split them by concept):\n  " + "\n  ".join(too_long)


def test_the_checker_sees_function_local_and_relative_imports(tmp_path: Path) -> None:
    """The walker itself: a lazy import inside a function and a relative import are edges."""
    src = "def f():\n    from tooling.cli import main\n\nfrom . import model\nfrom ..parse import yamlio\n"
    tree_file = tmp_path / "votes.py"
    tree_file.write_text(src, encoding="utf-8")
    edges = {t for t, _ in _imports("tooling.core.votes", tree_file, _modules())}
    assert edges == {"tooling.cli", "tooling.core.model", "tooling.parse.yamlio"}


# --- One definition of each constant -----------------------------------------------------------

#: Where a string equal to an enum value is not that enum's value: a key or a word of a file or
#: output format that happens to be spelled the same. (path, literal) -> why.
ENUM_LITERAL_ALLOWED: dict[tuple[str, str], str] = {
    ("tooling/app/advance_plan.py", "submitted"): "a NEP front-matter field the bot writes (BOT_ORDER)",
    ("tooling/app/advance_plan.py", "yes"): "tally keys of the bot's JSON plan (_AMOUNTS)",
    ("tooling/app/advance_plan.py", "no"): "tally keys of the bot's JSON plan (_AMOUNTS)",
    ("tooling/app/advance_plan.py", "abstain"): "tally keys of the bot's JSON plan (_AMOUNTS)",
    ("tooling/checks/policy/neps.py", "submitted"): "a front-matter field only the bot may write",
    ("tooling/checks/policy/votes.py", "voter"): "the vote file's `voter` field (a position and a key)",
    ("tooling/checks/validation.py", "voter"): "the vote file's `voter` field a finding points at",
    ("tooling/shell/index.py", "no"): "a git config boolean spelled `no`",
    ("tooling/shell/botfields.py", "submitted"): "the front-matter field a history disagreement names",
    ("tooling/checks/delegations.py", "delegator"): "the delegation file's `delegator` field a finding points at",
    ("tooling/checks/policy/delegations.py", "delegator"): "the delegation file's `delegator` field a finding points at",
    ("tooling/cli/common.py", "yes"): "the answer typed at a y/yes confirmation prompt",
    ("tooling/core/delegation.py", "delegator"): "the delegation file's `delegator` field",
    ("tooling/core/votes.py", "submitted"): "a front-matter field only the bot may write (BOT_FIELDS)",
    ("tooling/core/votes.py", "voter"): "the vote file's `voter` field",
    ("tooling/parse/delegations.py", "delegator"): "the delegation file's `delegator` field",
    ("tooling/parse/proposals.py", "submitted"): "the NEP front-matter field `submitted`",
    ("tooling/parse/proposals.py", "voter"): "the vote file's `voter` field",
    ("tooling/present/diagnostics.py", "%"): "a character GitHub workflow commands escape",
    ("tooling/present/reports/rewards.py", "voter"): "a row of the rewards report (proposer, voter, fees)",
    ("tooling/present/reports/tally.py", "NEURO"): "the unit in a table heading",
    ("tooling/present/site/feeds.py", "submitted"): "a feed event kind (events are not phases)",
    ("tooling/present/site/feeds.py", "withdrawn"): "a feed event kind (events are not phases)",
    ("tooling/present/site/feeds.py", "deprecated"): "a feed event kind (events are not phases)",
    ("tooling/present/site/model.py", "submitted"): "a sort order of the NEP list (its page name)",
    ("tooling/present/site/schema.py", "submitted"): "a field name of the site's JSON API schema",
    ("tooling/present/site/schema.py", "yes"): "a field name of the site's JSON API schema",
    ("tooling/present/site/schema.py", "no"): "a field name of the site's JSON API schema",
    ("tooling/present/site/schema.py", "abstain"): "a field name of the site's JSON API schema",
}
#: Folders still owned by another change (tooling/bench is the benchmark's own vocabulary).
ENUM_LITERAL_EXEMPT_DIRS = ("tooling/core/model/", "tooling/bench/")


def _enum_values() -> dict[str, list[str]]:
    from enum import StrEnum

    from tooling.core.model import enums

    values: dict[str, list[str]] = {}
    for name, obj in vars(enums).items():
        if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum:
            for member in obj:
                values.setdefault(member.value, []).append(f"{name}.{member.name}")
    return values


def _prose_and_keys(tree: ast.AST) -> set[int]:
    """Constants that are not values: docstrings, ``__all__``, dict-display keys (output and file keys), f-string text."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        elif isinstance(node, ast.Dict):
            skip.update(id(k) for k in node.keys if isinstance(k, ast.Constant))
        elif isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values if isinstance(v, ast.Constant))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            skip.update(id(c) for c in ast.walk(node.value) if isinstance(c, ast.Constant))
    return skip


def test_no_bare_literal_of_an_enum_value() -> None:
    """Closed sets are used by member (``TrackName.STANDARD``), never by their string value."""
    values = _enum_values()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        if rel.startswith(ENUM_LITERAL_EXEMPT_DIRS):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), rel)
        skip = _prose_and_keys(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in values
                    and id(node) not in skip and (rel, node.value) not in ENUM_LITERAL_ALLOWED):
                found.append(f"{rel}:{node.lineno}: {node.value!r} is {' or '.join(values[node.value])}")
    assert not found, "bare literals of enum values (use the member):\n  " + "\n  ".join(found)


def test_the_enum_literal_allow_list_has_no_stale_entry() -> None:
    stale = [f"{p}: {v!r}" for p, v in ENUM_LITERAL_ALLOWED
             if not (PACKAGE.parent / p).exists() or repr(v) not in (PACKAGE.parent / p).read_text(encoding="utf-8")
             and f'"{v}"' not in (PACKAGE.parent / p).read_text(encoding="utf-8")]
    assert not stale, "allow-list entries with nothing left to allow:\n  " + "\n  ".join(stale)


def test_the_last_instant_is_defined_once() -> None:
    """253402300799 (9999-12-31T23:59:59Z) is ``tooling.core.instants.MAX_INSTANT``; nothing else spells it."""
    home = PACKAGE / "core" / "instants.py"
    spelled = [
        f"{p.relative_to(PACKAGE.parent)}:{i}"
        for p in sorted(PACKAGE.rglob("*.py")) if p != home
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "253402300799" in line or "253_402_300_799" in line
    ]
    assert not spelled, "use tooling.core.instants.MAX_INSTANT:\n  " + "\n  ".join(spelled)
