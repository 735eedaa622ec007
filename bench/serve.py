"""Snapshot answers under 32 concurrent clients, against a trivial handler."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import aiohttp

from dora.adapters.sql_database import SqlUnitOfWork, open_engine, session_factory
from dora.service_layer import ingest

from .renovate import PATH, read_renovate
from .servers import dora_server, trivial_server
from .support import ms, scratch_database, sqlalchemy_url

CLIENTS = 32
WARMUP_S = 1.0
SECONDS = 10.0
# Rounds alternate between the two servers, so that a change in the load of
# the machine weighs on both alike.
ROUNDS = 2


async def run() -> dict[str, Any]:
    export = read_renovate()
    last = max(d.finished_at for d in export.deployments if d.finished_at).date()
    params = {
        "scope": "repo",
        "id": str(PATH),
        "from": last.replace(year=last.year - 1).isoformat(),
        "to": last.isoformat(),
        "granularity": "week",
    }
    rounds: list[tuple[dict[str, Any], dict[str, Any]]] = []
    with scratch_database() as url:
        await _import(sqlalchemy_url(url), export)
        with dora_server(sqlalchemy_url(url)) as base, trivial_server() as other:
            snapshot = await _first_answer(base, params)
            for _ in range(ROUNDS):
                rounds.append((await load(base, params), await load(other, params)))
    return {
        "benchmark": "serve",
        "query": params,
        "snapshot_computed_ms": snapshot,
        "clients": CLIENTS,
        "seconds": SECONDS,
        "rounds": [
            {
                "dora": dora,
                "trivial_handler": trivial,
                "ratio_throughput": round(
                    dora["requests_per_s"] / trivial["requests_per_s"], 2
                ),
            }
            for dora, trivial in rounds
        ],
        "target": "ratio >= 0.6, dora p99 < 25 ms",
        "note": "server and load generator share the machine's cores; "
        "dora serve runs at DORA_LOG_LEVEL=WARNING, so access logging is off",
    }


async def _import(url: str, export: Any) -> None:
    engine = await open_engine(url)
    try:
        await ingest.import_history(
            SqlUnitOfWork(session_factory(engine)),
            PATH,
            export.commits,
            export.deployments,
        )
    finally:
        await engine.dispose()


async def _first_answer(base: str, params: dict[str, str]) -> float:
    """Ask once, so the snapshot is computed and stored before the load."""
    began = time.perf_counter()
    url = f"{base}/api/v1/metrics/dora"
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, params=params) as reply,
    ):
        reply.raise_for_status()
        await reply.read()
    return ms(time.perf_counter() - began)


async def load(base: str, params: dict[str, str]) -> dict[str, Any]:
    """Keep CLIENTS requests in flight; time those begun after the warm-up."""
    url = f"{base}/api/v1/metrics/dora"
    connector = aiohttp.TCPConnector(limit=CLIENTS)
    latencies: list[float] = []
    async with aiohttp.ClientSession(connector=connector) as session:
        began = time.perf_counter()
        measured_from = began + WARMUP_S
        until = measured_from + SECONDS
        clients = [
            _client(session, url, params, measured_from, until, latencies)
            for _ in range(CLIENTS)
        ]
        await asyncio.gather(*clients)
    latencies.sort()
    return {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / SECONDS, 1),
        "p50_ms": ms(statistics.median(latencies)),
        "p99_ms": ms(latencies[int(len(latencies) * 0.99)]),
    }


async def _client(
    session: aiohttp.ClientSession,
    url: str,
    params: dict[str, str],
    measured_from: float,
    until: float,
    latencies: list[float],
) -> None:
    while (sent := time.perf_counter()) < until:
        async with session.get(url, params=params) as reply:
            if reply.status != 200:
                raise RuntimeError(f"GET {url}: status {reply.status}")
            await reply.read()
        if sent >= measured_from:
            latencies.append(time.perf_counter() - sent)
