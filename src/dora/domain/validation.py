"""Shape rules of platform data that every way in applies alike."""

from __future__ import annotations

import re

from dora.domain.errors import InvalidParameter

ENVIRONMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,62}")
DEPLOYMENT_ID = re.compile(r"[^\x00-\x1f\x7f]{1,200}")


def check_environment(name: str) -> str:
    if not ENVIRONMENT.fullmatch(name):
        raise InvalidParameter(
            f"environment: {name!r} is not a name of 1-63 letters, digits or ._/-"
        )
    return name
