"""Items on the wire and settings are checked before anything is stored."""

from __future__ import annotations

import pytest

from dora.domain.errors import InvalidParameter, InvalidPayload
from dora.domain.window import parse_date, parse_zone
from dora.entrypoints.schemas import CommitIn, parse
from dora.entrypoints.settings import Settings

SHA = "a" * 40


def commit_json(committed_at: str) -> str:
    return f'{{"sha": "{SHA}", "committed_at": {committed_at}}}'


@pytest.mark.parametrize(
    "value",
    [
        '"2024-01-01T09:00:00"',
        '"1700000000"',
        "1700000000",
        '"2024-01-01"',
        '"2024-13-01T09:00:00Z"',
        '"0001-01-01T00:00:00+05:00"',
    ],
)
def test_a_timestamp_must_be_rfc_3339_with_an_offset(value: str) -> None:
    with pytest.raises(InvalidPayload) as raised:
        parse(CommitIn, commit_json(value))

    assert raised.value.problems[0].path == "committed_at"


def test_a_timestamp_with_an_offset_is_stored_in_utc() -> None:
    commit = parse(CommitIn, commit_json('"2024-01-01T09:00:00+02:00"'))

    assert commit.committed_at.isoformat() == "2024-01-01T07:00:00+00:00"


def test_a_commit_without_an_author_time_takes_the_committer_time() -> None:
    commit = parse(CommitIn, commit_json('"2024-01-01T09:00:00Z"')).to_domain()

    assert commit.authored_at == commit.committed_at


@pytest.mark.parametrize("url", ["mysql://root@db/dora", "nonsense", "redis://x"])
def test_an_unsupported_database_url_is_refused_by_name(url: str) -> None:
    with pytest.raises(InvalidParameter, match="DORA_DATABASE_URL"):
        Settings.from_env({"DORA_DATABASE_URL": url})


@pytest.mark.parametrize(
    "url",
    ["sqlite:///dora.db", "postgresql://me@db/dora", "postgresql+psycopg://me@db/x"],
)
def test_sqlite_and_postgresql_urls_are_accepted(url: str) -> None:
    assert Settings.from_env({"DORA_DATABASE_URL": url}).database_url == url


@pytest.mark.parametrize(
    "name", ["localtime", "posixrules", "right/UTC", "Mars/Olympus"]
)
def test_a_time_zone_must_be_an_iana_name(name: str) -> None:
    with pytest.raises(InvalidParameter, match="tz"):
        parse_zone(name)


def test_a_date_is_written_in_ascii_digits() -> None:
    with pytest.raises(InvalidParameter, match="YYYY-MM-DD"):
        parse_date("\uff12\uff10\uff12\uff14-01-01", "from")
