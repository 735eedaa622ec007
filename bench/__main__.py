"""Run one benchmark: `python -m bench import|cold|incremental|serve|scale`."""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from . import cold, import_bench, incremental, scale, serve
from .support import report

Benchmark = Callable[[argparse.Namespace], Awaitable[dict[str, Any]]]

BENCHMARKS: dict[str, Benchmark] = {
    "import": lambda _: import_bench.run(),
    "cold": lambda _: cold.run(),
    "incremental": lambda _: incremental.run(),
    "serve": lambda _: serve.run(),
    "scale": scale.run,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("name", choices=sorted(BENCHMARKS))
    scale.options(parser)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    report(asyncio.run(BENCHMARKS[args.name](args)))


if __name__ == "__main__":
    main()
