"""`nep advance`: the bot writes each NEP's computed state, at the right instants, touching no other byte.

One repository lives through a whole lifecycle: submitted at T0, voting at
exactly VS, decided at exactly VE, active at exactly AT, with one bot commit
per NEP transition dated as of the run.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from gitrepo import GitRepo
from nepfixtures import (
    AT,
    GOVERNANCE,
    T0,
    VE,
    VS,
    content_hash,
    genesis,
    ledger_text,
    nep_cli,
    nep_text,
    vote_file,
)
from tooling.app.advance import AdvanceError, PlannedChange, plan, run
from tooling.shell.evaluate import gather

BOT = ("neuroshard-nep-bot", "nep-bot@users.noreply.github.com")


def crlf_nep() -> str:
    """NEP 1 as a person might write it: CRLF, comments, single quotes, a comment after the status."""
    text = nep_text(1, status="review")
    text = text.replace('title: "Prompt cache number 1 for inference"', "title: 'Prompt cache: it''s fast'")
    text = text.replace('status: "review"', "status: review  # submit")
    text = text.replace('created: "2025-12-20"', "# Written by hand; the bot must leave this comment.\n"
                                                 "created: '2025-12-20'   # the day we met")
    text = text.replace("migration_steps: []\n---", "migration_steps: []\n\n# end of the author's part\n---")
    return text.replace("\n", "\r\n")


NEP1 = crlf_nep()
NEP2 = nep_text(2, status="review", proposer="bob")
NEP3 = nep_text(3, status="review", proposer="eve")  # eve has no stake: rejected at T0
NEP4 = nep_text(4, status="draft", proposer="cy")
P1, P2, P3, P4 = (f"neps/nep-000{n}.md" for n in (1, 2, 3, 4))


def advance(repo: GitRepo, at: int, **kw):
    kw.setdefault("commit", True)
    kw.setdefault("dry_run", False)
    return run(repo.path, at, bot_name=BOT[0], bot_email=BOT[1], **kw)


def log(repo: GitRepo, rev_range: str) -> list[list[str]]:
    out = repo.git("log", "--reverse", "--format=%an|%ae|%at|%cn|%ce|%ct|%s", rev_range)
    return [line.split("|", 6) for line in out.splitlines()]


def raw(repo: GitRepo, path: str) -> bytes:
    return (repo.path / path).read_bytes()


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return genesis(tmp_path / "repo", {1: NEP1, 2: NEP2, 3: NEP3, 4: NEP4})


def test_a_nep_moves_through_every_status_at_its_instants_with_one_bot_commit_per_transition(repo):
    start = repo.head()

    # T0: both submissions are recorded; NEP 3 is rejected at once (no stake).
    result = advance(repo, T0)
    assert [c.nep for c in result.changes] == [1, 2, 3]
    assert len(result.commits) == 3
    assert [c[6] for c in log(repo, f"{start}..HEAD")] == [
        "NEP-0001: review (submitted 2026-01-01T00:00:00Z, voting from 2026-01-08T00:00:00Z)",
        "NEP-0002: review (submitted 2026-01-01T00:00:00Z, voting from 2026-01-08T00:00:00Z)",
        "NEP-0003: review -> rejected (insufficient_stake, rejected at submission)",
    ]
    for an, ae, at_, cn, ce, ct, _ in log(repo, f"{start}..HEAD"):
        assert (an, ae, cn, ce) == (*BOT, *BOT)
        assert int(at_) == int(ct) == T0
    assert 'status: "rejected"' in repo.read(P3)
    assert 'reason: "insufficient_stake"\n  yes: "0"\n  no: "0"\n  abstain: "0"\n  total_stake: "0"\n' \
           '  quorum_reached: false\n  approval_reached: false\n  decided_at: "2026-01-01T00:00:00Z"\n' in repo.read(P3)

    # One second before VS nothing changes; at exactly VS both open for voting.
    before = repo.head()
    assert advance(repo, VS - 1).changes == [] and repo.head() == before
    result = advance(repo, VS)
    assert [c[6] for c in log(repo, f"{before}..HEAD")] == [
        "NEP-0001: review -> voting (voting until 2026-01-15T00:00:00Z)",
        "NEP-0002: review -> voting (voting until 2026-01-15T00:00:00Z)",
    ]
    assert all(int(c[2]) == VS for c in log(repo, f"{before}..HEAD"))

    # Votes on NEP 1 land during voting: 5000 yes, 2000 no, 1000 abstain of 20000.
    h1 = content_hash(NEP1)
    for voter, choice in (("ada", "yes"), ("bob", "no"), ("cy", "abstain")):
        path, text = vote_file(voter, 1, choice, VS + 600, h1)
        repo.write(path, text)
    repo.commit("merge votes", at=VS + 3600)

    before = repo.head()
    assert advance(repo, VE - 1).changes == []
    advance(repo, VE)
    assert [c[6] for c in log(repo, f"{before}..HEAD")] == [
        "NEP-0001: voting -> scheduled (approved 71.4 % of 40.0 % turnout)",
        "NEP-0002: voting -> rejected (no_quorum: 0.0 % turnout)",
    ]

    before = repo.head()
    assert advance(repo, AT - 1).changes == []
    advance(repo, AT)
    assert [c[6] for c in log(repo, f"{before}..HEAD")] == [
        "NEP-0001: scheduled -> active (activated 2026-01-22T00:00:00Z)",
    ]

    # Every authored byte of the CRLF file is as it was; only the bot fields changed or were appended.
    expected = NEP1.replace("status: review  # submit", 'status: "active"  # submit').replace(
        "# end of the author's part\r\n---",
        "# end of the author's part\r\n"
        'submitted: "2026-01-01T00:00:00Z"\r\n'
        "resolution:\r\n"
        '  outcome: "approved"\r\n'
        "  reason: null\r\n"
        '  yes: "5000"\r\n'
        '  no: "2000"\r\n'
        '  abstain: "1000"\r\n'
        '  total_stake: "20000"\r\n'
        "  quorum_reached: true\r\n"
        "  approval_reached: true\r\n"
        '  decided_at: "2026-01-15T00:00:00Z"\r\n'
        'activated: "2026-01-22T00:00:00Z"\r\n'
        "---",
    )
    assert raw(repo, P1) == expected.encode("utf-8")
    assert content_hash(raw(repo, P1).decode()) == h1  # the votes still bind to it
    expected2 = NEP2.replace('status: "review"', 'status: "rejected"').replace(
        "migration_steps: []\n---",
        "migration_steps: []\n"
        'submitted: "2026-01-01T00:00:00Z"\n'
        "resolution:\n"
        '  outcome: "rejected"\n'
        '  reason: "no_quorum"\n'
        '  yes: "0"\n  no: "0"\n  abstain: "0"\n  total_stake: "20000"\n'
        "  quorum_reached: false\n  approval_reached: false\n"
        '  decided_at: "2026-01-15T00:00:00Z"\n'
        "---",
    )
    assert repo.read(P2) == expected2
    assert raw(repo, P4) == NEP4.encode()  # a draft is the author's alone

    # Idempotent: the same instant again writes and commits nothing.
    snapshot = {p: raw(repo, p) for p in (P1, P2, P3, P4)}
    head = repo.head()
    again = advance(repo, AT)
    assert again.changes == [] and again.commits == [] and repo.head() == head
    assert {p: raw(repo, p) for p in (P1, P2, P3, P4)} == snapshot
    assert "Nothing to do" in again.text
    assert repo.git("status", "--porcelain") == ""


def test_a_late_run_jumps_straight_to_the_state_at_as_of_with_the_rules_instants(repo):
    advance(repo, AT + 5 * 86400)
    text = repo.read(P2)
    assert 'status: "rejected"' in text and 'decided_at: "2026-01-15T00:00:00Z"' in text
    messages = [c[6] for c in log(repo, "HEAD~3..HEAD")]
    assert messages[1] == "NEP-0002: review -> rejected (no_quorum: 0.0 % turnout)"


def test_plan_is_pure_and_lists_the_fields_to_write(repo):
    world = gather(repo.path)
    changes = plan(world, VE)
    assert raw(repo, P1) == NEP1.encode()
    first = changes[0]
    assert isinstance(first, PlannedChange)
    assert (first.nep, first.path, first.old_status, first.new_status) == (1, P1, "review", "rejected")
    assert first.updates["submitted"] == "2026-01-01T00:00:00Z"
    assert first.updates["resolution"]["reason"] == "no_quorum"
    assert list(first.updates) == ["status", "submitted", "resolution"]


def test_dry_run_shows_the_plan_and_writes_nothing(repo):
    head = repo.head()
    result = advance(repo, VS, dry_run=True)
    assert [c.nep for c in result.changes] == [1, 2, 3] and result.commits == []
    assert "would write neps/nep-0001.md (status, submitted): NEP-0001: review -> voting" in result.text
    assert raw(repo, P1) == NEP1.encode() and repo.head() == head
    assert repo.git("status", "--porcelain") == ""


def test_a_dirty_work_tree_is_refused_before_anything_is_written(repo):
    repo.write("notes.txt", "work in progress\n")
    with pytest.raises(AdvanceError, match="uncommitted changes.*notes.txt"):
        advance(repo, VS)
    assert raw(repo, P1) == NEP1.encode()


def test_the_cache_folder_does_not_make_the_tree_dirty(repo):
    (repo.path / ".nep-cache").mkdir(exist_ok=True)
    (repo.path / ".nep-cache" / "junk.json").write_text("{}")
    assert len(advance(repo, T0).commits) == 3


def test_commit_time_cannot_go_back_before_heads_clock(repo):
    repo.commit("a later commit", at=VS, allow_empty=True)
    with pytest.raises(AdvanceError, match="clock never goes backwards"):
        advance(repo, VS - 1)
    assert len(advance(repo, VS).commits) == 3  # at the clock itself it is fine


def test_commit_outside_git_is_refused(tmp_path):
    (tmp_path / "governance.yaml").write_text(GOVERNANCE)
    with pytest.raises(AdvanceError, match="git repository"):
        run(tmp_path, T0, commit=True, dry_run=False, bot_name=BOT[0], bot_email=BOT[1])


def test_head_moved_by_someone_else_is_never_overwritten(repo):
    from tooling.app.advance import commit_all

    stale = repo.head()
    theirs = repo.commit("someone else's commit", at=T0 + 10, allow_empty=True)
    with pytest.raises(AdvanceError, match="update-ref"):
        commit_all(repo.path, stale, [(P2, b"new\n", "100644", "NEP-0002: test")], name=BOT[0], email=BOT[1],
                   at=T0 + 20)
    assert repo.head() == theirs
    assert "nep-advance" not in repo.git("for-each-ref")  # the scratch ref is gone


def test_an_executable_nep_file_keeps_its_mode_in_the_bot_commit(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.write("governance.yaml", GOVERNANCE)
    repo.write("stakes/ledger.yaml", ledger_text())
    os.chmod(repo.write(P2, NEP2), 0o755)
    repo.commit("genesis", at=T0)
    advance(repo, VS)
    assert repo.git("ls-tree", "HEAD", P2).startswith("100755 ")
    assert os.stat(repo.path / P2).st_mode & 0o111
    assert repo.git("status", "--porcelain") == ""


@pytest.mark.parametrize("name, email", [("bot <x>", "a@b"), ("bot", "a@b\nX: y"), ("", "a@b")])
def test_an_identity_git_cannot_record_is_refused(repo, name, email):
    with pytest.raises(AdvanceError, match="git identity"):
        run(repo.path, VS, commit=True, dry_run=False, bot_name=name, bot_email=email)
    assert raw(repo, P1) == NEP1.encode()


def plain_repo(path: Path, files: dict[str, str]) -> Path:
    for rel, text in {"governance.yaml": GOVERNANCE, "stakes/ledger.yaml": ledger_text(), **files}.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_bytes(text.encode())
    return path


def test_outside_git_a_review_file_is_stamped_with_as_of_and_keeps_its_mode(tmp_path):
    root = plain_repo(tmp_path, {P2: NEP2})
    os.chmod(root / P2, 0o640)
    result = run(root, VS, commit=False, dry_run=False)
    assert result.commits == []
    text = (root / P2).read_text()
    assert 'submitted: "2026-01-08T00:00:00Z"' in text and 'status: "review"' in text
    assert stat.S_IMODE(os.stat(root / P2).st_mode) == 0o640
    # Once written, `submitted` is the source of truth: a later run keeps T0.
    assert run(root, VS + 3600, commit=False, dry_run=False).changes == []
    later = run(root, VS + 7 * 86400, commit=False, dry_run=False)
    assert [c.new_status for c in later.changes] == ["voting"]


def test_a_front_matter_the_patch_cannot_handle_is_left_alone_and_reported(tmp_path):
    import json

    import yaml

    # The same NEP with its front matter as one flow mapping (JSON is YAML): valid, but no key has a line.
    source = nep_text(2, status="review", proposer="bob")
    _, fm, body = source.split("---\n", 2)
    flow = "---\n" + json.dumps(yaml.safe_load(fm)) + "\n---\n" + body
    root = plain_repo(tmp_path, {P2: flow})
    assert [c.nep for c in plan(gather(root), VS)] == [2]
    result = run(root, VS, commit=False, dry_run=False)
    assert (root / P2).read_bytes() == flow.encode()
    assert result.changes == [] and len(result.skipped) == 1
    assert "error: NEP-0002 not written" in result.text


def test_a_status_with_trailing_spaces_is_patched_in_place(tmp_path):
    text = nep_text(2, status="review", proposer="bob").replace('status: "review"', "status: review   ")
    root = plain_repo(tmp_path, {P2: text})
    run(root, VS, commit=False, dry_run=False)
    assert "status: review   \n" in (root / P2).read_text()  # the same status: the line is untouched
    run(root, VS + 7 * 86400, commit=False, dry_run=False)
    assert 'status: "voting"   \n' in (root / P2).read_text()


def test_patch_gives_an_empty_value_its_space():
    from tooling.parse.yamlpatch import patch_front_matter

    text = "---\nnep: 1\nstatus:\n---\nbody\n"
    assert patch_front_matter(text, {"status": "voting"}, ["status"]) == '---\nnep: 1\nstatus: "voting"\n---\nbody\n'


def test_patch_only_breaks_lines_at_line_feeds():
    from tooling.parse.yamlpatch import patch_front_matter

    # U+2028 and U+0085 inside a quoted value are not line breaks: "y: z" there is no key.
    for sep in ("\u2028", "\x85", "\x0c"):
        text = f'---\nnep: 1\ntitle: "a{sep}y: z"\n---\nbody\n'
        out = patch_front_matter(text, {"y": "new"}, ["y"])
        assert out == f'---\nnep: 1\ntitle: "a{sep}y: z"\ny: "new"\n---\nbody\n'


# --------------------------------------------------------------------------
# The command line


def test_cli_advance_commits_as_the_configured_bot_identity(repo):
    start = repo.head()
    proc = nep_cli(repo.path, "advance", "--at", "2026-01-08T00:00:00Z", "--commit",
                   env={"NEP_BOT_NAME": "custom-bot", "NEP_BOT_EMAIL": "bot@example.org"})
    assert proc.returncode == 0, proc.stderr
    assert "NEP-0001: review -> voting" in proc.stdout
    entries = log(repo, f"{start}..HEAD")
    assert len(entries) == 3
    assert all(e[:2] == ["custom-bot", "bot@example.org"] and int(e[2]) == VS for e in entries)


def test_cli_advance_refuses_a_dirty_tree_with_exit_2(repo):
    repo.write(P4, NEP4 + "\nMore text.\n")
    proc = nep_cli(repo.path, "advance", "--at", str(VS), "--commit")
    assert proc.returncode == 2
    assert "uncommitted changes" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_advance_dry_run_writes_nothing(repo):
    proc = nep_cli(repo.path, "advance", "--at", str(VE), "--dry-run")
    assert proc.returncode == 0 and "Dry run" in proc.stdout
    assert raw(repo, P1) == NEP1.encode()


def test_a_crlf_checkout_of_an_lf_repository_gets_a_two_line_bot_commit_and_a_clean_tree(tmp_path):
    """`.gitattributes: *.md text eol=crlf`: git stores LF, the work tree has CRLF. The bot
    commit must go through the same conversion as `git add` (found in review: it stored CRLF)."""
    repo = GitRepo(tmp_path / "repo")
    repo.write(".gitattributes", "*.md text eol=crlf\n")
    repo.write("governance.yaml", GOVERNANCE)
    repo.write("stakes/ledger.yaml", ledger_text())
    repo.write(P1, NEP1)
    repo.commit("genesis", at=T0)
    repo.git("rm", "-q", "--cached", "-r", ".")
    repo.git("reset", "-q", "--hard")
    assert raw(repo, P1).startswith(b"---\r\n")  # the checkout converted to CRLF
    advance(repo, VS)
    stat = repo.git("show", "--numstat", "--format=", "HEAD", "--", P1).split()
    assert stat[:2] == ["2", "1"]  # the status line rewritten, `submitted` appended; nothing else
    assert repo.git("cat-file", "-p", f"HEAD:{P1}").startswith("---\n")  # stored as LF, like git add does
    assert repo.git("status", "--porcelain") == ""
    assert advance(repo, VS).commits == []  # and the next run is a no-op, not stuck on a dirty tree
