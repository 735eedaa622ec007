"""The aiohttp application factory."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator

from aiohttp import web

from dora.container import Container
from dora.entrypoints import http_handlers
from dora.entrypoints.http_errors import error_middleware
from dora.entrypoints.settings import Settings


def create_app(container: Container, settings: Settings) -> web.Application:
    """Build the REST application; resources open with its lifetime."""
    app = web.Application(
        middlewares=[error_middleware], client_max_size=settings.max_body_bytes
    )
    app[http_handlers.CONTAINER] = container
    app.cleanup_ctx.append(_resources)
    app.add_routes(http_handlers.routes)
    return app


async def _resources(app: web.Application) -> AsyncIterator[None]:
    container = app[http_handlers.CONTAINER]
    started = container.init_resources()
    if inspect.isawaitable(started):
        await started
    yield
    stopped = container.shutdown_resources()
    if inspect.isawaitable(stopped):
        await stopped
