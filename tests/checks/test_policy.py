"""`nep check-pr`: the change policy between two revisions, in real git repositories.

Every scenario starts from the same main branch: NEP 1 submitted for review at
T0 (voting [VS, VE)), NEP 2 a draft. A pull request is a branch off main; the
check judges main's state at `as_of` and the branch's files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nepfixtures import (
    T0,
    VE,
    VS,
    content_hash,
    genesis,
    nep_cli,
    nep_text,
    node,
    vote_file,
)
from tooling.shell.history import HistoryError
from tooling.core.model import Severity
from tooling.checks.policy import POLICY_RULES, check_pr
from tooling.core import catalog

NEP1 = nep_text(1, status="review")
NEP2 = nep_text(2, status="draft", proposer="bob")
H1 = content_hash(NEP1)


@pytest.fixture
def repo(tmp_path: Path):
    return genesis(tmp_path / "repo", {1: NEP1, 2: NEP2})


def pull_request(repo, name: str, changes: dict[str, str | None], at: int = T0 + 3600) -> str:
    """A branch off main with the given files written (None deletes), committed at ``at``."""
    repo.checkout("main")
    repo.checkout(name, create=True)
    for path, text in changes.items():
        if text is None:
            repo.delete(path)
        else:
            repo.write(path, text)
    repo.commit(f"pull request {name}", at=at)
    repo.checkout("main")
    return name


def merge_to_main(repo, changes: dict[str, str | None], at: int) -> None:
    repo.checkout("main")
    for path, text in changes.items():
        if text is None:
            repo.delete(path)
        else:
            repo.write(path, text)
    repo.commit("merged", at=at)


def md(result) -> str:
    from tooling.present.pr_summary import render_summary

    return render_summary(result.summary)


def errors(result) -> list[str]:
    return sorted(d.slug for d in result.diagnostics if d.severity is Severity.ERROR)


def slugs(result) -> list[str]:
    return sorted(d.slug for d in result.diagnostics)


# --------------------------------------------------------------------------
# Rules


def test_policy_rules_are_registered_with_pr_slugs_and_nep7xx_codes():
    for r in POLICY_RULES:
        assert r.slug.startswith("pr-") and r.code.startswith("NEP7")
        assert catalog.rule(r.slug) is r
    assert "pr-content-frozen" in catalog.markdown()


# --------------------------------------------------------------------------
# Content


def test_editing_a_nep_during_review_is_accepted_one_second_before_voting_start(repo):
    pr = pull_request(repo, "edit", {"neps/nep-0001.md": NEP1.replace("bounded cache", "bounded LRU cache")})
    result = check_pr(repo.path, "main", pr, VS - 1)
    assert errors(result) == []
    assert result.changed == [("M", "neps/nep-0001.md")]


def test_editing_a_nep_at_its_voting_start_is_refused(repo):
    edited = NEP1.replace("bounded cache", "bounded LRU cache")
    pr = pull_request(repo, "edit", {"neps/nep-0001.md": edited})
    result = check_pr(repo.path, "main", pr, VS)
    assert errors(result) == ["pr-content-frozen"]
    d = result.diagnostics[0]
    assert d.code == "NEP700" and d.file == "neps/nep-0001.md"
    assert "2026-01-08T00:00:00Z" in d.message
    # The finding points at the changed body line.
    assert edited.splitlines()[d.line - 1].startswith("Keep a bounded LRU cache")


def test_editing_an_author_key_after_voting_start_points_at_that_key(repo):
    edited = NEP1.replace('created: "2025-12-20"', 'created: "2025-12-21"')
    pr = pull_request(repo, "edit", {"neps/nep-0001.md": edited})
    result = check_pr(repo.path, "main", pr, VS + 1)
    d = next(d for d in result.diagnostics if d.slug == "pr-content-frozen")
    assert edited.splitlines()[d.line - 1].startswith("created:")


def test_editing_a_draft_is_accepted_at_any_time(repo):
    pr = pull_request(repo, "edit", {"neps/nep-0002.md": NEP2.replace("bounded cache", "small cache")})
    assert errors(check_pr(repo.path, "main", pr, VE + 100 * 86400)) == []


# --------------------------------------------------------------------------
# Bot fields and status


def test_touching_submitted_is_refused(repo):
    text = NEP1.replace('---\n\n## Abstract', 'submitted: "2026-01-01T00:00:00Z"\n---\n\n## Abstract')
    pr = pull_request(repo, "stamp", {"neps/nep-0001.md": text})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert errors(result) == ["pr-bot-field"]
    d = result.diagnostics[0]
    assert "`submitted`" in d.message and text.splitlines()[d.line - 1].startswith("submitted:")


def test_removing_a_bot_field_is_refused(repo):
    stamped = NEP1.replace('---\n\n## Abstract', 'submitted: "2026-01-01T00:00:00Z"\n---\n\n## Abstract')
    merge_to_main(repo, {"neps/nep-0001.md": stamped}, at=T0 + 60)
    pr = pull_request(repo, "unstamp", {"neps/nep-0001.md": NEP1}, at=T0 + 120)
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert errors(result) == ["pr-bot-field"]
    assert "removes `submitted`" in result.diagnostics[0].message


def test_draft_to_review_is_accepted(repo):
    pr = pull_request(repo, "submit", {"neps/nep-0002.md": NEP2.replace('status: "draft"', 'status: "review"')})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert errors(result) == []
    assert "status draft → review" in md(result)


def test_setting_a_bot_status_is_refused(repo):
    pr = pull_request(repo, "vote", {"neps/nep-0002.md": NEP2.replace('status: "draft"', 'status: "voting"')})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert "pr-status-transition" in errors(result)


def test_review_back_to_draft_after_submission_is_refused(repo):
    pr = pull_request(repo, "undo", {"neps/nep-0001.md": NEP1.replace('status: "review"', 'status: "draft"')})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert errors(result) == ["pr-status-transition"]
    assert "withdraw" in (result.diagnostics[0].hint or "")


def test_withdrawal_before_voting_start_is_accepted(repo):
    pr = pull_request(repo, "withdraw", {"neps/nep-0001.md": NEP1.replace('status: "review"', 'status: "withdrawn"')})
    assert errors(check_pr(repo.path, "main", pr, VS - 1)) == []


def test_withdrawal_at_voting_start_is_refused(repo):
    pr = pull_request(repo, "withdraw", {"neps/nep-0001.md": NEP1.replace('status: "review"', 'status: "withdrawn"')})
    result = check_pr(repo.path, "main", pr, VS)
    assert errors(result) == ["pr-withdraw-after-voting-start"]
    assert result.diagnostics[0].code == "NEP703"


def test_a_withdrawn_nep_cannot_come_back(repo):
    merge_to_main(repo, {"neps/nep-0002.md": NEP2.replace('status: "draft"', 'status: "withdrawn"')}, at=T0 + 60)
    pr = pull_request(repo, "revive", {"neps/nep-0002.md": NEP2.replace('status: "draft"', 'status: "review"')},
                      at=T0 + 120)
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert "pr-status-transition" in errors(result)
    assert "withdrawn is final" in result.diagnostics[0].message


# --------------------------------------------------------------------------
# New, deleted and renumbered NEPs


def test_adding_a_new_nep_as_draft_or_review_is_accepted(repo):
    pr = pull_request(repo, "new", {"neps/nep-0003.md": nep_text(3, status="review", proposer="cy"),
                                    "neps/nep-0004.md": nep_text(4, proposer="cy")})
    assert errors(check_pr(repo.path, "main", pr, T0 + 7200)) == []


def test_adding_a_new_nep_with_a_bot_status_and_bot_fields_is_refused(repo):
    text = nep_text(3, status="scheduled", extra='activated: "2026-02-01T00:00:00Z"\n')
    pr = pull_request(repo, "new", {"neps/nep-0003.md": text})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert {"pr-status-transition", "pr-bot-field"} <= set(errors(result))


def test_a_new_nep_also_gets_every_validate_finding(repo):
    broken = nep_text(3).replace("## Motivation\n\nRepeated prompts are recomputed from scratch today.\n\n", "")
    pr = pull_request(repo, "new", {"neps/nep-0003.md": broken})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    # A draft's missing section is a warning (strictness follows the phase), but it is reported.
    assert ("body-missing-section", "warning") in {(d.slug, str(d.severity)) for d in result.diagnostics}


def test_deleting_a_nep_is_refused(repo):
    pr = pull_request(repo, "delete", {"neps/nep-0002.md": None})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert errors(result) == ["pr-nep-deleted"]
    assert "withdrawn" in (result.diagnostics[0].hint or "")


def test_renumbering_a_nep_by_moving_its_file_is_refused(repo):
    moved = NEP2.replace("nep: 2", "nep: 5")
    pr = pull_request(repo, "renumber", {"neps/nep-0002.md": None, "neps/nep-0005.md": moved})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert errors(result) == ["pr-nep-renumbered"]
    d = result.diagnostics[0]
    assert d.file == "neps/nep-0005.md" and "neps/nep-0002.md" in d.message


def test_renumbering_a_nep_in_place_is_refused(repo):
    pr = pull_request(repo, "renumber", {"neps/nep-0002.md": NEP2.replace("nep: 2", "nep: 7")})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert "pr-nep-renumbered" in errors(result)
    assert "number-mismatch" in errors(result)  # validate's finding on the same file


# --------------------------------------------------------------------------
# Votes


def test_adding_a_valid_vote_during_voting_is_accepted(repo):
    path, text = vote_file("ada", 1, "yes", VS + 100, H1)
    pr = pull_request(repo, "vote", {path: text}, at=VS + 200)
    result = check_pr(repo.path, "main", pr, VS + 300)
    assert result.diagnostics == []
    assert "accepted" in md(result) and "would count" in md(result)


def test_a_vote_is_judged_against_the_content_at_voting_start_even_if_the_pr_edits_the_nep(repo):
    path, text = vote_file("ada", 1, "yes", VS + 100, H1)
    edited = NEP1.replace("bounded cache", "bounded LRU cache")
    pr = pull_request(repo, "both", {path: text, "neps/nep-0001.md": edited}, at=VS + 200)
    result = check_pr(repo.path, "main", pr, VS + 300)
    assert errors(result) == ["pr-content-frozen"]  # the edit is refused, the vote is fine


def test_after_a_forced_edit_on_main_a_vote_is_judged_against_the_content_at_voting_start(repo):
    edited = NEP1.replace("bounded cache", "bounded LRU cache")
    merge_to_main(repo, {"neps/nep-0001.md": edited}, at=VS + 60)  # an administrator's direct push
    good_path, good = vote_file("ada", 1, "yes", VS + 100, H1)
    bad_path, bad = vote_file("bob", 1, "yes", VS + 100, content_hash(edited))
    pr = pull_request(repo, "votes", {good_path: good, bad_path: bad}, at=VS + 200)
    result = check_pr(repo.path, "main", pr, VS + 300)
    assert [(d.file, d.slug) for d in result.diagnostics] == [(bad_path, "pr-vote-not-counted")]
    assert "STALE_CONTENT" in result.diagnostics[0].message


def test_a_vote_for_a_nep_that_is_not_in_voting_is_refused(repo):
    path, text = vote_file("ada", 2, "yes", VS + 100, content_hash(NEP2, "neps/nep-0002.md"))
    pr = pull_request(repo, "vote", {path: text}, at=VS + 200)
    result = check_pr(repo.path, "main", pr, VS + 300)
    assert errors(result) == ["pr-vote-not-open"]
    assert "NEP-0002 is draft" in result.diagnostics[0].message


def test_a_vote_one_second_before_voting_start_is_refused(repo):
    path, text = vote_file("ada", 1, "yes", VS - 1, H1)
    pr = pull_request(repo, "vote", {path: text}, at=VS - 60)
    result = check_pr(repo.path, "main", pr, VS - 1)
    assert errors(result) == ["pr-vote-not-open"]
    assert "voting starts at 2026-01-08T00:00:00Z" in result.diagnostics[0].message


def test_a_vote_at_voting_end_is_refused(repo):
    path, text = vote_file("ada", 1, "yes", VE - 10, H1)
    pr = pull_request(repo, "vote", {path: text}, at=VE - 5)
    assert errors(check_pr(repo.path, "main", pr, VE)) == ["pr-vote-not-open"]


@pytest.mark.parametrize(
    "voter, timestamp, chash, network, code",
    [
        ("eve", VS + 100, H1, "neuroshard-mainnet", "NO_STAKE"),
        ("ada", VS + 100, "0" * 64, "neuroshard-mainnet", "STALE_CONTENT"),
        ("ada", VS - 1, H1, "neuroshard-mainnet", "TOO_EARLY"),
        ("ada", VS + 100_000, H1, "neuroshard-mainnet", "FUTURE_TIMESTAMP"),
        ("ada", VS + 100, H1, "neuroshard-testnet", "WRONG_NETWORK"),
    ],
)
def test_a_vote_that_would_not_count_is_refused_with_its_tally_code(repo, voter, timestamp, chash, network, code):
    path, text = vote_file(voter, 1, "yes", timestamp, chash, network=network)
    pr = pull_request(repo, "vote", {path: text}, at=VS + 200)
    result = check_pr(repo.path, "main", pr, VS + 300)
    assert errors(result) == ["pr-vote-not-counted"]
    assert code in result.diagnostics[0].message
    assert len(result.diagnostics) == 1  # validate's own vote finding is not repeated


def test_a_vote_with_a_bad_signature_is_refused(repo):
    path, text = vote_file("ada", 1, "yes", VS + 100, H1, reason="original")
    tampered = text.replace('reason: "original"', 'reason: "tampered"')
    pr = pull_request(repo, "vote", {path: tampered}, at=VS + 200)
    result = check_pr(repo.path, "main", pr, VS + 300)
    assert errors(result) == ["pr-vote-not-counted"]
    d = result.diagnostics[0]
    assert "BAD_SIGNATURE" in d.message and tampered.splitlines()[d.line - 1].startswith("signature:")


def test_changing_a_vote_file_is_refused(repo):
    path, text = vote_file("ada", 1, "yes", VS + 100, H1)
    merge_to_main(repo, {path: text}, at=VS + 200)
    _, other = vote_file("ada", 1, "no", VS + 300, H1)
    pr = pull_request(repo, "change-vote", {path: other}, at=VS + 400)
    result = check_pr(repo.path, "main", pr, VS + 500)
    assert "pr-vote-changed" in errors(result)


def test_deleting_a_vote_is_refused(repo):
    path, text = vote_file("ada", 1, "yes", VS + 100, H1)
    merge_to_main(repo, {path: text}, at=VS + 200)
    pr = pull_request(repo, "delete-vote", {path: None}, at=VS + 400)
    result = check_pr(repo.path, "main", pr, VS + 500)
    assert errors(result) == ["pr-vote-deleted"]


def test_re_adding_a_vote_that_main_once_included_is_refused(repo):
    path, text = vote_file("ada", 1, "yes", VS + 100, H1)
    merge_to_main(repo, {path: text}, at=VS + 200)
    merge_to_main(repo, {path: None}, at=VS + 300)  # a maintainer's direct push
    _, other = vote_file("ada", 1, "no", VS + 350, H1)
    pr = pull_request(repo, "again", {path: other}, at=VS + 400)
    result = check_pr(repo.path, "main", pr, VS + 500)
    assert errors(result) == ["pr-vote-changed"]


# --------------------------------------------------------------------------
# Layout


def test_a_file_outside_neps_and_votes_is_a_notice_only(repo):
    pr = pull_request(repo, "docs", {"docs/notes.md": "# Notes\n", "stakes/ledger.yaml":
                                     repo.read("stakes/ledger.yaml") + "# reviewed\n"})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert errors(result) == []
    assert slugs(result) == ["pr-outside-layout", "pr-outside-layout"]
    assert all(d.severity is Severity.NOTICE for d in result.diagnostics)
    assert "maintainers' review" in md(result) and "docs/notes.md" in md(result)


def test_an_unknown_file_in_neps_is_refused_once(repo):
    pr = pull_request(repo, "stray", {"neps/notes.txt": "hello\n", "votes/nep-0001/readme.txt": "x\n"})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert errors(result) == ["pr-unknown-file", "pr-unknown-file"]  # not doubled by validate's unknown-file


def test_an_invalid_ledger_in_the_pull_request_is_reported(repo):
    pr = pull_request(repo, "ledger", {"stakes/ledger.yaml": "entries: [{node: 1}]\n"})
    result = check_pr(repo.path, "main", pr, T0 + 7200)
    assert any(d.file == "stakes/ledger.yaml" and d.severity is Severity.ERROR for d in result.diagnostics)


# --------------------------------------------------------------------------
# Revisions and summary


def test_an_unknown_revision_raises_history_error(repo):
    with pytest.raises(HistoryError):
        check_pr(repo.path, "main", "no-such-branch", T0)
    with pytest.raises(HistoryError):
        check_pr(repo.path, "nope", None, T0)


def test_head_defaults_to_HEAD_and_no_change_is_accepted(repo):
    result = check_pr(repo.path, "main", None, T0 + 1)
    assert result.diagnostics == [] and result.changed == []
    assert "accepted" in md(result)


def test_summary_names_the_nep_its_impact_the_change_and_the_verdict(repo):
    pr = pull_request(repo, "edit", {"neps/nep-0001.md": NEP1.replace("bounded cache", "bounded LRU cache")})
    result = check_pr(repo.path, "main", pr, VS)
    text = md(result)
    assert text.startswith("## NEP change policy: ❌ refused: 1 error(s)")
    assert "NEP-0001" in text and "Prompt cache number 1 for inference" in text
    assert "No economic change" in text  # EconomicImpact.describe()
    assert "content edited" in text and "voting" in text
    assert "`NEP700` pr-content-frozen" in text


# --------------------------------------------------------------------------
# The command line


def test_cli_check_pr_refusal_exits_1_with_json_and_writes_the_summary(repo, tmp_path):
    pr = pull_request(repo, "edit", {"neps/nep-0001.md": NEP1.replace("bounded cache", "bounded LRU cache")})
    summary = tmp_path / "summary.md"
    proc = nep_cli(repo.path, "check-pr", "--base", "main", "--head", pr, "--at", str(VS), "--format", "json",
                   "--summary", str(summary))
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["errors"] == 1 and doc["diagnostics"][0]["slug"] == "pr-content-frozen"
    assert "NEP-0001" in summary.read_text(encoding="utf-8")


def test_cli_check_pr_github_format_annotates_and_accepts_a_valid_vote(repo, tmp_path):
    path, text = vote_file("ada", 1, "yes", VS + 100, H1)
    pr = pull_request(repo, "vote", {path: text}, at=VS + 200)
    summary = tmp_path / "step-summary.md"
    proc = nep_cli(repo.path, "check-pr", "--base", "main", "--head", pr, "--at", "2026-01-08T00:05:00Z",
                   "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 error(s)" in proc.stdout
    assert "✅ accepted" in summary.read_text(encoding="utf-8")


def test_cli_check_pr_github_annotation_for_a_refusal(repo):
    pr = pull_request(repo, "delete", {"neps/nep-0002.md": None})
    proc = nep_cli(repo.path, "check-pr", "--base", "main", "--head", pr, "--at", str(T0 + 60), "--format", "github")
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error file=neps/nep-0002.md,line=1,col=1,title=NEP706::[pr-nep-deleted] ")


def test_cli_check_pr_unknown_revision_exits_2_without_traceback(repo):
    proc = nep_cli(repo.path, "check-pr", "--base", "no-such-rev", "--at", str(T0))
    assert proc.returncode == 2
    assert "no-such-rev" in proc.stderr and "Traceback" not in proc.stderr


def test_node_ids_of_the_fixture_are_distinct():
    assert len({node(n) for n in ("ada", "bob", "cy", "dee", "eve")}) == 5


# --------------------------------------------------------------------------
# What the checks at submission decided stays decided


def test_switching_to_the_emergency_track_after_submission_is_refused(repo):
    """Review-time edits are allowed, but not one that would move VS = T0 into the past."""
    edited = NEP1.replace('type: "arch"', 'type: "emergency"').replace("grace_period_days: 7", "grace_period_days: 0")
    pr = pull_request(repo, "emergency", {"neps/nep-0001.md": edited})
    result = check_pr(repo.path, "main", pr, T0 + 3600)
    assert "pr-submission-fixed" in errors(result)
    d = next(d for d in result.diagnostics if d.slug == "pr-submission-fixed")
    assert d.code == "NEP712" and "track" in d.message


def test_changing_the_proposer_after_submission_is_refused(repo):
    edited = NEP1.replace(node("ada"), node("eve"), 1)
    assert edited != NEP1
    pr = pull_request(repo, "proposer", {"neps/nep-0001.md": edited})
    assert "pr-submission-fixed" in errors(check_pr(repo.path, "main", pr, T0 + 3600))


def test_a_type_change_within_the_standard_track_during_review_is_accepted(repo):
    pr = pull_request(repo, "net", {"neps/nep-0001.md": NEP1.replace('type: "arch"', 'type: "net"')})
    assert errors(check_pr(repo.path, "main", pr, VS - 1)) == []


def test_the_proposer_of_a_draft_may_change(repo):
    edited = NEP2.replace(node("bob"), node("cy"), 1)
    assert edited != NEP2
    pr = pull_request(repo, "draft-proposer", {"neps/nep-0002.md": edited})
    assert "pr-submission-fixed" not in errors(check_pr(repo.path, "main", pr, T0 + 3600))
