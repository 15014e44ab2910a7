"""`Validator`: checks request tasks, request bodies and result items against the contract.

A task is routed by ``taskType``: a platform task (``authentication``, ``getResponse``,
``ping``, ``mediaStorage`` from the contract; ``imageUpload`` and ``getTaskDetails`` built in,
see `platform_tasks`) to its platform schema; any other task type by its ``model`` to that
model's request schema. A ``model`` the contract does not hold gives one ``unknownModel``
error that says how to add a contract for it. Nothing raises on bad input: any value gives a
list of `RunwareError` (empty when valid).

Two ways to report a bad task:

- every problem (`Validator.validate_request`, `Validator.validate_batch`, and
  `Validator.check_task` with ``mode="all"``): for a user fixing a file;
- Runware's way (`Validator.check_task` with ``mode="first"``, the default): the one error
  of the first failing check in Runware's order (see `order`).

Enum values in another letter case are accepted and reported as warnings (see `casefold`);
`Validator.check_task` returns them, with the task as checked (canonical spellings).

taskUUID history: every task that carries a taskUUID claims it, except ``getResponse`` and
``getTaskDetails``, whose taskUUID names another task. A claimed taskUUID seen before gives
``conflictTaskUUID``; so does a repeat inside one body. Only tasks without errors are added to
the history, like a server that creates no task for a rejected request.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, MutableSet
from dataclasses import dataclass
from typing import Any, Literal

from ..contract import Contract, load_contract
from . import semantic
from .casefold import apply_folds, case_folds, warning_for
from .codes import Kind, code_for
from .compiled import Compiled, build_registry, compile_schema
from .describe import describe
from .errors import RunwareError, ValidationWarning
from .order import first_error
from .platform_tasks import BUILTIN_PLATFORM_REQUESTS, REFERENCING_TASK_TYPES
from .sanitize import sanitize
from .schema_walk import documentation_at
from .suggest import Suggester
from .translate import Translator, finish

__all__ = ["REFERENCING_TASK_TYPES", "Mode", "TaskCheck", "TaskReport", "Validator"]

Mode = Literal["first", "all"]

# How to give the kit a contract for another model (the message of ``unknownModel``).
ADD_CONTRACT_HINT = (
    "run `runware-testkit generate PAGE_OR_SCHEMA --out DIR`, then pass `--contract DIR` or "
    "set RUNWARE_TESTKIT_CONTRACTS=DIR"
)

# Case folding may uncover another enum value behind the first; a task has few of them.
_MAX_FOLD_ROUNDS = 4


@dataclass(frozen=True)
class TaskReport:
    """The outcome for one element of a request body.

    ``index`` is the element's position in the array; it is None for a report about the body
    as a whole (not an array, or empty), which then holds the one ``invalidRequestBody`` error.
    ``warnings`` are accepted values with a canonical form (see `casefold`).
    """

    index: int | None
    task: Any
    errors: tuple[RunwareError, ...]
    warnings: tuple[ValidationWarning, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the task has no errors."""
        return not self.errors

    def pointer(self, error: RunwareError | ValidationWarning) -> str:
        """The JSON pointer of ``error`` within the whole body (``/2/inputs/video``)."""
        return error.pointer if self.index is None else f"/{self.index}{error.pointer}"


@dataclass(frozen=True)
class TaskCheck:
    """What `Validator.check_task` found in one task.

    ``errors``: in ``mode="first"`` at most one, the error Runware would answer with; in
    ``mode="all"`` every problem. ``warnings``: accepted enum values in another letter case.
    ``task``: the task as checked, with those values in their canonical spelling (the input
    object itself when nothing was folded; never modified in place).
    """

    errors: tuple[RunwareError, ...]
    warnings: tuple[ValidationWarning, ...]
    task: Any

    @property
    def ok(self) -> bool:
        """True when the task has no errors (warnings do not count)."""
        return not self.errors

    @property
    def error(self) -> RunwareError | None:
        """The first error (Runware's answer in ``mode="first"``), or None."""
        return self.errors[0] if self.errors else None


class Validator:
    """Compiled schemas of one contract, reusable across calls and threads.

    ``seen_task_uuids`` is an optional default history (a set the caller may keep); a call's own
    ``seen_task_uuids`` argument takes precedence. A mutable set is updated with the taskUUIDs
    of accepted tasks; any other collection (a frozenset ...) is only read. ``fast=False``
    disables the jsonschema_rs valid-path check (same results, only slower).
    """

    def __init__(
        self,
        contract: Contract | None = None,
        *,
        seen_task_uuids: Collection[str] | None = None,
        fast: bool = True,
    ) -> None:
        self.contract = contract if contract is not None else load_contract()
        self.seen_task_uuids = seen_task_uuids
        registry = build_registry(self.contract)
        models = self.contract.models
        self._requests = {
            air: compile_schema(air, m.request, registry, model=m, fast=fast)
            for air, m in models.items()
        }
        self._results = {
            air: compile_schema(air, m.result, registry, model=m, fast=fast)
            for air, m in models.items()
        }
        self._platform = {
            name: compile_schema(name, schema, registry, fast=fast)
            for name, schema in self.contract.platform.items()
        }
        self._model_task_types = {m.task_type for m in models.values()}
        self._platform_tasks = {
            _task_type(compiled.schema): compiled
            for name, compiled in self._platform.items()
            if name.endswith("-request") and _task_type(compiled.schema)
        }
        for name, schema in BUILTIN_PLATFORM_REQUESTS.items():
            task_type = _task_type(schema)
            if task_type is not None and task_type not in self._platform_tasks:
                self._platform_tasks[task_type] = compile_schema(name, schema, registry, fast=fast)
        self._suggester = Suggester(self.contract)

    @property
    def task_types(self) -> list[str]:
        """Every taskType the validator knows, model task types first."""
        return sorted(self._model_task_types) + list(self._platform_tasks)

    @property
    def models(self) -> list[str]:
        """The AIRs of the known models."""
        return list(self._requests)

    def check_task(
        self,
        task: Any,
        *,
        seen_task_uuids: Collection[str] | None = None,
        mode: Mode = "first",
    ) -> TaskCheck:
        """Check one task object: its errors, its warnings, and the task as checked.

        ``mode="first"`` (the default) keeps only the error Runware answers with (the first
        failing check in Runware's order, see `order`); ``mode="all"`` keeps every problem,
        in the order `validate_request` gives them. The taskUUID is claimed as in
        `validate_request`. Raises ValueError for another ``mode``.
        """
        if mode not in ("first", "all"):
            raise ValueError(f"mode: expected 'first' or 'all'; found {mode!r}")
        history = self._history(seen_task_uuids)
        errors, warnings, checked = self._task(task, history, {})
        self._claim(task, errors, history)
        if mode == "first":
            errors = _first_only(errors)
        return TaskCheck(tuple(errors), tuple(warnings), checked)

    def validate_request(
        self, task: Any, *, seen_task_uuids: Collection[str] | None = None
    ) -> list[RunwareError]:
        """Every problem of one task object (an empty list when it is valid)."""
        return list(self.check_task(task, seen_task_uuids=seen_task_uuids, mode="all").errors)

    def validate_batch(
        self,
        body: Any,
        *,
        seen_task_uuids: Collection[str] | None = None,
        mode: Mode = "all",
    ) -> list[TaskReport]:
        """One `TaskReport` per element of a request body (the JSON array of tasks).

        A body that is not a non-empty array gives a single report with ``index=None`` holding
        ``invalidRequestBody``; an element that is not an object gets ``invalidTask``.
        ``mode="first"`` keeps one error per task, as `check_task` does.
        """
        if mode not in ("first", "all"):
            raise ValueError(f"mode: expected 'first' or 'all'; found {mode!r}")
        if not isinstance(body, list) or not body:
            found = "an empty array" if isinstance(body, list) else describe(body)
            error = RunwareError(
                code=code_for("body:invalid"),
                message=f"request body: expected a non-empty JSON array of tasks; found {found}",
                kind=Kind.BAD_BODY,
                failure="body:invalid",
            )
            return [TaskReport(None, body, (error,))]
        history = self._history(seen_task_uuids)
        in_batch: dict[str, int] = {}
        reports = []
        for index, task in enumerate(body):
            errors, warnings, _ = self._task(task, history, in_batch)
            uuid = _claimed_uuid(task)
            if uuid is not None:
                in_batch.setdefault(uuid, index)
            self._claim(task, errors, history)
            if mode == "first":
                errors = _first_only(errors)
            reports.append(TaskReport(index, task, tuple(errors), tuple(warnings)))
        return reports

    def validate_result(self, item: Any, *, model: str) -> list[RunwareError]:
        """Every problem of one result item of ``model`` (the generated result schema)."""
        target = self._results.get(model)
        if target is None:
            return [self._unknown_model(model, None, None)]
        return self._check(target, item, _text(item, "taskType"), _text(item, "taskUUID"))

    def validate_platform(self, name: str, instance: Any) -> list[RunwareError]:
        """Every problem of ``instance`` against platform schema ``name`` (e.g. ``envelope``).

        Raises KeyError for a schema name the contract does not have.
        """
        return self._check(
            self._platform[name],
            instance,
            _text(instance, "taskType"),
            _text(instance, "taskUUID"),
        )

    # -- internals --------------------------------------------------------------------------

    def _history(self, given: Collection[str] | None) -> Collection[str] | None:
        return given if given is not None else self.seen_task_uuids

    def _claim(
        self, task: Any, errors: list[RunwareError], history: Collection[str] | None
    ) -> None:
        uuid = _claimed_uuid(task)
        if isinstance(history, MutableSet) and uuid is not None and not errors:
            history.add(uuid)

    def _task(
        self, task: Any, history: Iterable[str] | None, in_batch: dict[str, int]
    ) -> tuple[list[RunwareError], list[ValidationWarning], Any]:
        if not isinstance(task, dict):
            error = RunwareError(
                code=code_for("task:invalid"),
                message=f"task: expected a JSON object; found {describe(task)}",
                kind=Kind.BAD_TASK,
                failure="task:invalid",
            )
            return [error], [], task
        task_type, task_uuid = _text(task, "taskType"), _text(task, "taskUUID")
        target = self._route(task, task_type, task_uuid)
        if isinstance(target, RunwareError):
            return [target], [], task
        errors, warnings, checked = self._check_folding(target, task, task_type, task_uuid)
        conflict = self._conflict(target, task, errors, history, in_batch)
        if conflict is not None:
            errors.append(conflict)
        return errors, warnings, checked

    def _check_folding(
        self, target: Compiled, task: dict[str, Any], task_type: str | None, task_uuid: str | None
    ) -> tuple[list[RunwareError], list[ValidationWarning], Any]:
        """Check ``task``, reading enum values of another letter case as their canonical form."""
        errors = self._check(target, task, task_type, task_uuid)
        warnings: list[ValidationWarning] = []
        checked: Any = task
        for _ in range(_MAX_FOLD_ROUNDS):
            folds = case_folds(errors, checked)
            if not folds:
                break
            warnings += [warning_for(fold) for fold in folds]
            checked = apply_folds(checked, folds)
            errors = self._check(target, checked, task_type, task_uuid)
        return errors, warnings, checked

    def _route(
        self, task: dict[str, Any], task_type: str | None, task_uuid: str | None
    ) -> Compiled | RunwareError:
        if "taskType" not in task:
            return RunwareError(
                code=code_for("taskType:missing"),
                message=f"taskType: expected one of {', '.join(self.task_types)}; found nothing",
                parameter="taskType",
                taskUUID=task_uuid,
                type="string",
                pointer="/taskType",
                kind=Kind.MISSING,
                failure="taskType:missing",
            )
        if task_type in self._platform_tasks:
            return self._platform_tasks[task_type]
        model = task.get("model")
        if task_type in self._model_task_types or (task_type is not None and "model" in task):
            target = self._requests.get(model) if isinstance(model, str) else None
            if target is not None and target.model is not None:
                if target.model.task_type == task_type:
                    return target
                return self._unknown_task_type(task, task_type, task_uuid, model=model)
            if "model" not in task:
                return RunwareError(
                    code=code_for("model:missing"),
                    message=f"model: expected one of {', '.join(self.models)}; found nothing",
                    parameter="model",
                    taskType=task_type,
                    taskUUID=task_uuid,
                    type="string",
                    pointer="/model",
                    kind=Kind.MISSING,
                    failure="model:missing",
                )
            return self._unknown_model(model, task_type, task_uuid)
        return self._unknown_task_type(task, task_type, task_uuid)

    def _unknown_task_type(
        self,
        task: dict[str, Any],
        task_type: str | None,
        task_uuid: str | None,
        *,
        model: str | None = None,
    ) -> RunwareError:
        found = describe(task.get("taskType"))
        if model is not None:
            expected = self._requests[model].model.task_type  # type: ignore[union-attr]
            message = f"taskType: expected {expected} for model {model}; found {found}"
            allowed = [expected]
        else:
            message = f"taskType: expected one of {', '.join(self.task_types)}; found {found}"
            allowed = self.task_types
        return RunwareError(
            code=code_for("taskType:unknown"),
            message=message,
            parameter="taskType",
            taskType=task_type,
            taskUUID=task_uuid,
            allowedValues=allowed,
            type="string",
            pointer="/taskType",
            kind=Kind.UNKNOWN_TASK_TYPE,
            failure="taskType:unknown",
        )

    def _unknown_model(
        self, model: Any, task_type: str | None, task_uuid: str | None
    ) -> RunwareError:
        known = ", ".join(self.models)
        if isinstance(model, str):
            message = (
                f"model: the kit has no contract for {describe(model)} (known models: {known}); "
                f"to add one, {ADD_CONTRACT_HINT}"
            )
        else:
            message = f"model: expected one of {known}; found {describe(model)}"
        return RunwareError(
            code=code_for("model:unknown"),
            message=message,
            parameter="model",
            taskType=task_type,
            taskUUID=task_uuid,
            allowedValues=self.models,
            type="string",
            pointer="/model",
            kind=Kind.UNKNOWN_MODEL,
            failure="model:unknown",
        )

    def _check(
        self, target: Compiled, instance: Any, task_type: str | None, task_uuid: str | None
    ) -> list[RunwareError]:
        if target.is_valid(instance):
            if not target.rules:
                return []
            broken = list(semantic.failures(target.rules, instance))
            if not broken:
                return []
        translator = Translator(
            target, self._suggester, task_type=task_type, task_uuid=task_uuid, instance=instance
        )
        try:
            raw = translator.translate(target.iter_errors(instance))
        except Exception:  # too deep for repr, or a value that is not JSON
            instance = sanitize(instance)
            translator.instance = instance
            raw = translator.translate(target.iter_errors(instance))
        raw += translator.semantic(semantic.failures(target.rules, instance))
        return finish(raw)

    def _conflict(
        self,
        target: Compiled,
        task: dict[str, Any],
        errors: list[RunwareError],
        history: Iterable[str] | None,
        in_batch: dict[str, int],
    ) -> RunwareError | None:
        uuid = _claimed_uuid(task)
        if uuid is None or any(e.pointer == "/taskUUID" for e in errors):
            return None
        if uuid in in_batch:
            where = f"by task {in_batch[uuid]} of this request"
        elif history is not None and uuid in history:
            where = "by an earlier task"
        else:
            return None
        return RunwareError(
            code=code_for("taskUUID:reused"),
            message=f"taskUUID: expected a taskUUID not used before; found {describe(uuid)}, "
            f"already used {where}",
            parameter="taskUUID",
            taskType=_text(task, "taskType"),
            taskUUID=uuid,
            documentation=documentation_at(target.schema, ["taskUUID"]),
            type="string",
            pointer="/taskUUID",
            kind=Kind.CONFLICT,
            failure="taskUUID:reused",
        )


def _first_only(errors: list[RunwareError]) -> list[RunwareError]:
    first = first_error(errors)
    return [first] if first is not None else []


def _claimed_uuid(task: Any) -> str | None:
    if not isinstance(task, dict) or _text(task, "taskType") in REFERENCING_TASK_TYPES:
        return None
    uuid = task.get("taskUUID")
    return uuid if isinstance(uuid, str) else None


def _text(value: Any, key: str) -> str | None:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def _task_type(schema: dict[str, Any]) -> str | None:
    const = schema.get("properties", {}).get("taskType", {}).get("const")
    return const if isinstance(const, str) else None
