"""Windows of calendar days in a time zone, and their periods."""

from __future__ import annotations

import enum
import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dora.domain.errors import InvalidParameter

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_DAYS = 36_600  # a century: beyond it a window is a typo, not a question
FIRST_YEAR, LAST_YEAR = 1900, 2999


class Granularity(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def parse_date(text: str, field_name: str) -> date:
    if not ISO_DATE.fullmatch(text):
        raise InvalidParameter(f"{field_name}: {text!r} is not a date YYYY-MM-DD")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidParameter(f"{field_name}: {text!r} is not a real date") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidParameter(
            f"{field_name}: {text!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}"
        )
    return day


def parse_zone(name: str) -> ZoneInfo:
    # The zoneinfo folder also holds the server's own `localtime`, which would
    # make answers depend on how the machine is set up.
    if name not in _zone_names() or name == "localtime":
        raise InvalidParameter(f"tz: {name!r} is not an IANA time zone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidParameter(f"tz: {name!r} is not an IANA time zone") from None


def parse_granularity(text: str) -> Granularity:
    try:
        return Granularity(text)
    except ValueError:
        raise InvalidParameter(
            f"granularity: {text!r} is not one of day, week, month"
        ) from None


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


@dataclass(frozen=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True)
class Window:
    """Calendar days `start` to `end`, both inclusive, read in `tz`."""

    start: date
    end: date
    tz: ZoneInfo

    @classmethod
    def parse(cls, start: str, end: str, tz: str = "UTC") -> Window:
        first = parse_date(start, "from")
        last = parse_date(end, "to")
        if first > last:
            raise InvalidParameter(f"from: {start!r} is after to {end!r}")
        if (last - first).days >= MAX_DAYS:
            raise InvalidParameter(
                f"to: {end!r} is more than {MAX_DAYS} days after from {start!r}"
            )
        return cls(first, last, parse_zone(tz))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """Return the first instant and the instant just after, in UTC."""
        return self._bounds

    @functools.cached_property
    def _bounds(self) -> tuple[datetime, datetime]:
        # Cached: `contains` asks for every item of a window's data.
        return self._instant(self.start), self._instant(self.end + timedelta(1))

    def _instant(self, day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=self.tz).astimezone(UTC)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def day_starts(self) -> list[datetime]:
        """Return the first instant of each day of the window, in UTC.

        A day runs from its start to the next day's; the last item is the
        instant just after the window. Rows are bucketed into days by these
        bounds, in Python and in SQL alike.
        """
        return self._day_starts

    @functools.cached_property
    def _day_starts(self) -> list[datetime]:
        return [self._instant(self.start + timedelta(n)) for n in range(self.days + 1)]

    def period_starts(self, granularity: Granularity) -> list[datetime]:
        """Return the first instant of each period, in UTC.

        An instant of the window falls in the last period starting at or
        before it; SQL buckets rows by these instants too.
        """
        days = self._day_starts
        return [days[(p.start - self.start).days] for p in self.periods(granularity)]

    def day_index(self, instant: datetime) -> int | None:
        """Return the index of the window's day holding `instant`, else None."""
        index = bisect_right(self._day_starts, instant) - 1
        return index if 0 <= index < self.days else None

    def day(self, index: int) -> date:
        return self.start + timedelta(index)

    def contains(self, instant: datetime) -> bool:
        first, after = self.bounds()
        return first <= instant < after

    def previous(self) -> Window:
        """Return the window of equal length that ends the day before."""
        length = timedelta(days=self.days)
        return Window(self.start - length, self.start - timedelta(1), self.tz)

    def periods(self, granularity: Granularity) -> list[Period]:
        """Cut the window into periods, clipping those at its edges."""
        periods = []
        day = self.start
        while day <= self.end:
            end = min(self.end, _period_end(day, granularity))
            periods.append(Period(day, end))
            day = end + timedelta(1)
        return periods


def _period_end(day: date, granularity: Granularity) -> date:
    if granularity is Granularity.DAY:
        return day
    if granularity is Granularity.WEEK:
        return day + timedelta(days=6 - day.weekday())
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(1)
