"""REST handlers: parse, call a use case, respond."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from aiohttp import web

from dora.container import Container
from dora.domain.errors import (
    InvalidParameter,
    InvalidPayload,
    Problem,
    Unavailable,
)
from dora.domain.model import DEFAULT_ENVIRONMENT, SHA, RepoPath
from dora.domain.validation import check_environment
from dora.domain.window import Window, parse_zone
from dora.entrypoints import openapi
from dora.entrypoints.http_errors import UnsupportedMediaType
from dora.entrypoints.schemas import (
    CommitBatch,
    DeploymentIn,
    IncidentIn,
    RepoIn,
    WireT,
    check_count,
    parse,
)
from dora.entrypoints.settings import Settings
from dora.entrypoints.wiring import unit_of_work
from dora.ports.repositories import UnitOfWork
from dora.service_layer import incidents, ingest, lookups, metrics
from dora.service_layer.answer_cache import AnswerCache, fresh_answer
from dora.service_layer.queries import MetricsQuery
from dora.service_layer.wire import deployment_json, incident_json, repo_json

CONTAINER = web.AppKey("container", Container)
SETTINGS = web.AppKey("settings", Settings)
ANSWERS = web.AppKey("answers", AnswerCache)
JSON = "application/json"
REPO = "/api/v1/repos/{org}/{project}/{repo}"

routes = web.RouteTableDef()


@routes.put(REPO)
async def put_repo(request: web.Request) -> web.Response:
    path = repo_path(request)
    body = await json_body(request, RepoIn, optional=True)

    repo, created = await ingest.put_repo(await uow(request), path, body.default_branch)

    return web.json_response(repo_json(repo), status=201 if created else 200)


@routes.post(REPO + "/commits")
async def post_commits(request: web.Request) -> web.Response:
    path = repo_path(request)
    batch = await json_body(request, CommitBatch)
    check_count(batch.commits, "commits", request.app[SETTINGS].max_batch_items)

    commits = [item.to_domain() for item in batch.commits]
    inserted = await ingest.add_commits(await uow(request), path, commits)

    return web.json_response({"received": len(commits), "inserted": inserted})


@routes.post(REPO + "/deployments")
async def post_deployment(request: web.Request) -> web.Response:
    path = repo_path(request)
    item = await json_body(request, DeploymentIn)

    stored, created = await ingest.record_deployment(
        await uow(request), path, item.to_domain()
    )

    return web.json_response(deployment_json(stored), status=201 if created else 200)


@routes.post(REPO + "/incidents")
async def post_incident(request: web.Request) -> web.Response:
    path = repo_path(request)
    item = await json_body(request, IncidentIn)

    stored, created = await incidents.record_incident(
        await uow(request), path, item.to_domain()
    )

    return web.json_response(incident_json(stored), status=201 if created else 200)


@routes.get(REPO + "/deployments")
async def list_deployments(request: web.Request) -> web.Response:
    path = repo_path(request)
    window = recent_window(request.query)
    environment = check_environment(
        request.query.get("environment", DEFAULT_ENVIRONMENT)
    )

    found = await lookups.deployments_in(await uow(request), path, window, environment)

    return web.json_response(
        {
            "from": window.start.isoformat(),
            "to": window.end.isoformat(),
            "environment": environment,
            "tz": window.tz.key,
            "deployments": found,
        }
    )


@routes.get(REPO + "/deployments/{deployment_id}")
async def get_deployment(request: web.Request) -> web.Response:
    path = repo_path(request)

    found = await lookups.deployment(
        await uow(request), path, request.match_info["deployment_id"]
    )

    return web.json_response(found)


@routes.get(REPO + "/commits/{sha}")
async def get_commit(request: web.Request) -> web.Response:
    path = repo_path(request)

    sha = request.match_info["sha"].lower()
    if not SHA.fullmatch(sha):
        raise InvalidParameter(
            f"sha: {request.match_info['sha']!r} is not 40 or 64 hex digits"
        )

    found = await lookups.commit(await uow(request), path, sha)

    return web.json_response(found)


@routes.get("/api/v1/metrics/dora")
async def get_metrics(request: web.Request) -> web.Response:
    query = MetricsQuery.parse(request.query)

    # A fresh snapshot's stored text is the answer: no need to decode it.
    body = await fresh_answer(request.app[ANSWERS], partial(uow, request), query)
    if body is not None:
        return web.Response(body=body, content_type=JSON, charset="utf-8")
    answer = await metrics.dora_metrics(await uow(request), query)

    return web.json_response(answer)


@routes.post("/api/v1/metrics/dora/recompute")
async def recompute_metrics(request: web.Request) -> web.Response:
    query = MetricsQuery.parse(await json_object(request))

    answer = await metrics.dora_metrics(await uow(request), query, recompute=True)

    return web.json_response(answer)


@routes.get("/api/v1/openapi.json")
async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(openapi.document())


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    # A hung link raises no error of its own: a probe must answer in time.
    settings = request.app[SETTINGS]
    try:
        async with asyncio.timeout(settings.connect_timeout_s):
            await metrics.ping(await uow(request))
    except TimeoutError:
        raise Unavailable(
            f"database: no answer within {settings.connect_timeout_s} s"
        ) from None

    return web.json_response({"status": "ok"})


async def uow(request: web.Request) -> UnitOfWork:
    return await unit_of_work(request.app[CONTAINER])


def recent_window(query: Mapping[str, str]) -> Window:
    """Read `from`, `to` and `tz`; the last 30 days when the dates are absent."""
    tz = query.get("tz", "UTC")
    today = datetime.now(parse_zone(tz)).date()
    end = query.get("to", today.isoformat())
    start = query.get("from", (today - timedelta(days=29)).isoformat())
    return Window.parse(start, end, tz)


def repo_path(request: web.Request) -> RepoPath:
    info = request.match_info
    return RepoPath.parse(f"{info['org']}/{info['project']}/{info['repo']}", "path")


async def raw_body(request: web.Request, optional: bool = False) -> bytes | None:
    raw = await request.read()
    if optional and not raw.strip():
        return None
    content_type = request.content_type
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise UnsupportedMediaType(
            f"Content-Type: {content_type!r} is not application/json"
        )
    return raw


async def json_body(
    request: web.Request, model: type[WireT], optional: bool = False
) -> WireT:
    raw = await raw_body(request, optional)
    return parse(model, b"{}" if raw is None else raw)


async def json_object(request: web.Request) -> dict[str, Any]:
    raw = await raw_body(request, optional=True)
    try:
        value = json.loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        problem = Problem("body", f"not valid JSON ({error})")
        raise InvalidPayload(f"body: {problem.message}", [problem]) from None
    if not isinstance(value, dict):
        problem = Problem("body", f"a JSON {type(value).__name__} is not an object")
        raise InvalidPayload(f"body: {problem.message}", [problem])
    return value
