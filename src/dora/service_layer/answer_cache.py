"""Metrics answers kept in memory while the storage reports no change.

A fresh snapshot costs one database round trip to find and check; a
dashboard asks the same question many times a second. The process keeps
the answers it read and drops them all when any data changes: its own
writes drop them before their response is sent, and writes by other
processes drop them when the storage's change feed tells of their commit
(PostgreSQL), or when the storage, asked before each look-up, says that
someone committed since it was last asked (SQLite). Without a live feed
(the in-memory store, a lost connection) nothing is kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable

from dora.ports.changes import Recheck
from dora.ports.repositories import SnapshotKey, UnitOfWork
from dora.service_layer.metrics import snapshot_key, stored_answer
from dora.service_layer.queries import MetricsQuery

# Bytes of JSON kept at most; a window of a century by day is megabytes.
CAPACITY = 64 * 1024 * 1024


class AnswerCache:
    """The JSON bodies of fresh answers by question, least recent dropped first."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self.size = 0
        self.generation = 0
        self.trusted = False
        self._recheck: Recheck | None = None
        self._bodies: OrderedDict[SnapshotKey, bytes] = OrderedDict()

    def get(self, key: SnapshotKey) -> bytes | None:
        if self._recheck is not None and self._recheck():
            self.changed()
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
        return body

    def keep(self, key: SnapshotKey, body: bytes, generation: int) -> None:
        """Keep a body read in `generation`, unless data changed since."""
        if not self.trusted or generation != self.generation:
            return
        if len(body) > self.capacity // 8:
            return
        self.size += len(body) - len(self._bodies.pop(key, b""))
        self._bodies[key] = body
        while self.size > self.capacity:
            _, dropped = self._bodies.popitem(last=False)
            self.size -= len(dropped)

    def changed(self) -> None:
        self.generation += 1
        self._bodies.clear()
        self.size = 0

    def live(self, recheck: Recheck | None = None) -> None:
        self.changed()
        self._recheck = recheck
        self.trusted = True

    def lost(self) -> None:
        self.trusted = False
        self._recheck = None
        self.changed()


async def fresh_answer(
    cache: AnswerCache,
    unit_of_work: Callable[[], Awaitable[UnitOfWork]],
    query: MetricsQuery,
) -> bytes | None:
    """Return the JSON body of a fresh stored answer, else None."""
    if query.compare is not None:
        return None
    key = snapshot_key(query)
    body = cache.get(key)
    if body is not None:
        return body
    # Taken before reading: a change told during the read forbids keeping it.
    generation = cache.generation
    text = await stored_answer(await unit_of_work(), query)
    if text is None:
        return None
    body = text.encode()
    cache.keep(key, body, generation)
    return body
