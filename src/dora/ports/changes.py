"""How the storage tells a process that data may have changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

# Asked before each use of what was read: has anyone committed since the
# last time it was asked?
Recheck = Callable[[], bool]


class ChangeObserver(Protocol):
    """Told of every committed change while the feed that tells it is live.

    A feed that cannot push (SQLite) hands `live` a recheck to ask instead.
    Between `lost` and the next `live` changes may go untold, so nothing
    read before them may be trusted afterwards.
    """

    def changed(self) -> None: ...

    def live(self, recheck: Recheck | None = None) -> None: ...

    def lost(self) -> None: ...


class ChangeFeed(Protocol):
    """Follows the storage's changes for an observer, from start to stop."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...
