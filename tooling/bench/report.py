"""The result of ``nep bench``: the JSON of SPEC 9 (only ever extended) and its text table.

Shape: ``{sizes, cold: {stages: {validate, tally, status, advance, site:
{seconds, floor_seconds, ratio, peak_rss_mb, cpu_seconds,
floor_cpu_seconds, cpu_ratio, floor_parts}}, total, peak_rss_mb},
warm: {total, stages}, warm_1pct: {total, stages}, check_pr: {vote, draft:
{path, cold, warm}}, validate_one: {path, cold, warm}, floors and floors_cpu:
{primitive: seconds}}``. A figure that failed carries ``exit_code``.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from tooling.bench import recipes
from tooling.bench.process import Run


def _r(x: float | None, places: int = 3) -> float | None:
    return None if x is None else round(x, places)


def _figure(run: Run, parts: tuple[str, ...] | list[str], measured: Mapping[str, float],
            measured_cpu: Mapping[str, float]) -> dict[str, Any]:
    floor = recipes.floor_of(parts, measured)
    floor_cpu = recipes.floor_of(parts, measured_cpu)
    entry: dict[str, Any] = {
        "seconds": _r(run.seconds),
        "floor_seconds": _r(floor),
        "ratio": _r(run.seconds / floor if floor else None, 2),
        "peak_rss_mb": _r(run.maxrss_mb, 1),
        "cpu_seconds": _r(run.cpu_seconds),
        "floor_cpu_seconds": _r(floor_cpu),
        "cpu_ratio": _r(run.cpu_seconds / floor_cpu if floor_cpu else None, 2),
        "floor_parts": list(parts),
    }
    if run.exit_code != 0:
        entry["exit_code"] = run.exit_code
    return entry


def _pass(runs: Mapping[str, Run], recipe: Callable[[str], tuple[str, ...]], measured: Mapping[str, float],
          measured_cpu: Mapping[str, float]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(stages, total) of one pass; the total's floor counts each operation once (``recipes.total``)."""
    stages = {s: _figure(runs[s], recipe(s), measured, measured_cpu) for s in recipes.STAGES if s in runs}
    parts = recipes.total({s: recipe(s) for s in runs})
    seconds = sum(r.seconds for r in runs.values())
    floor = recipes.floor_of(parts, measured)
    cpu = sum(r.cpu_seconds for r in runs.values())
    floor_cpu = recipes.floor_of(parts, measured_cpu)
    total: dict[str, Any] = {"seconds": _r(seconds), "floor_seconds": _r(floor),
                             "ratio": _r(seconds / floor if floor else None, 2), "cpu_seconds": _r(cpu),
                             "floor_cpu_seconds": _r(floor_cpu),
                             "cpu_ratio": _r(cpu / floor_cpu if floor_cpu else None, 2), "floor_parts": parts}
    failed = [s for s, r in runs.items() if r.exit_code >= 2]
    if failed:
        total["failed"] = failed
    return stages, total


def assemble(*, sizes: Mapping[str, int], cold: Mapping[str, Run], warm: Mapping[str, Run],
             warm_1pct: Mapping[str, Run], check_pr: Mapping[str, tuple[Run, Run]],
             validate_one: tuple[str, Run | None, Run | None], measured: Mapping[str, float],
             measured_cpu: Mapping[str, float]) -> dict[str, Any]:
    m = (measured, measured_cpu)
    cold_stages, cold_total = _pass(cold, recipes.cold, *m)
    warm_stages, warm_total = _pass(warm, recipes.warm, *m)
    pct_stages, pct_total = _pass(warm_1pct, recipes.warm_1pct, *m)
    result: dict[str, Any] = {
        "sizes": dict(sizes),
        "cold": {"stages": cold_stages, "total": cold_total,
                 "peak_rss_mb": _r(max((r.maxrss_mb for r in cold.values()), default=0.0), 1)},
        "warm": {"total": warm_total, "stages": warm_stages},
        "warm_1pct": {"total": pct_total, "stages": pct_stages},
        "check_pr": {kind: {"cold": _figure(c, recipes.check_pr(kind, warm_base=False), *m),
                            "warm": _figure(w, recipes.check_pr(kind, warm_base=True), *m)}
                     for kind, (c, w) in check_pr.items()},
        "floors": {k: _r(v, 6) for k, v in sorted(measured.items())},
        "floors_cpu": {k: _r(v, 6) for k, v in sorted(measured_cpu.items())},
    }
    path, one_cold, one_warm = validate_one
    if one_cold is not None and one_warm is not None:
        result["validate_one"] = {"path": path,
                                  "cold": _figure(one_cold, recipes.validate_one(warm_cache=False), *m),
                                  "warm": _figure(one_warm, recipes.validate_one(warm_cache=True), *m)}
    return result


def _num(v: Any, fmt: str) -> str:
    return "-" if v is None else format(v, fmt)


def _row(name: str, st: Mapping[str, Any]) -> str:
    extra = f"  (exit {st['exit_code']})" if st.get("exit_code") else ""
    if st.get("missing"):
        extra += f"  missing: {st['missing']}"
    rss = f"{_num(st.get('peak_rss_mb'), '.0f')} MB" if st.get("peak_rss_mb") is not None else ""
    return (f"{name:<34}{_num(st['seconds'], '.3f'):>9}{_num(st['floor_seconds'], '.3f'):>9}"
            f"{_num(st['ratio'], '.2f'):>7}{rss:>10}{_num(st.get('cpu_seconds'), '.3f'):>9}"
            f"{_num(st.get('floor_cpu_seconds'), '.3f'):>10}{_num(st.get('cpu_ratio'), '.2f'):>7}{extra}")


def render_text(result: Mapping[str, Any]) -> str:
    """One table: every figure with its floor, the ratio and the peak RSS of its process."""
    s = result["sizes"]
    lines = [f"nep bench: {s['neps']:,} NEPs, {s['votes']:,} votes, {s['commits']:,} commits, {s['nodes']:,} nodes",
             "", f"{'figure':<34}{'seconds':>9}{'floor':>9}{'ratio':>7}{'peak RSS':>10}{'CPU s':>9}"
             f"{'CPU floor':>10}{'ratio':>7}"]
    for label, key in (("cold", "cold"), ("warm", "warm"), ("warm after 1 % change", "warm_1pct")):
        block = result[key]
        for name, st in block.get("stages", {}).items():
            lines.append(_row(f"{label}: {name}", st))
        lines.append(_row(f"{label}: total", block["total"]))
    for kind, figs in result.get("check_pr", {}).items():
        what = "one vote added" if kind == "vote" else "one draft edited"
        lines.append(_row(f"check-pr, {what}, cold", figs["cold"]))
        lines.append(_row(f"check-pr, {what}, warm", figs["warm"]))
    one = result.get("validate_one")
    if one:
        lines.append(_row("validate one file, cold", one["cold"]))
        lines.append(_row("validate one file, warm", one["warm"]))
    lines += [
        "",
        f"peak RSS of a cold stage: {result['cold']['peak_rss_mb']:.1f} MB",
        "floor = what the libraries need for the operations the figure really performs (reads, PyYAML's C",
        "loader, the vote pattern, coincurve, one git log pass, markdown-it, Jinja), each counted once; a",
        "total counts every operation once across its stages and one interpreter start per process.",
        "Every figure is a fresh process, start-up included; seconds are wall-clock, CPU s the user + system",
        "time of the process and its git children, set against the same floor in CPU time (on a busy machine",
        "the wall clock also counts waiting for a core; the CPU ratio does not). Floors: " + ", ".join(
            f"{k} {v:.3f}" for k, v in result.get("floors", {}).items()),
    ]
    return "\n".join(lines) + "\n"


def _rows(result: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    out: list[tuple[str, Mapping[str, Any]]] = []
    for label, key in (("cold", "cold"), ("warm", "warm"), ("warm after 1 % change", "warm_1pct")):
        block = result[key]
        out += [(f"{label}: `{name}`", st) for name, st in block.get("stages", {}).items()]
        out.append((f"{label}: **total**", block["total"]))
    for kind, figs in result.get("check_pr", {}).items():
        what = "one vote added" if kind == "vote" else "one draft edited"
        out += [(f"`check-pr`, {what}, cold", figs["cold"]), (f"`check-pr`, {what}, warm", figs["warm"])]
    one = result.get("validate_one")
    if one:
        out += [("`validate` one file, cold", one["cold"]), ("`validate` one file, warm", one["warm"])]
    return out


def render_markdown(result: Mapping[str, Any]) -> str:
    """The same table in Markdown, for the documentation."""
    s = result["sizes"]
    lines = [f"{s['neps']:,} NEPs, {s['votes']:,} votes, {s['commits']:,} commits, {s['nodes']:,} nodes:", "",
             "| figure | seconds | floor | ratio | peak RSS | CPU s | CPU floor | CPU ratio |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, st in _rows(result):
        rss = f"{st['peak_rss_mb']:.0f} MB" if st.get("peak_rss_mb") is not None else ""
        lines.append(f"| {name} | {_num(st['seconds'], '.2f')} | {_num(st['floor_seconds'], '.2f')} | "
                     f"{_num(st['ratio'], '.2f')} | {rss} | {_num(st.get('cpu_seconds'), '.2f')} | "
                     f"{_num(st.get('floor_cpu_seconds'), '.2f')} | {_num(st.get('cpu_ratio'), '.2f')} |")
    return "\n".join(lines) + "\n"
