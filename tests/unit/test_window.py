"""Windows of calendar days in a time zone, and the periods they are cut into."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dora.domain.window import Granularity, Period, Window

from .builders import at


def periods(start: str, end: str, granularity: Granularity) -> list[tuple[str, str]]:
    window = Window.parse(start, end)
    return [
        (p.start.isoformat(), p.end.isoformat()) for p in window.periods(granularity)
    ]


def test_weeks_run_monday_to_sunday_and_are_clipped_at_both_edges() -> None:
    window = ("2024-01-03", "2024-01-16")

    weeks = periods(*window, Granularity.WEEK)

    assert weeks == [
        ("2024-01-03", "2024-01-07"),
        ("2024-01-08", "2024-01-14"),
        ("2024-01-15", "2024-01-16"),
    ]


def test_window_of_whole_weeks_has_no_clipped_period() -> None:
    window = ("2024-01-01", "2024-01-14")

    weeks = periods(*window, Granularity.WEEK)

    assert weeks == [("2024-01-01", "2024-01-07"), ("2024-01-08", "2024-01-14")]


def test_iso_week_spans_the_turn_of_the_year() -> None:
    window = ("2024-12-28", "2025-01-06")

    weeks = periods(*window, Granularity.WEEK)

    assert weeks == [
        ("2024-12-28", "2024-12-29"),
        ("2024-12-30", "2025-01-05"),
        ("2025-01-06", "2025-01-06"),
    ]


def test_months_are_calendar_months_clipped_at_both_edges() -> None:
    window = ("2024-01-15", "2024-03-10")

    months = periods(*window, Granularity.MONTH)

    assert months == [
        ("2024-01-15", "2024-01-31"),
        ("2024-02-01", "2024-02-29"),
        ("2024-03-01", "2024-03-10"),
    ]


def test_december_ends_on_the_31st_and_january_follows() -> None:
    window = ("2023-11-20", "2024-01-05")

    months = periods(*window, Granularity.MONTH)

    assert months == [
        ("2023-11-20", "2023-11-30"),
        ("2023-12-01", "2023-12-31"),
        ("2024-01-01", "2024-01-05"),
    ]


def test_day_granularity_has_one_period_per_day() -> None:
    window = ("2024-02-28", "2024-03-01")

    days = periods(*window, Granularity.DAY)

    assert days == [
        ("2024-02-28", "2024-02-28"),
        ("2024-02-29", "2024-02-29"),
        ("2024-03-01", "2024-03-01"),
    ]


@pytest.mark.parametrize("granularity", list(Granularity))
def test_one_day_window_has_one_period(granularity: Granularity) -> None:
    window = Window.parse("2024-05-15", "2024-05-15")

    cut = window.periods(granularity)

    assert cut == [Period(date(2024, 5, 15), date(2024, 5, 15))]


@pytest.mark.parametrize("granularity", list(Granularity))
def test_periods_cover_every_day_of_the_window_once_in_order(
    granularity: Granularity,
) -> None:
    window = Window.parse("2023-12-27", "2024-03-04")

    cut = window.periods(granularity)

    days = [
        p.start + timedelta(days=n)
        for p in cut
        for n in range((p.end - p.start).days + 1)
    ]
    assert days == [window.start + timedelta(days=n) for n in range(window.days)]


def test_window_counts_both_edge_days() -> None:
    window = Window.parse("2024-01-01", "2024-01-31")

    days = window.days

    assert days == 31


def test_window_contains_its_first_and_last_instants_but_not_the_next_one() -> None:
    window = Window.parse("2024-01-01", "2024-01-31")

    inside = [
        window.contains(at("2024-01-01T00:00:00Z")),
        window.contains(at("2024-01-31T23:59:59.999999Z")),
    ]
    outside = [
        window.contains(at("2023-12-31T23:59:59.999999Z")),
        window.contains(at("2024-02-01T00:00:00Z")),
    ]

    assert inside == [True, True]
    assert outside == [False, False]


def test_time_zone_moves_an_instant_to_its_local_day() -> None:
    berlin = Window.parse("2024-03-01", "2024-03-31", "Europe/Berlin")
    utc = Window.parse("2024-03-01", "2024-03-31")

    late_evening = at("2024-03-04T23:30:00Z")

    assert utc.local_date(late_evening) == date(2024, 3, 4)
    assert berlin.local_date(late_evening) == date(2024, 3, 5)


def test_time_zone_moves_the_window_bounds() -> None:
    window = Window.parse("2024-03-05", "2024-03-05", "Europe/Berlin")

    bounds = window.bounds()

    assert bounds == (at("2024-03-04T23:00:00Z"), at("2024-03-05T23:00:00Z"))


def test_day_the_clocks_spring_forward_lasts_23_hours() -> None:
    window = Window.parse("2024-03-31", "2024-03-31", "Europe/Berlin")

    first, after = window.bounds()

    assert (first, after) == (at("2024-03-30T23:00:00Z"), at("2024-03-31T22:00:00Z"))
    assert not window.contains(at("2024-03-31T22:00:00Z"))


def test_day_the_clocks_fall_back_lasts_25_hours() -> None:
    window = Window.parse("2024-10-27", "2024-10-27", "Europe/Berlin")

    first, after = window.bounds()

    assert (first, after) == (at("2024-10-26T22:00:00Z"), at("2024-10-27T23:00:00Z"))
    assert window.contains(at("2024-10-27T22:30:00Z"))


def test_window_across_a_clock_change_still_counts_calendar_days() -> None:
    window = Window.parse("2024-03-30", "2024-04-01", "Europe/Berlin")

    days = window.days

    assert days == 3
