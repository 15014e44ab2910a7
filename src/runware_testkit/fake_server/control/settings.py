"""Settings a control client may apply to a fake: progression, seed, keys, clock, scenarios.

``POST /__testkit/reset`` takes them as an optional JSON object, and so does the creation of a
namespace (``POST /__testkit/namespaces``), so a test in another process gets the same knobs as
the in-process fixtures (`runware_testkit.testing.FakeOptions`):

==============  =================================================================================
key             effect
==============  =================================================================================
progression     default progression of tasks submitted from now on (``immediate``, ``polls:N``,
                ``time:S``)
seed            integer or null: restart the UUID and result-seed sequence
api_keys        list of keys the fake accepts from now on (empty list: any non-empty key)
clock           ``"system"`` or ``"manual"``: only on a fake whose clock can switch
                (namespaces and the fixtures' fakes); 409 ``clockNotSwitchable`` otherwise
scenarios       list of scenario objects queued after the reset
errors          ``"first"`` (Runware's one error per bad task) or ``"all"`` (every error)
==============  =================================================================================

A key left out leaves that setting as it is. Every bad value is a `SettingError` naming the key.
"""

from __future__ import annotations

from typing import Any

from ..config import ERROR_REPLIES
from ..engine.clock import CLOCK_MODES
from ..engine.progression import parse_progression
from ..faults.scenarios import Scenario
from .refusal import ControlRefusal

__all__ = ["SETTING_KEYS", "SettingError", "Settings", "apply_settings", "parse_settings"]

SETTING_KEYS: tuple[str, ...] = ("progression", "seed", "api_keys", "clock", "scenarios", "errors")
"""The keys `parse_settings` accepts."""

Settings = dict[str, Any]


class SettingError(ControlRefusal, ValueError):
    """A setting the fake cannot apply; the control API answers it as a Runware error."""


def parse_settings(body: Any) -> Settings:
    """Check a settings object; the checked values (scenarios as `Scenario`).

    Raises `SettingError` naming the first bad key.
    """
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise SettingError(
            "The settings must be a JSON object with any of " + ", ".join(SETTING_KEYS) + ".",
            code="invalidRequestBody",
        )
    unknown = sorted(set(body) - set(SETTING_KEYS))
    if unknown:
        raise SettingError(
            f"Unknown setting {unknown[0]!r} (known: {', '.join(SETTING_KEYS)}).",
            code="unsupportedParameter",
            parameter=unknown[0],
        )
    out: Settings = {}
    if "progression" in body:
        value = body["progression"]
        try:
            out["progression"] = str(parse_progression(value))
        except (TypeError, ValueError) as exc:
            raise SettingError(str(exc), parameter="progression") from None
    if "seed" in body:
        value = body["seed"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise SettingError(f"seed must be an integer or null, got {value!r}.", parameter="seed")
        out["seed"] = value
    if "api_keys" in body:
        keys = body["api_keys"]
        if not isinstance(keys, list) or not all(
            isinstance(key, str) and key.strip() for key in keys
        ):
            raise SettingError(
                f"api_keys must be a list of non-empty strings, got {keys!r}.",
                parameter="api_keys",
            )
        out["api_keys"] = frozenset(keys)
    if "clock" in body:
        mode = body["clock"]
        if mode not in CLOCK_MODES:
            raise SettingError(
                f"clock must be one of {', '.join(CLOCK_MODES)}, got {mode!r}.",
                parameter="clock",
                allowedValues=list(CLOCK_MODES),
            )
        out["clock"] = mode
    if "errors" in body:
        if body["errors"] not in ERROR_REPLIES:
            raise SettingError(
                f"errors must be one of {', '.join(ERROR_REPLIES)}, got {body['errors']!r}.",
                parameter="errors",
                allowedValues=list(ERROR_REPLIES),
            )
        out["errors"] = body["errors"]
    if "scenarios" in body:
        items = body["scenarios"]
        if not isinstance(items, list):
            raise SettingError(
                f"scenarios must be a list of scenario objects, got {items!r}.",
                parameter="scenarios",
            )
        scenarios = []
        for index, item in enumerate(items):
            try:
                scenarios.append(Scenario.from_dict(item))
            except (TypeError, ValueError) as exc:
                raise SettingError(
                    f"scenario {index}: {exc}.", code="invalidScenario", parameter="scenarios"
                ) from None
        out["scenarios"] = scenarios
    return out


def apply_settings(state: Any, settings: Settings) -> None:
    """Apply checked `settings` to a server state (after a reset, when used by one).

    Raises `SettingError` (409 ``clockNotSwitchable``) for a clock change the state's clock
    cannot make.
    """
    if "clock" in settings:
        clock = state.clock
        use = getattr(clock, "use", None)
        if callable(use):
            use(settings["clock"])
        elif (settings["clock"] == "manual") != callable(getattr(clock, "advance", None)):
            raise SettingError(
                f"This server's clock cannot switch to {settings['clock']!r}; start it with the "
                "clock you need, or use a namespace (POST /__testkit/namespaces), whose clock "
                "can switch.",
                code="clockNotSwitchable",
                parameter="clock",
                status=409,
            )
    if "api_keys" in settings:
        state.config = state.config.replace(api_keys=settings["api_keys"])
    if "errors" in settings:
        state.config = state.config.replace(error_reply=settings["errors"])
    if "progression" in settings:
        state.engine.default_progression = settings["progression"]
    if "seed" in settings:
        state.engine.reseed(settings["seed"])
    for scenario in settings.get("scenarios", ()):
        state.scenarios.add(scenario)
