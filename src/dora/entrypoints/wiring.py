"""Calls into the container that the REST app and the command line share.

dependency-injector hands out awaitables from providers that depend on an
async resource (the SQL engine), and plain values otherwise (the in-memory
overrides of the tests); these calls hide the difference. The container is
imported for typing only, so that `dora --help` loads no SQL library.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, cast

from dora.ports.changes import ChangeFeed
from dora.ports.repositories import UnitOfWork

if TYPE_CHECKING:
    from dora.container import Container


async def settle(result: object) -> object:
    """Await what the container returned, if it is awaitable; return its value.

    `init_resources`, `shutdown_resources` and the providers that depend on
    an async resource hand out awaitables; the in-memory overrides do not.
    """
    return await result if inspect.isawaitable(result) else result


async def unit_of_work(container: Container) -> UnitOfWork:
    """Return a new unit of work of the container's storage."""
    return cast("UnitOfWork", await settle(container.uow()))


async def change_feed(container: Container) -> ChangeFeed:
    """Return the feed that tells the process of changes to its storage."""
    return cast("ChangeFeed", await settle(container.change_feed()))
