"""DORA metrics of a git hosting platform."""
