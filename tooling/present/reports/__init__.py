"""What `nep status`, `show`, `tally`, `config` and `rewards` print, as pure functions.

Each report comes twice: a JSON-ready dict (a stable shape that only grows by
added keys; decimals as exact strings, instants as RFC 3339 ``Z`` strings or
null) and plain text for a terminal. Everything is a function of computed
results (``NEPState``, ``Tally``, ``ProtocolState``, ``ProposalRewards``) and
``as_of``; nothing here reads a clock, decides an outcome or uses a float.
Percentages and bars are display only: the verdicts shown next to them come
from the ``Tally`` booleans.

Decisions where the spec is silent:

- Percentages are truncated (not rounded) to 0.1, so a figure below a
  threshold never displays as reaching it (19.96 % shows as 19.9 %).
- ``tally_json`` without a tally (voting not started, withdrawn, rejected at
  T0) has zero amounts, ``votes: []``, both criteria false, ``quorum`` and
  ``approval`` null, and takes ``outcome``, ``reason`` and ``decided_at`` from
  the state, so a NEP rejected at T0 reports ``final: true``, ``outcome:
  "rejected"``; ``projected_outcome`` equals ``outcome`` (null if undecided).
- ``status_json`` lists the NEPs that have a state (a NEP without a readable
  proposal still appears, with title, type and content_hash null).
- ``timeline`` omits empty windows (review on a track with no review time,
  scheduled with grace 0); phases whose instants are unknown are placed by
  the order of the path relative to the current status.
- Parameter and impact values keep their JSON type (numbers stay numbers);
  only ``Decimal`` values become strings.
- A fee is ``refunded``, ``burned``, ``kept`` (rejected with quorum) or
  ``held`` (undecided); ``rewards_json`` tells kept from held by the states
  when given, else by whether anything was paid. ``proposer_rewards`` in the
  totals includes refunded fees, as ``ProposalRewards.proposer_reward`` does.
- Text output replaces control and bidirectional-override characters in
  titles, names and reasons, so a file cannot rewrite the terminal.
"""

from __future__ import annotations

from tooling.present.format import decimal_str, duration_text, percent
from tooling.present.reports.config import config_json, config_text
from tooling.present.reports.phases import timeline
from tooling.present.reports.rewards import rewards_json, rewards_text
from tooling.present.reports.show import show_json, show_text
from tooling.present.reports.status import status_json, status_text
from tooling.present.reports.tally import tally_json, tally_text

__all__ = [
    "config_json",
    "config_text",
    "decimal_str",
    "duration_text",
    "percent",
    "rewards_json",
    "rewards_text",
    "show_json",
    "show_text",
    "status_json",
    "status_text",
    "tally_json",
    "tally_text",
    "timeline",
]
