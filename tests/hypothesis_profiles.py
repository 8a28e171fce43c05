"""Hypothesis profiles for the property tests: ``ci`` (the default, fast) and ``thorough``.

    HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest -q tests/test_properties_*.py

Every property module imports ``examples(n)`` for its own example counts:
``ci`` runs n examples, ``thorough`` twenty times as many. No deadline: the
machine is shared, and a slow example is not a failure (speed is measured by
scripts, never asserted).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
_SCALE = {"ci": 1, "thorough": 20}

settings.register_profile("ci", deadline=None, database=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("thorough", deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(PROFILE if PROFILE in _SCALE else "ci")


def examples(n: int) -> settings:
    """``settings`` with n examples in ``ci`` (scaled up in ``thorough``)."""
    return settings(max_examples=n * _SCALE.get(PROFILE, 1))
