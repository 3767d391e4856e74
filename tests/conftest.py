"""Settings for the whole suite: the property tests (hypothesis) draw the same examples on every
run, as the statistical tests use fixed seeds, so a run that passed passes again on a fresh
checkout. ``HYPOTHESIS_PROFILE=explore`` draws fresh examples each run, to look for new failures;
a failure it finds is printed with its example, to be added with ``@example``."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("reproducible", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "reproducible"))
