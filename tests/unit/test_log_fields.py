"""Structured logs keep only allowed fields; EMF lines have the shape CloudWatch extracts metrics from."""

from __future__ import annotations

import json

from chalicelib import observability


def test_log_record_drops_fields_that_could_carry_personal_data() -> None:
    with observability.bound(request_id="r-1", connection_id="c-1", user_email="kim@example.com"):
        observability.annotate(conversation_id="conv-1", agent_id="agent1@example.com")
        record = observability.log_record("message.sent", text="안녕하세요 010-1234-5678", seq=3, name="홍길동")
    assert record == {
        "level": "info",
        "event": "message.sent",
        "request_id": "r-1",
        "connection_id": "c-1",
        "conversation_id": "conv-1",
        "seq": 3,
        "dropped": ["name", "text"],
    }
    assert observability.current_ids() == {}  # the binding ends with the block


def test_ids_annotated_outside_an_invocation_are_not_kept() -> None:
    observability.annotate(conversation_id="conv-outside")  # a service called directly, as tests do
    assert observability.current_ids() == {}
    with observability.bound(request_id="r-3"):
        assert observability.current_ids() == {"request_id": "r-3"}


def test_long_values_are_cut() -> None:
    record = observability.log_record("x", route="/" + "a" * 500)
    assert len(record["route"]) == observability.MAX_VALUE_CHARS


def test_emf_line(capsys, monkeypatch) -> None:
    monkeypatch.setenv("STACK_NAME", "livechat-dev")
    with observability.bound(request_id="r-2"):
        observability.metric("QueueWait", 1500, "Milliseconds")
    (line,) = capsys.readouterr().out.splitlines()
    emf = json.loads(line)
    directive = emf["_aws"]["CloudWatchMetrics"][0]
    assert directive == {
        "Namespace": "Livechat",
        "Dimensions": [["Stack"]],
        "Metrics": [{"Name": "QueueWait", "Unit": "Milliseconds"}],
    }
    assert emf["Stack"] == "livechat-dev" and emf["QueueWait"] == 1500 and emf["request_id"] == "r-2"
    assert isinstance(emf["_aws"]["Timestamp"], int)


def test_unexpected_failures_count_as_errors_and_refusals_do_not(capsys) -> None:
    observability.failure(ValueError("secret text 010-1234-5678"), expected=False)
    observability.failure(KeyError("x"), expected=True)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line.get("event") for line in lines] == ["request.failed", None, "request.refused"]
    assert lines[1]["Errors"] == 1
    # The number by its hyphenated digits: a millisecond timestamp may well contain "010".
    assert "secret" not in json.dumps(lines) and "1234-5678" not in json.dumps(lines)


def test_plain_log_calls_are_json_with_ids_and_exceptions_without_their_message(capsys) -> None:
    import logging

    secret = "김비밀 010-9876-5432"
    parent, child = logging.getLogger("test-livechat"), logging.getLogger("test-livechat.export")
    observability.configure_logging(parent)
    with observability.bound(conversation_id="c-1"):
        child.warning("push of %s failed", "export.ready")
        try:
            raise ValueError(f"could not parse {secret}")
        except ValueError:
            child.exception("attempt %d failed", 2)
    out = capsys.readouterr().out
    assert secret not in out and "010-9876" not in out
    warning, failure = (json.loads(line) for line in out.splitlines())
    assert warning == {
        "level": "warning",
        "event": "log",
        "logger": "test-livechat.export",
        "message": "push of export.ready failed",
        "conversation_id": "c-1",
    }
    assert failure["message"] == "attempt 2 failed" and failure["error"] == "ValueError"
    assert failure["frames"][-1].startswith("test_log_fields.py:")
