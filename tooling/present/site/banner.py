"""The status banner at the top of every NEP page: where the NEP stands and what happens next.

Voting: when it closes and how long is left, the provisional result, turnout
against the quorum (or how much more stake must vote to reach it) and yes
against the approval threshold. Review: when the vote opens. Scheduled:
when it activates and the version it brings. Decided, withdrawn and
deprecated NEPs say so, with the instant and, for a deprecation, the NEP
that replaced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tooling.core import timeline as _timeline
from tooling.core.model import NEPStatus, Outcome, Proposal, NEPState, Tally
from tooling.present.format import amount_text, duration_text, instant_text, percent

OK, WARN = "ok", "warn"


@dataclass(frozen=True)
class Part:
    text: str
    tone: str = ""  # ok | warn | "" (plain)


@dataclass(frozen=True)
class Banner:
    status: str
    headline: str
    at_label: str = ""  # "closes", "vote opens", "activates", ... before the instant
    at: int | None = None
    left: str = ""  # "2 d 12 h" until ``at`` when it is in the future
    parts: tuple[Part, ...] = ()
    by_nep: int | None = None  # the deprecating NEP


def _reason(s: NEPState) -> str:
    return "" if s.reason is None else s.reason.value.replace("_", " ")


def quorum_shortfall(t: Tally) -> Decimal:
    """Stake that still has to vote (any choice) for turnout to reach the quorum; 0 once reached."""
    need = t.quorum * t.total_stake - t.turnout_stake
    return max(need, Decimal(0))


def tally_parts(t: Tally) -> tuple[Part, ...]:
    """The provisional or final result in words: outcome, turnout vs quorum, yes vs approval."""
    turnout = percent(t.turnout_stake, t.total_stake)
    quorum = percent(t.quorum, Decimal(1))
    approval = percent(t.approval, Decimal(1))
    decisive = t.yes + t.no
    out: list[Part] = []
    if t.final:
        outcome = t.outcome or t.projected_outcome
        out.append(Part(f"final: {outcome.value}", OK if outcome is Outcome.APPROVED else WARN))
    else:
        out.append(Part(f"provisionally {t.projected_outcome.value}",
                        OK if t.projected_outcome is Outcome.APPROVED else WARN))
    if not t.quorum_reached and not t.final and t.total_stake > 0:
        more = quorum_shortfall(t)
        out.append(Part(f"{amount_text(more)} NEURO more turnout reaches quorum", WARN))
    out.append(Part(f"turnout {turnout} of {quorum} needed", OK if t.quorum_reached else WARN))
    if decisive > 0:
        out.append(Part(f"yes {percent(t.yes, decisive)} of {approval} needed",
                        OK if t.approval_reached else WARN))
    else:
        out.append(Part(f"no yes or no votes yet ({approval} yes needed)", WARN))
    return tuple(out)


def banner(p: Proposal, s: NEPState, as_of: int) -> Banner:
    st = s.status

    def left(t: int | None) -> str:
        return duration_text(t - as_of) if t is not None and t > as_of else ""

    if st is NEPStatus.VOTING:
        parts = () if s.tally is None else tally_parts(s.tally)
        return Banner(st.value, "Voting open", "closes", s.voting_end, left(s.voting_end), parts)
    if st is NEPStatus.REVIEW:
        parts = (Part(f"voting closes {instant_text(s.voting_end)}"),) if s.voting_end is not None else ()
        return Banner(st.value, "In review", "vote opens", s.voting_start, left(s.voting_start), parts)
    if st is NEPStatus.DRAFT:
        return Banner(st.value, "Draft", parts=(Part("not yet submitted: no vote is scheduled"),))
    if st is NEPStatus.SCHEDULED:
        target = p.upgrade_path.target_version if p.upgrade_path is not None else None
        parts = (Part(f"→ version {target}", OK),) if target else ()
        return Banner(st.value, "Approved", "activates", s.activates_at, left(s.activates_at), parts)
    if st is NEPStatus.ACTIVE:
        return Banner(st.value, "Active: in force", "since", s.activated if s.activated is not None else s.activates_at)
    if st is NEPStatus.REJECTED:
        parts: tuple[Part, ...] = (Part(_reason(s), WARN),) if s.reason else ()
        if s.reason in _timeline.T0_REASONS:
            parts += (Part("no vote took place"),)
        elif s.tally is not None:
            parts += tally_parts(s.tally)[1:]
        return Banner(st.value, "Rejected", "decided", s.decided_at, parts=parts)
    if st is NEPStatus.WITHDRAWN:
        return Banner(st.value, "Withdrawn by its authors", "on", s.withdrawn_at)
    if st is NEPStatus.DEPRECATED:
        return Banner(st.value, "Deprecated: no longer in force", "on", s.deprecated_at, by_nep=s.deprecated_by)
    return Banner(st.value, st.value.capitalize())
