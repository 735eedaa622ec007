"""Read a platform export: its commits, deployments and incidents CSV files.

`commits.csv` and `deployments.csv` are required, `incidents.csv` optional;
each may be gzipped (`.csv.gz`).

Rows are streamed one at a time with the file name and line number they came
from, so that the importer can point at the exact line of a bad value.
"""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from dora.domain.errors import InvalidPayload, Problem

COMMIT_COLUMNS = ("sha", "parents", "authored_at", "committed_at")
DEPLOYMENT_COLUMNS = ("id", "sha", "environment", "status", "finished_at")
INCIDENT_COLUMNS = ("id", "started_at")

# What a damaged or mislabelled file raises while it is being read.
UNREADABLE = (OSError, EOFError, UnicodeDecodeError, csv.Error, zlib.error)


class UnreadableExport(InvalidPayload):
    """An export file is missing, lacks a column, or cannot be decoded."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}", [Problem(where, message)])


@dataclass(frozen=True)
class ExportRow:
    """One data row: its values by column, and where it was read."""

    file: str
    line: int
    values: dict[str, str]
    problem: str | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def export_file(directory: Path, stem: str) -> Path:
    """Return `<stem>.csv` or `<stem>.csv.gz` of the export directory."""
    found = optional_export_file(directory, stem)
    if found is None:
        raise UnreadableExport(
            str(directory / f"{stem}.csv"), "is missing (nor is there a .csv.gz)"
        )
    return found


def optional_export_file(directory: Path, stem: str) -> Path | None:
    """Return `<stem>.csv` or `<stem>.csv.gz`, or None when neither exists."""
    if not directory.is_dir():
        raise UnreadableExport(str(directory), "is not a directory")
    found = [
        path
        for path in (directory / f"{stem}.csv", directory / f"{stem}.csv.gz")
        if path.is_file()
    ]
    if not found:
        return None
    if len(found) > 1:
        raise UnreadableExport(
            str(found[1]), f"is ambiguous beside {found[0].name}; keep one of them"
        )
    return found[0]


def read_rows(path: Path, required: tuple[str, ...]) -> Iterator[ExportRow]:
    """Yield the data rows of a CSV file, checking its header first."""
    try:
        with _open_text(path) as text:
            yield from _rows(path.name, text, required)
    except UnreadableExport:
        raise
    except UNREADABLE as error:
        raise UnreadableExport(str(path), f"cannot be read ({error})") from None


@contextmanager
def _open_text(path: Path) -> Iterator[TextIO]:
    # utf-8-sig: spreadsheet programs often begin a UTF-8 file with a BOM.
    if path.name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as text:
            yield text
    else:
        with path.open(encoding="utf-8-sig", newline="") as text:
            yield text


def _rows(name: str, text: TextIO, required: tuple[str, ...]) -> Iterator[ExportRow]:
    reader = csv.reader(text)
    header = [column.strip() for column in next(reader, [])]
    missing = [column for column in required if column not in header]
    if missing:
        raise UnreadableExport(
            f"{name}:1", f"the header lacks the column(s) {', '.join(missing)}"
        )
    for fields in reader:
        if not fields:
            continue
        values = dict(zip(header, fields, strict=False))
        yield ExportRow(name, reader.line_num, values, _width(header, fields))


def _width(header: list[str], fields: list[str]) -> str | None:
    if len(fields) == len(header):
        return None
    return f"{len(fields)} fields where the header has {len(header)}"
