"""The mapping table from schema failures to Runware error codes."""

from __future__ import annotations

import pytest

from runware_testkit.validation import codes
from runware_testkit.validation.codes import RULES, Kind, code_for, param_name, rule_for


@pytest.mark.parametrize(
    ("failure", "path", "code"),
    [
        ("required", "positivePrompt", "missingPositivePrompt"),
        ("required", "inputs.video", "missingVideo"),
        ("required:paired", "height", "missingHeight"),
        ("dependentRequired", "width", "missingWidth"),
        ("type", "seed", "invalidSeed"),
        ("const", "taskType", "invalidTaskType"),
        ("enum", "operation", "invalidOperation"),
        ("oneOf:consts", "outputFormat", "invalidOutputFormat"),
        ("anyOf", "inputs.frameImages.2", "invalidFrameImages"),
        ("oneOf", "inputs.video", "invalidVideo"),
        ("minimum", "outputQuality", "invalidOutputQuality"),
        ("maximum", "numberResults", "invalidNumberResults"),
        ("minLength", "positivePrompt", "invalidPositivePrompt"),
        ("maxLength", "positivePrompt", "invalidPositivePrompt"),
        ("minItems", "inputs.frameImages", "invalidFrameImages"),
        ("maxItems", "inputs.frameImages", "invalidFrameImages"),
        ("format", "webhookURL", "invalidWebhookURL"),
        ("x-uuid-version", "taskUUID", "invalidTaskUUID"),
        ("pattern", "inputs.referenceImages.0", "invalidReferenceImages"),
        ("x-step", "inputs.frameImages.0.timestamp", "invalidTimestamp"),
        ("oneOf:presets", "", "unsupportedDimensions"),
        ("not:required", "inputs.frameImages.1.frame", "incompatibleParameters"),
        ("additionalProperties", "positivePromt", "unsupportedParameter"),
        ("additionalProperties:otherModel", "width", "unsupportedParameter"),
        ("model:missing", "model", "missingModel"),
        ("model:unknown", "model", "unknownModel"),
        ("taskType:missing", "taskType", "missingTaskType"),
        ("taskType:unknown", "taskType", "unsupportedTaskType"),
        ("taskUUID:reused", "taskUUID", "conflictTaskUUID"),
        ("body:invalid", "", "invalidRequestBody"),
        ("task:invalid", "", "invalidTask"),
        ("dependentSchemas", "seed", "invalidSeed"),
    ],
)
def test_code_for(failure, path, code):
    assert code_for(failure, path) == code


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        ("required", Kind.MISSING),
        ("dependentRequired", Kind.BROKEN_PAIR),
        ("type", Kind.WRONG_TYPE),
        ("oneOf:consts", Kind.NOT_ALLOWED),
        ("oneOf:presets", Kind.BAD_PRESET),
        ("anyOf", Kind.NO_MATCH),
        ("maximum", Kind.OUT_OF_RANGE),
        ("maxItems", Kind.TOO_MANY_ITEMS),
        ("minItems", Kind.TOO_FEW_ITEMS),
        ("format", Kind.FORMAT),
        ("x-step", Kind.BAD_STEP),
        ("additionalProperties", Kind.UNKNOWN_KEY),
        ("additionalProperties:otherModel", Kind.WRONG_MODEL),
        ("not:required", Kind.INCOMPATIBLE),
        ("taskUUID:reused", Kind.CONFLICT),
        ("model:unknown", Kind.UNKNOWN_MODEL),
        ("anything-else", Kind.INVALID),
    ],
)
def test_rule_kind(failure, kind):
    assert rule_for(failure).kind == kind


def test_every_rule_is_listed_in_the_module_docs():
    doc = codes.__doc__
    for failure, rule in RULES.items():
        head = failure.split(":")[1] if failure.startswith("additionalProperties:") else failure
        assert head in doc, failure
        assert rule.code in doc, rule.code


def test_templates_are_missing_invalid_or_fixed():
    for rule in RULES.values():
        assert rule.code in {"missing{Param}", "invalid{Param}"} or "{" not in rule.code


def test_param_name_skips_indexes_and_capitalises():
    assert param_name("inputs.frameImages.2.frame") == "Frame"
    assert param_name("inputs.frameImages.2") == "FrameImages"
    assert param_name("NSFWContent") == "NSFWContent"
    assert param_name("") == "Parameter"
