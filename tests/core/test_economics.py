"""Economic impact (SPEC 3.1): neutral only when all nine fields are at their no-change
values, a one-line summary covering every field that moves, and the direction of rewards."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from tooling.core.economics import change, describe, describe_field, is_neutral, moved_fields, reward_direction
from tooling.core.model import IMPACT_FIELDS, EconomicImpact

NEUTRAL = EconomicImpact()

#: One non-neutral value for each of the nine fields, and how describe() prints it alone.
MOVED = {
    "training_reward_multiplier": (1.4, "Training rewards: +40.0%"),
    "training_efficiency_multiplier": (2.0, "Training efficiency: +100.0%"),
    "inference_reward_multiplier": (1.3, "Inference rewards: +30.0%"),
    "inference_cost_multiplier": (0.9, "Inference cost: -10.0%"),
    "min_memory_change_mb": (200, "Memory requirement: +200 MB"),
    "min_compute_change_tflops": (1.5, "Compute requirement: +1.5 TFLOPS"),
    "staking_multiplier_change": (0.1, "Staking multiplier: +0.1"),
    "upgrade_cost_neuro": (Decimal("25"), "Upgrade cost: 25 NEURO"),
    "net_earnings_change_percent": (5.0, "Net earnings: +5.0%"),
}


def impact(**fields) -> EconomicImpact:
    return dataclasses.replace(NEUTRAL, **fields)


def test_the_nine_fields_are_covered():
    assert list(MOVED) == [f.name for f in IMPACT_FIELDS]


def test_all_no_change_values_are_neutral():
    assert is_neutral(NEUTRAL)
    assert NEUTRAL.is_neutral()
    assert moved_fields(NEUTRAL) == []
    assert describe(NEUTRAL) == "No economic change"


def test_neutral_values_written_as_other_number_types_are_still_neutral():
    # What a YAML file yields: 1 instead of 1.0, 0.0 instead of 0, -0.0, "0.00" NEURO.
    same = impact(training_reward_multiplier=1, min_memory_change_mb=0, min_compute_change_tflops=-0.0,
                  staking_multiplier_change=0, upgrade_cost_neuro=Decimal("0.00"), net_earnings_change_percent=0)
    assert is_neutral(same)


@pytest.mark.parametrize("name", list(MOVED))
def test_moving_any_single_field_is_not_neutral(name):
    """The original is_neutral() ignored efficiency, memory, compute, staking and cost."""
    value, _ = MOVED[name]
    moved = impact(**{name: value})
    assert not is_neutral(moved)
    assert not moved.is_neutral()
    assert [f.name for f in moved_fields(moved)] == [name]


@pytest.mark.parametrize("name", list(MOVED))
def test_describe_one_field(name):
    value, text = MOVED[name]
    assert describe(impact(**{name: value})) == text
    assert impact(**{name: value}).describe() == text


def test_describe_nep_0001_multi_token_prediction():
    mtp = impact(training_efficiency_multiplier=2.0, min_memory_change_mb=200)
    assert describe(mtp) == "Training efficiency: +100.0%; Memory requirement: +200 MB"


def test_describe_nep_0002_latent_attention_in_file_order():
    mla = impact(inference_reward_multiplier=1.3, min_memory_change_mb=-2000, net_earnings_change_percent=5.0)
    assert describe(mla) == "Inference rewards: +30.0%; Memory requirement: -2000 MB; Net earnings: +5.0%"


def test_describe_nep_0004_training_reward():
    reward = impact(training_reward_multiplier=1.4, net_earnings_change_percent=25.0)
    assert describe(reward) == "Training rewards: +40.0%; Net earnings: +25.0%"


def test_describe_every_field_at_once():
    everything = EconomicImpact(**{name: value for name, (value, _) in MOVED.items()})
    assert describe(everything) == "; ".join(text for _, text in MOVED.values())


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"training_reward_multiplier": 0.5}, "Training rewards: -50.0%"),
        ({"inference_cost_multiplier": 1.1}, "Inference cost: +10.0%"),  # exactly, no float residue
        ({"training_efficiency_multiplier": 1.08}, "Training efficiency: +8.0%"),
        ({"min_memory_change_mb": -2000}, "Memory requirement: -2000 MB"),
        ({"min_memory_change_mb": 1000}, "Memory requirement: +1000 MB"),  # not 1E+3
        ({"min_compute_change_tflops": -0.25}, "Compute requirement: -0.25 TFLOPS"),
        ({"min_compute_change_tflops": 10.0}, "Compute requirement: +10 TFLOPS"),
        ({"staking_multiplier_change": -0.05}, "Staking multiplier: -0.05"),
        ({"upgrade_cost_neuro": Decimal("1500.25")}, "Upgrade cost: 1500.25 NEURO"),
        ({"upgrade_cost_neuro": Decimal("100.00")}, "Upgrade cost: 100 NEURO"),
        ({"net_earnings_change_percent": -100.0}, "Net earnings: -100.0%"),
        ({"net_earnings_change_percent": 12.34}, "Net earnings: +12.3%"),
    ],
)
def test_describe_signs_and_units(fields, text):
    assert describe(impact(**fields)) == text


def test_describe_field_of_a_neutral_field():
    f = IMPACT_FIELDS[0]
    assert describe_field(NEUTRAL, f) == "Training rewards: 0.0%"


def test_change_is_exact():
    assert change(impact(inference_cost_multiplier=1.1), IMPACT_FIELDS[3]) == Decimal("0.1")
    assert change(impact(min_memory_change_mb=-2000), IMPACT_FIELDS[4]) == Decimal(-2000)


@pytest.mark.parametrize(
    ("fields", "direction"),
    [
        ({}, 0),
        ({"training_efficiency_multiplier": 2.0}, 0),  # not a reward multiplier
        ({"net_earnings_change_percent": 5.0}, 0),
        ({"training_reward_multiplier": 1.4}, 1),
        ({"inference_reward_multiplier": 1.3}, 1),
        ({"training_reward_multiplier": 1.4, "inference_reward_multiplier": 1.1}, 1),
        ({"training_reward_multiplier": 0.8}, -1),
        ({"training_reward_multiplier": 0.8, "inference_reward_multiplier": 0.9}, -1),
        ({"training_reward_multiplier": 1.2, "inference_reward_multiplier": 0.9}, None),  # mixed
    ],
)
def test_reward_direction(fields, direction):
    assert reward_direction(impact(**fields)) == direction


def test_impact_defaults_are_the_no_change_values_in_file_order():
    fields = dataclasses.fields(EconomicImpact)
    assert [f.name for f in fields] == [f.name for f in IMPACT_FIELDS]
    for dc_field, impact_field in zip(fields, IMPACT_FIELDS):
        assert Decimal(str(dc_field.default)) == Decimal(str(impact_field.neutral))
