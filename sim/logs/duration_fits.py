"""Handle times and patience from a contact log: the estimators.

* **Handle time**: a lognormal with the mean and coefficient of variation of all recorded services
  (the workload is kept), its Kolmogorov–Smirnov distance and QQ quantiles, and the lognormal
  maximum-likelihood fit of the body of the distribution (services of a few seconds or more), as
  Brown et al. (2005) found it lognormal.
* **Patience** is censored: a caller who waited ``w`` and was served would have waited longer, so
  their patience is only known to exceed ``w``; only abandoned callers reveal theirs. Assuming
  patience independent of the wait the desk offered, the Kaplan–Meier product-limit estimator
  gives its survival without a model, the exponential MLE is abandonments over the total time
  spent waiting (events / exposure), and the lognormal MLE maximises the censored likelihood
  ``Σ_abandoned log f(w) + Σ_served log S(w)``; the better of the two by AIC is kept.

A sample too small or without spread has no fit of its own: :func:`handle_problem` and
:func:`patience_problem` say why, and the calibration then borrows a pooled fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

QQ_PROBABILITIES = np.linspace(0.01, 0.99, 99)
"""Probabilities at which data and fitted quantiles are compared (QQ chart)."""


def kaplan_meier(durations: np.ndarray, events: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Product-limit estimate of a survival function from right-censored durations.

    Args:
        durations: Observed durations (an event time, or a censoring time).
        events: True where the duration ended in the event (e.g. abandonment), False where it was
            censored (e.g. the caller was served first).

    Returns:
        The distinct event times and the estimated survival just after each. At a tie, events are
        counted before censorings (a censored caller at ``t`` was still at risk at ``t``).
    """
    d = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    times, inverse = np.unique(d, return_inverse=True)
    deaths = np.bincount(inverse, weights=e.astype(float), minlength=len(times))
    leaving = np.bincount(inverse, minlength=len(times))
    at_risk = len(d) - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    has_event = deaths > 0
    survival = np.cumprod(1.0 - deaths[has_event] / at_risk[has_event])
    return times[has_event], survival


MIN_SERVICES = 10
"""Fewest recorded services a handle-time fit takes. The lognormal takes the sample's mean and
CV; from fewer, the CV is biased low and hardly informative (for a true CV of 1: 0.73 ± 0.28
from five services, 0.82 ± 0.26 from ten), so a pooled fit is the better guess."""


MIN_PATIENCE_EVENTS = 30
"""Fewest abandonments a patience fit takes. The exponential MLE's relative standard error is
1 / √abandonments (about ±36% at 95% from 30), and the censored lognormal fits two parameters
to them."""


MIN_CV = 0.001
"""Smallest coefficient of variation a fitted lognormal may have: the scenario file writes CVs
to three decimals and a scenario's lognormal needs a CV above 0. Less is no spread at all."""


def handle_problem(service_s: np.ndarray, minimum: int = MIN_SERVICES) -> str | None:
    """Why these service times (seconds, NaN ignored) cannot have a lognormal fit of their own:
    fewer than ``minimum``, all zero, or without spread; None when they can."""
    x = np.asarray(service_s, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) < minimum:
        return f"only {len(x):,} services with both times (a fit needs at least {minimum})"
    mean = float(x.mean())
    if mean <= 0.0:
        return "every handle time is 0 s"
    if float(x.min()) == float(x.max()):
        return f"every handle time is {mean:g} s: a lognormal needs spread"
    cv = float(x.std(ddof=1) / mean)
    if cv < MIN_CV:
        return f"the handle times hardly vary (CV {cv:.1e}): a lognormal needs spread"
    return None


def patience_problem(
    wait_s: np.ndarray, abandoned: np.ndarray, minimum: int = MIN_PATIENCE_EVENTS
) -> str | None:
    """Why these queued callers' waits (seconds; ``abandoned`` True where the caller hung up)
    cannot have a patience fit of their own: fewer than ``minimum`` abandonments, no time spent
    waiting, or every abandonment at the same wait with nobody waiting longer (the censored
    lognormal then collapses onto that wait); None when they can."""
    w = np.asarray(wait_s, dtype=float)
    ab = np.asarray(abandoned, dtype=bool)
    events = int(ab.sum())
    if events == 0:
        return "no queued caller abandoned"
    if events < minimum:
        return f"only {events:,} abandonments (a fit needs at least {minimum})"
    if float(w.sum()) <= 0.0:
        return "every queued caller's wait is 0 s: patience needs time spent waiting"
    gave_up = w[ab]
    if float(gave_up.min()) == float(gave_up.max()) and float(w.max()) <= float(gave_up.max()):
        return (
            f"every abandoned caller waited {gave_up[0]:g} s and nobody waited longer: "
            "patience needs spread"
        )
    return None


def lognormal_params(mean: float, cv: float) -> tuple[float, float]:
    """``(mu, sigma)`` of the normal log of a lognormal with this mean and CV."""
    sigma = math.sqrt(math.log1p(cv**2))
    return math.log(mean) - sigma**2 / 2.0, sigma


@dataclass(frozen=True)
class HandleFit:
    """Handle (service) time of one contact type and its lognormal fit.

    Attributes:
        n: Services with recorded times.
        short: Services under the short-service threshold (kept in the fit).
        mean_s: Mean service time (seconds), after truncation.
        cv: Coefficient of variation of the service times.
        ks: Kolmogorov–Smirnov distance between the data and the lognormal with ``mean_s`` and
            ``cv`` (the one the scenario uses).
        body_from_s: Services of at least this (the short-service threshold, at least 1 s) are
            the body of the distribution.
        body_ks: KS distance of the lognormal fitted by maximum likelihood to the body (Brown et
            al.: above the short services, service times are close to lognormal).
        body_mean_s: Mean of that body fit.
        body_cv: CV of that body fit.
        qq_data_s: Data quantiles at :data:`QQ_PROBABILITIES`.
        qq_fit_s: Quantiles of the scenario's lognormal at the same probabilities.
    """

    n: int
    short: int
    mean_s: float
    cv: float
    ks: float
    body_from_s: float
    body_ks: float
    body_mean_s: float
    body_cv: float
    qq_data_s: np.ndarray
    qq_fit_s: np.ndarray


def fit_handle_time(service_s: np.ndarray, short_s: float) -> HandleFit:
    """Fit a lognormal to service times by their mean and CV, and report how well it fits.

    Args:
        service_s: Service times in seconds (NaN entries are ignored).
        short_s: Services under this many seconds are counted as short.
    """
    x = np.asarray(service_s, dtype=float)
    x = x[~np.isnan(x)]
    mean = float(x.mean())
    cv = float(x.std(ddof=1) / mean) if len(x) > 1 else 0.0
    mu, sigma = lognormal_params(mean, max(cv, 1e-6))
    fitted = stats.lognorm(s=sigma, scale=math.exp(mu))
    body_from = max(short_s, 1.0)
    body = np.log(x[x >= body_from])
    b_mu, b_sigma = math.nan, math.nan
    body_ks = math.nan
    if len(body) > 1 and body.min() < body.max():  # a body without spread has no fit
        b_mu, b_sigma = float(body.mean()), float(body.std(ddof=1))
        body_ks = float(stats.kstest(body, stats.norm(b_mu, b_sigma).cdf).statistic)
    return HandleFit(
        n=len(x),
        short=int((x < short_s).sum()),
        mean_s=mean,
        cv=cv,
        ks=float(stats.kstest(x, fitted.cdf).statistic),
        body_from_s=body_from,
        body_ks=body_ks,
        body_mean_s=math.exp(b_mu + b_sigma**2 / 2.0),
        body_cv=math.sqrt(math.expm1(b_sigma**2)),
        qq_data_s=np.quantile(x, QQ_PROBABILITIES),
        qq_fit_s=fitted.ppf(QQ_PROBABILITIES),
    )


@dataclass(frozen=True)
class PatienceFit:
    """Patience estimated from censored waits.

    Attributes:
        queued: Callers who joined the queue.
        abandoned: Of those, callers who hung up (the events).
        exposure_s: Total seconds spent waiting by all of them.
        exp_mean_s: Exponential MLE of the mean patience (exposure / abandonments).
        exp_ci_s: Its exact 95% confidence interval (chi-square on 2 × abandonments).
        lognormal_median_s: Median of the lognormal censored MLE.
        lognormal_sigma: Its log-scale standard deviation.
        lognormal_mean_s: Its mean (beyond the longest wait this is an extrapolation).
        lognormal_cv: Its coefficient of variation.
        loglik_exp: Log-likelihood of the exponential fit (waits in seconds).
        loglik_lognormal: Log-likelihood of the lognormal fit.
        km_times_s: Kaplan–Meier event times.
        km_survival: Kaplan–Meier survival just after each event time.
        km_gap_exp: Largest distance between the Kaplan–Meier and exponential survival curves,
            up to the 99th percentile of the waits.
        km_gap_lognormal: The same for the lognormal.
        longest_wait_s: The longest wait observed (patience beyond it is not observed).
        by_hour: Hour of arrival → (abandonments, exposure s, exponential mean s), when asked.
    """

    queued: int
    abandoned: int
    exposure_s: float
    exp_mean_s: float
    exp_ci_s: tuple[float, float]
    lognormal_median_s: float
    lognormal_sigma: float
    lognormal_mean_s: float
    lognormal_cv: float
    loglik_exp: float
    loglik_lognormal: float
    km_times_s: np.ndarray
    km_survival: np.ndarray
    km_gap_exp: float
    km_gap_lognormal: float
    longest_wait_s: float
    by_hour: dict[int, tuple[int, float, float]] | None

    @property
    def best(self) -> str:
        """``exponential`` or ``lognormal``, whichever has the lower AIC."""
        aic_exp = 2.0 - 2.0 * self.loglik_exp
        aic_logn = 4.0 - 2.0 * self.loglik_lognormal
        return "lognormal" if aic_logn < aic_exp else "exponential"

    @property
    def kept(self) -> str:
        """The fit the scenario uses: the better by AIC, unless it is a lognormal whose CV is
        beyond what a scenario accepts (above :data:`MAX_SCENARIO_CV`, a log-scale sigma above
        about 2.45 and an extrapolation anyway; or under :data:`MIN_CV`, collapsed onto one
        wait), then the exponential."""
        if self.best == "lognormal" and not MIN_CV <= self.lognormal_cv <= MAX_SCENARIO_CV:
            return "exponential"
        return self.best

    def km_at(self, t_s: float) -> float:
        """Kaplan–Meier survival at ``t_s`` seconds."""
        i = np.searchsorted(self.km_times_s, t_s, side="right")
        return 1.0 if i == 0 else float(self.km_survival[i - 1])


MAX_SCENARIO_CV = 20.0
"""The largest coefficient of variation a scenario's lognormal accepts."""


KM_GAP_QUANTILE = 0.99
"""Fits are compared with Kaplan–Meier up to this quantile of the waits (beyond, few remain at
risk and the estimate is erratic)."""


EVENT_FLOOR_S = 0.5
"""An abandonment logged at 0 s (1-second clock) is taken as half a second in the lognormal fit."""


def fit_patience(
    wait_s: np.ndarray, abandoned: np.ndarray, hour: np.ndarray | None = None
) -> PatienceFit:
    """Estimate patience from queued callers' waits, served waits being censored.

    Args:
        wait_s: Seconds each queued caller waited (until answered or hanging up).
        abandoned: True for callers who hung up (their wait is their patience).
        hour: Hour of arrival of each caller, to estimate the exponential mean by hour.

    Raises:
        ValueError: Nobody abandoned, so patience cannot be estimated.
    """
    w = np.asarray(wait_s, dtype=float)
    ab = np.asarray(abandoned, dtype=bool)
    events = int(ab.sum())
    if events == 0:
        raise ValueError("no caller abandoned: patience cannot be estimated")
    exposure = float(w.sum())
    rate = events / exposure
    chi = stats.chi2(2 * events)
    ci = (float(2.0 * exposure / chi.ppf(0.975)), float(2.0 * exposure / chi.ppf(0.025)))
    x = np.log(np.maximum(w[ab], EVENT_FLOOR_S))
    c = np.log(w[~ab & (w > 0)])

    def nll(theta: np.ndarray) -> float:
        mu, sigma = theta[0], math.exp(theta[1])
        return -float(
            stats.norm.logpdf(x, mu, sigma).sum() - x.sum() + stats.norm.logsf(c, mu, sigma).sum()
        )

    start = np.array([float(np.log(max(exposure / events, 1.0))), 0.0])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # extreme trial steps
        fit = optimize.minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-6})
    mu, sigma = float(fit.x[0]), math.exp(float(fit.x[1]))
    times, survival = kaplan_meier(w, ab)
    # at least the first abandonment: a small group may abandon only beyond the 99th percentile
    body = times <= max(float(np.quantile(w, KM_GAP_QUANTILE)), float(times[0]))
    fitted = stats.lognorm(sigma, scale=math.exp(mu))
    by_hour = None
    if hour is not None:
        h = np.asarray(hour)
        by_hour = {}
        for value in np.unique(h):
            m = h == value
            n_ab, expo = int(ab[m].sum()), float(w[m].sum())
            by_hour[int(value)] = (n_ab, expo, expo / n_ab if n_ab else math.inf)
    return PatienceFit(
        queued=len(w),
        abandoned=events,
        exposure_s=exposure,
        exp_mean_s=1.0 / rate,
        exp_ci_s=ci,
        lognormal_median_s=math.exp(mu),
        lognormal_sigma=sigma,
        lognormal_mean_s=math.exp(mu + sigma**2 / 2.0),
        lognormal_cv=math.sqrt(math.expm1(sigma**2)),
        loglik_exp=events * math.log(rate) - rate * exposure,
        loglik_lognormal=-float(fit.fun),
        km_times_s=times,
        km_survival=survival,
        km_gap_exp=float(np.abs(survival - np.exp(-rate * times))[body].max()),
        km_gap_lognormal=float(np.abs(survival - fitted.sf(times))[body].max()),
        longest_wait_s=float(w.max()),
        by_hour=by_hour,
    )
