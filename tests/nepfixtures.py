"""Small NEP repositories for the policy and bot tests: fixed keys, a ledger, valid NEP files, signed votes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gitrepo import GitRepo

from tooling.parse.proposals import parse_nep
from tooling.core.votes import node_id, private_key_from_token, public_key_hex, render_vote_file, sign_vote

ROOT = Path(__file__).resolve().parents[1]
GOVERNANCE = (ROOT / "governance.yaml").read_text(encoding="utf-8")
NETWORK = "neuroshard-mainnet"
DAY = 86_400

T0 = 1767225600  # 2026-01-01T00:00:00Z: the genesis commit, T0 of every NEP submitted in it
VS = T0 + 7 * DAY  # 2026-01-08: voting start (standard track, review 168 h)
VE = VS + 7 * DAY  # 2026-01-15: voting end (voting 168 h)
GRACE_DAYS = 7
AT = VE + GRACE_DAYS * DAY  # 2026-01-22: activation


def key(name: str) -> bytes:
    return private_key_from_token(f"nep-test-{name}")


def node(name: str) -> str:
    return node_id(public_key_hex(key(name)))


#: Stake of each test node, in force from 2025-12-01 to 2027-12-01 (eve has none).
STAKES = {"ada": "5000", "bob": "2000", "cy": "1000", "dee": "12000"}
TOTAL_STAKE = "20000"


def ledger_text() -> str:
    lines = ["entries:"]
    for name, amount in STAKES.items():
        lines += [
            f'  - node: "{node(name)}"   # {name}',
            f'    amount: "{amount}"',
            '    since: "2025-12-01T00:00:00Z"',
            '    locked_until: "2027-12-01T00:00:00Z"',
        ]
    return "\n".join(lines) + "\n"


BODY = """
## Abstract

Cache the attention keys of finished prompts on the serving node.

## Motivation

Repeated prompts are recomputed from scratch today.

## Specification

Keep a bounded cache of prompt prefixes on each inference node.

## Economic Impact

No economic change: every field of the impact is at its no-change value.

## Upgrade Path

Backward compatible; nodes upgrade to 1.1.0 within the grace period.
"""


def nep_text(n: int, *, status: str = "draft", proposer: str = "ada", title: str | None = None,
             body: str = BODY, extra: str = "") -> str:
    """A NEP file that passes `nep validate` (type arch, neutral impact, 1.0.0 -> 1.1.0)."""
    title = title or f"Prompt cache number {n} for inference"
    return f"""---
nep: {n}
title: "{title}"
type: "arch"
status: "{status}"
authors:
  - name: "Test Author {proposer}"
    node: "{node(proposer)}"
created: "2025-12-20"
economic_impact:
  training_reward_multiplier: 1.0
  training_efficiency_multiplier: 1.0
  inference_reward_multiplier: 1.0
  inference_cost_multiplier: 1.0
  min_memory_change_mb: 0
  min_compute_change_tflops: 0.0
  staking_multiplier_change: 0.0
  upgrade_cost_neuro: "0"
  net_earnings_change_percent: 0.0
upgrade_path:
  min_version: "1.0.0"
  target_version: "1.1.0"
  grace_period_days: {GRACE_DAYS}
  backward_compatible: true
  requires_checkpoint_reload: false
  migration_steps: []
{extra}---
{body}"""


def content_hash(text: str, path: str = "neps/nep-0001.md") -> str:
    parsed = parse_nep(path, text.encode("utf-8"))
    assert parsed.proposal is not None, parsed.diagnostics
    return parsed.proposal.content_hash


def vote_file(voter: str, nep: int, choice: str, timestamp: int, chash: str, *, reason: str = "",
              network: str = NETWORK) -> tuple[str, str]:
    """(path, text) of a vote signed with the voter's test key."""
    vote = sign_vote(key(voter), network=network, nep=nep, content_hash=chash, choice=choice,
                     timestamp=timestamp, reason=reason)
    return vote.path, render_vote_file(vote)


def genesis(path: Path, neps: dict[int, str], *, at: int = T0) -> GitRepo:
    """A repository on branch main whose first commit holds governance, ledger and the given NEP files."""
    repo = GitRepo(path)
    repo.write("governance.yaml", GOVERNANCE)
    repo.write("stakes/ledger.yaml", ledger_text())
    for n, text in neps.items():
        repo.write(f"neps/nep-{n:04d}.md", text)
    repo.commit("genesis", at=at)
    return repo


def nep_cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m tooling ARGS` in ``cwd`` (the temp repository), as a user would run `nep`."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    full.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, NO_COLOR="1",
                PYTHONPATH=str(ROOT) + os.pathsep + full.get("PYTHONPATH", ""))
    full.pop("GITHUB_STEP_SUMMARY", None)
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "tooling", *args], cwd=cwd, env=full, capture_output=True,
                          text=True)
