"""Benchmarks of dora at real scale: `python -m bench <name>` prints JSON."""
