"""The aiohttp application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web
from aiohttp.typedefs import Middleware

from dora.container import Container
from dora.entrypoints import http_handlers
from dora.entrypoints.http_auth import READS, auth_middleware
from dora.entrypoints.http_errors import Handler, error_middleware
from dora.entrypoints.settings import Settings
from dora.entrypoints.wiring import change_feed, settle
from dora.service_layer.answer_cache import AnswerCache

logger = logging.getLogger(__name__)


def create_app(container: Container, settings: Settings) -> web.Application:
    """Build the REST application; resources open with its lifetime."""
    # The error middleware comes first so that it also answers for refusals.
    app = web.Application(
        middlewares=[
            error_middleware,
            auth_middleware(settings.tokens),
            forget_answers(container.answers()),
        ],
        client_max_size=settings.max_body_bytes,
    )
    app[http_handlers.CONTAINER] = container
    app[http_handlers.ANSWERS] = container.answers()
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
    feed = await change_feed(container)
    await feed.start()
    yield
    await feed.stop()
    await settle(container.shutdown_resources())


def forget_answers(answers: AnswerCache) -> Middleware:
    """Drop the kept answers after every request that may write.

    Before the response is sent, so that whoever wrote reads what they wrote
    from this process; other processes hear of it from the change feed.
    """

    @web.middleware
    async def forget(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        finally:
            if request.method not in READS:
                answers.changed()

    return forget
