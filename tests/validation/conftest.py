"""Shared tasks: the page examples of runway:2@1 and a minimal valid runway:aleph@2.0 task."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from runware_testkit.contract import Contract, load_contract
from runware_testkit.validation import Validator

ALEPH = "runway:2@1"
ALEPH2 = "runway:aleph@2.0"
UUID4 = "aac49721-1964-481a-ae78-8a4e29b91402"
DOC1 = "https://runware.ai/docs/models/runway-aleph"
DOC2 = "https://runware.ai/docs/models/runway-aleph-2-0"


def aleph_contract() -> Contract:
    """The shipped contract cut down to the two Aleph models these tests are written for (the
    contract also holds models imported from Runware's OpenAPI documents)."""
    full = load_contract()
    return dataclasses.replace(full, models={air: full.models[air] for air in (ALEPH, ALEPH2)})


@pytest.fixture(scope="session")
def validator() -> Validator:
    """One validator for the whole session (compiling is the expensive part)."""
    return Validator(aleph_contract())


@pytest.fixture(scope="session")
def slow_validator() -> Validator:
    """A validator without the jsonschema_rs fast path."""
    return Validator(aleph_contract(), fast=False)


@pytest.fixture
def task1() -> dict[str, Any]:
    """The first page example of runway:2@1 (a fresh copy)."""
    return copy.deepcopy(load_contract().model(ALEPH).examples[0]["request"])


@pytest.fixture
def task2() -> dict[str, Any]:
    """A minimal valid runway:aleph@2.0 task, using a frameImages form from its page."""
    return {
        "taskType": "videoInference",
        "taskUUID": "3ad204c3-a9de-4963-8a1a-c3911e3afafe",
        "model": ALEPH2,
        "positivePrompt": "Swap the product on the table for a red teapot",
        "inputs": {
            "video": "https://assets.example.com/clip.mp4",
            "frameImages": [{"image": UUID4, "frame": "first"}],
        },
    }


@pytest.fixture(scope="session")
def official(tmp_path_factory: pytest.TempPathFactory) -> Validator:
    """A validator over a contract directory of Runware's six published model documents."""
    from runware_testkit.contract import load_contract

    from .official import build_contract

    root = build_contract(tmp_path_factory.mktemp("official-contract"))
    return Validator(load_contract(root))
