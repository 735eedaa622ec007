"""Scratch PostgreSQL databases for the tests, made and dropped with psycopg."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import URL, make_url

from dora.adapters.sql_tables import Base

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
HOW_TO = (
    "Point the tests at a server with "
    "DORA_TEST_POSTGRES_URL=postgresql+psycopg://user@host:port/db "
    "(a database the user may connect to; the tests create and drop their own "
    "scratch databases beside it), or skip them deliberately with "
    "DORA_SKIP_POSTGRES=1 (refused when CI is set)."
)


def server_url() -> URL:
    """Return the server to test on, or skip or fail as the environment asks."""
    in_ci = bool(os.environ.get("CI"))
    if os.environ.get("DORA_SKIP_POSTGRES", "") not in ("", "0"):
        if in_ci:
            pytest.fail("DORA_SKIP_POSTGRES is refused when CI is set", pytrace=False)
        pytest.skip("DORA_SKIP_POSTGRES is set")
    server = make_url(os.environ.get("DORA_TEST_POSTGRES_URL", DEFAULT_URL))
    try:
        execute(server, sql.SQL("SELECT 1"))
    except psycopg.OperationalError as error:
        where = server.render_as_string(hide_password=True)
        required = "CI is set, so the PostgreSQL tests must run. " if in_ci else ""
        message = f"PostgreSQL at {where} cannot be reached: {error}\n{required}"
        pytest.fail(message + HOW_TO, pytrace=False)
    return server


def execute(url: URL, statement: sql.SQL | sql.Composed) -> None:
    """Run one statement outside a transaction, as CREATE DATABASE needs."""
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)


@contextmanager
def scratch_database(server: URL) -> Iterator[URL]:
    """Create an empty database beside the server's; drop it afterwards."""
    name = f"dora_test_{secrets.token_hex(6)}"
    identifier = sql.Identifier(name)
    execute(server, sql.SQL("CREATE DATABASE {}").format(identifier))
    try:
        yield server.set(database=name)
    finally:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        execute(server, drop.format(identifier))


def empty(url: URL) -> None:
    """Delete every row of the schema and restart its id sequences."""
    tables = sql.SQL(", ").join(
        sql.Identifier(table.name) for table in Base.metadata.sorted_tables
    )
    execute(url, sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(tables))


def drop_connections(database: URL) -> None:
    """Cut every connection to the database, as a server restart would."""
    statement = sql.SQL(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = {} AND pid <> pg_backend_pid()"
    ).format(sql.Literal(database.database))
    execute(database, statement)
