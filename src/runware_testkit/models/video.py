"""The ``videoInference`` task (both Aleph models' fields) and its result item."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .base import Request, Response, UUIDStr, exactly, is_uuid4, multiple_of

__all__ = [
    "ContentModeration",
    "FrameImage",
    "Inputs",
    "ProviderSettings",
    "ResultItem",
    "RunwaySettings",
    "Safety",
    "VideoInferenceTask",
]


class FrameImage(Request):
    """A frame image with its position (``inputs.frameImages`` object form, Aleph 2.0)."""

    image: str
    frame: exactly("first", "last", 0, -1) | None = None
    timestamp: Annotated[float | None, multiple_of("0.01")] = Field(default=None, ge=0, le=30)

    @model_validator(mode="after")
    def _frame_or_timestamp(self) -> FrameImage:
        if self.frame is not None and self.timestamp is not None:
            raise ValueError("frame and timestamp cannot be used together")
        return self


class Inputs(Request):
    """``inputs``: the source video and image guidance (fields of both models)."""

    video: str
    referenceImages: list[str] | None = None
    frameImages: list[str | FrameImage] | None = Field(default=None, min_length=1, max_length=5)


class Safety(Request):
    """``safety``: content checking of the output."""

    checkContent: bool | None = None
    mode: Literal["none", "fast", "full"] | None = None


class ContentModeration(Request):
    """``providerSettings.runway.contentModeration``."""

    publicFigureThreshold: Literal["auto", "low"] | None = None


class RunwaySettings(Request):
    """``providerSettings.runway``."""

    contentModeration: ContentModeration | None = None


class ProviderSettings(Request):
    """``providerSettings``."""

    runway: RunwaySettings | None = None


class VideoInferenceTask(Request):
    """A ``videoInference`` task for Runway Aleph or Aleph 2.0: the union of both pages' fields.

    The model only checks types, ranges and shapes; which fields a given model accepts, the
    width x height presets and taskUUID reuse are the validator's job.
    """

    taskType: Literal["videoInference"]
    taskUUID: UUIDStr
    model: Literal["runway:2@1", "runway:aleph@2.0"]
    positivePrompt: str = Field(min_length=1, max_length=1000)
    inputs: Inputs
    outputType: Literal["URL"] | None = None
    outputFormat: Literal["MP4", "WEBM", "MOV"] | None = None
    outputQuality: int | None = Field(default=None, ge=20, le=99)
    webhookURL: str | None = None
    deliveryMethod: Literal["async"] | None = None
    uploadEndpoint: str | None = None
    safety: Safety | None = None
    ttl: int | None = Field(default=None, ge=60)
    includeCost: bool | None = None
    numberResults: int | None = Field(default=None, ge=1, le=4)
    width: int | None = None
    height: int | None = None
    seed: int | None = Field(default=None, ge=0, le=4294967295)
    providerSettings: ProviderSettings | None = None

    @field_validator("taskUUID")
    @classmethod
    def _version_4(cls, value: str) -> str:
        if not is_uuid4(value):
            raise ValueError("expected a version 4 UUID")
        return value


class ResultItem(Response):
    """One generated video (the result schema of both models)."""

    taskType: Literal["videoInference"]
    taskUUID: UUIDStr
    videoUUID: UUIDStr
    videoURL: str | None = None
    videoBase64Data: str | None = None
    videoDataURI: str | None = None
    seed: int | None = None
    NSFWContent: bool | None = None
    cost: float | None = None
