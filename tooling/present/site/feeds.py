"""Status changes: the event list behind the dashboard and feed.xml, and calendar.ics (RFC 5545)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Sequence

from tooling.core import timeline as _timeline
from tooling.core.instants import utc
from tooling.core.model import NEPStatus, Outcome
from tooling.present.format import format_instant
from tooling.present.site.views import NepView

@dataclass(frozen=True)
class FeedEvent:
    at: int
    nep: int
    kind: str  # submitted | voting-started | decided | activated | withdrawn | deprecated
    title: str
    summary: str
    page: str


_EVENT_ORDER = {k: i for i, k in enumerate(("submitted", "voting-started", "decided", "activated", "withdrawn", "deprecated"))}


def status_events(views: Sequence[NepView], as_of: int) -> list[FeedEvent]:
    """Every status change that has happened by ``as_of``, newest first."""
    out: list[FeedEvent] = []
    for v in views:
        s = v.state
        name = f"{v.label}: {v.title}"

        def add(at: int | None, kind: str, title: str, summary: str) -> None:
            if at is not None and at <= as_of:
                out.append(FeedEvent(at, v.nep, kind, title, summary, v.page))

        add(s.submitted, "submitted", f"{name} — submitted for review", "Submitted; the review period starts.")
        if s.reason not in _timeline.T0_REASONS and s.status is not NEPStatus.WITHDRAWN:
            add(s.voting_start, "voting-started", f"{name} — voting started",
                f"Voting is open until {format_instant(s.voting_end)}.")
        if s.outcome is not None:
            if s.outcome is Outcome.APPROVED:
                summary = f"Approved; activates at {format_instant(s.activates_at)}."
            else:
                summary = f"Rejected ({s.reason.value if s.reason else Outcome.REJECTED.value})."
            add(s.decided_at, "decided", f"{name} — {s.outcome.value}", summary)
        add(s.activated, "activated", f"{name} — activated", "Now in force.")
        add(s.withdrawn_at, "withdrawn", f"{name} — withdrawn", "Withdrawn by its authors.")
        if s.deprecated_at is not None:
            by = f" by NEP-{s.deprecated_by:04d}" if s.deprecated_by is not None else ""
            add(s.deprecated_at, "deprecated", f"{name} — deprecated", f"Superseded{by}.")
    out.sort(key=lambda e: (-e.at, e.nep, -_EVENT_ORDER[e.kind]))
    return out


def ics_escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"\r\n|\r|\n", "\\\\n", text)


def ics_fold(line: str) -> list[str]:
    """Fold a content line at 75 octets, never inside a UTF-8 sequence (RFC 5545 3.1)."""
    out: list[str] = []
    current, size, limit = [], 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(current))
            current, size, limit = [" "], 1, 75
        current.append(ch)
        size += n
    out.append("".join(current))
    return out


def ics_time(t: int) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", utc(t))


def render_calendar(views: Sequence[NepView], as_of: int, authority: str, base: str) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//NeuroShard//nep site//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:NeuroShard NEPs",
    ]

    def event(uid: str, start: int, end: int | None, summary: str, description: str, page: str,
              alarm: str = "") -> None:
        lines.extend(["BEGIN:VEVENT", f"UID:{uid}@{authority}", f"DTSTAMP:{ics_time(as_of)}", f"DTSTART:{ics_time(start)}"])
        if end is not None:
            lines.append(f"DTEND:{ics_time(end)}")
        lines.append(f"SUMMARY:{ics_escape(summary)}")
        lines.append(f"DESCRIPTION:{ics_escape(description)}")
        if base:
            lines.append(f"URL:{base}{page}")
        if alarm:
            # A reminder one day before the event ends (the vote closes), for every subscriber's calendar.
            lines.extend(["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER;RELATED=END:-P1D",
                          f"DESCRIPTION:{ics_escape(alarm)}", "END:VALARM"])
        lines.append("END:VEVENT")

    for v in views:
        s = v.state
        name = f"{v.label}: {v.title}"
        voted = s.reason not in _timeline.T0_REASONS and (
            s.status is not NEPStatus.WITHDRAWN
        )
        if voted and s.voting_start is not None and s.voting_end is not None:
            event(f"nep-{v.nep:04d}-voting", s.voting_start, s.voting_end, f"Vote on {name}",
                  f"Voting window of {v.label} (votes count from {format_instant(s.voting_start)} until before "
                  f"{format_instant(s.voting_end)}).", v.page, alarm=f"Voting on {v.label} closes in one day")
        if s.outcome is Outcome.APPROVED and s.activates_at is not None:
            event(f"nep-{v.nep:04d}-activation", s.activates_at, None, f"{name} activates",
                  f"{v.label} comes into force.", v.page)
    lines.append("END:VCALENDAR")
    folded: list[str] = []
    for line in lines:
        folded.extend(ics_fold(line))
    return ("\r\n".join(folded) + "\r\n").encode("utf-8")


def tag_authority(network: str) -> str:
    name = re.sub(r"[^a-z0-9.-]+", "-", network.lower()).strip("-.")
    return name or "neuroshard"
