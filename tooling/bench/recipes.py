"""Which operations make each figure's floor: data, so that the report can print how a floor was made.

A floor is the sum of the primitives (``tooling.bench.floors``) a figure
cannot avoid, each counted once within that figure. Prefixed primitives are
measured on a part of the repository: ``one:`` what ``validate`` of one NEP
file needs (the file, its votes, the NEPs it names, the configuration, its
history only), ``pct:`` what the 1 % commit changed (those files, the new
commits of the history), ``diff:vote`` / ``diff:draft`` a pull request's
changed blobs.

The reasoning, per figure:

- cold ``validate``, ``tally``, ``status``, ``advance``: every file, the
  history and every signature (a status needs outcomes, an outcome needs the
  tally, the tally needs valid votes). ``site`` renders and writes the pages too.
- cold ``check-pr``: the same over the repository once (base and head share
  every unchanged file, so nothing is counted twice), plus the diff.
- warm, nothing changed: start, the index listing (every blob id, so nothing
  needs reading) and the cache read; the site still writes its pages.
- warm after the 1 % commit: the warm floor plus the cold operations on the
  changed files and the new commits (and the changed pages for the site).
- the total of a pass: each operation once across the five commands, except
  the interpreter start that every process pays.
"""

from __future__ import annotations

from typing import Mapping, Sequence

STAGES = ("validate", "tally", "status", "advance", "site")
PR_KINDS = ("vote", "draft")

_COLD = ("read", "parse_neps", "parse_votes", "verify", "history")
_WARM = ("index", "cache")
_PCT = ("pct:read", "pct:parse_neps", "pct:parse_votes", "pct:verify", "pct:history")
_ONE = ("one:read", "one:parse_neps", "one:parse_votes", "one:verify", "one:history")


def _start(stage: str) -> str:
    return "start_site" if stage == "site" else "start"


def cold(stage: str) -> tuple[str, ...]:
    extra = ("render", "write") if stage == "site" else ()
    return (_start(stage), *_COLD, *extra)


def warm(stage: str) -> tuple[str, ...]:
    return (_start(stage), *_WARM, *(("write",) if stage == "site" else ()))


def warm_1pct(stage: str) -> tuple[str, ...]:
    return (*warm(stage), *_PCT, *(("pct:render",) if stage == "site" else ()))


def check_pr(kind: str, *, warm_base: bool) -> tuple[str, ...]:
    return ("start", "cache", f"diff:{kind}") if warm_base else ("start", *_COLD, f"diff:{kind}")


def validate_one(*, warm_cache: bool) -> tuple[str, ...]:
    return ("start", *_WARM) if warm_cache else ("start", *_ONE)


def total(per_stage: Mapping[str, Sequence[str]]) -> list[str]:
    """The union of the stages' operations, with one start per process (a process cannot share its start)."""
    seen: list[str] = []
    for parts in per_stage.values():
        for p in parts:
            if p.startswith("start"):
                seen.append(p)
            elif p not in seen:
                seen.append(p)
    return seen


def floor_of(parts: Sequence[str], measured: Mapping[str, float]) -> float | None:
    """The sum of the parts, or None when one of them could not be measured."""
    if any(p not in measured for p in parts):
        return None
    return sum(measured[p] for p in parts)
