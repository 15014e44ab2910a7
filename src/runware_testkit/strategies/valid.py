"""Valid tasks (``videoInference``, ``imageInference``, ``upscale`` ...), compiled from each
model's request schema."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from ..contract import Contract, ModelContract, load_contract
from .schema_walk import ABSENT, PRESENT, Form, compile_schema


def model_contracts(
    model: str | None = None, *, contract: Contract | None = None
) -> list[ModelContract]:
    """The contracts of ``model`` (an AIR), or of every known model when it is None.

    ``contract``: the registry to look in (default: `load_contract()`). Raises ValueError for
    an unknown model.
    """
    contract = contract if contract is not None else load_contract()
    if model is None:
        return list(contract.models.values())
    found = contract.model(model)
    if found is None:
        known = ", ".join(contract.models)
        raise ValueError(f"unknown model {model!r}; the contract knows {known}")
    return [found]


def _known_path(model: ModelContract, path: str) -> bool:
    return path in model.parameter_paths()


def requests(
    model: str | None = None,
    pinned: Mapping[str, Any] | None = None,
    *,
    form: Form = "any",
    contract: Contract | None = None,
    **pinned_fields: Any,
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid tasks for ``model`` (an AIR; None: any known model), built from its request schema.

    ``form``: ``"any"`` (optional fields present or absent), ``"minimal"`` (required fields,
    and those the cross-field rules then require) or ``"maximal"`` (every optional field the
    rules allow beside the others; of mutually exclusive fields one). Keyword arguments and
    ``pinned`` (which also takes dotted paths such as ``"inputs.video"``) fix fields to a
    value, a strategy, :data:`ABSENT` or :data:`PRESENT`; pins win over the form, and the
    cross-field rules are solved around them (pinning ``inputs.video`` on a model where a video
    excludes width/height leaves width/height out). Width and height are drawn as one preset;
    pinning one of them keeps the partner consistent. ``contract``: the registry to draw from
    (default: `load_contract()`). Raises ValueError for an unknown model or pin, and
    `UnsupportedSchema` for a schema construct the strategies cannot build or pins the rules
    cannot satisfy.
    """
    pins = {**(pinned or {}), **pinned_fields}
    candidates = model_contracts(model, contract=contract)
    usable = [m for m in candidates if all(_known_path(m, p) for p in pins)]
    if not usable:
        bad = sorted(p for p in pins if not any(_known_path(m, p) for m in candidates))
        known = sorted({p for m in candidates for p in m.parameter_paths()})
        hints = {p: difflib.get_close_matches(p, known, n=1) for p in bad}
        detail = ", ".join(
            f"{p!r}" + (f" (did you mean {h[0]!r}?)" if h else "") for p, h in hints.items()
        ) or ", ".join(sorted(pins))
        names = ", ".join(m.air for m in candidates)
        raise ValueError(f"no model among {names} has every pinned parameter: {detail}")
    return st.one_of([compile_schema(m.request, form=form, pinned=pins) for m in usable])


def request_batches(
    model: str | None = None,
    *,
    min_size: int = 1,
    max_size: int = 3,
    form: Form = "any",
    contract: Contract | None = None,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Request bodies: JSON arrays of valid tasks with distinct ``taskUUID`` values."""
    return st.lists(
        requests(model, form=form, contract=contract),
        min_size=min_size,
        max_size=max_size,
        unique_by=lambda task: task["taskUUID"],
    )


__all__ = ["ABSENT", "PRESENT", "model_contracts", "request_batches", "requests"]
