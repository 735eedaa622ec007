"""The one place where errors become HTTP answers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from dora.domain.errors import (
    DoraError,
    InvalidParameter,
    InvalidPayload,
    NotFound,
    Unavailable,
)

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class UnsupportedMediaType(DoraError):
    """A request body that is not JSON."""


class Unauthorized(DoraError):
    """A request to the API without a valid bearer token."""

    def __init__(self, message: str, token_given: bool = False) -> None:
        super().__init__(message)
        self.token_given = token_given


class Forbidden(DoraError):
    """A valid token that does not cover the org or the method of a request."""


STATUSES: dict[type[Exception], tuple[int, str]] = {
    InvalidParameter: (400, "invalid_parameter"),
    Unauthorized: (401, "unauthorized"),
    Forbidden: (403, "forbidden"),
    NotFound: (404, "not_found"),
    UnsupportedMediaType: (415, "unsupported_media_type"),
    InvalidPayload: (422, "invalid_payload"),
    Unavailable: (503, "unavailable"),
}

HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def error_response(status: int, code: str, message: str, **extra: Any) -> web.Response:
    body = {"error": {"code": code, "message": message, **extra}}
    return web.json_response(body, status=status)


def _status_of(error: DoraError) -> tuple[int, str]:
    for cls in type(error).__mro__:
        if cls in STATUSES:
            return STATUSES[cls]
    return 500, "internal"


@web.middleware
async def error_middleware(
    request: web.Request, handler: Handler
) -> web.StreamResponse:
    try:
        return await handler(request)
    except DoraError as error:
        status, code = _status_of(error)
        extra: dict[str, Any] = {}
        if isinstance(error, InvalidPayload):
            extra["details"] = [
                {"path": p.path, "message": p.message} for p in error.problems
            ]
        if status >= 500:
            logger.warning("%s %s: %s", request.method, request.path, error.message)
        response = error_response(status, code, error.message, **extra)
        if isinstance(error, Unauthorized):
            response.headers["WWW-Authenticate"] = _challenge(error)
        return response
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return _http_error(request, error)
    except (OSError, ConnectionError):
        logger.exception("%s %s: database unreachable", request.method, request.path)
        return error_response(503, "unavailable", "database: cannot be reached")
    except Exception:
        logger.exception("%s %s failed", request.method, request.path)
        return error_response(500, "internal", "internal error; see the server log")


def _challenge(error: Unauthorized) -> str:
    # RFC 6750: name the error only when a token was sent and refused.
    return 'Bearer realm="dora"' + (
        ', error="invalid_token"' if error.token_given else ""
    )


def _http_error(request: web.Request, error: web.HTTPException) -> web.Response:
    code = HTTP_CODES.get(error.status, "http_error")
    if error.status == 404:
        message = f"path: {request.path!r} matches no endpoint"
    elif error.status == 405:
        message = f"method: {request.method} is not allowed on {request.path!r}"
    elif error.status == 413:
        message = f"body: larger than the limit of {request.app._client_max_size} bytes"
    else:
        message = error.reason
    response = error_response(error.status, code, message)
    # A 405 must say which methods the resource has (RFC 9110).
    if "Allow" in error.headers:
        response.headers["Allow"] = error.headers["Allow"]
    return response
