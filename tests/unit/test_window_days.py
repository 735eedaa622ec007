"""A window's days run from one local midnight's instant to the next."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dora.domain.window import Granularity, Window

from .builders import at
from .test_window_properties import instants_near, windows


@settings(max_examples=300)
@given(st.data(), windows)
def test_the_day_of_an_instant_is_its_local_date(
    data: st.DataObject, window: Window
) -> None:
    instant = data.draw(instants_near(window))

    index = window.day_index(instant)

    if window.contains(instant):
        assert index is not None
        assert window.day(index) == window.local_date(instant)
    else:
        assert index is None


def test_a_day_of_a_summer_time_change_starts_at_local_midnight() -> None:
    window = Window.parse("2024-03-30", "2024-04-01", "Europe/Berlin")

    starts = window.day_starts()

    assert starts == [
        at("2024-03-29T23:00:00Z"),
        at("2024-03-30T23:00:00Z"),
        at("2024-03-31T22:00:00Z"),
        at("2024-04-01T22:00:00Z"),
    ]


def test_periods_start_at_the_first_instant_of_their_first_day() -> None:
    window = Window.parse("2024-03-28", "2024-04-02", "Europe/Berlin")

    starts = window.period_starts(Granularity.WEEK)

    assert [p.start for p in window.periods(Granularity.WEEK)] == [
        date(2024, 3, 28),
        date(2024, 4, 1),
    ]
    assert starts == [at("2024-03-27T23:00:00Z"), at("2024-03-31T22:00:00Z")]
