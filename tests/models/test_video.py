"""VideoInferenceTask and ResultItem."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from runware_testkit.contract import load_contract
from runware_testkit.models import FrameImage, ResultItem, VideoInferenceTask

CONTRACT = load_contract()
EXAMPLES = [ex for model in CONTRACT.models.values() for ex in model.examples]
UUID4 = "aac49721-1964-481a-ae78-8a4e29b91402"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["title"] for e in EXAMPLES])
def test_page_examples_round_trip(example):
    task = VideoInferenceTask.model_validate(example["request"])
    assert task.to_wire() == example["request"]
    result = ResultItem.model_validate(example["response"])
    assert result.to_wire() == example["response"]


def test_aleph2_task_with_frame_images():
    task = VideoInferenceTask.model_validate(
        {
            "taskType": "videoInference",
            "taskUUID": UUID4,
            "model": "runway:aleph@2.0",
            "positivePrompt": "p",
            "inputs": {"video": UUID4, "frameImages": [UUID4, {"image": UUID4, "frame": "last"}]},
        }
    )
    assert isinstance(task.inputs.frameImages[1], FrameImage)
    assert task.inputs.frameImages[1].frame == "last"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("inputs", "extra"), 1),
        (("providerSettings", "runway", "other"), 1),
        (("providerSettings", "runway", "contentModeration", "x"), 1),
        (("extra",), 1),
        (("seed",), "1"),
        (("seed",), -1),
        (("outputFormat",), "AVI"),
        (("taskUUID",), "aac49721-1964-181a-ae78-8a4e29b91402"),
        (("model",), "runway:9@9"),
        (("positivePrompt",), ""),
    ],
)
def test_bad_tasks_are_refused(path, value):
    task = copy.deepcopy(EXAMPLES[0]["request"])
    target = task
    for name in path[:-1]:
        target = target[name]
    target[path[-1]] = value
    with pytest.raises(ValidationError):
        VideoInferenceTask.model_validate(task)


@pytest.mark.parametrize(
    "item",
    [
        {"image": UUID4, "frame": "first", "timestamp": 1},
        {"image": UUID4, "timestamp": 0.291},
        {"image": UUID4, "timestamp": 31},
        {"image": UUID4, "frame": "middle"},
        {"image": UUID4, "frame": False},
        {"image": UUID4, "frame": 0.0},
        {"frame": "first"},
    ],
)
def test_bad_frame_images(item):
    with pytest.raises(ValidationError):
        FrameImage.model_validate(item)


def test_frame_image_step_uses_decimals():
    assert FrameImage.model_validate({"image": UUID4, "timestamp": 0.29}).timestamp == 0.29


def test_result_keeps_unknown_keys():
    item = ResultItem.model_validate(
        {"taskType": "videoInference", "taskUUID": UUID4, "videoUUID": UUID4, "newField": 1}
    )
    assert item.model_extra == {"newField": 1}
