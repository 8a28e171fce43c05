"""Voters' commands: what ``nep vote`` is about to sign and whether it can count; ``nep whoami``.

A vote that could not count (NEP not in voting, no stake at the snapshot,
a timestamp outside the window) is refused before anything is signed, with
the reason; ``force`` writes it anyway (it will still not count).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tooling.core import stakes as stakes_mod
from tooling.core import votes
from tooling.core.delegates import delegated_to
from tooling.core.model import Choice, NEPStatus, Vote
from tooling.core.instants import format_instant
from tooling.shell.evaluate import World, evaluate


class VoteRefused(Exception):
    """The vote could not count; the message says why and what to do."""


@dataclass(frozen=True)
class VotePlan:
    """What ``nep vote`` will sign, with the facts a voter checks first."""

    nep: int
    title: str
    content_hash: str
    choice: Choice
    voter: str
    weight: Decimal | None  # stake at the snapshot (voting start); None before voting starts
    voting_start: int | None
    voting_end: int | None
    timestamp: int
    as_of: int
    problems: tuple[str, ...]  # why it would not count; empty when it would
    vote: Vote
    path: str
    #: Stake delegated to this voter at the snapshot (SPEC 11), carried unless its delegators vote themselves.
    delegated: Decimal = Decimal(0)
    delegators: tuple[str, ...] = ()

    def preview(self) -> str:
        """The lines shown before the confirmation question."""
        from tooling.present.format import decimal_str, duration_text

        weight = "unknown until voting starts" if self.weight is None else f"{decimal_str(self.weight)} NEURO"
        if self.voting_end is None:
            left = "voting has not started"
        elif self.as_of >= self.voting_end:
            left = f"voting ended at {format_instant(self.voting_end)}"
        else:
            left = f"{duration_text(self.voting_end - self.as_of)} (until {format_instant(self.voting_end)})"
        lines = [
            f"NEP:          NEP-{self.nep:04d} {self.title}",
            f"content hash: {self.content_hash}",
            f"choice:       {self.choice}",
            f"voter:        {self.voter}",
            f"weight:       {weight} at the snapshot",
        ]
        if self.delegators:
            lines.append(f"delegated:    {decimal_str(self.delegated)} NEURO from {len(self.delegators)} delegator"
                         f"{'' if len(self.delegators) == 1 else 's'} (less any who vote themselves)")
        lines += [
            f"time left:    {left}",
            f"file:         {self.path}",
        ]
        lines += [f"will not count: {p}" for p in self.problems]
        return "\n".join(lines) + "\n"


def plan_vote(world: World, nep: int, choice: Choice, priv: bytes, *, timestamp: int, as_of: int,
              reason: str = "") -> VotePlan:
    """Sign the vote in memory and judge whether it could count if merged now."""
    ev = evaluate(world, as_of)
    p = ev.proposals.get(nep)
    if p is None:
        raise LookupError(f"NEP {nep} not found (or unreadable: run `nep validate` to see why)")
    st = ev.states[nep]
    facts = ev.facts.get(nep)
    # The vote signs the NEP as the voter reads it (the work tree); if that is not the content at voting
    # start (a change forced onto main), the vote would be STALE_CONTENT, and it is refused below.
    content_hash = p.content_hash
    binding = facts.content_hash_at_vs if facts else None
    vote = votes.sign_vote(priv, network=world.repo.governance.network, nep=nep, content_hash=content_hash,
                           choice=choice, timestamp=timestamp, reason=reason)
    problems: list[str] = []
    weight: Decimal | None = None
    delegated, delegators = Decimal(0), ()
    if st.voting_start is not None:
        snap = stakes_mod.snapshot(world.ledger_at(st.voting_start) or (), st.voting_start)
        weight = snap.weight(vote.voter)
        if st.tally is not None and st.tally.delegation:
            delegated, delegators = delegated_to(world.delegations, vote.voter, st.voting_start, snap)
    if st.status is not NEPStatus.VOTING:
        problems.append(f"NEP-{nep:04d} is {st.status}, not in voting"
                        + (f" (voting starts {format_instant(st.voting_start)})"
                           if st.voting_start is not None and as_of < st.voting_start else ""))
    elif weight is not None and weight <= 0 and delegated <= 0:
        # A delegate without stake of its own may vote: it carries its delegators' stake (SPEC 11).
        problems.append(f"node {vote.voter} has no stake at the snapshot ({format_instant(st.voting_start)})"
                        + (" and no stake delegated to it" if st.tally is not None and st.tally.delegation else ""))
    if binding and binding != content_hash:
        problems.append(f"the NEP's text differs from its content at voting start ({binding[:12]}…): "
                        "a vote for this text is STALE_CONTENT")
    if st.voting_start is not None and st.voting_end is not None and \
            not st.voting_start <= timestamp < st.voting_end:
        problems.append(f"timestamp {format_instant(timestamp)} is outside the voting window "
                        f"[{format_instant(st.voting_start)}, {format_instant(st.voting_end)})")
    return VotePlan(nep=nep, title=p.title, content_hash=content_hash, choice=choice, voter=vote.voter,
                    weight=weight, voting_start=st.voting_start, voting_end=st.voting_end, timestamp=timestamp,
                    as_of=as_of, problems=tuple(problems), vote=vote, path=votes.vote_path(nep, vote.voter),
                    delegated=delegated, delegators=delegators)



def write_vote(root: Path, plan: VotePlan) -> str:
    """Write the signed vote file (never replacing one); returns its repository-relative path.

    Raises ``FileExistsError`` if a vote is already there, ``NotADirectoryError`` for a linked folder.
    """
    from tooling.shell.fsio import write_new

    target = root / plan.path
    for folder in (root / "votes", target.parent):
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise NotADirectoryError(f"{folder.relative_to(root)} is not a plain folder; links are never followed")
    if target.exists() or target.is_symlink():
        raise FileExistsError(plan.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_new(target, votes.render_vote_file(plan.vote).encode("utf-8"))
    return plan.path


@dataclass(frozen=True)
class Whoami:
    """A key's identity and what it weighs at an instant."""

    node: str
    public_key: str
    as_of: int
    stake: Decimal
    votes: tuple[tuple[int, str, str], ...]  # (nep, choice, path) of every vote file by this node
    #: SPEC 11, at ``as_of``: the node this one delegates to, and the nodes that delegate to it.
    delegates_to: str | None = None
    delegated_by: tuple[str, ...] = ()

    def text(self) -> str:
        """Human-readable lines."""
        from tooling.present.format import decimal_str

        lines = [f"node:       {self.node}", f"public_key: {self.public_key}",
                 f"stake:      {decimal_str(self.stake)} NEURO at {format_instant(self.as_of)}",
                 f"votes cast: {len(self.votes)}"]
        lines += [f"  NEP-{n:04d} {choice:<7} {path}" for n, choice, path in self.votes]
        lines.append(f"delegates:  {self.delegates_to or 'to nobody'}")
        lines.append(f"delegated by {len(self.delegated_by)} node{'' if len(self.delegated_by) == 1 else 's'}")
        lines += [f"  {n}" for n in self.delegated_by]
        return "\n".join(lines) + "\n"

    def as_json(self) -> dict:
        """Machine form; decimals as strings, instants RFC 3339."""
        return {"node": self.node, "public_key": self.public_key, "as_of": format_instant(self.as_of),
                "stake": str(self.stake),
                "votes": [{"nep": n, "choice": c, "path": path} for n, c, path in self.votes],
                "delegates_to": self.delegates_to, "delegated_by": list(self.delegated_by)}


def whoami(world: World, priv: bytes, as_of: int) -> Whoami:
    """Node id, stake at ``as_of`` and the votes this node has in the work tree."""
    pub = votes.public_key_hex(priv)
    node = votes.node_id(pub)
    cast = []
    for path, parsed in sorted(world.repo.votes.items()):
        v = parsed.vote
        if v is not None and v.voter == node:
            cast.append((v.nep, str(v.choice), path))
    from tooling.core.delegation import delegates_at

    mapping = delegates_at(world.delegations, as_of)
    return Whoami(node=node, public_key=pub, as_of=as_of, stake=stakes_mod.stake(world.ledger_at(as_of) or (), node, as_of),
                  votes=tuple(cast), delegates_to=mapping.get(node),
                  delegated_by=tuple(sorted(n for n, d in mapping.items() if d == node)))
