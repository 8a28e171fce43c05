"""Deterministic node keys and signed vote files for the synthetic repository (signing is never timed)."""

from __future__ import annotations

import heapq
import os
import random
from functools import lru_cache
from typing import Any, Sequence, TextIO

from tooling.bench.common import say

#: (NEP, voter index, choice, timestamp, reason, content hash, network)
Job = tuple[int, int, str, int, str, str, str]


@lru_cache(maxsize=None)
def signing_key(index: int) -> tuple[Any, str, str]:
    """(coincurve PrivateKey, public key hex, node id) of synthetic node ``index``; deterministic."""
    from coincurve import PrivateKey

    from tooling.core import votes

    priv = votes.private_key_from_token(f"nep-bench-node-{index}")
    key = PrivateKey(priv)
    pub = key.public_key.format(compressed=True).hex()
    return key, pub, votes.node_id(pub)


def sign_jobs(jobs: Sequence[Job]) -> list[tuple[str, bytes]]:
    """Signed vote files for (nep, voter index, choice, timestamp, reason, content hash, network) jobs."""
    from tooling.core import votes
    from tooling.core.model import Choice, Vote

    out = []
    for nep, voter, choice, ts, reason, chash, network in jobs:
        key, pub, node = signing_key(voter)
        payload = votes.vote_payload(network=network, nep=nep, content_hash=chash, voter=node, choice=choice,
                                     timestamp=ts, reason=reason)
        sig = key.sign(votes.payload_digest(payload), hasher=None).hex()
        vote = Vote(path=votes.vote_path(nep, node), nep=nep, voter=node, public_key=pub, choice=Choice(choice),
                    timestamp=ts, reason=reason, content_hash=chash, network=network, signature=sig)
        out.append((vote.path, votes.render_vote_file(vote).encode("utf-8")))
    return out


def sign_all(jobs: list[Job], log: TextIO | None) -> list[tuple[str, bytes]]:
    if len(jobs) < 4_000:
        return sign_jobs(jobs)
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
        for i, part in enumerate(pool.imap(sign_jobs, parts)):
            out += part
            if (i + 1) % 5 == 0:
                say(log, f"  signed {len(out):,} of {len(jobs):,} votes")
    return out


def weighted_sample(rng: random.Random, inv_weights: Sequence[float], k: int) -> list[int]:
    """k distinct indices, each drawn with probability proportional to its weight (Efraimidis-Spirakis)."""
    rnd = rng.random
    keys = [rnd() ** w for w in inv_weights]
    return heapq.nlargest(k, range(len(keys)), key=keys.__getitem__)
