"""``nep bench``: a synthetic NEP repository at a chosen scale, and what each command costs on it.

The shell of the benchmark. ``build_repository`` writes a valid repository
(governance, a stake ledger, NEPs with realistic bodies, signed votes) and
its first-parent history with one ``git fast-import`` stream, so that 20,000
commits and 100,000 votes take seconds to set up; signing runs before
anything is measured. ``run_bench`` then times every stage as the user runs
it, one fresh ``python -m tooling`` process per stage (interpreter start and
imports included), first cold (no ``.nep-cache``), then warm (caches left by
the previous run), then warm after a new commit that edits 1 % of the NEPs
and adds 1 % more votes.

Each cold stage is compared with a *floor*: the time the libraries
themselves need for the work that stage cannot avoid, also measured in a
fresh process. The floors are sums of primitives (see ``FLOOR_PARTS``):

- ``load``: read every file and load it with PyYAML's ``CSafeLoader``;
- ``schema``: one compiled ``jsonschema`` validator per kind over every NEP
  front matter, vote, the governance file and the ledger;
- ``verify``: canonical JSON + SHA-256 + coincurve ``verify`` of every vote,
  with one ``PublicKey`` object per distinct key;
- ``log``: one ``git log --first-parent --raw`` pass over the history;
- ``yaml_neps``: ``CSafeLoader`` over every NEP front matter (what advance reads again);
- ``render``: markdown-it over every body and a trivial Jinja template per page.

``validate``, ``tally`` and ``status`` all need every file, the history and
every signature (a status needs outcomes, an outcome needs the tally, the
tally needs valid votes), so they share the floor ``load + schema + verify +
log``; ``advance`` adds ``yaml_neps``, ``site`` adds ``render``.

Timing uses the wall clock (``time.perf_counter``): measuring it is this
module's job; nothing here decides a governance outcome.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, TextIO

GENESIS = 1_767_225_600  # 2026-01-01T00:00:00Z
DAY = 86_400
HOUR = 3_600
#: Seconds between the last commit of the history and the benchmark's --at.
AS_OF_AFTER_HEAD = HOUR
SEED = 20_260_101
STAGES = ("validate", "tally", "status", "advance", "site")
FLOOR_PARTS: dict[str, tuple[str, ...]] = {
    "validate": ("load", "schema", "verify", "log"),
    "tally": ("load", "schema", "verify", "log"),
    "status": ("load", "schema", "verify", "log"),
    "advance": ("load", "schema", "verify", "log", "yaml_neps"),
    "site": ("load", "schema", "verify", "log", "render"),
}
PRIMITIVES = ("load", "schema", "verify", "log", "yaml_neps", "render")

# Share of NEPs per lifecycle position at --at (the rest are decided).
_SHARES = {"draft": 0.03, "withdrawn": 0.02, "review": 0.02, "voting": 0.05}
_TYPES = (("arch", 0.42), ("train", 0.2), ("net", 0.15), ("econ", 0.13), ("gov", 0.10))
_REASONS = ("", "", "", "", "", "", "Saves memory on every node.", "Needed for the next release.",
            "Ça marche pour nous.", "Too risky without a test network run.", "Agree with the rationale 👍",
            "The economics section is convincing.")

_EMBEDDED_GOVERNANCE = """\
# NeuroShard governance: genesis parameters (SPEC section 5).
network: neuroshard-mainnet
protocol_version: 1.0.0
features: [diloco, dynamic_layers, ponw, gossip_proofs, ecdsa_signatures,
           inference_market, robust_aggregation]
parameters:
  economics.constants.TRAINING_REWARD_PER_BATCH_PER_LAYER: 0.0005
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


class BenchError(Exception):
    """The benchmark cannot run with these arguments or in this environment."""


# --------------------------------------------------------------------------
# Small helpers


def _checkout() -> Path:
    return Path(__file__).resolve().parents[2]


def _rfc3339(t: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def _date(t: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(t))


def _git_env() -> dict[str, str]:
    """The environment for every git and tool process: no caller's GIT_* and no user configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, NO_COLOR="1")
    env.pop("NEP_CACHE_DIR", None)  # the caches go to the git directory, which the cold runs empty
    root = str(_checkout())
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=repo, env=env or _git_env(), capture_output=True)
    except FileNotFoundError:
        raise BenchError("git is not installed (or not on PATH)") from None
    if proc.returncode != 0:
        raise BenchError(f"git {args[0]} failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout.decode("utf-8", "replace")


def _say(log: TextIO | None, message: str) -> None:
    if log is not None:
        log.write(f"[bench] {message}\n")
        log.flush()


def _yaml_scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)


def _render_yaml(data: dict[str, Any], indent: int = 0) -> list[str]:
    """Block YAML for the front matter shapes used here; every string double-quoted (SPEC 2)."""
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += _render_yaml(value, indent + 2)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{pad}{key}:")
            for item in value:
                sub = _render_yaml(item, indent + 4)
                lines.append(f"{pad}  - " + sub[0].lstrip())
                lines += sub[1:]
        elif isinstance(value, list):
            if value and all(isinstance(x, str) for x in value):
                lines.append(f"{pad}{key}:")
                lines += [f"{pad}  - {_yaml_scalar(x)}" for x in value]
            else:
                lines.append(f"{pad}{key}: [{', '.join(_yaml_scalar(x) for x in value)}]")
        else:
            lines.append(f"{pad}{key}: {_yaml_scalar(value)}")
    return lines


# --------------------------------------------------------------------------
# Text for the bodies: the shared corpus when the checkout has one, else generated prose

_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WORDS = ("node", "shard", "gradient", "stake", "reward", "layer", "checkpoint", "latency", "proof", "gossip",
          "round", "batch", "validator", "inference", "training", "network", "memory", "peer", "quorum", "upgrade",
          "the", "of", "a", "each", "every", "when", "before", "after", "with", "without", "must", "may", "is")


def _blocks(body: str) -> list[str]:
    """Paragraphs and whole fenced code blocks of a Markdown body, headings and rules removed."""
    out: list[str] = []
    para: list[str] = []
    fence: str | None = None
    code: list[str] = []

    def flush() -> None:
        if para:
            text = "\n".join(para).strip("\n")
            if text.strip():
                out.append(text)
            para.clear()

    for raw in body.split("\n"):
        line = raw.rstrip("\r")
        if _CONTROL.search(line):
            line = _CONTROL.sub("", line)
        m = _FENCE.match(line)
        if fence is not None:
            code.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                out.append("\n".join(code))
                fence, code = None, []
            continue
        if m:
            flush()
            fence, code = m.group(1), [line]
            continue
        if _ATX.match(line) or _SETEXT.match(line):
            flush()
            continue
        if not line.strip():
            flush()
            continue
        para.append(line)
    flush()  # an unclosed fence is dropped: it would swallow every heading after it
    return [b for b in out if 20 <= len(b) <= 2500]


def _corpus(checkout: Path) -> tuple[list[str], list[str]]:
    """(blocks, titles) from ``../shared/corpus/eips/neps`` beside the checkout; empty if absent."""
    folder = checkout.parent / "shared" / "corpus" / "eips" / "neps"
    blocks: list[str] = []
    titles: list[str] = []
    if not folder.is_dir():
        return blocks, titles
    for f in sorted(folder.glob("nep-*.md")):
        try:
            text = f.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
        except OSError:
            continue
        if text.startswith("---\n") and "\n---\n" in text[4:]:
            head, body = text[4:].split("\n---\n", 1)
            m = re.search(r'^title: "((?:[^"\\]|\\.)*)"$', head, re.M)
            if m:
                try:
                    title = json.loads(f'"{m.group(1)}"')
                except ValueError:
                    title = ""
                title = _CONTROL.sub("", title).strip()
                if 5 <= len(title) <= 120:
                    titles.append(title)
        else:
            body = text
        blocks += _blocks(body)
    return blocks, titles


def _prose(rng: random.Random, size: int) -> str:
    words = []
    total = 0
    while total < size:
        w = rng.choice(_WORDS)
        words.append(w)
        total += len(w) + 1
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


class _TextSource:
    def __init__(self, blocks: list[str], titles: list[str], rng: random.Random) -> None:
        self.blocks = blocks
        self.titles = titles
        self.rng = rng
        self.pos = rng.randrange(len(blocks)) if blocks else 0

    def paragraphs(self, size: int) -> str:
        out: list[str] = []
        total = 0
        while total < size:
            if self.blocks:
                b = self.blocks[self.pos % len(self.blocks)]
                self.pos += 1
            else:
                b = _prose(self.rng, self.rng.randint(200, 700))
            out.append(b)
            total += len(b) + 2
        return "\n\n".join(out)

    def title(self, number: int) -> str:
        if self.titles:
            return self.titles[(number * 7919) % len(self.titles)]
        return f"Synthetic proposal {number}: " + " ".join(self.rng.choice(_WORDS) for _ in range(5))


# --------------------------------------------------------------------------
# The synthetic repository


@dataclass
class _Nep:
    key: int  # planning order, before numbering
    category: str  # draft, withdrawn, review, voting, decided
    created: int  # commit index of the draft
    review: int | None = None  # commit index of status: review (T0)
    withdraw: int | None = None
    number: int = 0
    type: str = "arch"
    t0: int | None = None
    vs: int | None = None
    ve: int | None = None
    front: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    content_hash: str = ""
    window: tuple[int, int] | None = None  # commit indices [lo, hi] inside the voting window

    def text(self, status: str) -> bytes:
        front = dict(self.front)
        front["status"] = status
        order = ["nep", "title", "type", "status"] + [k for k in self.front if k not in ("nep", "title", "type")]
        lines = ["---", *_render_yaml({k: front[k] for k in order}), "---", ""]
        return ("\n".join(lines) + self.body).encode("utf-8")


@dataclass
class Synthetic:
    """What the benchmark needs to know about the repository it built."""

    root: Path
    as_of: int
    head_time: int
    network: str
    sizes: dict[str, int]
    neps: list[_Nep]
    voted: dict[int, set[int]]  # NEP number -> voter indices that already voted
    node_ids: list[str]
    weights: list[float]
    rng_state: Any = None


@lru_cache(maxsize=None)
def _signing_key(index: int) -> tuple[Any, str, str]:
    """(coincurve PrivateKey, public key hex, node id) of synthetic node ``index``; deterministic."""
    from coincurve import PrivateKey

    from tooling.core import votes

    priv = votes.private_key_from_token(f"nep-bench-node-{index}")
    key = PrivateKey(priv)
    pub = key.public_key.format(compressed=True).hex()
    return key, pub, votes.node_id(pub)


def _sign_jobs(jobs: Sequence[tuple[int, int, str, int, str, str, str]]) -> list[tuple[str, bytes]]:
    """Signed vote files for (nep, voter index, choice, timestamp, reason, content hash, network) jobs."""
    from tooling.core import votes
    from tooling.core.model import Choice, Vote

    out = []
    for nep, voter, choice, ts, reason, chash, network in jobs:
        key, pub, node = _signing_key(voter)
        payload = votes.vote_payload(network=network, nep=nep, content_hash=chash, voter=node, choice=choice,
                                     timestamp=ts, reason=reason)
        sig = key.sign(votes.payload_digest(payload), hasher=None).hex()
        vote = Vote(path=votes.vote_path(nep, node), nep=nep, voter=node, public_key=pub, choice=Choice(choice),
                    timestamp=ts, reason=reason, content_hash=chash, network=network, signature=sig)
        out.append((vote.path, votes.render_vote_file(vote).encode("utf-8")))
    return out


def _sign_all(jobs: list[tuple[int, int, str, int, str, str, str]], log: TextIO | None) -> list[tuple[str, bytes]]:
    if len(jobs) < 4_000:
        return _sign_jobs(jobs)
    import multiprocessing

    workers = max(1, min(2, os.cpu_count() or 1))
    chunk = 5_000
    parts = [jobs[i:i + chunk] for i in range(0, len(jobs), chunk)]
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - no fork on this platform
        ctx = multiprocessing.get_context()
    out: list[tuple[str, bytes]] = []
    with ctx.Pool(workers) as pool:
        for i, part in enumerate(pool.imap(_sign_jobs, parts)):
            out += part
            if (i + 1) % 5 == 0:
                _say(log, f"  signed {len(out):,} of {len(jobs):,} votes")
    return out


def _weighted_sample(rng: random.Random, inv_weights: Sequence[float], k: int) -> list[int]:
    """k distinct indices, each drawn with probability proportional to its weight (Efraimidis-Spirakis)."""
    rnd = rng.random
    keys = [rnd() ** w for w in inv_weights]
    return heapq.nlargest(k, range(len(keys)), key=keys.__getitem__)


def build_repository(root: Path, *, neps: int, votes: int, commits: int, nodes: int,
                     log: TextIO | None = None, seed: int = SEED) -> Synthetic:
    """Write a valid synthetic NEP repository with its git history into the empty folder ``root``."""
    import yaml

    from tooling.core.votes import content_hash

    if neps < 1 or commits < 1 or nodes < 1 or votes < 0:
        raise BenchError("--neps, --commits and --nodes must be at least 1, --votes at least 0")
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise BenchError(f"{root} is not empty; the benchmark builds its repository in an empty folder")
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    checkout = _checkout()
    started = time.perf_counter()

    gov_file = checkout / "governance.yaml"
    gov_text = gov_file.read_text(encoding="utf-8") if gov_file.is_file() else _EMBEDDED_GOVERNANCE
    gov = yaml.safe_load(gov_text)
    network = str(gov["network"])
    track = gov["tracks"]["standard"]
    review_s, voting_s = int(track["review_hours"]) * HOUR, int(track["voting_hours"]) * HOUR
    grace_lo, grace_hi = int(track["grace_min_days"]), int(track["grace_max_days"])
    min_stake = float(gov["min_stake_to_propose"])
    genesis_version = str(gov["protocol_version"])
    major = int(genesis_version.split(".")[0])

    # ---- nodes and the stake ledger: a long tail of holders, a few large ones
    _say(log, f"deriving {nodes:,} node keys")
    node_ids = [_signing_key(i)[2] for i in range(nodes)]
    base = max(1000, int(min_stake * 10))
    amounts = [base + 200_000 // (i + 1) for i in range(nodes)]
    weights = [float(a) for a in amounts]
    forever = GENESIS + 20 * 365 * DAY

    # ---- the time line: commit i is at GENESIS + i * step
    counts = {k: int(round(v * neps)) for k, v in _SHARES.items()}
    if neps >= 3:
        counts["draft"] = max(1, counts["draft"])
    if neps >= 2:
        counts["voting"] = max(1, counts["voting"])
    while sum(counts.values()) >= neps:  # at least one decided NEP
        biggest = max(counts, key=lambda k: counts[k])
        counts[biggest] -= 1
    counts["decided"] = neps - sum(counts.values())
    span = int(counts["decided"] * 1.5 * DAY) + 30 * DAY
    step = max(1, span // max(1, commits - 1))
    head = commits - 1
    head_time = GENESIS + head * step
    as_of = head_time + AS_OF_AFTER_HEAD

    def time_of(i: int) -> int:
        return GENESIS + i * step

    def index_at_or_after(t: int) -> int:
        return max(0, -(-(t - GENESIS) // step))

    def clamp(i: int) -> int:
        return min(head, max(0, i))

    first = 1 if commits > 1 else 0
    plan: list[_Nep] = []
    key = 0
    decided_lo, decided_hi = GENESIS + 3 * DAY, as_of - review_s - voting_s - DAY
    for j in range(counts["decided"]):
        target = decided_lo + (decided_hi - decided_lo) * (j + 0.5) / max(1, counts["decided"])
        plan.append(_Nep(key, "decided", 0, review=clamp(index_at_or_after(int(target)))))
        key += 1
    for _ in range(counts["voting"]):
        target = as_of - review_s - rng.uniform(0.15, 0.85) * voting_s
        plan.append(_Nep(key, "voting", 0, review=clamp(index_at_or_after(int(target)))))
        key += 1
    for _ in range(counts["review"]):
        target = as_of - rng.uniform(0.15, 0.85) * review_s
        plan.append(_Nep(key, "review", 0, review=clamp(index_at_or_after(int(target)))))
        key += 1
    for _ in range(counts["withdrawn"]):
        target = rng.uniform(decided_lo, decided_hi)
        n = _Nep(key, "withdrawn", 0, review=clamp(index_at_or_after(int(target))))
        w = index_at_or_after(time_of(n.review) + review_s // 2)
        n.withdraw = clamp(w) if time_of(clamp(w)) < time_of(n.review) + review_s else n.review
        plan.append(n)
        key += 1
    for _ in range(counts["draft"]):
        plan.append(_Nep(key, "draft", clamp(rng.randint(first, head))))
        key += 1
    for n in plan:
        if n.review is not None:
            n.created = max(min(first, n.review), clamp(index_at_or_after(time_of(n.review) - rng.randint(1, 10) * DAY)))
            n.t0 = time_of(n.review)
            n.vs = n.t0 + review_s
            n.ve = n.vs + voting_s
    plan.sort(key=lambda n: (n.created, n.key))
    for number, n in enumerate(plan, start=1):
        n.number = number
    # Target versions rise with T0 (drafts last), so every upgrade path is above the version in force.
    for rank, n in enumerate(sorted(plan, key=lambda n: (n.t0 if n.t0 is not None else math.inf, n.number)), 1):
        n.front["__rank"] = rank

    # ---- NEP files
    _say(log, f"writing {neps:,} NEPs")
    blocks, titles = _corpus(checkout)
    text = _TextSource(blocks, titles, rng)
    decided_numbers: list[int] = []
    for n in plan:
        rank = n.front.pop("__rank")
        r = rng.random()
        acc = 0.0
        for name, share in _TYPES:
            acc += share
            if r < acc:
                n.type = name
                break
        impact = {
            "training_reward_multiplier": 1.0, "training_efficiency_multiplier": 1.0,
            "inference_reward_multiplier": 1.0, "inference_cost_multiplier": 1.0, "min_memory_change_mb": 0,
            "min_compute_change_tflops": 0.0, "staking_multiplier_change": 0.0, "upgrade_cost_neuro": "0",
            "net_earnings_change_percent": 0.0,
        }
        explained = "Every field of the economic impact is at its no-change value: rewards, costs and " \
                    "requirements stay as they are."
        if n.type == "econ":
            impact["training_reward_multiplier"] = 1.1
            impact["net_earnings_change_percent"] = 5.0
            explained = ("Training rewards (`training_reward_multiplier`) rise by 10 %, and the net earnings of "
                         "an average node (`net_earnings_change_percent`) by about 5 %.")
        elif n.type == "train":
            impact["training_efficiency_multiplier"] = 1.25
            explained = "Training efficiency (`training_efficiency_multiplier`) improves by 25 % per batch."
        elif n.type == "arch" and n.number % 5 == 0:
            impact["min_memory_change_mb"] = 256
            explained = "The memory requirement (`min_memory_change_mb`) grows by 256 MB per node."
        proposer = rng.randrange(nodes)
        node = node_ids[proposer]
        requires = [rng.randint(1, n.number - 1)] if n.number > 1 and rng.random() < 0.1 else []
        supersedes = []
        if n.category == "decided" and decided_numbers and rng.random() < 0.03:
            supersedes = [rng.choice(decided_numbers)]
        target = f"{major}.{rank}.0"
        n.front = {
            "nep": n.number,
            "title": text.title(n.number),
            "type": n.type,
            "authors": [{"name": f"Proposer {proposer}", "node": node, "github": f"author-{node[:8]}"}],
            "created": _date(time_of(n.created)),
            "discussion": f"https://forum.neuroshard.example/t/nep-{n.number:04d}",
            "requires": requires,
            "supersedes": supersedes,
            "economic_impact": impact,
            "parameter_changes": [],
            "upgrade_path": {
                "min_version": genesis_version,
                "target_version": target,
                "grace_period_days": rng.randint(grace_lo, grace_hi),
                "backward_compatible": True,
                "requires_checkpoint_reload": False,
                "migration_steps": [f"Upgrade the node software to {target} during the grace period"],
            },
        }
        size = rng.randint(3_500, 9_000)
        n.body = (
            f"\n## Abstract\n\n{text.paragraphs(size // 10)}\n\n"
            f"## Motivation\n\n{text.paragraphs(size // 5)}\n\n"
            f"## Specification\n\n{text.paragraphs(size * 2 // 5)}\n\n"
            f"## Rationale\n\n{text.paragraphs(size // 6)}\n\n"
            f"## Economic Impact\n\n{explained}\n\n"
            f"## Upgrade Path\n\nNodes upgrade to {target} during the grace period; the change is backward "
            f"compatible, so nodes that have not upgraded keep working.\n\n"
            f"## Security Considerations\n\n{text.paragraphs(size // 10)}\n"
        )
        n.content_hash = content_hash(n.front, n.body)
        if n.category == "decided":
            decided_numbers.append(n.number)
    _check_neps(plan[:3] + plan[-3:])

    # ---- votes: stake-weighted turnout, each NEP with its own mood
    windows: list[_Nep] = []
    for n in plan:
        if n.category in ("decided", "voting") and n.vs is not None and n.ve is not None:
            lo = index_at_or_after(n.vs)
            hi = min(head, index_at_or_after(n.ve) - 1)
            if lo <= hi:
                n.window = (lo, hi)
                windows.append(n)
    shares = [rng.uniform(0.05, 2.0) for _ in windows]
    total_share = sum(shares) or 1.0
    wanted = [min(nodes, int(votes * s / total_share)) for s in shares]
    room = sum(nodes - w for w in wanted)
    missing = min(votes - sum(wanted), room)
    i = 0
    while missing > 0 and windows:
        j = i % len(windows)
        if wanted[j] < nodes:
            wanted[j] += 1
            missing -= 1
        i += 1
    inv = [1.0 / w for w in weights]
    jobs: list[tuple[int, int, str, int, str, str, str]] = []
    placement: list[int] = []
    voted: dict[int, set[int]] = {}
    for n, count in zip(windows, wanted):
        if count <= 0:
            continue
        voters = _weighted_sample(rng, inv, count)
        voted[n.number] = set(voters)
        mood = rng.uniform(0.75, 0.98) if rng.random() < 0.6 else rng.uniform(0.3, 0.7)
        assert n.window is not None and n.vs is not None
        lo, hi = n.window
        batches = sorted(rng.sample(range(lo, hi + 1), max(1, min(hi - lo + 1, math.ceil(count / 12)))))
        for v in voters:
            c = batches[rng.randrange(len(batches))]
            at = time_of(c)
            ts = at - rng.randint(0, min(HOUR, at - n.vs))
            r = rng.random()
            choice = "abstain" if r < 0.05 else ("yes" if r < 0.05 + 0.95 * mood else "no")
            jobs.append((n.number, v, choice, ts, rng.choice(_REASONS), n.content_hash, network))
            placement.append(c)
    if len(jobs) < votes:
        _say(log, f"placed {len(jobs):,} of {votes:,} votes (no more room in the voting windows)")
    _say(log, f"signing {len(jobs):,} votes")
    signed = _sign_all(jobs, log)

    # ---- what each commit changes
    changes: dict[int, list[tuple[str, bytes]]] = {}
    ledger = ["entries:"]
    for i, (node, amount) in enumerate(zip(node_ids, amounts)):
        ledger += [f'  - node: "{node}"', f'    amount: "{amount}"', f'    since: "{_rfc3339(GENESIS - 30 * DAY)}"',
                   f'    locked_until: "{_rfc3339(forever)}"']
        if i % 10 == 3:  # top-ups that arrive later and so only count for later snapshots
            since = GENESIS + rng.randrange(max(1, head_time - GENESIS))
            ledger += [f'  - node: "{node}"', f'    amount: "{rng.randint(1, 500)}.{rng.randint(0, 99):02d}"',
                       f'    since: "{_rfc3339(since)}"', f'    locked_until: "{_rfc3339(forever)}"']
    ledger_bytes = ("\n".join(ledger) + "\n").encode("utf-8")
    if len(ledger_bytes) > 1 << 20:
        _say(log, f"warning: the ledger of {nodes:,} nodes is {len(ledger_bytes):,} bytes, more than the 1 MiB "
                  "the tool reads of a file; every NEP will be rejected for lack of stake")
    changes[0] = [
        ("governance.yaml", gov_text.encode("utf-8")),
        ("stakes/ledger.yaml", ledger_bytes),
        ("README.md", b"# NeuroShard Enhancement Proposals (synthetic benchmark repository)\n"),
    ]
    for n in plan:
        path = f"neps/nep-{n.number:04d}.md"
        changes.setdefault(n.created, []).append((path, n.text("draft")))
        if n.review is not None:
            changes.setdefault(n.review, []).append((path, n.text("review")))
        if n.withdraw is not None:
            changes.setdefault(n.withdraw, []).append((path, n.text("withdrawn")))
    for c, (path, data) in zip(placement, signed):
        changes.setdefault(c, []).append((path, data))

    _say(log, f"importing {commits:,} commits")
    _fast_import(root, commits, time_of, changes)
    _git(root, "reset", "-q", "--hard", "main")
    _say(log, f"repository ready in {time.perf_counter() - started:.1f} s: {root}")
    sizes = {"neps": neps, "votes": len(jobs), "commits": commits, "nodes": nodes}
    return Synthetic(root, as_of, head_time, network, sizes, plan, voted, node_ids, weights, rng.getstate())


def _check_neps(sample: Iterable[_Nep]) -> None:
    """The generator's YAML must load to the dict the content hash was computed from."""
    from tooling.parse.proposals import parse_nep

    for n in sample:
        parsed = parse_nep(f"neps/nep-{n.number:04d}.md", n.text("review"))
        if parsed.proposal is None or parsed.diagnostics or parsed.proposal.content_hash != n.content_hash:
            detail = "; ".join(d.message for d in parsed.diagnostics) or "content hash differs"
            raise RuntimeError(f"synthetic NEP {n.number} is not valid: {detail}")


def _fast_import(root: Path, commits: int, time_of: Callable[[int], int],
                 changes: dict[int, list[tuple[str, bytes]]]) -> None:
    """The first-parent history in one fast-import stream; one commit in 25 merges a one-commit side branch."""
    _git(root, "init", "-q", "-b", "main")
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=root, env=_git_env(),
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    out = proc.stdin
    who = "Bench <bench@example.com>"

    def ops(items: list[tuple[str, bytes]]) -> None:
        for path, data in items:
            out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode("utf-8"), len(data), data))

    def message(text: str) -> None:
        m = text.encode("utf-8")
        out.write(b"data %d\n%s\n" % (len(m), m))

    try:
        for i in range(commits):
            items = changes.get(i) or [("docs/activity.md", f"Last maintenance: commit {i}\n".encode())]
            when = time_of(i)
            merge = i > 0 and i % 25 == 12
            if merge:
                out.write(f"commit refs/heads/pr\nmark :{commits + 1 + i}\n"
                          f"author {who} {when - 1} +0000\ncommitter {who} {when - 1} +0000\n".encode())
                message(f"Change {i}")
                out.write(f"from :{i}\n".encode())
                ops(items)
                out.write(b"\n")
            out.write(f"commit refs/heads/main\nmark :{i + 1}\nauthor {who} {when} +0000\n"
                      f"committer {who} {when} +0000\n".encode())
            message(f"Merge pull request #{i}" if merge else f"Commit {i}")
            if i > 0:
                out.write(f"from :{i}\n".encode())
            if merge:
                out.write(f"merge :{commits + 1 + i}\n".encode())
            ops(items)
            out.write(b"\n")
        out.write(b"done\n")
        out.close()
    except BrokenPipeError:
        pass
    err = proc.stderr.read() if proc.stderr else b""
    if proc.wait() != 0:
        raise BenchError(f"git fast-import failed: {err.decode('utf-8', 'replace').strip()}")
    subprocess.run(["git", "update-ref", "-d", "refs/heads/pr"], cwd=root, env=_git_env(), capture_output=True)


def add_one_percent(syn: Synthetic, log: TextIO | None = None) -> tuple[int, int]:
    """One new commit: edit 1 % of the NEPs (drafts and NEPs in review first) and add 1 % more votes.

    Returns (NEPs edited, votes added).
    """
    rng = random.Random(SEED + 1)
    n_edit = max(1, round(len(syn.neps) / 100))
    order = {"draft": 0, "review": 1, "withdrawn": 2, "voting": 3, "decided": 4}
    targets = sorted(syn.neps, key=lambda n: (order[n.category], n.number))[:n_edit]
    written: list[str] = []
    for k, n in enumerate(targets):
        n.body += f"\nClarified for the benchmark (edit {k + 1}): the wording above is unchanged in meaning.\n"
        status = {"draft": "draft", "withdrawn": "withdrawn"}.get(n.category, "review")
        path = f"neps/nep-{n.number:04d}.md"
        (syn.root / path).write_bytes(n.text(status))
        written.append(path)
    from tooling.core.votes import content_hash

    for n in targets:
        n.content_hash = content_hash(n.front, n.body)
    when = syn.head_time + 600
    n_votes = max(1, round(syn.sizes["votes"] / 100)) if syn.sizes["votes"] else 0
    open_neps = [n for n in syn.neps if n.category == "voting" and n.vs is not None and n.vs <= when < (n.ve or 0)]
    jobs = []
    inv = [1.0 / w for w in syn.weights]
    per_nep = math.ceil(n_votes / len(open_neps)) if open_neps else 0
    for n in open_neps:
        if len(jobs) >= n_votes:
            break
        assert n.vs is not None
        taken = syn.voted.setdefault(n.number, set())
        free = [i for i in _weighted_sample(rng, inv, len(inv)) if i not in taken]
        for v in free[: min(per_nep, n_votes - len(jobs))]:
            taken.add(v)
            ts = when - rng.randint(0, min(600, when - n.vs))
            jobs.append((n.number, v, "yes" if rng.random() < 0.7 else "no", ts, "", n.content_hash, syn.network))
    for path, data in _sign_jobs(jobs):
        target = syn.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(path)
    env = _git_env()
    env.update(GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com", GIT_COMMITTER_NAME="Bench",
               GIT_COMMITTER_EMAIL="bench@example.com", GIT_AUTHOR_DATE=f"@{when} +0000",
               GIT_COMMITTER_DATE=f"@{when} +0000")
    _git(syn.root, "add", "--", *written, env=env)
    _git(syn.root, "commit", "-q", "--no-verify", "-m", "Edit 1 % of the NEPs, add 1 % more votes", env=env)
    syn.sizes["votes"] += len(jobs)
    _say(log, f"new commit: {len(targets)} NEPs edited, {len(jobs)} votes added")
    return len(targets), len(jobs)


# --------------------------------------------------------------------------
# Running and timing one process


@dataclass
class _Run:
    seconds: float
    exit_code: int
    maxrss_mb: float
    stderr: str


def _maxrss_mb(kb: int) -> float:
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def _timed(cmd: Sequence[str], cwd: Path, out_file: Path) -> _Run:
    import resource

    with open(out_file, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=_git_env(), stdout=out, stderr=err)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            rss = usage.ru_maxrss
        else:  # pragma: no cover - not Unix
            proc.wait()
            seconds = time.perf_counter() - start
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return _Run(seconds, proc.returncode, _maxrss_mb(rss), tail)


def _tool(*args: str) -> list[str]:
    return [sys.executable, "-m", "tooling", *args]


def _stage_command(stage: str, repo: Path, as_of: int, scratch: Path) -> list[str]:
    at = str(as_of)
    if stage == "validate":
        return _tool("validate", "--repo", str(repo), "--at", at, "--format", "json")
    if stage == "tally":
        return [sys.executable, "-m", "tooling.bench.runner", "--stage-tally", str(repo), at]
    if stage == "status":
        return _tool("status", "--repo", str(repo), "--at", at, "--format", "json")
    if stage == "advance":
        return _tool("advance", "--repo", str(repo), "--at", at)
    if stage == "site":
        return _tool("site", "build", "--repo", str(repo), "--at", at, "--out", str(scratch / "_site"))
    raise ValueError(stage)


def _available() -> dict[str, str]:
    """Stages whose code is not (yet) in the package, with the reason."""
    import importlib.util

    missing: dict[str, str] = {}
    if importlib.util.find_spec("tooling.app.advance") is None:
        missing["advance"] = "tooling/advance.py is not present"
    else:
        from tooling.app import advance

        if not hasattr(advance, "run"):
            missing["advance"] = "tooling.app.advance has no run()"
    site_pkg = Path(__file__).resolve().parents[1] / "present" / "site"  # the package; build() is in write.py
    if not any("\ndef build(" in p.read_text(encoding="utf-8") for p in site_pkg.glob("*.py")):
        missing["site"] = "tooling.present.site has no build()"
    return missing


def _run_stages(syn: Synthetic, scratch: Path, *, cold: bool, missing: dict[str, str], label: str,
                log: TextIO | None) -> dict[str, _Run]:
    runs: dict[str, _Run] = {}
    cache = syn.root / ".git" / "nep-cache"  # where shell.caches keeps them (NEP_CACHE_DIR unset)
    for stage in STAGES:
        if stage in missing:
            _say(log, f"{label} {stage}: missing ({missing[stage]})")
            continue
        if cold:
            shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(scratch / "_site", ignore_errors=True)
        if stage == "advance":
            dry = _timed(_tool("advance", "--repo", str(syn.root), "--at", str(syn.as_of), "--dry-run"), syn.root,
                         scratch / "advance-dry.out")
            _say(log, f"{label} advance --dry-run: {dry.seconds:.3f} s (exit {dry.exit_code})")
            if cold:
                shutil.rmtree(cache, ignore_errors=True)
        run = _timed(_stage_command(stage, syn.root, syn.as_of, scratch), syn.root, scratch / f"{stage}.out")
        if stage == "advance":
            # The real run wrote the bot fields; put the files back so every run sees the same repository.
            _git(syn.root, "checkout", "-q", "HEAD", "--", "neps")
        note = ""
        if run.exit_code != 0:
            note = f" exit {run.exit_code}"
            detail = run.stderr.strip() or (scratch / f"{stage}.out").read_text("utf-8", "replace")[:1500]
            _say(log, f"{label} {stage}: exit {run.exit_code}: {detail[-1500:]}")
        _say(log, f"{label} {stage}: {run.seconds:.3f} s, {run.maxrss_mb:.0f} MB{note}")
        runs[stage] = run
    return runs


def _floors(syn: Synthetic, scratch: Path, log: TextIO | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for prim in PRIMITIVES:
        run = _timed([sys.executable, "-m", "tooling.bench.runner", "--floor", prim, str(syn.root)], syn.root,
                     scratch / f"floor-{prim}.out")
        text = (scratch / f"floor-{prim}.out").read_text("utf-8", "replace")
        try:
            out[prim] = float(json.loads(text)["seconds"])
        except (ValueError, KeyError, TypeError):
            raise BenchError(f"floor {prim} failed: {run.stderr.strip() or text[:500]}") from None
        _say(log, f"floor {prim}: {out[prim]:.3f} s")
    return out


def _r(x: float | None, places: int = 3) -> float | None:
    return None if x is None else round(x, places)


def run_bench(*, neps: int = 1000, votes: int = 100_000, commits: int = 20_000, nodes: int = 2_000,
              workdir: str | os.PathLike[str] | None = None, log: TextIO | None = None) -> dict[str, Any]:
    """Build the synthetic repository, time every stage cold, warm and warm after a 1 % change.

    Returns ``{sizes, cold: {stages: {validate, tally, status, advance, site: {seconds,
    floor_seconds, ratio}}, total, peak_rss_mb}, warm: {total: {seconds}}, warm_1pct: {total: {seconds}}}``.
    A stage whose code is not in the package has ``seconds: null`` and a ``missing`` reason.
    """
    from tooling.cli import UsageError

    if neps < 1 or commits < 1 or nodes < 1 or votes < 0:
        raise UsageError("--neps, --commits and --nodes must be at least 1, --votes at least 0")
    if shutil.which("git") is None:
        raise UsageError("nep bench needs git on PATH")
    keep = workdir is not None
    base = Path(tempfile.mkdtemp(prefix="nep-bench-"))
    try:
        repo = Path(workdir) if keep else base / "repo"
        if keep and repo.exists() and (not repo.is_dir() or any(repo.iterdir())):
            raise UsageError(f"--workdir {workdir}: must be an empty folder (or not exist yet)")
        scratch = base / "scratch"
        scratch.mkdir()
        try:
            syn = build_repository(repo, neps=neps, votes=votes, commits=commits, nodes=nodes, log=log)
        except BenchError as exc:
            raise UsageError(str(exc)) from None
        sizes = dict(syn.sizes)
        missing = _available()
        _say(log, f"as of {_rfc3339(syn.as_of)}; cold runs (no .nep-cache)")
        cold = _run_stages(syn, scratch, cold=True, missing=missing, label="cold", log=log)
        floors = _floors(syn, scratch, log)
        _say(log, "warm runs (caches from the previous run)")
        warm = _run_stages(syn, scratch, cold=False, missing=missing, label="warm", log=log)
        add_one_percent(syn, log)
        pct = _run_stages(syn, scratch, cold=False, missing=missing, label="warm+1%", log=log)
    finally:
        shutil.rmtree(base, ignore_errors=True)

    stages: dict[str, dict[str, Any]] = {}
    total_s = total_f = 0.0
    failed: list[str] = []
    for stage in STAGES:
        floor = sum(floors[p] for p in FLOOR_PARTS[stage])
        run = cold.get(stage)
        if run is None:
            stages[stage] = {"seconds": None, "floor_seconds": _r(floor), "ratio": None, "missing": missing[stage]}
            continue
        entry: dict[str, Any] = {"seconds": _r(run.seconds), "floor_seconds": _r(floor),
                                 "ratio": _r(run.seconds / floor if floor > 0 else None, 2)}
        if run.exit_code != 0:
            entry["exit_code"] = run.exit_code
            if run.exit_code >= 2:
                failed.append(stage)
        stages[stage] = entry
        total_s += run.seconds
        total_f += floor
    total: dict[str, Any] = {"seconds": _r(total_s), "floor_seconds": _r(total_f),
                             "ratio": _r(total_s / total_f if total_f > 0 else None, 2)}
    if missing:
        total["missing"] = sorted(missing)
    if failed:
        total["failed"] = failed

    def warm_total(runs: dict[str, _Run]) -> dict[str, Any]:
        return {"seconds": _r(sum(r.seconds for r in runs.values()))}

    return {
        "sizes": sizes,
        "cold": {
            "stages": stages,
            "total": total,
            "peak_rss_mb": _r(max((r.maxrss_mb for r in cold.values()), default=0.0), 1),
        },
        "warm": {"total": warm_total(warm)},
        "warm_1pct": {"total": warm_total(pct)},
    }


def render_text(result: dict[str, Any]) -> str:
    """The result as a table: seconds, floor and ratio per cold stage, then the warm totals."""
    s = result["sizes"]
    lines = [f"nep bench: {s['neps']:,} NEPs, {s['votes']:,} votes, {s['commits']:,} commits, {s['nodes']:,} nodes",
             "", f"{'cold stage':<12}{'seconds':>10}{'floor':>10}{'ratio':>8}"]

    def num(v: Any, fmt: str) -> str:
        return "-" if v is None else format(v, fmt)

    cold = result["cold"]
    for name, st in list(cold["stages"].items()) + [("total", cold["total"])]:
        extra = f"  missing: {st['missing']}" if name != "total" and st.get("missing") else ""
        if st.get("exit_code"):
            extra += f"  (exit {st['exit_code']})"
        lines.append(f"{name:<12}{num(st['seconds'], '.3f'):>10}{num(st['floor_seconds'], '.3f'):>10}"
                     f"{num(st['ratio'], '.2f'):>8}{extra}")
    lines += [
        "",
        f"peak RSS of a stage: {cold['peak_rss_mb']:.1f} MB",
        f"warm total (caches present):       {num(result['warm']['total']['seconds'], '.3f')} s",
        f"warm total after a 1 % change:     {num(result['warm_1pct']['total']['seconds'], '.3f')} s",
        "",
        "floor = what the libraries need for the same work (PyYAML, jsonschema, coincurve, git, jinja2,",
        "markdown-it); ratio = seconds / floor. Every stage is a fresh process, start-up included.",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Floors and the tally stage, each run in a fresh process (python -m tooling.bench.runner ...)


def _walk(root: Path, folder: str) -> list[Path]:
    out = []
    for dirpath, _, files in os.walk(root / folder):
        out += [Path(dirpath) / f for f in files if f.endswith((".md", ".yaml")) and f != "README.md"]
    return sorted(out)


def _split(text: str) -> tuple[str, str]:
    end = text.index("\n---\n", 3)
    return text[4:end + 1], text[end + 5:]


def _floor(prim: str, root: Path) -> float:
    """Seconds the libraries need for one primitive (inputs prepared before the clock starts where noted)."""
    nep_files = _walk(root, "neps")
    vote_files = _walk(root, "votes")
    if prim == "log":
        start = time.perf_counter()
        subprocess.run(["git", "--no-replace-objects", "log", "--first-parent", "--reverse", "--raw", "--no-abbrev",
                        "--no-renames", "-z", "--format=%x01%H %P %ct", "HEAD", "--"],
                       cwd=root, env=_git_env(), capture_output=True, check=True)
        return time.perf_counter() - start
    if prim in ("load", "yaml_neps"):
        start = time.perf_counter()
        import yaml

        loader = yaml.CSafeLoader
        for f in nep_files:
            yaml.load(_split(f.read_text(encoding="utf-8"))[0], Loader=loader)
        if prim == "load":
            for f in vote_files + [root / "governance.yaml", root / "stakes" / "ledger.yaml"]:
                yaml.load(f.read_text(encoding="utf-8"), Loader=loader)
        return time.perf_counter() - start
    import yaml

    if prim == "schema":
        docs = [("nep", yaml.load(_split(f.read_text(encoding="utf-8"))[0], Loader=yaml.CSafeLoader))
                for f in nep_files]
        docs += [("vote", yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)) for f in vote_files]
        docs += [("governance", yaml.load((root / "governance.yaml").read_bytes(), Loader=yaml.CSafeLoader)),
                 ("ledger", yaml.load((root / "stakes" / "ledger.yaml").read_bytes(), Loader=yaml.CSafeLoader))]
        from tooling.parse.schemas import schema

        schemas = {k: schema(k) for k in ("nep", "vote", "governance", "ledger")}
        # Timestamps stay strings in the tool; CSafeLoader would make them datetimes for the schema.
        docs = [(k, json.loads(json.dumps(d, default=str))) for k, d in docs]
        start = time.perf_counter()
        from jsonschema import Draft202012Validator

        validators = {k: Draft202012Validator(s) for k, s in schemas.items()}
        for kind, doc in docs:
            for _ in validators[kind].iter_errors(doc):
                pass
        return time.perf_counter() - start
    if prim == "verify":
        loaded = [yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader) for f in vote_files]
        start = time.perf_counter()
        from coincurve import PublicKey

        keys: dict[str, Any] = {}
        for v in loaded:
            payload = {"domain": "neuroshard-nep-vote/v1", "network": v["network"], "nep": v["nep"],
                       "content_hash": v["content_hash"], "voter": v["voter"], "choice": v["choice"],
                       "timestamp": v["timestamp"], "reason": v["reason"]}
            digest = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                                               ensure_ascii=False).encode("utf-8")).digest()
            key = keys.get(v["public_key"])
            if key is None:
                key = keys[v["public_key"]] = PublicKey(bytes.fromhex(v["public_key"]))
            key.verify(bytes.fromhex(v["signature"]), digest, hasher=None)
        return time.perf_counter() - start
    if prim == "render":
        pages = [_split(f.read_text(encoding="utf-8")) for f in nep_files]
        start = time.perf_counter()
        import jinja2
        from markdown_it import MarkdownIt

        env = jinja2.Environment(autoescape=True)
        page = env.from_string("<!doctype html><title>{{ title }}</title><main>{{ body | safe }}</main>")
        md = MarkdownIt("commonmark")
        for front, body in pages:
            page.render(title=front[:80], body=md.render(body))
        page.render(title="index", body="".join(f"<li>{i}</li>" for i in range(len(pages))))
        return time.perf_counter() - start
    raise ValueError(f"unknown floor {prim!r}")


def _stage_tally(root: Path, as_of: int) -> int:
    """``nep tally N --format json`` for every NEP with a tally, sharing one gather and one evaluation."""
    from tooling.present import reports
    from tooling.shell.evaluate import evaluate, gather

    ev = evaluate(gather(root), as_of)
    out = sys.stdout
    for n in sorted(ev.states):
        st = ev.states[n]
        if st.tally is not None:
            out.write(json.dumps(reports.tally_json(st.tally, st, ev.as_of), indent=2, ensure_ascii=False) + "\n")
    return 0


def _main(argv: Sequence[str]) -> int:
    if len(argv) == 3 and argv[0] == "--floor":
        print(json.dumps({"seconds": _floor(argv[1], Path(argv[2]))}))
        return 0
    if len(argv) == 3 and argv[0] == "--stage-tally":
        return _stage_tally(Path(argv[1]), int(argv[2]))
    sys.stderr.write("usage: python -m tooling.bench.runner --floor PRIMITIVE REPO | --stage-tally REPO AS_OF\n")
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
