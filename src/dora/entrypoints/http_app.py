"""The aiohttp application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from dora.container import Container
from dora.entrypoints import http_handlers
from dora.entrypoints.http_auth import auth_middleware
from dora.entrypoints.http_errors import error_middleware
from dora.entrypoints.settings import Settings
from dora.entrypoints.wiring import settle

logger = logging.getLogger(__name__)


def create_app(container: Container, settings: Settings) -> web.Application:
    """Build the REST application; resources open with its lifetime."""
    # The error middleware comes first so that it also answers for refusals.
    app = web.Application(
        middlewares=[error_middleware, auth_middleware(settings.tokens)],
        client_max_size=settings.max_body_bytes,
    )
    app[http_handlers.CONTAINER] = container
    app[http_handlers.SETTINGS] = settings
    app.cleanup_ctx.append(_resources)
    app.add_routes(http_handlers.routes)
    _log_access(settings)
    return app


def _log_access(settings: Settings) -> None:
    if settings.tokens:
        logger.info("access: %d bearer tokens configured", len(settings.tokens))
    else:
        logger.info("access: open, no bearer tokens configured")


async def _resources(app: web.Application) -> AsyncIterator[None]:
    container = app[http_handlers.CONTAINER]
    await settle(container.init_resources())
    yield
    await settle(container.shutdown_resources())
