"""The top-level package exports the validator lazily."""

from __future__ import annotations

import subprocess
import sys

import runware_testkit
from runware_testkit import validation


def test_lazy_exports_are_the_validation_objects():
    assert runware_testkit.validate_request is validation.validate_request
    assert runware_testkit.RunwareError is validation.RunwareError
    assert "validate_batch" in dir(runware_testkit)


def test_import_is_cheap():
    code = (
        "import sys, runware_testkit; print('jsonschema' in sys.modules, 'pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
