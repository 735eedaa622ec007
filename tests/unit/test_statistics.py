"""Lead-time statistics over individual changes."""

from __future__ import annotations

import statistics as reference
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dora.domain import statistics
from dora.domain.lead_times import US_PER_HOUR
from dora.domain.metrics import LeadTime

MICROSECONDS = st.integers(min_value=0, max_value=100_000 * US_PER_HOUR)


def _us(*hours: float) -> list[int]:
    return [round(value * US_PER_HOUR) for value in hours]


def test_mean_is_the_arithmetic_mean() -> None:
    hours = [1.0, 2.0, 3.0, 4.0]

    mean = statistics.mean(hours)

    assert mean == 2.5


def test_median_of_an_even_count_interpolates_between_the_middle_values() -> None:
    hours = [1.0, 2.0, 3.0, 4.0]

    median = statistics.median(hours)

    assert median == 2.5


def test_median_of_an_odd_count_is_the_middle_value() -> None:
    hours = [1.0, 2.0, 10.0]

    median = statistics.median(hours)

    assert median == 2.0


def test_p90_interpolates_linearly_between_closest_ranks() -> None:
    hours = [1.0, 2.0, 3.0, 4.0]

    p90 = statistics.percentile(hours, 0.9)

    assert p90 == pytest.approx(3.7)


def test_every_statistic_of_a_single_value_is_that_value() -> None:
    lead_time = LeadTime.of(_us(7.25))

    assert lead_time == LeadTime(
        changes=1, avg_hours=7.25, median_hours=7.25, p90_hours=7.25
    )


def test_every_statistic_of_no_changes_is_none() -> None:
    lead_time = LeadTime.of([])

    assert lead_time == LeadTime(
        changes=0, avg_hours=None, median_hours=None, p90_hours=None
    )


def test_statistics_of_no_values_are_none() -> None:
    empty: list[float] = []

    results = [
        statistics.mean(empty),
        statistics.median(empty),
        statistics.percentile(empty, 0.9),
    ]

    assert results == [None, None, None]


def test_lead_time_sorts_the_hours_before_taking_percentiles() -> None:
    lead_time = LeadTime.of(_us(4.0, 1.0, 3.0, 2.0))

    assert lead_time.median_hours == 2.5
    assert lead_time.p90_hours == pytest.approx(3.7)


@given(st.lists(MICROSECONDS, min_size=2, max_size=200))
def test_p90_matches_inclusive_quantiles(micros: list[int]) -> None:
    hours = [value / US_PER_HOUR for value in micros]
    expected = reference.quantiles(hours, n=10, method="inclusive")[8]

    p90 = LeadTime.of(micros).p90_hours

    assert p90 == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(st.lists(MICROSECONDS, min_size=2, max_size=200))
def test_median_matches_inclusive_quantiles(micros: list[int]) -> None:
    hours = [value / US_PER_HOUR for value in micros]
    expected = reference.quantiles(hours, n=2, method="inclusive")[0]

    median = LeadTime.of(micros).median_hours

    assert median == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(st.lists(MICROSECONDS, min_size=1, max_size=200))
def test_mean_is_the_exact_mean_rounded_once(micros: list[int]) -> None:
    expected = Fraction(sum(micros), len(micros) * US_PER_HOUR)

    mean = LeadTime.of(micros).avg_hours

    assert mean == float(expected)
