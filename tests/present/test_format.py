"""The one formatting module: one form per purpose, boundaries by name."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

import pytest

from tooling.core.instants import MAX_INSTANT, parse_instant
from tooling.present import format as fmt


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("1500.250"), "1500.25"),
        (Decimal("0E-8"), "0"),
        (Decimal("-0"), "0"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("1E+3"), "1000"),
        (Decimal("100"), "100"),
        (7, "7"),
    ],
)
def test_decimal_str_is_exact_plain_and_trimmed(value: Decimal, text: str) -> None:
    assert fmt.decimal_str(value) == text


def test_decimal_str_refuses_what_is_not_an_amount() -> None:
    with pytest.raises(TypeError):
        fmt.decimal_str(True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fmt.decimal_str(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        fmt.decimal_str(Decimal("NaN"))


def test_decimal_str_round_trips_exactly() -> None:
    for text in ("123456789012.12345678", "-0.00000001", "1E+30", "5.000", "0.1", "99999999999999999999.9"):
        d = Decimal(text)
        out = fmt.decimal_str(d)
        assert Decimal(out) == d and "E" not in out


def test_amount_text_groups_thousands_only_in_the_whole_part() -> None:
    assert fmt.amount_text(Decimal("1500.25")) == "1,500.25"
    assert fmt.amount_text(Decimal("-1234567.000100")) == "-1,234,567.0001"
    assert fmt.amount_text(Decimal("0.5")) == "0.5"


def test_percent_truncates_so_a_figure_below_a_threshold_never_reaches_it() -> None:
    assert fmt.percent(Decimal("0.1996"), Decimal(1)) == "19.9 %"
    assert fmt.percent(Decimal("0.2"), Decimal(1)) == "20.0 %"
    assert fmt.percent(Decimal("2"), Decimal("3")) == "66.6 %"
    assert fmt.percent(Decimal("-1"), Decimal("3")) == "-33.3 %"
    assert fmt.percent(Decimal(5), Decimal(0)) == "—"
    assert fmt.percent_value(Decimal("2"), Decimal("3")) == Decimal("66.6")
    assert fmt.percent_value(Decimal("2"), Decimal(0)) is None


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "0s"),
        (12, "12s"),
        (60, "1m"),
        (45 * 60 + 59, "45m 59s"),
        (2 * 3600 + 5 * 60 + 7, "2h 5m"),
        (3 * 86400 + 4 * 3600 + 59, "3d 4h"),
        (3 * 86400 + 59, "3d"),
        (-90, "-1m 30s"),
    ],
)
def test_duration_text_two_largest_units_truncated(seconds: int, text: str) -> None:
    assert fmt.duration_text(seconds) == text


def test_instants() -> None:
    t = parse_instant("2026-02-01T00:00:00Z")
    assert fmt.format_instant(t) == "2026-02-01T00:00:00Z"
    assert fmt.format_instant(None) is None
    assert fmt.instant_text(t) == "2026-02-01 00:00Z"
    assert fmt.instant_text(t + 7) == "2026-02-01 00:00:07Z"
    assert fmt.instant_text(None) == "—"
    assert fmt.instant_text(None, "") == ""
    assert fmt.format_date(t + 86399) == "2026-02-01"
    assert fmt.format_instant(MAX_INSTANT) == "9999-12-31T23:59:59Z"
    assert fmt.relative_text(t, t) == "now"
    assert fmt.relative_text(t + 3600, t) == "in 1h"
    assert fmt.relative_text(t, t + 90) == "1m 30s ago"


class _Colour(enum.Enum):
    RED = "red"


@dataclass(frozen=True)
class _Rec:
    amount: Decimal
    tags: frozenset[str]
    colour: _Colour


def test_jsonable_gives_plain_json_values() -> None:
    value = {1: (_Rec(Decimal("1.50"), frozenset({"b", "a"}), _Colour.RED), None, True, 2.5, float("inf"))}
    assert fmt.jsonable(value) == {
        "1": [{"amount": "1.5", "tags": ["a", "b"], "colour": "red"}, None, True, 2.5, "inf"]
    }


def test_files_findings_and_reports_write_amounts_by_one_rule() -> None:
    """The bot's files and check-pr's findings use the core's rule; the presentation layer re-exports it."""
    from tooling.core import numbers

    assert fmt.decimal_str is numbers.decimal_str
