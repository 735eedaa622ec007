"""Count rows of tables straight from the database, whatever the service says."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import create_engine, make_url, text


def row_counts(url: str, tables: Iterable[str]) -> dict[str, int]:
    address = make_url(url)
    if address.get_backend_name() == "sqlite":
        address = address.set(drivername="sqlite")
    engine = create_engine(address)
    try:
        with engine.connect() as connection:
            return {
                table: connection.execute(
                    text(f"SELECT count(*) FROM {table}")
                ).scalar_one()
                for table in tables
            }
    finally:
        engine.dispose()
