"""Windows and series agree with local calendar days, in awkward time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dora.domain.lead_times import US_PER_HOUR
from dora.domain.metrics import Change, DeployedAt, measure
from dora.domain.window import Granularity, Window

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "America/Havana",
    "America/St_Johns",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Apia",
    "Pacific/Kiritimati",
]

windows = st.builds(
    lambda start, length, zone: Window.parse(
        start.isoformat(), (start + timedelta(days=length)).isoformat(), zone
    ),
    st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=120),
    st.sampled_from(ZONES),
)


@st.composite
def instants_near(draw: st.DrawFn, window: Window) -> datetime:
    first, after = window.bounds()
    span = int((after - first).total_seconds()) + 3 * 86_400
    offset = draw(st.integers(min_value=-86_400, max_value=span))
    return (first + timedelta(seconds=offset)).astimezone(UTC)


@settings(max_examples=300)
@given(st.data(), windows)
def test_window_contains_exactly_the_instants_of_its_local_days(
    data: st.DataObject, window: Window
) -> None:
    instant = data.draw(instants_near(window))

    inside = window.contains(instant)

    assert inside == (window.start <= window.local_date(instant) <= window.end)


@settings(max_examples=200)
@given(st.data(), windows, st.sampled_from(list(Granularity)))
def test_series_adds_up_to_the_totals_of_the_window(
    data: st.DataObject, window: Window, granularity: Granularity
) -> None:
    instants = data.draw(st.lists(instants_near(window), max_size=20))
    deployments = [DeployedAt(instant) for instant in instants]
    changes = [Change(instant, US_PER_HOUR) for instant in instants]

    figures = measure(window, granularity, deployments, changes)

    series = figures.series
    assert sum(p.deployment_frequency for p in series) == figures.deployment_frequency
    assert sum(p.deployment_days for p in series) == figures.deployment_days
    assert sum(p.lead_time.changes for p in series) == figures.lead_time.changes
