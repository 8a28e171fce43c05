"""The package's shape: imports run only downward through the layers, no cycle, no module over 400 lines.

The import graph is read from the source with ``ast`` (every ``import`` and
``from ... import``, at module level or inside a function, absolute or
relative), so a lazy import cannot hide an edge. See docs/architecture.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tooling"

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
