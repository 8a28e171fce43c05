"""``nep bench`` at a tiny size (the CI smoke run): the JSON shape of SPEC 9, every figure with its floor, a valid
synthetic repository.

No timing is asserted: only that the figures exist, the floors are positive and counted once.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess

import pytest

from tooling import cli
from tooling.bench import floors, recipes
from tooling.bench.generator import build_repository
from tooling.bench.recipes import STAGES
from tooling.bench.report import render_text

TINY = dict(neps=5, votes=50, commits=30, nodes=20)
FIGURE_KEYS = {"seconds", "floor_seconds", "ratio", "peak_rss_mb", "cpu_seconds", "floor_cpu_seconds", "cpu_ratio",
               "floor_parts"}


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> dict:
    """``nep bench --format json`` at a tiny size, through the CLI as a user runs it (the CI smoke run)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["bench", *(f"--{k}={v}" for k, v in TINY.items()), "--format", "json"])
    assert code == cli.EXIT_OK, err.getvalue()[-2000:]
    data = json.loads(out.getvalue())
    data["_log"] = err.getvalue()
    return data


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench") / "repo"
    return build_repository(root, neps=12, votes=200, commits=60, nodes=30)


def _figures(result: dict) -> list[tuple[str, dict]]:
    out = []
    for key in ("cold", "warm", "warm_1pct"):
        out += [(f"{key} {name}", fig) for name, fig in result[key]["stages"].items()]
    for kind, figs in result["check_pr"].items():
        out += [(f"check-pr {kind} cold", figs["cold"]), (f"check-pr {kind} warm", figs["warm"])]
    out += [("validate one cold", result["validate_one"]["cold"]), ("validate one warm", result["validate_one"]["warm"])]
    return out


def test_json_keeps_the_documented_shape_and_only_adds_keys(result):
    assert {"sizes", "cold", "warm", "warm_1pct"} <= set(result)
    assert {"stages", "total", "peak_rss_mb"} <= set(result["cold"])
    assert set(result["cold"]["stages"]) == set(STAGES)
    for stage in result["cold"]["stages"].values():
        assert {"seconds", "floor_seconds", "ratio"} <= set(stage)
    for key in ("warm", "warm_1pct"):
        assert "seconds" in result[key]["total"]
    assert set(result["check_pr"]) == {"vote", "draft"}
    assert result["validate_one"]["path"].startswith("neps/nep-")
    json.dumps({k: v for k, v in result.items() if k != "_log"})  # plain JSON values only


def test_sizes_are_the_requested_ones(result):
    assert result["sizes"] == TINY


def test_every_figure_ran_and_has_a_positive_floor(result):
    figures = _figures(result)
    assert len(figures) == 3 * len(STAGES) + 2 * 2 + 2
    for name, fig in figures:
        assert set(fig) == FIGURE_KEYS, (name, fig)
        assert fig["seconds"] > 0 and fig["floor_seconds"] > 0 and fig["ratio"] > 0, name
        assert fig["peak_rss_mb"] > 1, name
        assert fig["cpu_seconds"] > 0 and fig["floor_cpu_seconds"] > 0, name


def test_every_floor_primitive_is_measured(result):
    whole = ("start", "start_site", "read", "parse_neps", "parse_votes", "verify", "history", "render", "write",
             "index")
    assert all(result["floors"][p] > 0 for p in whole), result["floors"]
    assert all(v >= 0 for v in result["floors"].values()), result["floors"]


def test_a_floor_counts_each_operation_once(result):
    for name, fig in _figures(result):
        parts = fig["floor_parts"]
        assert len(parts) == len(set(parts)), name
        assert fig["floor_seconds"] == pytest.approx(sum(result["floors"][p] for p in parts), abs=0.002)


def test_a_total_floor_is_not_the_sum_of_its_stages(result):
    for key in ("cold", "warm", "warm_1pct"):
        stages = result[key]["stages"].values()
        total = result[key]["total"]
        assert total["seconds"] == pytest.approx(sum(s["seconds"] for s in stages), abs=0.01)
        shared = [p for p in total["floor_parts"] if not p.startswith("start")]
        assert len(shared) == len(set(shared)), key  # shared work once
        assert sum(p.startswith("start") for p in total["floor_parts"]) == len(STAGES)  # one start per process
        assert max(s["floor_seconds"] for s in stages) <= total["floor_seconds"]
        assert total["floor_seconds"] < sum(s["floor_seconds"] for s in stages), key


def test_cold_floors_are_the_operations_the_tool_performs(result):
    cold = result["cold"]["stages"]
    assert "verify" in cold["status"]["floor_parts"] and "history" in cold["status"]["floor_parts"]
    assert "render" in cold["site"]["floor_parts"] and "render" not in cold["status"]["floor_parts"]
    warm = result["warm"]["stages"]["status"]["floor_parts"]
    assert set(warm) == {"start", "index", "cache"}
    one = result["validate_one"]["cold"]["floor_parts"]
    assert one[0] == "start" and all(p.startswith("one:") for p in one[1:])  # that file's needs, not the repository


def test_warm_runs_and_the_one_percent_commit_ran_every_stage_again(result):
    log = result["_log"]
    for stage in STAGES:
        assert f"warm {stage}:" in log and f"warm+1% {stage}:" in log
    assert "new commit: 1 NEPs edited, 1 votes added" in log
    assert " exit " not in log.replace("(exit 0)", "")


def test_peak_rss_is_reported_in_megabytes(result):
    assert 1 < result["cold"]["peak_rss_mb"] < 100_000


def test_text_report_is_a_table_of_every_figure(result):
    text = render_text(result)
    lines = text.splitlines()
    for stage in STAGES + ("total",):
        for label in ("cold", "warm", "warm after 1 % change"):
            assert any(line.startswith(f"{label}: {stage} ") for line in lines), (label, stage)
    assert any(line.startswith("check-pr, one vote added, warm") for line in lines)
    assert any(line.startswith("validate one file, cold") for line in lines)
    assert "5 NEPs, 50 votes, 30 commits, 20 nodes" in text
    assert "peak RSS" in lines[2]


def test_a_failed_figure_shows_its_exit_code(result):
    fake = json.loads(json.dumps({k: v for k, v in result.items() if k != "_log"}))
    fake["cold"]["stages"]["site"]["exit_code"] = 3
    assert "(exit 3)" in render_text(fake)


def test_the_synthetic_repository_is_valid_at_the_benchmark_instant(synthetic):
    from tooling.shell.evaluate import gather
    from tooling.checks.validation import has_errors, validate

    diags = validate(gather(synthetic.root, cache=False), synthetic.as_of)
    assert not has_errors(diags), [d.message for d in diags][:5]


def test_the_synthetic_history_has_the_requested_first_parent_commits(synthetic):
    count = subprocess.run(["git", "rev-list", "--first-parent", "--count", "HEAD"], cwd=synthetic.root,
                           capture_output=True, text=True, check=True).stdout
    assert int(count) == 60


def test_the_synthetic_neps_spread_over_the_lifecycle_and_votes_count(synthetic):
    from tooling.shell.evaluate import evaluate, gather

    ev = evaluate(gather(synthetic.root, cache=False), synthetic.as_of)
    statuses = {str(st.status) for st in ev.states.values()}
    assert "voting" in statuses
    assert statuses & {"active", "scheduled", "rejected"}
    votes = [v for st in ev.states.values() if st.tally for v in st.tally.votes]
    assert len(votes) == synthetic.sizes["votes"] == 200
    assert all(v.counted for v in votes), {str(v.code) for v in votes if not v.counted}


def test_bodies_are_realistic_in_size(synthetic):
    sizes = [len((synthetic.root / f"neps/nep-{n.number:04d}.md").read_bytes()) for n in synthetic.neps]
    assert min(sizes) >= 3_000 and max(sizes) <= 16_000


def test_a_non_empty_workdir_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "something").write_text("x")
    code = cli.main(["bench", "--neps", "2", "--votes", "1", "--commits", "3", "--nodes", "2",
                     "--workdir", str(tmp_path)])
    assert code == cli.EXIT_USAGE
    assert "must be an empty folder" in capsys.readouterr().err


def test_impossible_sizes_are_a_usage_error(capsys):
    assert cli.main(["bench", "--neps", "0"]) == cli.EXIT_USAGE
    assert "at least 1" in capsys.readouterr().err


def test_every_floor_primitive_measures_some_work(synthetic):
    for prim in floors.IN_PROCESS:
        if prim == "diff":
            figures = floors.measure(prim, synthetic.root, rev_range="HEAD~1..HEAD")
        else:
            figures = floors.measure(prim, synthetic.root)
        assert figures and all(wall >= 0 and cpu >= 0 for wall, cpu in figures.values()), prim


def test_the_total_counts_shared_operations_once_and_every_start():
    parts = recipes.total({s: recipes.cold(s) for s in STAGES})
    assert parts.count("read") == 1 and parts.count("verify") == 1 and parts.count("render") == 1
    assert parts.count("start") == len(STAGES) - 1 and parts.count("start_site") == 1
