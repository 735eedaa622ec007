"""Summary statistics over individual changes."""

from __future__ import annotations

import math
from collections.abc import Sequence


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def percentile(ordered: Sequence[float], fraction: float) -> float | None:
    """Interpolate linearly between closest ranks of sorted `ordered`.

    This is PostgreSQL's `percentile_cont`: the median of 1, 2, 3, 4 is 2.5.
    """
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    weight = position - low
    return ordered[low] + (ordered[high] - ordered[low]) * weight


def median(ordered: Sequence[float]) -> float | None:
    return percentile(ordered, 0.5)


def summary(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    """Return the mean, median and 90th percentile of `values`, in any order."""
    ordered = sorted(values)
    return mean(ordered), median(ordered), percentile(ordered, 0.9)
