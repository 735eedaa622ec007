"""What every `dora` command shares: settings, the container, errors, logging.

Commands reach the storage only through `run_with_container`, and report
failures only through `fail`, so each command reads as parse, act, print.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from dora.domain.errors import (
    DoraError,
    InvalidParameter,
    InvalidPayload,
    Unavailable,
)
from dora.entrypoints.settings import Settings
from dora.entrypoints.wiring import settle

if TYPE_CHECKING:
    from dora.container import Container

T = TypeVar("T")

ContainerFactory = Callable[[Settings], "Container"]

MAX_PROBLEMS_SHOWN = 20
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def sql_container(settings: Settings) -> Container:
    """Build the container that serves the ports from the SQL database."""
    # Imported here so that `dora --help` does not load SQLAlchemy and Alembic.
    from dora.container import Container

    return Container(settings=settings)


@dataclass(frozen=True)
class CliState:
    """What the group hands its commands; tests pass their own `make_container`."""

    settings: Settings
    make_container: ContainerFactory = sql_container

    def container(self) -> Container:
        return self.make_container(self.settings)


def cli_state() -> CliState:
    """Return the state of the running `dora` invocation."""
    state = click.get_current_context().find_object(CliState)
    if state is None:
        raise RuntimeError("a dora command ran outside the dora group")
    return state


def run_with_container(work: Callable[[Container], Awaitable[T]]) -> T:
    """Open the container's resources, await `work(container)`, then close them."""
    return asyncio.run(_within(cli_state().container(), work))


async def _within(container: Container, work: Callable[[Container], Awaitable[T]]) -> T:
    await settle(container.init_resources())
    try:
        return await work(container)
    finally:
        await settle(container.shutdown_resources())


def exit_status(error: DoraError) -> int:
    """Return 2 for input the user can fix, 1 for anything else."""
    return 2 if isinstance(error, InvalidParameter | InvalidPayload) else 1


def fail(message: str, status: int = 1) -> NoReturn:
    """Print `dora: error: <message>` on stderr and exit with `status`."""
    click.echo(f"dora: error: {message}", err=True)
    raise click.exceptions.Exit(status)


def fail_with(error: DoraError) -> NoReturn:
    """Report a domain error (and each problem of a payload) and exit."""
    if isinstance(error, InvalidPayload) and len(error.problems) > 1:
        for problem in error.problems[:MAX_PROBLEMS_SHOWN]:
            click.echo(f"{problem.path}: {problem.message}", err=True)
        hidden = len(error.problems) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            click.echo(f"... and {hidden} more problem(s)", err=True)
    fail(error.message, exit_status(error))


def listen(host: str, port: int) -> socket.socket:
    """Bind a listening socket on `host`:`port`, or fail saying why it cannot."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
        listener = socket.socket(family, kind)
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
    except OSError as error:
        listener.close()
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
    return listener


def configure_logging(
    env: Mapping[str, str] = os.environ, default: str = "INFO"
) -> None:
    """Send log records to stderr at the level named by DORA_LOG_LEVEL."""
    name = env.get("DORA_LOG_LEVEL") or default
    level = logging.getLevelNamesMapping().get(name.upper())
    if level is None:
        raise InvalidParameter(f"DORA_LOG_LEVEL: {name!r} is not a log level")
    logging.basicConfig(level=level, format=LOG_FORMAT)


class DoraGroup(click.Group):
    """A click group that turns domain errors into one line and an exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Unavailable as error:
            state = ctx.find_object(CliState)
            where = f" ({state.settings.database_shown})" if state else ""
            fail(f"{error.message}{where}")
        except DoraError as error:
            fail_with(error)
