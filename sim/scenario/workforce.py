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
    """Work pressure per agent group: the work in hand against what its agents present can do.

    Every ``sample_min`` while agents are present, the desk measures each group's load ratio:
    (its agents busy + its share of the contacts waiting, of every channel, that it may take) ÷
    its agents present, the agents the work in hand needs now per agent there (1: every agent
    busy and nobody waiting; 2: as many waiting as being served). A queue's waiting contacts are
    shared among the groups that take work from it in proportion to their agents present, so a
    group alone on its queues (as each tier of the two-tier desk) counts them all. Work pressure
    is that ratio smoothed exponentially with time constant ``window_h``, so a short burst raises
    it a little and a shortfall that lasts raises it fully (Oliva & Sterman 2001 use the desired
    over the available service capacity, averaged in the same way). Nothing is measured while a
    group has nobody present, nor while the desk is closed and nobody is at work.
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
    """Each group's own standard of time per contact drifts towards what it has been achieving.

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


class Overtime(Model):
    """Shift extensions: agents stay on past the end of their shift while callers queue.

    When a group's roster falls (a shift ends; in a shift roster, also a break starts) while more
    than ``queue_per_agent_above`` callers (phone and chat) wait per agent present at the tier,
    ``willing_share`` of the agents due to leave stay on. Every ``check_min`` they look again,
    and go once the queue is back under the threshold or after ``max_extension_min`` (the
    policy's cap). Their time is paid as overtime, at ``economics``' ``overtime_multiplier``
    (as is the time of agents finishing a contact after their shift). Working overtime is half
    of Oliva & Sterman's (2001) response to pressure; fatigue is its cost.
    """

    queue_per_agent_above: float = Field(
        1.0,
        ge=0.0,
        le=100.0,
        description="Callers waiting per agent present at the tier above which agents due to "
        "leave stay on (assumption).",
    )
    willing_share: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Share of the agents due to leave who stay on when asked (rounded to the "
        "nearest agent; assumption).",
    )
    max_extension_min: float = Field(
        60.0,
        ge=0.0,
        le=480.0,
        description="Longest extension of a shift, in minutes (the policy's cap).",
    )
    check_min: float = Field(
        15.0,
        ge=1.0,
        le=120.0,
        description="How often agents on an extension look at the queue again, in minutes.",
    )


class Fatigue(Model):
    """Fatigue per agent group: strain that builds over days and lowers productivity.

    While a group has agents present its strain is the occupancy above ``comfortable_occupancy``
    (as a share of the room above it, so 1 at 100% occupancy) plus ``overtime_weight`` × the
    share of its agents present who are on overtime, at most 1; while nobody is present it is 0
    (rest). Fatigue follows the strain, smoothed with time constant ``build_h`` while rising and
    ``recover_h`` while falling, so a night off recovers part of it and a weekend most. An agent
    of a group at fatigue F takes ``1 + slowdown_at_full_fatigue × F`` times as long per contact.
    Sustained high load and overtime slow service in field data (KC & Terwiesch 2009; Oliva &
    Sterman 2001 model fatigue as smoothed overtime lowering productivity). The group is treated
    as its typical agent: a desk open around the clock rests only when its load falls.
    """

    comfortable_occupancy: float = Field(
        0.85,
        ge=0.0,
        lt=1.0,
        description="Occupancy agents sustain without strain (assumption: 85%, a common "
        "planning ceiling).",
    )
    overtime_weight: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="Strain added per share of the group's agents present on overtime.",
    )
    build_h: float = Field(
        40.0,
        gt=0.0,
        le=10_000.0,
        description="Time constant of fatigue rising, in hours at work (assumption: a working "
        "week).",
    )
    recover_h: float = Field(
        60.0,
        gt=0.0,
        le=10_000.0,
        description="Time constant of fatigue falling, in hours (assumption: a weekend recovers "
        "about two thirds).",
    )
    slowdown_at_full_fatigue: float = Field(
        0.15,
        ge=0.0,
        le=2.0,
        description="Extra handle time at fatigue 1, as a share (assumption: 15% slower).",
    )


class StaffSatisfaction(Model):
    """A staff satisfaction index per agent group, in [0, 1], from the strain of the job.

    While a group has agents present, its index follows ``1 − pressure_weight × min(max(P − 1,
    0), 1) − overtime_weight × (share of its agents present on overtime) − fatigue_weight × F``
    (P: the group's work pressure, F: its fatigue, 0 without ``fatigue``), at least 0,
    smoothed with time constant ``memory_days``. It starts at 1. Rest enters through fatigue,
    which recovers while agents are off. The service-profit chain (Heskett et al. 1994) links
    staff satisfaction to retention and productivity; workload and too little recovery are the
    main drivers of burnout (Maslach, Schaufeli & Leiter 2001). The index and its weights are
    this workbench's assumption, defined in docs/domain.md.
    """

    pressure_weight: float = Field(
        0.4, ge=0.0, le=1.0, description="Weight of work pressure above 1 (capped at 1)."
    )
    overtime_weight: float = Field(
        0.3, ge=0.0, le=1.0, description="Weight of the share of agents on overtime."
    )
    fatigue_weight: float = Field(0.3, ge=0.0, le=1.0, description="Weight of fatigue.")
    memory_days: float = Field(
        30.0,
        gt=0.0,
        le=3650.0,
        description="Time constant of the index, in days of work (assumption: about a month).",
    )


class Attrition(Model):
    """Agents leave, vacancies are filled after a lag, and new hires learn the job.

    Each group's staff is its establishment: the paid agent-hours of its roster per week (over
    the whole run) over ``contract_hours_per_week``, rounded, at least 1. It starts full. Each
    midnight, each agent on the staff leaves with probability ``1 − exp(−h / 365)``, where the
    yearly hazard ``h = −ln(1 − annual_rate) × exp(satisfaction_effect × (1 − S) +
    fatigue_effect × F)`` (S: the group's staff satisfaction, 1 without it; F: its fatigue, 0
    without it), so a satisfied, rested staff loses ``annual_rate`` a year: turnover rises as
    satisfaction falls (Heskett et al. 1994). Holman, Batt & Holtgrewe (2007) report typical
    call-centre turnover of about 20% a year across 17 countries (25–50% in the US), and a
    replacement cost of three to four months' pay. Each leaver is replaced by a new hire
    who starts ``hiring_lag_days`` later. A new hire with t days on the job takes ``1 +
    new_hire_slowdown × exp(−t / learning_days)`` times as long per contact and resolves
    ``1 − new_hire_resolution_loss × exp(−t / learning_days)`` times as often. While the staff
    is short, fewer rostered agents come: the roster times staff ÷ establishment (rounded at
    random per day); a contact answered by the group gets the staff's mean new-hire factors.
    """

    annual_rate: float = Field(
        0.2,
        ge=0.0,
        lt=1.0,
        description="Share of the staff leaving per year when satisfied and rested (Holman, "
        "Batt & Holtgrewe 2007: typical call-centre turnover about 20% a year).",
    )
    satisfaction_effect: float = Field(
        2.0,
        ge=0.0,
        le=20.0,
        description="Log of the hazard multiplier per unit of dissatisfaction (1 − S); 2: "
        "S = 0.7 raises turnover 1.8-fold (assumption).",
    )
    fatigue_effect: float = Field(
        1.0, ge=0.0, le=20.0, description="Log of the hazard multiplier at fatigue 1 (assumption)."
    )
    contract_hours_per_week: float = Field(
        37.5, gt=0.0, le=80.0, description="Paid hours of one agent per week (full time)."
    )
    hiring_lag_days: int = Field(
        42,
        ge=1,
        le=730,
        description="Days from a leaver to their replacement's first day at the desk "
        "(recruiting and initial training; assumption: six weeks).",
    )
    learning_days: float = Field(
        30.0,
        gt=0.0,
        le=3650.0,
        description="Time constant of a new hire's learning curve, in days (assumption: most "
        "of the gap closes in three months).",
    )
    new_hire_slowdown: float = Field(
        0.5,
        ge=0.0,
        le=5.0,
        description="Extra handle time of a new hire on day one, as a share (assumption).",
    )
    new_hire_resolution_loss: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Share of the resolution probability a new hire lacks on day one (assumption).",
    )
    replacement_cost_months_of_pay: float = Field(
        3.5,
        ge=0.0,
        le=36.0,
        description="Cost of replacing a leaver (recruiting, training, lost productivity "
        "beyond the learning curve) in months of the group's pay at contract hours (Holman, "
        "Batt & Holtgrewe 2007: three to four months).",
    )


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
    overtime: Overtime | None = Field(
        None, description="Agents staying on past shift end while callers queue; null = off."
    )
    fatigue: Fatigue | None = Field(
        None, description="Fatigue from load and overtime, slowing agents; null = off."
    )
    satisfaction: StaffSatisfaction | None = Field(
        None, description="The staff satisfaction index per group; null = off."
    )
    attrition: Attrition | None = Field(
        None,
        description="Leavers, hiring lag and new hires' learning curve; null = the staff stays.",
    )

    @property
    def has_staff_dynamics(self) -> bool:
        """Fatigue, satisfaction or attrition is on (state kept per group over days)."""
        return any(m is not None for m in (self.fatigue, self.satisfaction, self.attrition))

    @model_validator(mode="after")
    def _erosion_needs_corners(self) -> Workforce:
        if self.erosion is not None and self.cutting_corners is None:
            raise ValueError(
                "erosion: the standard erodes towards the time agents give under pressure, so it "
                "needs cutting_corners (e.g. cutting_corners: {})"
            )
        return self
