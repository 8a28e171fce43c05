"""End to end: a real git repository with commits at chosen instants, driven through the ``nep`` CLI.

The repository is built once (module fixture) as its users would build it:
key files from ``nep key new``, vote files from ``nep vote``, and commits at
chosen committer dates. Every assertion then reads ``nep status``, ``nep
tally``, ``nep config`` or ``nep rewards`` at a chosen ``--at``: since every
output is a pure function of the history and ``as_of`` (SPEC 2), one finished
history answers for every instant of the NEPs' lives.

Cast (stakes in force from 2025-12-01 to 2027-12-01; total TS = 10000199.99):

    voter-a 3299999.99   voter-b 1700000.01   voter-c 3300000   voter-d 1700000
    proposer 100 (exactly min_stake_to_propose)   poor 99.99 (just below it)

NEPs (1-5 submitted together at T0; standard track, so VS = T0 + 7 d, VE = VS + 7 d):

    1  approved with exactly 66 % (yes c 3300000, no d 1700000), grace 14 d, sets
       training.diloco.INNER_STEPS and version 1.1.0; also carries one vote of
       each non-counting kind: STALE_CONTENT, FUTURE_TIMESTAMP, LATE_INCLUSION, PENDING
    2  no_quorum        (1700100 voted < 20 % of TS)
    3  all_abstain      (c and d abstain: quorum, but yes + no = 0); d's vote comes by a
       merged pull request, and a's pull request is merged at VE (LATE_INCLUSION)
    4  no_approval      (yes 3299999.99 of 5000000: just under 66 %)
    5  insufficient_stake (proposer "poor" holds 99.99 < 100 at T0)
    6  resubmission of 4, submitted at decided_at(4) + 30 d - 1 s: resubmitted_too_soon
    7  resubmission of 4, submitted at exactly decided_at(4) + 30 d: allowed (review)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitrepo import GitRepo
from tooling.core import votes as votes_mod
from tooling.cli import main
from tooling.core.instants import format_instant

ROOT = Path(__file__).resolve().parents[2]

DAY = 86_400
HOUR = 3_600

t0 = 1_767_225_600  # 2026-01-01T00:00:00Z: first commit, NEPs as drafts
T0 = t0 + DAY  # the commit that sets status: review
VS = T0 + 168 * HOUR
VE = VS + 168 * HOUR
GRACE_DAYS = 14
AT = VE + GRACE_DAYS * DAY
RESUBMIT_OK = VE + 30 * DAY  # NEP 4 is decided at VE; the wait is 30 days
RESUBMIT_EARLY = RESUBMIT_OK - 1

TOKENS = ("voter-a", "voter-b", "voter-c", "voter-d", "proposer", "poor")
STAKES = {
    "voter-a": "3299999.99",
    "voter-b": "1700000.01",
    "voter-c": "3300000",
    "voter-d": "1700000",
    "proposer": "100",
    "poor": "99.99",
}
TOTAL_STAKE = "10000199.99"


def node(token: str) -> str:
    return votes_mod.node_id(votes_mod.public_key_hex(votes_mod.private_key_from_token(token)))


NODE = {t: node(t) for t in TOKENS}

# Instants at which the votes of NEP 1 reach main (their commit's clock).
INCL_C = VS  # voter-c yes, timestamp VS: the window's first second
INCL_STALE = VS + 10  # "poor" signed the content before the author's edit
INCL_FUTURE = VS + 1_000  # voter-b, timestamp 301 s after its inclusion
INCL_OTHERS = VS + 2_000  # the votes of NEPs 2, 3 and 4
MERGE_D = VS + 3_000  # voter-d's pull request on NEP 3 is merged
INCL_D = VE - 1  # voter-d no, included in the window's last second
INCL_LATE = VE  # voter-a yes, signed in time but included at VE

GOVERNANCE = """\
network: neuroshard-mainnet
protocol_version: 1.0.0
features: [diloco, dynamic_layers, ponw, gossip_proofs, ecdsa_signatures,
           inference_market, robust_aggregation]
parameters:
  economics.constants.TRAINING_REWARD_PER_BATCH_PER_LAYER: 0.0005
  training.diloco.INNER_STEPS: 500
min_stake_to_propose: "100"
proposal_fee: "10"
quorum: "0.20"
approval: "0.66"
resubmit_wait_days: 30
tracks:
  standard:  {review_hours: 168, voting_hours: 168, grace_min_days: 7, grace_max_days: 30}
  emergency: {review_hours: 0,   voting_hours: 48,  grace_min_days: 0, grace_max_days: 7}
rewards: {approved_rate: "0.001", approved_min: "1", approved_max: "1000",
          rejected_rate: "0.0001", rejected_max: "100", voter_rate: "0.0001"}
"""


def ledger() -> str:
    lines = ["entries:"]
    for token in TOKENS:
        lines += [
            f'  - node: "{NODE[token]}"   # {token}',
            f'    amount: "{STAKES[token]}"',
            '    since: "2025-12-01T00:00:00Z"',
            '    locked_until: "2027-12-01T00:00:00Z"',
        ]
    return "\n".join(lines) + "\n"


PARAMETER_CHANGE = """\
parameter_changes:
  - module: "training.diloco"
    parameter: "INNER_STEPS"
    old_value: 500
    new_value: 1000
    rationale: "The denser training signal lets each outer step run twice as many inner steps."
"""


def nep_text(
    n: int,
    title: str,
    *,
    status: str,
    proposer: str = "proposer",
    resubmission_of: int | None = None,
    parameter_change: bool = False,
    target_version: str = "1.2.0",
    motivation: str = "Training throughput is the bottleneck of the network.",
) -> str:
    resub = f"resubmission_of: {resubmission_of}\n" if resubmission_of is not None else ""
    changes = PARAMETER_CHANGE if parameter_change else "parameter_changes: []\n"
    return f"""\
---
nep: {n}
title: "{title}"
type: "train"
status: "{status}"
authors:
  - name: "Author {proposer}"
    node: "{NODE[proposer]}"
created: "2025-12-20"
requires: []
supersedes: []
{resub}economic_impact:
  training_reward_multiplier: 1.0
  training_efficiency_multiplier: 2.0
  inference_reward_multiplier: 1.0
  inference_cost_multiplier: 1.0
  min_memory_change_mb: 200
  min_compute_change_tflops: 0.0
  staking_multiplier_change: 0.0
  upgrade_cost_neuro: "0"
  net_earnings_change_percent: 0.0
{changes}upgrade_path:
  min_version: "1.0.0"
  target_version: "{target_version}"
  grace_period_days: {GRACE_DAYS}
  backward_compatible: true
  requires_checkpoint_reload: false
  migration_steps:
    - "Upgrade the node software during the grace period"
---

## Abstract

Train every shard with a multi-token prediction objective.

## Motivation

{motivation}

## Specification

Add one prediction head on the final shard; drop it at inference.

## Economic Impact

Training efficiency (`training_efficiency_multiplier`): x2.0. Memory
requirement (`min_memory_change_mb`): +200 MB for the extra head. Every other
field is at its no-change value.

## Upgrade Path

Backward compatible; nodes upgrade during the {GRACE_DAYS}-day grace period.
"""


TITLES = {
    1: "Multi-token prediction objective",
    2: "A proposal too few stakers voted on",
    3: "A proposal everyone abstains on",
    4: "Double the inner steps of DiLoCo",
    5: "A proposal from a node without stake",
    6: "Double the inner steps of DiLoCo, again too soon",
    7: "Double the inner steps of DiLoCo, after the wait",
}


def nep_file(n: int, status: str, **kw: Any) -> str:
    if n == 1:
        kw.setdefault("parameter_change", True)
        kw.setdefault("target_version", "1.1.0")
    if n == 5:
        kw.setdefault("proposer", "poor")
    if n in (6, 7):
        kw.setdefault("resubmission_of", 4)
    return nep_text(n, TITLES[n], status=status, **kw)


def nep_path(n: int) -> str:
    return f"neps/nep-{n:04d}.md"


# --------------------------------------------------------------------------
# Driving the CLI


def run(*args: str) -> tuple[int, str, str]:
    """``python -m tooling`` in a subprocess, as a user's shell runs it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, "-m", "tooling", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    return proc.returncode, proc.stdout, proc.stderr


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    """``nep ARGS --format json`` in process; exit 0 and JSON on stdout."""
    capsys.readouterr()
    rc = main([*args, "--format", "json"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("e2e")
    keys = base / "keys"
    keys.mkdir()
    keyfile = {}
    for token in TOKENS:
        keyfile[token] = keys / f"{token}.yaml"
        assert main(["key", "new", "--token", token, "--out", str(keyfile[token])]) == 0

    repo = GitRepo(base / "repo")
    path = str(repo.path)

    def sign(token: str, n: int, choice: str, timestamp: int) -> tuple[str, bytes]:
        """A vote file made by ``nep vote`` against the NEP as it is in the work tree now, kept aside."""
        # --force: these votes are signed ahead of their window on purpose (nep vote would refuse them).
        rc = main(["vote", str(n), choice, "--key", str(keyfile[token]), "--timestamp", str(timestamp), "-y", "--force",
                   "--repo", path])
        assert rc == 0
        rel = votes_mod.vote_path(n, NODE[token])
        data = (repo.path / rel).read_bytes()
        (repo.path / rel).unlink()
        return rel, data

    def commit_votes(message: str, at: int, *files: tuple[str, bytes]) -> None:
        for rel, data in files:
            repo.write(rel, data)
        repo.commit(message, at=at)

    # t0: the repository with five drafts.
    repo.write("governance.yaml", GOVERNANCE)
    repo.write("stakes/ledger.yaml", ledger())
    for n in range(1, 6):
        repo.write(nep_path(n), nep_file(n, "draft"))
    repo.commit("genesis and five drafts", at=t0)

    # T0: the authors request review.
    for n in range(1, 6):
        repo.write(nep_path(n), nep_file(n, "review"))
    repo.commit("request review of NEPs 1-5", at=T0)
    # "poor" signs NEP 1 as it reads at T0 (timestamp inside the window, chosen by the voter).
    stale_vote = sign("poor", 1, "yes", VS + 5)
    hash_at_t0 = yaml.safe_load(stale_vote[1].decode("utf-8"))["content_hash"]

    # During review the author edits NEP 1: allowed before VS, and it changes the content hash.
    repo.write(nep_path(1), nep_file(1, "review", motivation="Training throughput is the bottleneck; MTP doubles it."))
    repo.commit("NEP 1: sharpen the motivation", at=T0 + DAY)

    # Votes are signed now (the content is final) and reach main at chosen instants.
    v1_c = sign("voter-c", 1, "yes", VS)
    v1_b_future = sign("voter-b", 1, "yes", INCL_FUTURE + 301)
    v1_d = sign("voter-d", 1, "no", VE - 1)
    v1_a_late = sign("voter-a", 1, "yes", VE - 100)
    v1_pending = sign("proposer", 1, "yes", VS + 3 * DAY)
    others = [
        sign("proposer", 2, "yes", INCL_OTHERS),
        sign("voter-d", 2, "yes", INCL_OTHERS + 300),  # exactly the tolerance: counts
        sign("voter-c", 3, "abstain", INCL_OTHERS),
        sign("voter-a", 4, "yes", INCL_OTHERS),
        sign("voter-b", 4, "no", INCL_OTHERS),
    ]

    commit_votes("vote: voter-c on NEP 1", INCL_C, v1_c)
    commit_votes("vote: poor on NEP 1 (signed before the edit)", INCL_STALE, stale_vote)
    commit_votes("vote: voter-b on NEP 1 (timestamp in the future)", INCL_FUTURE, v1_b_future)
    commit_votes("votes on NEPs 2, 3, 4", INCL_OTHERS, *others)

    # Votes on NEP 3 arrive as pull requests: the merge commit's clock is the inclusion time,
    # whatever date the branch commit claims.
    v3_d = sign("voter-d", 3, "abstain", VS + 50)
    v3_a_late = sign("voter-a", 3, "abstain", VS + 100)
    repo.checkout("pr-d", create=True)
    commit_votes("vote: voter-d on NEP 3", VS + 50, v3_d)
    repo.checkout("main")
    repo.merge("pr-d", at=MERGE_D)
    repo.checkout("pr-a", create=True)
    commit_votes("vote: voter-a on NEP 3", VS + 100, v3_a_late)  # dated in time, on its branch
    repo.checkout("main")

    commit_votes("vote: voter-d on NEP 1", INCL_D, v1_d)
    repo.merge("pr-a", at=VE)  # merged at the voting end: too late
    commit_votes("vote: voter-a on NEP 1 (merged too late)", INCL_LATE, v1_a_late)

    # Resubmissions of NEP 4, one second too soon and exactly on time (submitted directly in review).
    repo.write(nep_path(6), nep_file(6, "review"))
    repo.commit("NEP 6: resubmit NEP 4", at=RESUBMIT_EARLY)
    repo.write(nep_path(7), nep_file(7, "review"))
    repo.commit("NEP 7: resubmit NEP 4", at=RESUBMIT_OK)

    # A vote that exists only in the work tree: never included, so PENDING at every instant.
    repo.write(*v1_pending)
    return {"repo": repo, "path": path, "keys": keyfile, "hash_at_t0": hash_at_t0}


def status_of(capsys: pytest.CaptureFixture[str], world: dict[str, Any], at: int | str) -> dict[int, dict[str, Any]]:
    data = cli_json(capsys, "status", "--repo", world["path"], "--at", str(at))
    return {entry["nep"]: entry for entry in data["neps"]}


def tally_of(capsys: pytest.CaptureFixture[str], world: dict[str, Any], n: int, at: int) -> dict[str, Any]:
    return cli_json(capsys, "tally", str(n), "--repo", world["path"], "--at", str(at))


def rfc(t: int) -> str:
    s = format_instant(t)
    assert s is not None
    return s


STATUS_KEYS = {"nep", "title", "type", "status", "outcome", "reason", "submitted", "voting_start", "voting_end",
               "decided_at", "activates_at", "content_hash"}
TALLY_KEYS = {"nep", "as_of", "final", "total_stake", "yes", "no", "abstain", "quorum_reached", "approval_reached",
              "outcome", "projected_outcome", "reason", "decided_at", "votes"}
VOTE_KEYS = {"voter", "choice", "weight", "counted", "code", "timestamp", "included_at"}


# --------------------------------------------------------------------------
# JSON shapes (SPEC 9)


def test_status_json_has_every_key_spec_9_lists(capsys, world):
    data = cli_json(capsys, "status", "--repo", world["path"], "--at", str(VS))
    assert {"as_of", "neps"} <= set(data)
    assert data["as_of"] == rfc(VS)
    assert [e["nep"] for e in data["neps"]] == [1, 2, 3, 4, 5, 6, 7]
    for entry in data["neps"]:
        assert STATUS_KEYS <= set(entry), STATUS_KEYS - set(entry)


def test_tally_json_has_every_key_spec_9_lists(capsys, world):
    data = tally_of(capsys, world, 1, VE)
    assert TALLY_KEYS <= set(data), TALLY_KEYS - set(data)
    assert data["nep"] == 1 and data["as_of"] == rfc(VE)
    assert data["votes"]
    for vote in data["votes"]:
        assert VOTE_KEYS <= set(vote), VOTE_KEYS - set(vote)


def test_at_accepts_rfc3339_and_unix_seconds_alike(capsys, world):
    assert status_of(capsys, world, rfc(VS)) == status_of(capsys, world, VS)


# --------------------------------------------------------------------------
# A whole life: draft -> review -> voting -> scheduled -> active


def test_draft_until_the_review_commit(capsys, world):
    for at in (t0, T0 - 1):
        st = status_of(capsys, world, at)[1]
        assert st["status"] == "draft"
        assert st["submitted"] is None and st["voting_start"] is None and st["outcome"] is None


def test_review_from_exactly_t0_with_its_deadlines(capsys, world):
    st = status_of(capsys, world, T0)[1]
    assert st["status"] == "review"
    assert st["submitted"] == rfc(T0)
    assert st["voting_start"] == rfc(VS)
    assert st["voting_end"] == rfc(VE)
    assert st["decided_at"] is None and st["activates_at"] is None
    assert st["outcome"] is None and st["reason"] is None


def test_still_review_one_second_before_voting_start(capsys, world):
    assert status_of(capsys, world, VS - 1)[1]["status"] == "review"


def test_voting_from_exactly_voting_start(capsys, world):
    st = status_of(capsys, world, VS)[1]
    assert st["status"] == "voting"
    assert st["outcome"] is None and st["decided_at"] is None


def test_one_second_before_voting_end_the_tally_is_provisional(capsys, world):
    st = status_of(capsys, world, VE - 1)[1]
    assert st["status"] == "voting"
    assert st["outcome"] is None and st["decided_at"] is None
    t = tally_of(capsys, world, 1, VE - 1)
    assert t["final"] is False
    assert t["outcome"] is None
    assert t["reason"] is None
    assert t["decided_at"] is None
    assert t["projected_outcome"] == "approved"
    # voter-d's vote, included at VE - 1, already counts.
    assert (t["yes"], t["no"], t["abstain"]) == ("3300000", "1700000", "0")


def test_exactly_at_voting_end_it_is_decided_approved_and_scheduled(capsys, world):
    st = status_of(capsys, world, VE)[1]
    assert st["status"] == "scheduled"
    assert st["outcome"] == "approved"
    assert st["reason"] is None
    assert st["decided_at"] == rfc(VE)
    assert st["activates_at"] == rfc(AT)
    t = tally_of(capsys, world, 1, VE)
    assert t["final"] is True
    assert t["outcome"] == "approved"
    assert t["projected_outcome"] == "approved"
    assert t["reason"] is None
    assert t["decided_at"] == rfc(VE)


def test_approval_at_exactly_66_percent_is_reached(capsys, world):
    t = tally_of(capsys, world, 1, VE)
    # 3300000 / (3300000 + 1700000) = 0.66 exactly: inclusive.
    assert (t["yes"], t["no"]) == ("3300000", "1700000")
    assert t["quorum_reached"] is True
    assert t["approval_reached"] is True


def test_decision_instant_never_moves_with_the_run_clock(capsys, world):
    much_later = VE + 400 * DAY
    st = status_of(capsys, world, much_later)[1]
    assert st["decided_at"] == rfc(VE)
    assert st["outcome"] == "approved"
    t = tally_of(capsys, world, 1, much_later)
    assert t["decided_at"] == rfc(VE) and t["final"] is True and t["outcome"] == "approved"
    assert (t["yes"], t["no"]) == ("3300000", "1700000")


def test_scheduled_until_one_second_before_activation(capsys, world):
    assert status_of(capsys, world, AT - 1)[1]["status"] == "scheduled"


def test_active_from_exactly_voting_end_plus_grace(capsys, world):
    st = status_of(capsys, world, AT)[1]
    assert st["status"] == "active"
    assert st["activates_at"] == rfc(AT)
    assert st["decided_at"] == rfc(VE)


def test_status_json_reports_the_content_hash_the_counted_votes_bind(capsys, world):
    st = status_of(capsys, world, VE)[1]
    assert st["content_hash"] != world["hash_at_t0"]  # the edit during review changed it
    counted = world["repo"].read(votes_mod.vote_path(1, NODE["voter-c"]))
    assert yaml.safe_load(counted)["content_hash"] == st["content_hash"]


# --------------------------------------------------------------------------
# Votes that do not count, and why (SPEC 4)


def votes_by_voter(t: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {v["voter"]: v for v in t["votes"]}


def test_every_vote_of_nep_1_has_its_code_at_voting_end(capsys, world):
    rows = votes_by_voter(tally_of(capsys, world, 1, VE))
    assert set(rows) == {NODE[t] for t in ("voter-a", "voter-b", "voter-c", "voter-d", "poor", "proposer")}
    expected = {
        "voter-c": (True, None, rfc(INCL_C)),
        "voter-d": (True, None, rfc(INCL_D)),
        "voter-a": (False, "LATE_INCLUSION", rfc(INCL_LATE)),
        "voter-b": (False, "FUTURE_TIMESTAMP", rfc(INCL_FUTURE)),
        "poor": (False, "STALE_CONTENT", rfc(INCL_STALE)),
        "proposer": (False, "PENDING", None),
    }
    got = {token: (rows[NODE[token]]["counted"], rows[NODE[token]]["code"], rows[NODE[token]]["included_at"])
           for token in expected}
    assert got == expected


def test_a_vote_signed_in_the_first_second_of_the_window_counts(capsys, world):
    row = votes_by_voter(tally_of(capsys, world, 1, VE))[NODE["voter-c"]]
    assert row["timestamp"] == rfc(VS)
    assert row["counted"] is True and row["code"] is None


def test_a_vote_included_at_voting_end_is_late_inclusion(capsys, world):
    row = votes_by_voter(tally_of(capsys, world, 1, VE))[NODE["voter-a"]]
    assert row["timestamp"] == rfc(VE - 100)  # signed in time...
    assert row["included_at"] == rfc(VE)  # ...but on main only at VE
    assert row["code"] == "LATE_INCLUSION"


def test_before_its_commit_the_late_vote_is_pending(capsys, world):
    row = votes_by_voter(tally_of(capsys, world, 1, VE - 1))[NODE["voter-a"]]
    assert row["code"] == "PENDING" and row["included_at"] is None and row["counted"] is False


def test_a_timestamp_more_than_300_s_after_inclusion_is_future_timestamp(capsys, world):
    row = votes_by_voter(tally_of(capsys, world, 1, VE))[NODE["voter-b"]]
    assert row["included_at"] == rfc(INCL_FUTURE)
    assert row["timestamp"] == rfc(INCL_FUTURE + 301)
    assert row["code"] == "FUTURE_TIMESTAMP"


def test_a_timestamp_exactly_300_s_after_inclusion_counts(capsys, world):
    row = votes_by_voter(tally_of(capsys, world, 2, VE))[NODE["voter-d"]]
    assert row["included_at"] == rfc(INCL_OTHERS) and row["timestamp"] == rfc(INCL_OTHERS + 300)
    assert row["counted"] is True and row["code"] is None


def test_a_vote_for_the_content_before_an_edit_is_stale(capsys, world):
    row = votes_by_voter(tally_of(capsys, world, 1, VE))[NODE["poor"]]
    assert row["code"] == "STALE_CONTENT" and row["counted"] is False


def test_a_vote_only_in_the_work_tree_is_pending_at_every_instant(capsys, world):
    for at in (VS, VE, VE + 400 * DAY):
        row = votes_by_voter(tally_of(capsys, world, 1, at))[NODE["proposer"]]
        assert row["code"] == "PENDING" and row["included_at"] is None and row["counted"] is False


def test_a_merged_pull_request_includes_a_vote_at_the_merge_commit_clock(capsys, world):
    rows = votes_by_voter(tally_of(capsys, world, 3, VE))
    d, a = rows[NODE["voter-d"]], rows[NODE["voter-a"]]
    assert (d["included_at"], d["counted"], d["code"]) == (rfc(MERGE_D), True, None)
    # Its branch commit says VS + 100, but it reached main with the merge at VE.
    assert (a["included_at"], a["counted"], a["code"]) == (rfc(VE), False, "LATE_INCLUSION")
    before_merge = votes_by_voter(tally_of(capsys, world, 3, MERGE_D - 1))[NODE["voter-d"]]
    assert before_merge["code"] == "PENDING"


def test_exact_decimals_in_tally_json_are_strings(capsys, world):
    t = tally_of(capsys, world, 4, VE)
    assert t["total_stake"] == TOTAL_STAKE
    assert (t["yes"], t["no"], t["abstain"]) == ("3299999.99", "1700000.01", "0")
    rows = votes_by_voter(t)
    assert rows[NODE["voter-a"]]["weight"] == "3299999.99"
    assert rows[NODE["voter-b"]]["weight"] == "1700000.01"
    t1 = tally_of(capsys, world, 1, VE)
    weights = {token: votes_by_voter(t1)[NODE[token]]["weight"] for token in ("poor", "proposer", "voter-c")}
    assert weights == {"poor": "99.99", "proposer": "100", "voter-c": "3300000"}
    for field in ("total_stake", "yes", "no", "abstain"):
        assert isinstance(t1[field], str)


# --------------------------------------------------------------------------
# Every rejection reason


@pytest.mark.parametrize(
    ("n", "reason", "quorum", "approval", "yes", "no", "abstain"),
    [
        (2, "no_quorum", False, True, "1700100", "0", "0"),
        (3, "all_abstain", True, False, "0", "0", "5000000"),
        (4, "no_approval", True, False, "3299999.99", "1700000.01", "0"),
    ],
    ids=["no_quorum", "all_abstain", "no_approval"],
)
def test_rejected_at_voting_end(capsys, world, n, reason, quorum, approval, yes, no, abstain):
    during = tally_of(capsys, world, n, VE - 1)
    assert during["final"] is False and during["outcome"] is None and during["reason"] is None
    assert during["projected_outcome"] == "rejected"
    assert status_of(capsys, world, VE - 1)[n]["status"] == "voting"

    st = status_of(capsys, world, VE)[n]
    assert (st["status"], st["outcome"], st["reason"], st["decided_at"]) == ("rejected", "rejected", reason, rfc(VE))
    assert st["activates_at"] is None
    t = tally_of(capsys, world, n, VE)
    assert t["final"] is True
    assert (t["outcome"], t["reason"], t["decided_at"]) == ("rejected", reason, rfc(VE))
    assert (t["quorum_reached"], t["approval_reached"]) == (quorum, approval)
    assert (t["yes"], t["no"], t["abstain"], t["total_stake"]) == (yes, no, abstain, TOTAL_STAKE)
    not_counted = [v["code"] for v in t["votes"] if not v["counted"]]
    assert not_counted == (["LATE_INCLUSION"] if n == 3 else [])  # voter-a's pull request on NEP 3

    later = status_of(capsys, world, VE + 400 * DAY)[n]
    assert (later["status"], later["reason"], later["decided_at"]) == ("rejected", reason, rfc(VE))


def test_no_quorum_is_strictly_below_20_percent(capsys, world):
    t = tally_of(capsys, world, 2, VE)
    # 1700100 < 0.20 x 10000199.99 = 2000039.998
    assert t["yes"] == "1700100" and t["quorum_reached"] is False


def test_insufficient_stake_is_rejected_at_t0(capsys, world):
    before = status_of(capsys, world, T0 - 1)[5]
    assert before["status"] == "draft"
    st = status_of(capsys, world, T0)[5]
    assert (st["status"], st["outcome"], st["reason"]) == ("rejected", "rejected", "insufficient_stake")
    assert st["submitted"] == rfc(T0) and st["decided_at"] == rfc(T0)
    assert st["voting_start"] is None and st["activates_at"] is None
    t = tally_of(capsys, world, 5, VE)
    assert (t["outcome"], t["reason"], t["decided_at"]) == ("rejected", "insufficient_stake", rfc(T0))
    assert t["votes"] == []


def test_a_proposer_with_exactly_the_minimum_stake_may_propose(capsys, world):
    # NEP 1's proposer holds exactly 100 = min_stake_to_propose at T0.
    assert status_of(capsys, world, T0)[1]["status"] == "review"


def test_resubmission_one_second_before_the_wait_ends_is_rejected(capsys, world):
    assert status_of(capsys, world, RESUBMIT_EARLY - 1)[6]["status"] == "draft"
    st = status_of(capsys, world, RESUBMIT_EARLY)[6]
    assert (st["status"], st["outcome"], st["reason"]) == ("rejected", "rejected", "resubmitted_too_soon")
    assert st["submitted"] == rfc(RESUBMIT_EARLY) and st["decided_at"] == rfc(RESUBMIT_EARLY)
    assert status_of(capsys, world, RESUBMIT_OK + 400 * DAY)[6]["reason"] == "resubmitted_too_soon"


def test_resubmission_at_exactly_decided_at_plus_wait_is_allowed(capsys, world):
    rejected = status_of(capsys, world, RESUBMIT_OK)[4]
    assert rfc(RESUBMIT_OK) == rfc(VE + 30 * DAY) and rejected["decided_at"] == rfc(VE)
    st = status_of(capsys, world, RESUBMIT_OK)[7]
    assert (st["status"], st["outcome"], st["reason"]) == ("review", None, None)
    assert st["submitted"] == rfc(RESUBMIT_OK)
    assert st["voting_start"] == rfc(RESUBMIT_OK + 168 * HOUR)
    # Nobody voted on it: no quorum once its own window closes.
    ve7 = RESUBMIT_OK + 2 * 168 * HOUR
    assert status_of(capsys, world, ve7)[7]["reason"] == "no_quorum"


# --------------------------------------------------------------------------
# What the approved NEP changes, and what it pays


def test_config_before_and_after_activation(capsys, world):
    before = cli_json(capsys, "config", "--repo", world["path"], "--at", str(AT - 1))
    assert before["protocol_version"] == "1.0.0"
    assert before["parameters"]["training.diloco.INNER_STEPS"] == {"value": 500, "set_by": None}
    after = cli_json(capsys, "config", "--repo", world["path"], "--at", str(AT))
    assert after["protocol_version"] == "1.1.0"
    assert after["parameters"]["training.diloco.INNER_STEPS"] == {"value": 1000, "set_by": 1}
    # Untouched parameters keep their genesis value and no setter.
    assert after["parameters"]["economics.constants.TRAINING_REWARD_PER_BATCH_PER_LAYER"]["set_by"] is None
    assert {"at": rfc(AT), "version": "1.1.0", "nep": 1} in after["versions"]


def test_rewards_after_the_decisions(capsys, world):
    data = cli_json(capsys, "rewards", "--repo", world["path"], "--at", str(VE))
    by = {p["nep"]: p for p in data["proposals"]}
    approved = by[1]
    # Turnout 5000000 x 0.001 = 5000, clamped to approved_max 1000, plus the refunded fee of 10.
    assert approved["proposer_reward"] == "1010"
    assert approved["fee"] == "10" and approved["fee_refunded"] is True and approved["fee_burned"] is False
    assert approved["proposer"] == NODE["proposer"]
    # Only counted votes earn: 0.0001 x weight.
    assert approved["voter_rewards"] == {NODE["voter-c"]: "330", NODE["voter-d"]: "170"}
    # Rejected with quorum: min(5000000 x 0.0001, 100) and the fee is kept.
    assert (by[4]["proposer_reward"], by[4]["fee_refunded"], by[4]["fee_burned"]) == ("100", False, False)
    # Rejected without quorum, or at T0: nothing, and the fee is burned.
    for n in (2, 5):
        assert (by[n]["proposer_reward"], by[n]["fee_burned"]) == ("0", True)


def test_rewards_are_held_while_voting(capsys, world):
    data = cli_json(capsys, "rewards", "--repo", world["path"], "--at", str(VE - 1))
    one = {p["nep"]: p for p in data["proposals"]}[1]
    assert one["proposer_reward"] == "0" and one["fee_refunded"] is False and one["fee_burned"] is False
    assert one["voter_rewards"] == {}


# --------------------------------------------------------------------------
# The same answers from the installed command line (subprocess)


def test_subprocess_status_and_tally_match_the_in_process_run(capsys, world):
    rc, out, err = run("status", "--repo", world["path"], "--at", str(VE), "--format", "json")
    assert rc == 0, err
    assert "Traceback" not in err
    sub = {e["nep"]: e for e in json.loads(out)["neps"]}
    assert sub == status_of(capsys, world, VE)
    rc, out, err = run("tally", "1", "--repo", world["path"], "--at", rfc(VE - 1), "--format", "json")
    assert rc == 0, err
    t = json.loads(out)
    assert (t["final"], t["outcome"], t["projected_outcome"]) == (False, None, "approved")
    assert t == tally_of(capsys, world, 1, VE - 1)


def test_text_output_tells_the_same_story(capsys, world):
    capsys.readouterr()
    assert main(["status", "--repo", world["path"], "--at", str(VE)]) == 0
    lines = {ln.split()[0]: ln for ln in capsys.readouterr().out.splitlines() if ln.strip().startswith("NEP-")}
    assert "scheduled" in lines["NEP-0001"] and "approved" in lines["NEP-0001"]
    assert all("rejected" in lines[f"NEP-{n:04d}"] for n in (2, 3, 4, 5))
    assert main(["tally", "1", "--repo", world["path"], "--at", str(VE)]) == 0
    out = capsys.readouterr().out
    for code in ("LATE_INCLUSION", "FUTURE_TIMESTAMP", "STALE_CONTENT", "PENDING"):
        assert code in out


def test_subprocess_tally_of_a_missing_nep_exits_1_without_traceback(world):
    rc, out, err = run("tally", "99", "--repo", world["path"], "--at", str(VE), "--format", "json")
    assert rc == 1
    assert "99" in err and "Traceback" not in err and out == ""


def test_the_files_the_tools_wrote_validate_and_uncounted_votes_are_notes(capsys, world):
    capsys.readouterr()
    rc = main(["validate", "--repo", world["path"], "--at", str(RESUBMIT_OK), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    # Votes in history that do not count are notes (they can never be removed); the proposer's vote,
    # never merged, could still be left out: it is the error check-pr would refuse it with.
    errors = [(d["file"], d["slug"]) for d in data["diagnostics"] if d["severity"] == "error"]
    assert rc == 1 and errors == [(votes_mod.vote_path(1, NODE["proposer"]), "pr-vote-not-open")]
    notes = {(d["file"], d["severity"]) for d in data["diagnostics"] if d["slug"] == "vote-not-counted"}
    uncounted = [(1, t) for t in ("voter-a", "voter-b", "poor")] + [(3, "voter-a")]
    assert notes == {(votes_mod.vote_path(n, NODE[token]), "notice") for n, token in uncounted}


def test_the_cache_is_never_a_change_of_the_work_tree(world):
    # Every run above wrote .nep-cache/; git sees only the pending vote file.
    status = world["repo"].git("status", "--porcelain", "--untracked-files=all")
    assert status.splitlines() == [f"?? {votes_mod.vote_path(1, NODE['proposer'])}"]


# --------------------------------------------------------------------------
# Withdrawal (SPEC 7): before VS it withdraws, at or after VS it is ignored


@pytest.fixture(scope="module")
def withdrawals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """NEP 2 withdrawn in a commit at VS - 1, NEP 3 in a commit at exactly VS; both submitted at T0."""
    repo = GitRepo(tmp_path_factory.mktemp("withdraw") / "repo")
    repo.write("governance.yaml", GOVERNANCE)
    repo.write("stakes/ledger.yaml", ledger())
    for n in (2, 3):
        repo.write(nep_path(n), nep_file(n, "review"))
    repo.commit("submit NEPs 2 and 3", at=T0)
    repo.write(nep_path(2), nep_file(2, "withdrawn"))
    repo.commit("withdraw NEP 2", at=VS - 1)
    repo.write(nep_path(3), nep_file(3, "withdrawn"))
    repo.commit("withdraw NEP 3 (too late)", at=VS)
    return {"repo": repo, "path": str(repo.path)}


def test_withdrawal_one_second_before_voting_start_withdraws(capsys, withdrawals):
    for at in (VS - 1, VS, VE, VE + 400 * DAY):
        st = status_of(capsys, withdrawals, at)[2]
        assert (st["status"], st["outcome"], st["decided_at"]) == ("withdrawn", None, None), at


def test_withdrawal_at_voting_start_is_ignored(capsys, withdrawals):
    assert status_of(capsys, withdrawals, VS)[3]["status"] == "voting"
    st = status_of(capsys, withdrawals, VE)[3]
    assert (st["status"], st["reason"], st["decided_at"]) == ("rejected", "no_quorum", rfc(VE))


# --------------------------------------------------------------------------
# Regressions: the repository "as of t" (SPEC 4) and votes bound to the content at VS


@pytest.mark.parametrize("n", [2, 3])
def test_a_withdrawal_is_not_visible_before_its_commit(capsys, withdrawals, n):
    # The work tree says `withdrawn`, but as of T0 no commit said so yet.
    for at in (T0, VS - 2):
        assert status_of(capsys, withdrawals, at)[n]["status"] == "review", at


def _nep1_with_a_yes_vote(tmp_path: Path, tokens: tuple[str, ...]) -> tuple[Path, GitRepo]:
    """Key files for ``tokens``; NEP 1 submitted at T0 and voter-c's yes vote written at VS + 60 (not committed)."""
    keys = tmp_path / "keys"
    keys.mkdir()
    for token in tokens:
        assert main(["key", "new", "--token", token, "--out", str(keys / f"{token}.yaml")]) == 0
    repo = GitRepo(tmp_path / "repo")
    repo.write("governance.yaml", GOVERNANCE)
    repo.write("stakes/ledger.yaml", ledger())
    repo.write(nep_path(1), nep_file(1, "review"))
    repo.commit("submit NEP 1", at=T0)
    assert main(["vote", "1", "yes", "--key", str(keys / "voter-c.yaml"), "--timestamp", str(VS + 60), "-y",
                 "--at", str(VS + 60), "--repo", str(repo.path)]) == 0
    return keys, repo


def test_an_edit_after_voting_start_does_not_change_a_decided_tally(tmp_path, capsys):
    keys, repo = _nep1_with_a_yes_vote(tmp_path, ("voter-c", "proposer"))
    repo.commit("vote", at=VS + 60)
    before = tally_of(capsys, {"path": str(repo.path)}, 1, VE)
    assert before["outcome"] == "approved"
    # A forced push edits the text after the decision (check-pr would refuse it).
    repo.write(nep_path(1), nep_file(1, "review", motivation="Edited long after the vote."))
    repo.commit("edit after the decision", at=VE + DAY)
    after = tally_of(capsys, {"path": str(repo.path)}, 1, VE + 2 * DAY)
    assert votes_by_voter(after)[NODE["voter-c"]]["code"] is None
    assert after["outcome"] == "approved"
    st = status_of(capsys, {"path": str(repo.path)}, VE + 2 * DAY)[1]
    assert (st["status"], st["decided_at"]) == ("scheduled", rfc(VE))


def test_a_vote_for_content_edited_during_voting_is_stale(tmp_path, capsys):
    """Votes bind to the content at VS: after a forced edit inside the window, old votes count, new ones are stale."""
    keys, repo = _nep1_with_a_yes_vote(tmp_path, ("voter-c", "voter-d"))
    repo.commit("vote c", at=VS + 60)
    repo.write(nep_path(1), nep_file(1, "review", motivation="Edited while the vote is open."))
    repo.commit("forced edit during voting", at=VS + 120)
    # nep vote refuses it (stale content); --force writes it so the tally can be shown to ignore it.
    assert main(["vote", "1", "no", "--key", str(keys / "voter-d.yaml"), "--timestamp", str(VS + 180), "-y",
                 "--at", str(VS + 180), "--force", "--repo", str(repo.path)]) == 0
    repo.commit("vote d, signed over the edited text", at=VS + 180)
    rows = votes_by_voter(tally_of(capsys, {"path": str(repo.path)}, 1, VE))
    assert (rows[NODE["voter-c"]]["counted"], rows[NODE["voter-c"]]["code"]) == (True, None)
    assert (rows[NODE["voter-d"]]["counted"], rows[NODE["voter-d"]]["code"]) == (False, "STALE_CONTENT")
