"""View models: computed once per NEP, shared by every page that lists it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tooling.core import timeline as _timeline
from tooling.core.economics import change, describe_field
from tooling.core.model import (IMPACT_FIELDS, Author, EconomicImpact, NEPState, NEPStatus, NEPType, Outcome,
                                ParameterChange, PhaseState, Proposal, Reason, Tally, TrackName, UpgradePath, VoteCode)
from tooling.core.model import Phase as PhaseKey
from tooling.present.site.changes import ChangeSummary
from tooling.present.format import percent_value
from tooling.present.site.fmt import value_display
from tooling.present.site.model import STATUS_RANK, TYPE_RANK

@dataclass(frozen=True)
class ImpactRow:
    name: str
    label: str
    value: str
    effect: str
    neutral: bool


def impact_rows(ei: EconomicImpact) -> tuple[ImpactRow, ...]:
    """The nine fields in file order; ``neutral`` is the field's own no-change test."""
    rows = []
    for f in IMPACT_FIELDS:
        neutral = change(ei, f) == 0
        effect = "no change"
        if not neutral:
            # The same words as describe(), without the label the table already shows.
            text = describe_field(ei, f)
            effect = text[len(f.label) + 2 :] if text.startswith(f.label + ": ") else text
        rows.append(ImpactRow(f.name, f.label, value_display(getattr(ei, f.name)), effect, neutral))
    return tuple(rows)


@dataclass(frozen=True)
class Bars:
    """Percentages for the pure-CSS tally bars (truncated to 0.01, strings ready for style=)."""

    yes: str
    no: str
    abstain: str
    turnout: str
    quorum_line: str
    yes_share: str
    no_share: str
    approval_line: str


@dataclass(frozen=True)
class TallyFigures:
    """The figures of a tally that pages show: a ``Tally`` without its votes and without ``as_of``.

    Pages receive this rather than the tally, so that a page's key (``site.keys``) is not the build
    instant unless the page shows something computed from it.
    """

    final: bool
    total_stake: Decimal
    yes: Decimal
    no: Decimal
    abstain: Decimal
    quorum: Decimal
    approval: Decimal
    quorum_reached: bool
    approval_reached: bool
    outcome: Outcome | None
    projected_outcome: Outcome
    reason: Reason | None
    decided_at: int | None


@dataclass(frozen=True)
class TallyView:
    tally: TallyFigures
    bars: Bars
    turnout_known: bool
    share_known: bool
    voted: Decimal
    counted: int
    rejected: int
    pending: int


def _share(part: Decimal, whole: Decimal) -> str:
    """A bar's percentage for ``style=`` and its label: truncated to 0.1 by the shared formatter; "—" if unknown."""
    v = percent_value(part, whole)
    return "—" if v is None else format(min(v, Decimal(100)), "f")


def tally_view(t: Tally) -> TallyView:
    voted = t.turnout_stake
    ts = t.total_stake
    yn = t.yes + t.no

    def share(x: Decimal) -> str:
        # With no stake at all the bar is simply empty.
        return _share(x, ts) if ts > 0 else "0.0"

    bars = Bars(
        yes=share(t.yes),
        no=share(t.no),
        abstain=share(t.abstain),
        turnout=_share(voted, ts),
        quorum_line=_share(t.quorum, Decimal(1)),
        yes_share=_share(t.yes, yn),
        no_share=_share(t.no, yn),
        approval_line=_share(t.approval, Decimal(1)),
    )
    counted = sum(1 for v in t.votes if v.counted)
    pending = sum(1 for v in t.votes if not v.counted and v.code is VoteCode.PENDING)
    figures = TallyFigures(t.final, t.total_stake, t.yes, t.no, t.abstain, t.quorum, t.approval, t.quorum_reached,
                           t.approval_reached, t.outcome, t.projected_outcome, t.reason, t.decided_at)
    return TallyView(figures, bars, ts > 0, yn > 0, voted, counted, len(t.votes) - counted - pending, pending)


@dataclass(frozen=True)
class Phase:
    """One phase as the NEP page shows it (computed by ``tooling.core.timeline``)."""

    name: str
    start: int | None
    end: int | None
    state: PhaseState
    note: str = ""


_PHASE_NAMES = {key: key.capitalize() for key in _timeline.KEYS}


def _site_phase(ph: _timeline.Phase, s: NEPState) -> Phase | None:
    """The page's view of one phase, or None where the page folds it into another."""
    if ph.key is PhaseKey.DECISION and s.outcome is Outcome.REJECTED:
        return None  # the Rejected phase carries the instant and the reason
    if ph.projected and ph.key is PhaseKey.SCHEDULED:
        return None  # the Activation note names the grace period
    if ph.projected and ph.key is PhaseKey.ACTIVE and ph.start is None:
        return None  # an activation that cannot be dated yet is not listed
    if ph.key is PhaseKey.DECISION and s.outcome is Outcome.APPROVED:
        name, note = "Approved", ""
    elif ph.projected and ph.key is PhaseKey.ACTIVE:
        name, note = "Activation", ph.note
    else:
        name, note = _PHASE_NAMES[ph.key], ph.note
    # A point shows one instant, not "t → t".
    return Phase(name, ph.start, None if ph.is_point else ph.end, ph.state, note)


def timeline(p: Proposal, s: NEPState, as_of: int) -> tuple[Phase, ...]:
    """The phases of one NEP with their instants, each past, current or future at ``as_of``."""
    grace = p.upgrade_path.grace_period_days if p.upgrade_path is not None else None
    core = _timeline.phases(s, as_of, grace_period_days=grace, created=p.created)
    return tuple(v for v in (_site_phase(ph, s) for ph in core) if v is not None)


@dataclass(frozen=True)
class StateView:
    """A NEP's lifecycle state as pages show it: ``NEPState`` without its tally (``TallyView`` has the figures)."""

    nep: int
    status: NEPStatus
    outcome: Outcome | None
    reason: Reason | None
    submitted: int | None
    voting_start: int | None
    voting_end: int | None
    decided_at: int | None
    activates_at: int | None
    activated: int | None
    deprecated_at: int | None
    deprecated_by: int | None
    withdrawn_at: int | None
    track: TrackName


def state_view(s: NEPState) -> StateView:
    return StateView(s.nep, s.status, s.outcome, s.reason, s.submitted, s.voting_start, s.voting_end, s.decided_at,
                     s.activates_at, s.activated, s.deprecated_at, s.deprecated_by, s.withdrawn_at, s.track)


@dataclass(frozen=True)
class ProposalView:
    """A proposal as pages show it: ``Proposal`` without what only diagnostics use (the raw front matter,
    the positions of its values, the whole file's text), none of which a page shows."""

    path: str
    nep: int
    title: str
    type: NEPType | None
    authors: tuple[Author, ...]
    created: str
    discussion: str | None
    requires: tuple[int, ...]
    supersedes: tuple[int, ...]
    resubmission_of: int | None
    economic_impact: EconomicImpact | None
    parameter_changes: tuple[ParameterChange, ...]
    upgrade_path: UpgradePath | None
    body: str
    content_hash: str

    @property
    def label(self) -> str:
        return f"NEP-{self.nep:04d}"


def proposal_view(p: Proposal) -> ProposalView:
    return ProposalView(p.path, p.nep, p.title, p.type, p.authors, p.created, p.discussion, p.requires, p.supersedes,
                        p.resubmission_of, p.economic_impact, p.parameter_changes, p.upgrade_path, p.body,
                        p.content_hash)


@dataclass(frozen=True)
class NepView:
    """What every page that lists a NEP may show of it, computed once.

    Every page that lists the NEP is keyed by it (``site.keys``), so it holds only what lists show: not
    the body or the content hash (``ProposalView``, the NEP's own page), not the tally (which changes
    with every vote; the NEP's page and the dashboard receive its ``TallyView``), and nothing that varies
    with the build instant alone.
    """

    state: StateView
    nep: int
    type: NEPType | None
    parameter_changes: tuple[ParameterChange, ...]
    label: str
    page: str
    api: str
    title: str
    type_value: str
    type_label: str
    status: str
    author_names: str
    created: str
    requires: tuple[int, ...]
    required_by: tuple[int, ...]
    supersedes: tuple[int, ...]
    superseded_by: tuple[int, ...]
    changes: ChangeSummary

    @property
    def outcome(self) -> str:
        """The decision in a word or two for lists: approved, rejected (no quorum), or "" while undecided."""
        s = self.state
        if s.outcome is None:
            return ""
        return s.outcome.value + ("" if s.reason is None else f" ({s.reason.value.replace('_', ' ')})")

    @property
    def newest(self) -> int:
        """The NEP's latest dated event, for newest-first lists (undated drafts by number)."""
        s = self.state
        dated = [t for t in (s.submitted, s.voting_start, s.decided_at, s.activated, s.withdrawn_at, s.deprecated_at)
                 if t is not None]
        return max(dated) if dated else 0

    @property
    def submitted(self) -> int | None:
        return self.state.submitted

    @property
    def voting_end(self) -> int | None:
        return self.state.voting_end

    @property
    def activates(self) -> int | None:
        return self.state.activates_at if self.state.outcome is Outcome.APPROVED else None


def sort_key(column: str) -> Any:
    big = 1 << 62

    def instant(t: int | None) -> int:
        return big if t is None else t

    keys = {
        "number": lambda v: (v.nep,),
        "newest": lambda v: (-v.newest, -v.nep),
        "type": lambda v: (TYPE_RANK.get(v.type, 99), v.nep),
        "status": lambda v: (STATUS_RANK[v.state.status], v.nep),
        "title": lambda v: (v.title.casefold(), v.nep),
        "authors": lambda v: (v.author_names.casefold(), v.nep),
        "created": lambda v: (v.created, v.nep),
        "submitted": lambda v: (instant(v.submitted), v.nep),
        "voting_end": lambda v: (instant(v.voting_end), v.nep),
        "activates": lambda v: (instant(v.activates), v.nep),
    }
    return keys[column]
