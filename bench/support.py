"""What every benchmark needs: a scratch database, the shared data, a clock."""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import URL, make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHECKOUT = Path(__file__).resolve().parent.parent


def maintenance_url() -> URL:
    return make_url(os.environ.get("DORA_BENCH_POSTGRES_URL", DEFAULT_URL))


def libpq(url: URL) -> str:
    """Return the URL as psycopg (not SQLAlchemy) spells it."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def sqlalchemy_url(url: URL) -> str:
    return url.render_as_string(hide_password=False)


@contextmanager
def scratch_database() -> Iterator[URL]:
    """Create an empty PostgreSQL database for one run; drop it afterwards."""
    server = maintenance_url()
    database = f"dora_bench_{secrets.token_hex(6)}"
    name = sql.Identifier(database)
    with psycopg.connect(libpq(server), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
    try:
        yield server.set(database=database)
    finally:
        with psycopg.connect(libpq(server), autocommit=True) as connection:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            connection.execute(drop.format(name))


@contextmanager
def kept_database(name: str) -> Iterator[tuple[URL, bool]]:
    """Open the named PostgreSQL database, creating it if missing; keep it.

    Yields its URL and whether it existed, so a benchmark can skip loading
    data it loaded in an earlier run. Dropping it is left to the caller.
    """
    server = maintenance_url()
    with psycopg.connect(libpq(server), autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if found is None:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )
    try:
        yield server.set(database=name), found is not None
    except BaseException:
        # A load cut short must not pass for a loaded database next time.
        if found is None:
            with psycopg.connect(libpq(server), autocommit=True) as connection:
                drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                connection.execute(drop.format(sql.Identifier(name)))
        raise


def shared_dir() -> Path:
    """The shared folder: DORA_SHARED_DIR, else ../shared beside the checkout."""
    configured = os.environ.get("DORA_SHARED_DIR")
    return Path(configured) if configured else CHECKOUT.parent / "shared"


class Clock:
    """Seconds since construction, in named laps."""

    def __init__(self) -> None:
        self.began = time.perf_counter()

    def lap(self) -> float:
        now = time.perf_counter()
        elapsed, self.began = now - self.began, now
        return elapsed


def report(figures: dict[str, Any]) -> None:
    """Print the figures as one JSON object on stdout."""
    json.dump(figures, sys.stdout, indent=2)
    sys.stdout.write("\n")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
