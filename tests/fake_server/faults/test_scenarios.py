import threading

import pytest

from runware_testkit.fake_server.engine.records import ScheduledFailure
from runware_testkit.fake_server.faults.scenarios import (
    ERROR_CATALOG,
    MagicTokenError,
    Scenario,
    ScenarioQueue,
    UnknownErrorCode,
    check_error_code,
    code_for_status,
    describe_error,
    error_status,
    is_known_code,
    magic_tokens,
    strip_magic_tokens,
)

UUID_A = "2f0c7a4e-6a4b-4d0e-9a39-0c1f1e9b5a01"
UUID_B = "7b1d2c3e-8f9a-4b5c-8d7e-1f2a3b4c5d6e"


def task(**overrides):
    base = {
        "taskType": "videoInference",
        "taskUUID": UUID_A,
        "model": "runway:2@1",
        "positivePrompt": "a red kite over the dunes",
    }
    base.update(overrides)
    return base


# -- parsing -----------------------------------------------------------------------------------


def test_defaults_are_one_shot_submit():
    scenario = Scenario()
    assert scenario.phase == "submit"
    assert scenario.times == 1
    assert scenario.latency_ms == 0
    assert scenario.webhook_failures == 0
    assert not (scenario.nsfw or scenario.malformed_body or scenario.drop_connection)


def test_from_dict_round_trips():
    data = {
        "model": "runway:aleph@2.0",
        "phase": "processing",
        "error_code": "timeoutProvider",
        "error_message": "slow",
        "times": 3,
        "webhook_failures": 2,
    }
    scenario = Scenario.from_dict(data)
    assert scenario.model == "runway:aleph@2.0"
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    assert scenario.to_dict()["times"] == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"errorCode": "x"}, r"unknown scenario key 'errorCode' \(did you mean 'error_code'\?\)"),
        ({"taskUUID": UUID_A}, r"did you mean 'task_uuid'"),
        ({"bogus": 1}, "unknown scenario key 'bogus'"),
        ({"phase": "later"}, "phase must be one of submit, processing, connect; got 'later'"),
        ({"http_status": "503"}, "http_status must be an integer"),
        ({"http_status": 200}, "http_status must be between 400 and 599"),
        ({"latency_ms": -1}, "latency_ms must be between 0 and 600000"),
        ({"latency_ms": 1.5}, "latency_ms must be an integer"),
        ({"times": 0}, "times must be >= 1"),
        ({"times": True}, "times must be an integer"),
        ({"nsfw": "yes"}, "nsfw must be true or false"),
        ({"model": 5}, "model must be a non-empty string"),
        ({"error_code": "not a code"}, "error_code must be a Runware error code"),
        ({"error_message": "why"}, "error_message needs an error_code"),
        ({"webhook_failures": -2}, "webhook_failures must be >= 0"),
    ],
)
def test_from_dict_rejects_bad_input(data, message):
    with pytest.raises(ValueError, match=message):
        Scenario.from_dict(data)


def test_from_dict_rejects_non_objects():
    with pytest.raises(ValueError, match="must be a JSON object, got array"):
        Scenario.from_dict([1])


def test_times_none_means_unlimited():
    queue = ScenarioQueue()
    queue.add(Scenario(http_status=503, times=None))
    for _ in range(5):
        assert queue.take(task(), "submit") is not None
    assert len(queue) == 1


# -- matching and the queue ---------------------------------------------------------------


def test_match_fields():
    assert Scenario().matches(task())
    assert Scenario(model="runway:2@1").matches(task())
    assert not Scenario(model="runway:aleph@2.0").matches(task())
    assert Scenario(task_uuid=UUID_A).matches(task())
    assert not Scenario(task_uuid=UUID_B).matches(task())
    assert Scenario(prompt_contains="kite").matches(task())
    assert not Scenario(prompt_contains="Kite").matches(task())
    assert not Scenario(prompt_contains="kite").matches(task(positivePrompt=None))
    assert Scenario(task_type="videoInference").matches(task())
    assert not Scenario(task_type="mediaStorage").matches(task())
    assert not Scenario(phase="processing").matches(task(), "submit")


def test_take_is_one_shot_and_first_match_wins():
    queue = ScenarioQueue()
    queue.add(Scenario(model="runway:aleph@2.0", error_code="forbidden"))
    queue.add(Scenario(error_code="insufficientCredits"))
    queue.add(Scenario(error_code="rateLimitExceeded"))
    taken = queue.take(task(), "submit")
    assert taken is not None
    assert taken.error_code == "insufficientCredits"
    assert [s.error_code for s in queue.pending()] == ["forbidden", "rateLimitExceeded"]
    assert queue.take(task(), "submit").error_code == "rateLimitExceeded"
    assert queue.take(task(), "submit") is None
    assert queue.take(task(model="runway:aleph@2.0"), "submit").error_code == "forbidden"


def test_take_counts_down_times():
    queue = ScenarioQueue()
    queue.add(Scenario(http_status=429, times=2))
    first = queue.take(task(), "submit")
    assert first.times == 2
    assert queue.pending()[0].times == 1
    assert queue.take(task(), "submit").times == 1
    assert queue.pending() == []
    assert queue.take(task(), "submit") is None


def test_take_respects_phase():
    queue = ScenarioQueue()
    queue.add(Scenario(phase="processing", error_code="timeoutProvider"))
    assert queue.take(task(), "submit") is None
    assert queue.take(task(), "processing").error_code == "timeoutProvider"
    with pytest.raises(ValueError, match="phase"):
        queue.take(task(), "later")


def test_queue_stores_copies():
    queue = ScenarioQueue()
    scenario = Scenario(times=1)
    queue.add(scenario)
    scenario.times = 50
    queue.pending()[0].times = 70
    assert queue.pending()[0].times == 1
    with pytest.raises(TypeError):
        queue.add({"times": 1})


def test_remove_drops_one_by_index():
    queue = ScenarioQueue()
    for code in ("insufficientCredits", "timeoutProvider", "invalidApiKey"):
        queue.add(Scenario(error_code=code))
    assert queue.remove(1).error_code == "timeoutProvider"
    assert [s.error_code for s in queue.pending()] == ["insufficientCredits", "invalidApiKey"]
    for index in (2, -1, True):
        with pytest.raises(IndexError):
            queue.remove(index)


def test_clear_returns_count():
    queue = ScenarioQueue()
    queue.add(Scenario())
    queue.add(Scenario())
    assert queue.clear() == 2
    assert queue.pending() == []


def test_take_thread_safe():
    queue = ScenarioQueue()
    queue.add(Scenario(times=1000))
    taken = []

    def worker():
        for _ in range(200):
            result = queue.take(task(), "submit")
            if result is not None:
                taken.append(result)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 1000
    assert sorted(s.times for s in taken) == list(range(1, 1001))


# -- effects -------------------------------------------------------------------------------------


def test_error_object_from_code_and_status():
    scenario = Scenario(error_code="insufficientCredits")
    assert scenario.status == 402
    assert scenario.error(UUID_A) == {
        "code": "insufficientCredits",
        "message": ERROR_CATALOG["insufficientCredits"][1],
        "taskUUID": UUID_A,
    }
    only_status = Scenario(http_status=503)
    assert only_status.status == 503
    assert only_status.error()["code"] == "serviceUnavailable"
    override = Scenario(error_code="insufficientCredits", http_status=500, error_message="boom")
    assert override.status == 500
    assert override.error() == {"code": "insufficientCredits", "message": "boom"}
    assert Scenario(latency_ms=10).error() is None
    assert Scenario(latency_ms=10).status is None


def test_scheduled_failure_only_for_processing_errors():
    failure = Scenario(phase="processing", error_code="timeoutProvider").scheduled_failure()
    assert failure == ScheduledFailure("timeoutProvider", ERROR_CATALOG["timeoutProvider"][1])
    assert Scenario(error_code="timeoutProvider").scheduled_failure() is None
    assert Scenario(phase="processing", nsfw=True).scheduled_failure() is None


# -- catalog -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("invalidPositivePrompt", 400),
        ("conflictTaskUUID", 400),
        ("invalidApiKey", 401),
        ("insufficientCredits", 402),
        ("paymentRequired", 402),
        ("forbidden", 403),
        ("taskNotFound", 404),
        ("mediaExpired", 404),
        ("rateLimitExceeded", 429),
        ("providerRateLimitExceeded", 429),
        ("internalServerError", 500),
        ("serviceUnavailable", 503),
        ("timeoutProvider", 504),
        ("requestTimeout", 504),
    ],
)
def test_catalog_statuses(code, status):
    assert ERROR_CATALOG[code][0] == status
    assert error_status(code) == status


def test_catalog_messages_are_sentences():
    for code, (status, message) in ERROR_CATALOG.items():
        assert 400 <= status <= 599, code
        assert message and message.endswith("."), code


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("invalidWidth", 400),
        ("missingInputs", 400),
        ("duplicateThing", 400),
        ("videoNotFound", 404),
        ("somethingExpired", 404),
        ("gpuRateLimitExceeded", 429),
        ("uploadTimeout", 504),
        ("somethingOdd", 400),
    ],
)
def test_status_of_codes_outside_catalog(code, status):
    assert code not in ERROR_CATALOG
    assert error_status(code) == status


def test_describe_error_and_code_for_status():
    assert describe_error("forbidden") == (403, ERROR_CATALOG["forbidden"][1])
    assert describe_error("myCode") == (400, "Injected error: myCode.")
    assert describe_error("myCode", "custom") == (400, "custom")
    assert code_for_status(429) == "rateLimitExceeded"
    assert code_for_status(504) == "timeout"
    assert code_for_status(418) == "validationFailed"
    assert code_for_status(599) == "unknownError"
    for status in (400, 401, 402, 403, 404, 429, 500, 503, 504):
        assert error_status(code_for_status(status)) == status


# -- magic tokens --------------------------------------------------------------------------------


def test_prompt_without_tokens():
    assert magic_tokens("a red kite") is None
    assert magic_tokens("[[other:thing]]") is None
    assert magic_tokens(None) is None


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("kite [[testkit:error=insufficientCredits]]", {"error_code": "insufficientCredits"}),
        (
            "[[testkit:error=timeoutProvider@processing]] kite",
            {"error_code": "timeoutProvider", "phase": "processing"},
        ),
        ("[[testkit:error=forbidden@submit]]", {"error_code": "forbidden", "phase": "submit"}),
        ("[[testkit:http=503]]", {"http_status": 503}),
        ("[[testkit:latency=1500]]", {"latency_ms": 1500}),
        ("[[testkit:nsfw]]", {"nsfw": True}),
        ("[[testkit:webhook-fail=2]]", {"webhook_failures": 2}),
        ("[[testkit:malformed]]", {"malformed_body": True}),
        ("[[testkit:drop]]", {"drop_connection": True}),
        ("[[ TestKit: nsfw ]]", {"nsfw": True}),
        ("[[testkit:half-open]]", {"half_open": True}),
        ("[[testkit:cut]]", {"truncate_frame": True}),
        ("[[testkit:partial]]", {"partial_results": True}),
        ("[[testkit:replay]]", {"replay_results": True}),
        ("[[testkit:auth-latency=800]]", {"auth_latency_ms": 800}),
    ],
)
def test_single_tokens(prompt, expected):
    scenario = magic_tokens(prompt)
    assert scenario is not None
    for key, value in expected.items():
        assert getattr(scenario, key) == value
    assert scenario.times == 1


def test_tokens_combine_in_one_block_and_across_blocks():
    scenario = magic_tokens(
        "kite [[testkit:error=timeoutProvider@processing, webhook-fail=2]] over"
        " [[testkit:latency=250]] dunes [[testkit:nsfw]]"
    )
    assert scenario == Scenario(
        phase="processing",
        error_code="timeoutProvider",
        webhook_failures=2,
        latency_ms=250,
        nsfw=True,
    )


@pytest.mark.parametrize(
    ("prompt", "message", "token"),
    [
        ("[[testkit:explode]]", "unknown testkit token 'explode'", "explode"),
        ("[[testkit:nsfw,teleport=3]]", "unknown testkit token 'teleport=3'", "teleport=3"),
        ("[[testkit:]]", "empty", ""),
        ("[[testkit:http=abc]]", "needs a whole number", "http=abc"),
        ("[[testkit:http=]]", "needs a value", "http="),
        ("[[testkit:nsfw=1]]", "takes no value", "nsfw=1"),
        ("[[testkit:error=x@later]]", "unknown phase 'later'", "error=x@later"),
        ("[[testkit:http=200]]", "http_status must be between 400 and 599", "http=200"),
        ("[[testkit:latency=1]][[testkit:latency=2]]", "given twice", "latency=2"),
        ("[[testkit:error=x@connect]]", "unknown phase 'connect'", "error=x@connect"),
        ("[[testkit:drain=fast]]", "needs a number such as 0.5", "drain=fast"),
        ("[[testkit:queue=0]]", "queue_capacity must be an integer >= 1", "queue=0"),
        ("[[testkit:queue=2,queue-full=500]]", "must be 429 or 503", "queue=2, queue-full=500"),
        ("[[testkit:queue=2,nsfw]]", "only models the queue", "queue=2, nsfw"),
    ],
)
def test_bad_tokens_raise_naming_the_token(prompt, message, token):
    with pytest.raises(MagicTokenError, match=message) as info:
        magic_tokens(prompt)
    assert isinstance(info.value, ValueError)
    assert info.value.token == token
    assert info.value.code == "invalidPositivePrompt"
    assert info.value.parameter == "positivePrompt"


def test_strip_magic_tokens():
    prompt = "a [[testkit:nsfw]] red  kite [[testkit:http=503]]"
    assert strip_magic_tokens(prompt) == "a red  kite"
    assert strip_magic_tokens("[[testkit:drop]]kite") == "kite"


# -- unknown error codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "suggestion"),
    [
        ("insufficentCredits", "insufficientCredits"),
        ("InsufficientCredits", "insufficientCredits"),
        ("timeoutprovider", "timeoutProvider"),
        ("contentPolicyViolaton", "contentPolicyViolation"),
    ],
)
def test_a_typo_of_a_catalog_code_is_refused_with_the_right_code(code, suggestion):
    with pytest.raises(UnknownErrorCode, match=rf"did you mean '{suggestion}'\?") as refused:
        Scenario(error_code=code)
    assert (refused.value.code, refused.value.suggestion) == (code, suggestion)
    assert "known codes:" not in str(refused.value)


def test_an_unknown_code_with_nothing_close_lists_the_catalog():
    with pytest.raises(UnknownErrorCode, match="unknown Runware error code 'bogusCode'") as refused:
        check_error_code("bogusCode")
    assert refused.value.suggestion is None
    assert all(code in str(refused.value) for code in ERROR_CATALOG)


@pytest.mark.parametrize(
    "code", [*ERROR_CATALOG, "invalidWidth", "missingHeight", "unsupportedDimensions"]
)
def test_catalog_and_parameter_codes_are_accepted(code):
    assert is_known_code(code)
    assert check_error_code(code) == code
    assert Scenario(error_code=code).error_code == code


@pytest.mark.parametrize("code", ["invalid", "invalidwidth", "missing_height", "bogusCode"])
def test_parameter_codes_need_the_prefix_and_a_capitalised_name(code):
    assert not is_known_code(code)
    with pytest.raises(UnknownErrorCode):
        Scenario(error_code=code)


def test_a_code_the_kit_does_not_list_is_accepted_with_its_http_status():
    scenario = Scenario(error_code="teamBudgetExhausted", http_status=402)
    assert scenario.status == 402
    assert scenario.error()["code"] == "teamBudgetExhausted"
    tokens = magic_tokens("x [[testkit:error=teamBudgetExhausted, http=402]]")
    assert (tokens.error_code, tokens.status) == ("teamBudgetExhausted", 402)


def test_unknown_codes_are_refused_in_scenario_dicts_and_prompt_tokens():
    with pytest.raises(ValueError, match=r"did you mean 'insufficientCredits'\?"):
        Scenario.from_dict({"error_code": "insufficentCredits", "phase": "processing"})
    with pytest.raises(MagicTokenError, match=r"did you mean 'insufficientCredits'\?") as refused:
        magic_tokens("a kite [[testkit:error=insufficentCredits@processing]]")
    assert refused.value.code == "invalidPositivePrompt"
    with pytest.raises(MagicTokenError, match="unknown Runware error code 'bogusCode'"):
        magic_tokens("a kite [[testkit:error=bogusCode]]")


# -- network faults, connect phase and queues -------------------------------------------------


def test_queue_tokens_spell_a_queue_scenario_that_is_never_used_up():
    scenario = magic_tokens("kite [[testkit:queue=3, drain=0.25, queue-full=503, max-wait=20]]")
    assert scenario is not None
    assert (scenario.queue_capacity, scenario.queue_drain_per_s) == (3, 0.25)
    assert (scenario.queue_full_status, scenario.queue_max_wait_s) == (503, 20.0)
    assert scenario.times is None
    assert scenario.queue_key() == (3, 0.25, 503, 20.0)


def test_a_connect_scenario_takes_no_match_field_nor_task_effect():
    assert Scenario(phase="connect", latency_ms=500, half_open=True).phase == "connect"
    with pytest.raises(ValueError, match="model has no meaning there"):
        Scenario(phase="connect", model="runway:2@1")
    with pytest.raises(ValueError, match="partial_results has no meaning there"):
        Scenario(phase="connect", partial_results=True)


def test_a_queue_scenario_belongs_to_the_submit_phase():
    with pytest.raises(ValueError, match="only models the queue; give phase"):
        Scenario(phase="processing", queue_capacity=1)


def test_connect_scenarios_are_taken_by_the_next_authentication_only():
    queue = ScenarioQueue()
    queue.add(Scenario(phase="connect", latency_ms=300))
    assert queue.take({"taskType": "videoInference"}, "submit") is None
    taken = queue.take_connect()
    assert taken is not None and taken.latency_ms == 300
    assert queue.take_connect() is None


def test_queued_queue_scenarios_admit_matching_tasks_and_stay():
    queue = ScenarioQueue()
    queue.add(Scenario(model="runway:2@1", queue_capacity=1, queue_drain_per_s=1.0))
    aleph = {"taskType": "videoInference", "model": "runway:2@1"}
    other = {"taskType": "videoInference", "model": "runway:aleph@2.0"}
    assert queue.take(aleph, "submit") is None
    assert queue.admit(aleph, 0.0) is None
    refusal = queue.admit(aleph, 0.0)
    assert refusal is not None and refusal.status == 429
    assert queue.admit(other, 0.0) is None
    assert queue.admit(aleph, 1.0) is None
    assert len(queue) == 1
    queue.clear()
    assert queue.admit(aleph, 1.0) is None


def test_prompt_queues_with_the_same_settings_are_one_queue():
    queue = ScenarioQueue()
    first = magic_tokens("[[testkit:queue=1]]")
    again = magic_tokens("another prompt [[testkit:queue=1]]")
    wider = magic_tokens("[[testkit:queue=2]]")
    assert queue.admit({}, 0.0, first) is None
    assert queue.admit({}, 0.0, again) is not None
    assert queue.admit({}, 0.0, wider) is None


def test_first_time_plays_a_fault_once_per_task_until_cleared():
    queue = ScenarioQueue()
    assert queue.first_time("partial", "t1") is True
    assert queue.first_time("partial", "t1") is False
    assert queue.first_time("replay", "t1") is True
    queue.clear()
    assert queue.first_time("partial", "t1") is True
