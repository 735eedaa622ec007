"""A small client of dora's own REST API, for commands that talk to a server."""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from typing import Any

from dora.domain.errors import DoraError, InvalidParameter

logger = logging.getLogger(__name__)

TIMEOUT = 30.0
# Statuses that say the request itself was wrong, as an invalid option is.
INVALID_INPUT = frozenset({400, 413, 422})


class ServiceError(DoraError):
    """The service could not be reached, or answered with an error."""


def call(
    method: str, url: str, body: dict[str, Any], timeout: float = TIMEOUT
) -> tuple[int, Any]:
    """Send JSON; return the status and decoded answer of a 2xx response."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers=_headers(), method=method
    )
    logger.debug("%s %s", method, url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        if error.code in INVALID_INPUT:
            raise InvalidParameter(_refusal(error)) from None
        raise ServiceError(_refusal(error)) from None
    except (urllib.error.URLError, TimeoutError) as error:
        reason = getattr(error, "reason", error)
        raise ServiceError(f"{url} cannot be reached: {reason}") from None
    except ValueError:
        # urllib refuses a URL it cannot send before it connects anywhere.
        raise InvalidParameter(f"{url!r} is not an http(s) URL") from None


def _headers() -> dict[str, str]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    token = os.environ.get("DORA_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def _refusal(error: urllib.error.HTTPError) -> str:
    """Return the service's own error message, or the bare status."""
    try:
        message = json.loads(error.read())["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = error.reason
    return f"the service answered {error.code}: {message}"
