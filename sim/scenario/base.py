"""Building blocks shared by every part of the scenario: the strict base model, probabilities and
duration distributions (all durations in minutes)."""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
"""A name that becomes a folder name: letters, digits, '_', '.', '-'."""


def humanise(name: str) -> str:
    """A name as words for people: ``email_enquiry`` → ``Email enquiry``, ``fast-recovery`` →
    ``Fast recovery`` (separators become spaces, the first letter a capital)."""
    words = re.sub(r"[_.\-\s]+", " ", name).strip()
    return words[:1].upper() + words[1:]


PositiveMinutes = Annotated[float, Field(gt=0.0, le=100_000.0)]


class Model(BaseModel):
    """Base for every scenario part: immutable, unknown keys rejected, every number finite."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


# --- distributions -------------------------------------------------------------------------------


class Exponential(Model):
    """Exponential durations (memoryless): the Erlang C / Erlang A assumption."""

    kind: Literal["exponential"] = Field(description="Selects exponential durations.")
    mean_min: PositiveMinutes = Field(description="Mean duration in minutes.")


class Lognormal(Model):
    """Lognormal durations by mean and coefficient of variation (Brown et al. 2005: service times
    in real call centres are close to lognormal)."""

    kind: Literal["lognormal"] = Field(description="Selects lognormal durations.")
    mean_min: PositiveMinutes = Field(description="Mean duration in minutes.")
    cv: float = Field(gt=0.0, le=20.0, description="Coefficient of variation (std / mean).")


class Fixed(Model):
    """A constant duration."""

    kind: Literal["fixed"] = Field(description="Selects a constant duration.")
    value_min: float = Field(ge=0.0, le=100_000.0, description="The duration in minutes.")


class Empirical(Model):
    """Resample observed durations (e.g. from a contact log) with equal weights."""

    kind: Literal["empirical"] = Field(description="Selects resampled observed durations.")
    values_min: list[Annotated[float, Field(ge=0.0)]] = Field(
        min_length=1, description="Observed durations in minutes, resampled uniformly."
    )


class NoPatience(Model):
    """Callers never abandon (Erlang C)."""

    kind: Literal["none"] = Field(description="Selects no abandonment.")


Duration = Annotated[Exponential | Lognormal | Fixed | Empirical, Field(discriminator="kind")]
Patience = Annotated[
    Exponential | Lognormal | Fixed | Empirical | NoPatience, Field(discriminator="kind")
]


def mean_min(dist: Exponential | Lognormal | Fixed | Empirical | NoPatience) -> float:
    """Mean of a duration distribution in minutes (``inf`` for no abandonment)."""
    match dist:
        case Exponential() | Lognormal():
            return dist.mean_min
        case Fixed():
            return dist.value_min
        case Empirical():
            return math.fsum(dist.values_min) / len(dist.values_min)
        case NoPatience():
            return math.inf
    raise TypeError(dist)


def clock(hours: float) -> str:
    """``HH:MM`` of a time of day given in hours (e.g. ``7.5`` → ``07:30``)."""
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
