"""Read the instants and dates given to command options."""

from __future__ import annotations

from datetime import UTC, datetime, time

from dora.domain.errors import InvalidParameter
from dora.domain.window import parse_date


def parse_moment(text: str, option: str) -> datetime:
    """Read an RFC 3339 timestamp; one without an offset is rejected."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidParameter(
            f"{option}: {text!r} is not an RFC 3339 timestamp"
        ) from None
    if moment.tzinfo is None:
        raise InvalidParameter(f"{option}: {text!r} has no offset (add Z or +hh:mm)")
    return moment.astimezone(UTC)


def parse_cutoff(text: str | None, option: str) -> datetime | None:
    """Read a date (its midnight UTC) or a timestamp, if one is given."""
    if text is None:
        return None
    if len(text) == len("YYYY-MM-DD"):
        return datetime.combine(parse_date(text, option), time(), UTC)
    return parse_moment(text, option)
