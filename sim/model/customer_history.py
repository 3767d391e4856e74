"""The warm start's satisfaction history: what a long-standing customer carries from before the run.

At the end of the warm start's pilot, the pilot's satisfaction changes over its ``P`` days are a
sample of what ``P`` days at this desk do to a customer. Each customer's past is built window by
window, oldest first (until a window's weight ``2^(-kP/h)`` falls below 1/1000): satisfaction
decays by the half-life over a window and adds a window drawn from the pilot (from a random
customer: customers are alike). Whenever it falls below the dissatisfaction threshold the
customer decides as a dissatisfied customer does in the run: one who stays silent and stays is
dissatisfied until satisfaction climbs back; one who complained was settled (back to neutral); one
who left silently was replaced by a new customer (neutral) in the same place.
"""

from __future__ import annotations

import math

import numpy as np

from sim.model.customer_codes import Q
from sim.model.keyed import Keyed
from sim.scenario.customers import CustomerBase


def past_satisfaction(
    cfg: CustomerBase, keyed: Keyed, veterans: np.ndarray, window: np.ndarray, weight: float
) -> tuple[np.ndarray, np.ndarray]:
    """The satisfaction the customers ``veterans`` carry from the windows before the pilot, and
    whether each is dissatisfied from it; ``window`` holds the pilot's changes, ``weight`` a
    window's decay."""
    sat_cfg = cfg.satisfaction
    past = np.zeros(len(veterans))
    dissatisfied = np.zeros(len(veterans), bool)
    windows = math.ceil(math.log(1e-3) / math.log(weight))
    for back in range(windows, 0, -1):  # oldest first
        keys = keyed.keys(veterans, back, Q["history"])
        pick = keyed.uniforms(keys, Q["history-pick"]) * len(window)
        past = past * weight + window[pick.astype(np.int64)]
        dissatisfied &= past < sat_cfg.dissatisfied_below
        decide_in_the_past(cfg, keyed, past, dissatisfied, keys)
    return past, dissatisfied


def decide_in_the_past(
    cfg: CustomerBase,
    keyed: Keyed,
    sat: np.ndarray,
    dissatisfied: np.ndarray,
    keys: np.ndarray,
    eligible: np.ndarray | None = None,
) -> None:
    """Decisions of customers whose past satisfaction ``sat`` crossed the threshold (in
    place): silent and staying → ``dissatisfied``; complained or replaced → neutral."""
    crossed = (sat < cfg.satisfaction.dissatisfied_below) & ~dissatisfied
    if eligible is not None:
        crossed &= eligible
    idx = np.flatnonzero(crossed)
    if not len(idx):
        return
    large = sat[idx] < cfg.satisfaction.large_problem_below
    u_voice = keyed.uniforms(keys[idx], Q["voice"])
    u_stay = keyed.uniforms(keys[idx], Q["stay"])
    keep = np.where(large, cfg.silent_retention.large, cfg.silent_retention.small)
    silent_stayed = (u_voice >= cfg.complaints.voice_prob) & (u_stay < keep)
    dissatisfied[idx[silent_stayed]] = True
    sat[idx[~silent_stayed]] = 0.0
