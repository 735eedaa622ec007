from __future__ import annotations

import pytest

from .builders import Platform


@pytest.fixture
def platform() -> Platform:
    return Platform()
