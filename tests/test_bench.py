"""``nep bench`` at a tiny size: the JSON shape of SPEC 9, every stage run, a valid synthetic repository.

No timing is asserted: only that the figures exist and are consistent.
"""

from __future__ import annotations

import io
import json
import subprocess

import pytest

from tooling.bench import runner as bench
from tooling import cli
from tooling.bench.runner import STAGES, build_repository, render_text, run_bench

TINY = dict(neps=5, votes=50, commits=30, nodes=20)


@pytest.fixture(scope="module")
def result() -> dict:
    log = io.StringIO()
    out = run_bench(**TINY, workdir=None, log=log)
    out["_log"] = log.getvalue()
    return out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench") / "repo"
    return build_repository(root, neps=12, votes=200, commits=60, nodes=30)


def test_json_has_exactly_the_documented_shape(result):
    assert set(result) - {"_log"} == {"sizes", "cold", "warm", "warm_1pct"}
    assert set(result["cold"]) == {"stages", "total", "peak_rss_mb"}
    assert set(result["cold"]["stages"]) == set(STAGES)
    assert set(result["warm"]) == {"total"} and set(result["warm"]["total"]) == {"seconds"}
    assert set(result["warm_1pct"]) == {"total"} and set(result["warm_1pct"]["total"]) == {"seconds"}
    json.dumps({k: v for k, v in result.items() if k != "_log"})  # plain JSON values only


def test_sizes_are_the_requested_ones(result):
    assert result["sizes"] == TINY


def test_every_stage_ran_cold_and_succeeded(result):
    for name, stage in result["cold"]["stages"].items():
        assert set(stage) == {"seconds", "floor_seconds", "ratio"}, (name, stage)
        assert stage["seconds"] > 0 and stage["floor_seconds"] > 0 and stage["ratio"] > 0


def test_total_is_the_sum_of_the_stages(result):
    stages = result["cold"]["stages"].values()
    total = result["cold"]["total"]
    assert set(total) == {"seconds", "floor_seconds", "ratio"}
    assert total["seconds"] == pytest.approx(sum(s["seconds"] for s in stages), abs=0.01)
    assert total["floor_seconds"] == pytest.approx(sum(s["floor_seconds"] for s in stages), abs=0.01)


def test_warm_runs_and_the_one_percent_commit_ran_every_stage_again(result):
    log = result["_log"]
    for stage in STAGES:
        assert f"warm {stage}:" in log and f"warm+1% {stage}:" in log
    assert "new commit: 1 NEPs edited, 1 votes added" in log
    assert result["warm"]["total"]["seconds"] > 0
    assert result["warm_1pct"]["total"]["seconds"] > 0
    assert " exit " not in log.replace("(exit 0)", "")


def test_peak_rss_is_reported_in_megabytes(result):
    assert 1 < result["cold"]["peak_rss_mb"] < 100_000


def test_text_report_is_a_table_of_every_stage(result):
    text = render_text(result)
    for stage in STAGES + ("total",):
        assert any(line.startswith(stage) for line in text.splitlines())
    assert "5 NEPs, 50 votes, 30 commits, 20 nodes" in text
    assert "warm total" in text


def test_a_missing_stage_is_shown_as_missing_not_faked(result):
    fake = json.loads(json.dumps({k: v for k, v in result.items() if k != "_log"}))
    fake["cold"]["stages"]["site"] = {"seconds": None, "floor_seconds": 1.0, "ratio": None,
                                      "missing": "tooling.present.site has no build()"}
    assert "missing: tooling.present.site has no build()" in render_text(fake)


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
    for prim in bench.PRIMITIVES:
        assert bench._floor(prim, synthetic.root) > 0
