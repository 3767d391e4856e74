"""The people at the desk: work pressure, and how agents respond to it.

Off unless the scenario has a ``workforce`` section, so a desk without one runs exactly as
before. The mechanisms follow the quality-erosion model of Oliva & Sterman (2001, "Cutting corners
and working overtime: quality erosion in the service industry", Management Science 47(7)): under
sustained work pressure, time per task falls and quality falls with it, which creates rework
(repeat contacts) and dissatisfied customers through the existing customer model.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.scenario.base import Model


class WorkPressure(Model):
    """Work pressure per tier: the work in hand against what the agents present can do.

    Every ``sample_min`` while agents are present, the desk measures its load ratio, (agents busy
    + contacts waiting at the tier, of every channel) ÷ agents present: the agents the work in
    hand needs now, per agent there (1: every agent busy and nobody waiting; 2: as many waiting
    as being served). Work pressure is that ratio smoothed exponentially with time constant
    ``window_h``, so a short burst raises it a little and a shortfall that lasts raises it fully
    (Oliva & Sterman 2001 use the desired over the available service capacity, averaged in the
    same way). Nothing is measured while a tier has nobody present.
    """

    window_h: float = Field(
        4.0,
        gt=0.0,
        le=720.0,
        description="Time constant of the smoothing, in hours (assumption: about half a shift).",
    )
    sample_min: float = Field(
        5.0, ge=1.0, le=60.0, description="How often the load ratio is measured, in minutes."
    )


class CuttingCorners(Model):
    """Under pressure agents cut the time they give each contact, and quality with it.

    A contact answered at work pressure P gets its handle time multiplied by
    ``f(P) = floor + (1 − floor) × exp(−response × max(P − onset, 0))``: 1 up to the onset,
    falling smoothly towards the floor. Its first-contact (or tier-2) resolution probability is
    multiplied by ``1 − quality_loss_per_time_cut × (1 − f(P))``. Service speeds up under load in
    field data (KC & Terwiesch 2009, "Impact of workload on service time and patient safety",
    Management Science 55(9)); Oliva & Sterman (2001) found time per task and quality falling
    together. The defaults are assumptions of that shape, to be replaced by a desk's own
    estimates.
    """

    onset_pressure: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="Work pressure above which agents start to cut time per contact.",
    )
    handle_time_floor: float = Field(
        0.75,
        gt=0.0,
        le=1.0,
        description="Handle-time multiplier agents approach under extreme pressure "
        "(assumption: at most a quarter of the time is cut).",
    )
    response_per_pressure: float = Field(
        1.0,
        gt=0.0,
        le=20.0,
        description="How fast handle time approaches the floor as pressure rises above the "
        "onset (per unit of pressure).",
    )
    quality_loss_per_time_cut: float = Field(
        1.0,
        ge=0.0,
        le=5.0,
        description="Share of the resolution probability lost per share of handle time cut "
        "(1.0: cutting 10% of the time loses 10% of the resolutions; assumption).",
    )


class StandardsErosion(Model):
    """The desk's own standard of time per contact drifts towards what it has been achieving.

    The standard starts at 1 (the contact types' handle times). The time actually given,
    standard × the cutting-corners factor (never below the cutting-corners floor, the least time
    a contact can be given), is smoothed like work pressure; the standard follows it
    down with time constant ``down_h`` and back up with ``up_h`` (null: never back up). Once the
    standard has fallen, agents give less time even without pressure, the desk's capacity looks
    sufficient, and the lost quality stays lost: Oliva & Sterman's (2001) erosion of service
    standards, which turns a temporary shortfall into permanent damage. Needs cutting corners.
    """

    down_h: float = Field(
        168.0,
        gt=0.0,
        le=100_000.0,
        description="Time constant of the standard following lower achieved time, in hours "
        "(assumption: about a week).",
    )
    up_h: float | None = Field(
        None,
        gt=0.0,
        le=100_000.0,
        description="Time constant of the standard recovering towards higher achieved time, in "
        "hours; null = it never recovers on its own (assumption, after Oliva & Sterman 2001).",
    )


class Absence(Model):
    """Unplanned absence: the roster is what was planned, presence is what happened.

    Each day, each agent group loses a share of its rostered agents to unplanned absence (sickness,
    no-shows), drawn afresh per group and day from a beta distribution with mean ``mean_share``
    and coefficient of variation ``day_cv``: overdispersed, so some days lose far more than the
    mean (absence clusters, e.g. in flu season). The agents present in every interval of the day
    are the rostered ones times (1 − the day's share), rounded up or down at random once per day
    (so a small team loses the share on average). Planned absence (leave, training) is shrinkage,
    already in the roster; absent agents are still paid (sick pay).
    """

    mean_share: float = Field(
        0.05,
        ge=0.0,
        lt=1.0,
        description="Mean share of rostered agents absent unplanned on a day (assumption: 5%).",
    )
    day_cv: float = Field(
        0.5,
        ge=0.0,
        le=5.0,
        description="Coefficient of variation of the daily share (0: the mean every day).",
    )

    @model_validator(mode="after")
    def _beta_exists(self) -> Absence:
        m, cv = self.mean_share, self.day_cv
        if m > 0 and cv > 0 and (cv * m) ** 2 >= m * (1.0 - m):
            raise ValueError(
                f"day_cv {cv:g} is too large for mean_share {m:g}: a share in [0, 1] with that "
                f"mean has a coefficient of variation below {((1 - m) / m) ** 0.5:.3g}"
            )
        return self


class Workforce(Model):
    """The agents as people: work pressure, and the mechanisms that respond to it."""

    pressure: WorkPressure = Field(
        default_factory=WorkPressure, description="How work pressure is measured."
    )
    cutting_corners: CuttingCorners | None = Field(
        None, description="Time per contact and quality falling under pressure; null = off."
    )
    erosion: StandardsErosion | None = Field(
        None,
        description="The standard of time per contact drifting towards what is achieved; "
        "null = off (needs cutting_corners).",
    )

    absence: Absence | None = Field(
        None, description="Unplanned absence per group and day; null = everyone rostered comes."
    )

    @model_validator(mode="after")
    def _erosion_needs_corners(self) -> Workforce:
        if self.erosion is not None and self.cutting_corners is None:
            raise ValueError(
                "erosion: the standard erodes towards the time agents give under pressure, so it "
                "needs cutting_corners (e.g. cutting_corners: {})"
            )
        return self
