"""Delegation is governed (SPEC 11): it applies to a NEP only if the feature is in force at its T0."""

from __future__ import annotations

from pathlib import Path

from test_lifecycle import AT, GOV, KEYS, NET, NODE, STAKES, T0, nep
from tooling.core.delegation import DelegationVersion, judge_versions, sign_delegation
from tooling.core.lifecycle import compute_states
from tooling.core.model import NEPType

ROOT = Path(__file__).resolve().parents[2]


def b_delegates_to_a() -> dict:
    d = sign_delegation(KEYS["B"], network=NET, delegate=NODE["A"], timestamp=T0)
    return {d.path: judge_versions([DelegationVersion(d.path, d, T0)], network_at=lambda t: NET)}


def test_a_nep_gov_turns_delegation_on_for_neps_submitted_from_its_activation() -> None:
    gov = nep(1, type=NEPType.GOVERNANCE, ballots={"A": "yes"}, changes=(("protocol", "feature_delegation", True),))
    before = nep(2, AT - 1, ballots={"A": "yes"})
    at = nep(3, AT, ballots={"A": "yes"})
    s = compute_states([gov, before, at], GOV, STAKES, AT + 30 * 86400, delegations=b_delegates_to_a())
    assert s[1].activated == AT
    assert s[2].tally is not None and not s[2].tally.delegation and s[2].tally.yes == 250
    assert s[3].tally is not None and s[3].tally.delegation and s[3].tally.yes == 900
    assert s[3].tally.votes[0].delegators == (NODE["B"],)


def test_genesis_features_and_feature_off() -> None:
    on = GOV.__class__(**{**GOV.__dict__, "features": (*GOV.features, "delegation")})
    one = nep(1, ballots={"A": "yes"})
    assert compute_states([one], on, STAKES, AT, delegations=b_delegates_to_a())[1].tally.yes == 900
    assert compute_states([one], GOV, STAKES, AT, delegations=b_delegates_to_a())[1].tally.yes == 250
    # A later NEP-GOV with feature_delegation: false turns it off again for NEPs submitted after it activates.
    off = nep(1, type=NEPType.GOVERNANCE, ballots={"A": "yes"}, changes=(("protocol", "feature_delegation", False),))
    later = nep(2, AT, ballots={"A": "yes"})
    s = compute_states([off, later], on, STAKES, AT + 30 * 86400, delegations=b_delegates_to_a())
    assert s[1].tally.delegation and not s[2].tally.delegation


def test_nep_init_writes_delegation_into_the_genesis_features() -> None:
    import yaml

    text = (ROOT / "tooling" / "app" / "templates" / "init" / "governance.yaml").read_text(encoding="utf-8")
    assert "delegation" in yaml.safe_load(text)["features"]
