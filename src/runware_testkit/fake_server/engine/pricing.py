"""What a finished Runway Aleph result costs, as reported in `cost` when `includeCost` is true.

The rule, per result item:

- ``runway:2@1`` (Runway Aleph): a flat 0.7563 USD per result, the figure shown in every example
  response on the model's page.
- ``runway:aleph@2.0`` (Runway Aleph 2.0): 0.28 USD per second of the source video, rounded to
  4 decimals. When the source duration is unknown (the fake could not probe the input), the
  duration is taken as `DEFAULT_DURATION_SECONDS` (5.0 s), so the cost is 1.4 USD.

Any other model raises ValueError.
"""

from __future__ import annotations

import math

__all__ = [
    "ALEPH_2_0",
    "ALEPH_2_0_USD_PER_SECOND",
    "ALEPH_V1",
    "ALEPH_V1_USD_PER_RESULT",
    "DEFAULT_DURATION_SECONDS",
    "PRICED_MODELS",
    "task_cost",
]

ALEPH_V1 = "runway:2@1"
ALEPH_2_0 = "runway:aleph@2.0"
ALEPH_V1_USD_PER_RESULT = 0.7563
ALEPH_2_0_USD_PER_SECOND = 0.28
DEFAULT_DURATION_SECONDS = 5.0
PRICED_MODELS = frozenset({ALEPH_V1, ALEPH_2_0})


def task_cost(model: str, *, duration_seconds: float | None = None) -> float:
    """Cost in USD of one result of `model`; `duration_seconds` is the source video's length."""
    if model == ALEPH_V1:
        return ALEPH_V1_USD_PER_RESULT
    if model == ALEPH_2_0:
        seconds = DEFAULT_DURATION_SECONDS if duration_seconds is None else duration_seconds
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise ValueError(f"duration_seconds must be a number, got {seconds!r}")
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"duration_seconds must be finite and >= 0, got {seconds!r}")
        return round(ALEPH_2_0_USD_PER_SECOND * seconds, 4)
    known = ", ".join(sorted(PRICED_MODELS))
    raise ValueError(f"no price known for model {model!r} (priced models: {known})")
