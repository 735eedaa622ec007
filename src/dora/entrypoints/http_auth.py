"""Bearer-token access to `/api/v1`: which token may read or write which org.

Without configured tokens the API is open, which `dora serve` allows on a
loopback address only (see `check_exposure`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Sequence

from aiohttp import web
from aiohttp.typedefs import Middleware

from dora.domain.errors import InvalidParameter
from dora.entrypoints.http_errors import Forbidden, Handler, Unauthorized
from dora.entrypoints.tokens import Role, Token

API = "/api/v1/"
# The description of the API holds no data, and clients and fuzzers read it
# before they hold a token.
OPEN = frozenset({"/api/v1/openapi.json"})
READS = frozenset({"GET", "HEAD", "OPTIONS"})
# Recomputing stores a snapshot but changes no platform data: a read token
# may ask for it, as a GET over stale data recomputes too.
READ_POSTS = frozenset({"/api/v1/metrics/dora/recompute"})
METRICS = ("/api/v1/metrics/dora", "/api/v1/metrics/dora/recompute")


class Keyring:
    """The configured tokens, looked up in constant time."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = [(token.digest, token) for token in tokens]

    def find(self, secret: str) -> Token | None:
        # Every token is compared, so the time taken says nothing about
        # which one (or how much of one) matched.
        digest = hashlib.sha256(secret.encode()).digest()
        found = None
        for known, token in self.tokens:
            if hmac.compare_digest(digest, known):
                found = token
        return found


def auth_middleware(tokens: Sequence[Token]) -> Middleware:
    keyring = Keyring(tokens)

    @web.middleware
    async def authorize(request: web.Request, handler: Handler) -> web.StreamResponse:
        if keyring.tokens and _guarded(request.path):
            token = _authenticate(request, keyring)
            _check_role(request, token)
            org = await org_touched(request)
            if org is not None and not token.covers(org):
                raise Forbidden(f"org: {org!r} is outside the scope of the token")
        return await handler(request)

    return authorize


def _guarded(path: str) -> bool:
    return path.startswith(API) and path not in OPEN


def _authenticate(request: web.Request, keyring: Keyring) -> Token:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("Authorization: a Bearer token is required")
    token = keyring.find(secret.strip())
    if token is None:
        raise Unauthorized("Authorization: the Bearer token is not valid", True)
    return token


def _check_role(request: web.Request, token: Token) -> None:
    reads = request.method in READS or request.path in READ_POSTS
    if not reads and token.role is not Role.WRITE:
        raise Forbidden(
            f"method: {request.method} {request.path!r} needs a token "
            "with the write role"
        )


async def org_touched(request: web.Request) -> str | None:
    """Return the org the request reads or writes, None where it names none.

    A request naming no org is one the handlers refuse (a metrics question
    without `id`) or no endpoint answers, so it reveals nothing.
    """
    org = request.match_info.get("org")
    if org is not None:
        return org
    if request.path not in METRICS:
        return None
    scope_id = request.query.get("id")
    if request.method == "POST":
        scope_id = await _body_id(request)
    return scope_id.split("/", 1)[0] if scope_id else None


async def _body_id(request: web.Request) -> str | None:
    # The body stays cached on the request, so the handler reads it again.
    raw = await request.read()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, RecursionError):
        return None
    value = body.get("id") if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


def check_exposure(host: str, has_tokens: bool, insecure: bool) -> None:
    """Refuse to serve an open API on an address other hosts can reach."""
    if has_tokens or insecure or is_loopback(host):
        return
    raise InvalidParameter(
        f"--host: {host!r} is not a loopback address and no access tokens are "
        "configured, so anyone who reaches it could read and change every "
        "org's data; configure DORA_TOKENS or DORA_TOKENS_FILE, or pass "
        "--insecure to serve it open all the same"
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
