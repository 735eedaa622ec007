"""A PostgreSQL server of a test's own, to stop and start at will.

It runs from the server binaries under /usr/lib/postgresql on a free port of
127.0.0.1 with its own data directory, so stopping it touches no other test
and no shared server. As root it runs as the `postgres` user, since initdb
and postgres refuse to run as root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.dora_process import free_port

BINARIES = "/usr/lib/postgresql/*/bin"


@dataclass(frozen=True)
class OwnPostgres:
    bin: Path
    data: Path
    port: int
    as_user: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-k {self.data.parent} -c fsync=off"
        )
        log = str(self.data.parent / "server.log")
        self._pg_ctl("start", "-o", options, "-l", log)

    def kill(self) -> None:
        """Stop at once, whatever state the server is in."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("stop", "-m", "immediate")

    def _pg_ctl(self, *args: str) -> None:
        _run(self.as_user, self.bin / "pg_ctl", "-D", str(self.data), "-w", *args)


def server_binaries() -> Path:
    """Return the newest installed server's bin directory, or skip (not in CI)."""
    found = sorted(glob.glob(BINARIES), key=_version)
    if not found:
        reason = f"no PostgreSQL server binaries under {BINARIES}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI is set", pytrace=False)
        pytest.skip(reason)
    return Path(found[-1])


def _version(path: str) -> int:
    name = Path(path).parent.name
    return int(name) if name.isdigit() else 0


@contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    """Initialise, start and finally remove a PostgreSQL server of one's own."""
    binaries = server_binaries()
    home = Path(tempfile.mkdtemp(prefix="dora-pg-"))
    as_user: tuple[str, ...] = ()
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(home, account.pw_uid, account.pw_gid)
        as_user = ("runuser", "-u", "postgres", "--")
    server = OwnPostgres(binaries, home / "data", free_port(), as_user)
    try:
        initdb = ("-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        _run(as_user, binaries / "initdb", "-D", str(server.data), *initdb)
        server.start()
        yield server
    finally:
        server.kill()
        shutil.rmtree(home, ignore_errors=True)


def _run(as_user: tuple[str, ...], binary: Path, *args: str) -> None:
    subprocess.run([*as_user, str(binary), *args], check=True, capture_output=True)
