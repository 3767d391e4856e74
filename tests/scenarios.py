"""Small scenario builders shared by the tests (plain dicts → validated Scenario)."""

from __future__ import annotations

import copy
from typing import Any

from sim.scenario.desk import WEEKDAYS
from sim.scenario.scenario import Scenario


def deep_update(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``base`` with ``changes`` merged in recursively (a mapping with a ``kind`` replaces
    the old one whole)."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and "kind" not in value:
            out[key] = deep_update(out[key], value)
        else:
            out[key] = value
    return out


def busy_desk(**changes: Any) -> Scenario:
    """A small two-tier desk that exercises every mechanism: phone and email, priorities,
    abandonment, retrials, repeat contacts, escalation, shifts with breaks, closing times."""
    weekday = {"open_h": 8, "close_h": 18}
    base = {
        "name": "busy-desk",
        "calendar": {
            "start_date": "2027-03-01",
            "horizon_days": 5,
            "interval_min": 30,
            "opening_hours": {d: weekday for d in WEEKDAYS[:5]},
            "holidays": ["2027-03-03"],
        },
        "demand": {
            "day_volume_cv": 0.1,
            "profiles": {"day": [1, 2, 3, 4, 4, 3, 2, 2, 3, 4, 4, 3, 3, 2, 2, 2, 1, 1, 1, 1]},
            "contact_types": {
                "urgent": {
                    "channel": "phone",
                    "priority": 1,
                    "profile": "day",
                    "daily_volume": {d: 60 for d in WEEKDAYS[:5]},
                    "handle_time": {"kind": "lognormal", "mean_min": 6, "cv": 1.0},
                    "patience": {"kind": "exponential", "mean_min": 4},
                    "retrial": {
                        "probability": 0.5,
                        "delay": {"kind": "exponential", "mean_min": 15},
                    },
                },
                "enquiry": {
                    "channel": "phone",
                    "priority": 3,
                    "profile": "day",
                    "daily_volume": {d: 300 for d in WEEKDAYS[:5]},
                    "handle_time": {"kind": "exponential", "mean_min": 5},
                    "wrap_up_s": 30,
                    "patience": {"kind": "lognormal", "mean_min": 3, "cv": 1.2},
                    "retrial": {
                        "probability": 0.4,
                        "delay": {"kind": "exponential", "mean_min": 20},
                    },
                    "resolution": {
                        "first_contact_prob": 0.7,
                        "escalate_prob": 0.5,
                        "repeat_delay": {"kind": "exponential", "mean_min": 600},
                    },
                },
                "email": {
                    "channel": "email",
                    "priority": 4,
                    "profile": "day",
                    "daily_volume": {d: 80 for d in WEEKDAYS[:5]},
                    "handle_time": {"kind": "fixed", "value_min": 8},
                },
            },
        },
        "staffing": {
            "tier1": {
                "kind": "shifts",
                "shrinkage_fraction": 0.1,
                "shifts": [
                    {
                        "start_h": 8,
                        "length_h": 6,
                        "days": list(WEEKDAYS[:5]),
                        "agents": 5,
                        "breaks": [{"after_h": 3, "length_min": 30}],
                    },
                    {"start_h": 12, "length_h": 6, "days": list(WEEKDAYS[:5]), "agents": 4},
                ],
            },
            "tier2": {"kind": "fixed", "agents": 2},
        },
        "standards": {"response_targets": {"email": {"within_min": 240, "target_fraction": 0.9}}},
        "simulation": {"replications": 3, "seed": 11},
    }
    return Scenario.model_validate(deep_update(base, changes))


CUSTOMERS = {
    "accounts": 4000,
    "segments": {
        "standard": {"share": 0.8, "revenue_per_month": 30.0},
        "premium": {"share": 0.2, "revenue_per_month": 120.0},
    },
    "complaints": {"contact_types": {"complaint": 1.0}},
    "warm_start": {"burn_in_days": 0},  # cold, for speed; the warm start has its own tests
}


def customer_desk(**changes: Any) -> Scenario:
    """:func:`busy_desk` with a customer base behind it and a complaint contact type."""
    base = busy_desk().model_dump(mode="json")
    base["demand"]["contact_types"]["complaint"] = {
        "channel": "phone",
        "priority": 2,
        "profile": "day",
        "daily_volume": {d: 10 for d in WEEKDAYS[:5]},
        "handle_time": {"kind": "exponential", "mean_min": 8},
        "patience": {"kind": "exponential", "mean_min": 5},
        "resolution": {
            "first_contact_prob": 0.6,
            "escalate_prob": 0.5,
            "repeat_delay": {"kind": "exponential", "mean_min": 1440},
        },
    }
    base["customers"] = CUSTOMERS
    base["calendar"]["horizon_days"] = 14
    base["economics"] = {
        "tier1": {"cost_per_hour": 30.0},
        "tier2": {"cost_per_hour": 45.0},
        "acquisition_cost": 250.0,
    }
    return Scenario.model_validate(deep_update(base, changes))


def skills_desk(**changes: Any) -> Scenario:
    """:func:`busy_desk` with agent groups: generalists who answer everything, an enquiry team
    (faster on enquiries) whose overflow goes to the generalists after 20 s, and a tier-2 team."""
    base = busy_desk().model_dump(mode="json", exclude={"staffing": {"tier1", "tier2"}})
    base["staffing"]["groups"] = {
        "generalists": {"tier": 1, "roster": {"kind": "fixed", "agents": 4}},
        "enquiry_team": {
            "tier": 1,
            "roster": {"kind": "fixed", "agents": 4},
            "skills": {"enquiry": {"handle_time_factor": 0.8, "resolve_prob": 0.9}},
        },
        "escalation": {"tier": 2, "roster": {"kind": "fixed", "agents": 2}},
    }
    base["routing"]["contact_to_group"] = {
        "kind": "priority_list",
        "routes": {
            "enquiry": {
                "tier1": [{"group": "enquiry_team"}, {"group": "generalists", "after_s": 20}]
            }
        },
    }
    return Scenario.model_validate(deep_update(base, changes))
