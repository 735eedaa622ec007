"""How the storage tells a process that data may have changed."""

from __future__ import annotations

from typing import Protocol


class ChangeObserver(Protocol):
    """Told of every committed change while the feed that tells it is live.

    Between `lost` and the next `live` changes may go untold, so nothing
    read before them may be trusted afterwards.
    """

    def changed(self) -> None: ...

    def live(self) -> None: ...

    def lost(self) -> None: ...


class ChangeFeed(Protocol):
    """Follows the storage's changes for an observer, from start to stop."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...
