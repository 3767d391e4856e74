"""The three modes of re-simulating a logged period (:mod:`sim.logs.plan` builds their inputs),
named apart so that the command line can list them without loading the log tools. Imports
nothing."""

from __future__ import annotations

MODES: dict[str, str] = {
    "trace": "trace-driven: observed arrivals, staffing inferred from the validated log",
    "planned-staffing": "observed arrivals, staffing planned from the calibration months",
    "forecast": "forecast arrivals and planned staffing: nothing from the validated period",
}
"""Validation mode → what it takes as inputs."""
