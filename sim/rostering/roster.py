"""A schedule written as the shift roster the simulation runs."""

from __future__ import annotations

from sim.rostering.solve import Schedule
from sim.scenario.staffing import Break, Shift, ShiftRoster


def to_shift_roster(
    schedule: Schedule, shrinkage_fraction: float = 0.0, allow_gaps: bool = False
) -> ShiftRoster:
    """The schedule's patterns as shifts (start, length, weekdays, agents, breaks).

    The schedule's agents are rostered agents, before shrinkage: give the group's
    ``shrinkage_fraction`` so that the simulation's staffing after shrinkage is what the
    requirements were sized for. Patterns of different shift types that are the same shift (same
    start, length, days and breaks) become one entry. ``allow_gaps``: as in
    :class:`~sim.scenario.staffing.ShiftRoster`, for a schedule that leaves open hours without
    anyone on shift (where nothing is required).

    Raises:
        ValueError: the schedule rosters nobody.
    """
    shifts: list[Shift] = []
    for pattern in schedule.patterns:
        shift = Shift(
            start_h=pattern.start_h,
            length_h=pattern.length_h,
            days=list(pattern.days),
            agents=pattern.agents,
            breaks=[Break(after_h=a, length_min=m) for a, m in pattern.breaks],
        )
        same = next((i for i, s in enumerate(shifts) if s.same_as(shift)), None)
        if same is None:
            shifts.append(shift)
        else:
            shifts[same] = shifts[same].model_copy(
                update={"agents": shifts[same].agents + shift.agents}
            )
    if not shifts:
        raise ValueError("the schedule rosters nobody, so there is no shift roster to write")
    return ShiftRoster(
        kind="shifts",
        shifts=shifts,
        shrinkage_fraction=shrinkage_fraction,
        allow_gaps=allow_gaps,
    )
