"""The two settings of the rule that infers agents on duty from a contact log
(:mod:`sim.logs.agent_activity`), their defaults and the values the staffing sensitivity tries.

Kept apart from the rule itself so that the command line can show the defaults in its help
without loading the log tools. Imports nothing.
"""

from __future__ import annotations

SLACK_MIN = 5.0
"""Default slack ``N`` of the staffing rule (chosen on the calibration months,
docs/validation.md section 5)."""


SLACK_OPTIONS_MIN: tuple[float, ...] = (0.0, 1.0, 2.0, 3.0, 5.0, 10.0)
"""Slack values the staffing sensitivity is computed for (plus the one chosen)."""


IDLE_MAX_MIN = 60.0
"""Default longest gap between two calls that counts as idle time on duty (chosen on the
calibration months, docs/validation.md section 5)."""


IDLE_MAX_OPTIONS_MIN: tuple[float, ...] = (10.0, 20.0, 30.0, 60.0, 120.0)
"""Longest idle gaps the staffing sensitivity is computed for (plus the one chosen)."""
