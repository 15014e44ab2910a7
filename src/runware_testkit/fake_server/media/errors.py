"""Errors of the media modules, each carrying the Runware error it stands for.

Every error is a ``ValueError`` (bad input, never a crash) with a Runware-style ``code``, a
``message`` and, where one is known, the request ``parameter`` at fault; ``to_error()`` gives
the Runware error object. All of them answer HTTP 400.

Codes, and where they come from:

- ``invalid<Param>`` (``invalidImage``, ``invalidVideo``, ``invalidReferenceImages`` ...) for
  bytes that are not a readable image or video: the convention the server already uses for
  media inputs (``inputs.py``), the parameter's last segment capitalised.
- ``invalidOutputFormat`` / ``invalidOutputQuality`` for an output format or quality outside
  what the media modules can write: named after the request fields ``outputFormat`` and
  ``outputQuality`` of Runware's task schemas.
- ``invalidInputSize`` for an input larger than the configured bound,
  ``invalidUpscaleFactor`` for an upscale factor that is not a number >= 1 or whose result
  would exceed the bound, ``invalidWidth`` / ``invalidHeight`` for a bad target size,
  ``invalidInputDuration`` for a video longer than the bound: the fake's own bounds, named in
  Runware's ``invalid<Param>`` style (Runware's real limits are not documented).
"""

from __future__ import annotations

__all__ = ["InvalidImage", "InvalidUpscale", "InvalidVideo", "MediaError", "invalid_code"]


class MediaError(ValueError):
    """Media the fake refuses; ``code``, ``message`` and ``parameter`` give the Runware error."""

    http_status = 400

    def __init__(self, code: str, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.parameter = parameter

    def to_error(self) -> dict[str, str]:
        """The Runware error object: ``code``, ``message`` and ``parameter`` when known."""
        error = {"code": self.code, "message": self.message}
        if self.parameter is not None:
            error["parameter"] = self.parameter
        return error


class InvalidImage(MediaError):
    """Bytes that are not a readable image of an accepted format, or that are too large."""


class InvalidVideo(MediaError):
    """Bytes that are not a readable video."""


class InvalidUpscale(MediaError):
    """An upscale request the fake refuses: bad factor or target, or a result too large."""


def invalid_code(parameter: str) -> str:
    """``invalid`` + the parameter's last name, capitalised, without an index: ``image`` ->
    ``invalidImage``, ``inputs.referenceImages[0]`` and ``inputs.referenceImages.0`` (the
    validator's dotted form) -> ``invalidReferenceImages``."""
    names = [part.split("[", 1)[0] for part in parameter.split(".")]
    names = [name for name in names if name and not name.isdigit()]
    leaf = names[-1] if names else "parameter"
    return "invalid" + leaf[:1].upper() + leaf[1:]
