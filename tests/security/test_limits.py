"""Limits: the per-connection frame rate, payload caps, token expiry and customer session renewal."""

from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest

from chalicelib.bootstrap import store
from chalicelib.config import get_config
from chalicelib.domain.errors import Unauthorized
from chalicelib.services import limits


def _send_text(conversation_id: str, text: str = "안녕하세요") -> dict:
    return {"action": "message.send", "conversationId": conversation_id, "clientMessageId": uuid.uuid4().hex,
            "text": text}


def _stored_texts(conversation_id: str) -> list[str]:
    return [m.text for m in store().messages.transcript(conversation_id)]


def test_frames_over_the_rate_limit_get_an_error_frame_and_are_not_processed(h, monkeypatch) -> None:
    monkeypatch.setenv("WS_RATE_LIMIT", "5")
    monkeypatch.setenv("WS_RATE_WINDOW_SECONDS", "3600")  # one window for the whole test
    h.agent_online("agent1@example.com")
    chat = h.start_chat()
    customer = h.connected(chat["token"])
    h.frames(customer)
    sync = {"action": "messages.sync", "conversationId": chat["conversationId"], "afterSeq": 0}
    for _ in range(5):
        h.send(customer, sync)
    assert [f["type"] for f in h.frames(customer)] == ["messages.batch"] * 5
    before = _stored_texts(chat["conversationId"])
    h.send(customer, _send_text(chat["conversationId"], "너무 많이"))
    frames = h.frames(customer)
    assert [(f["type"], f.get("code")) for f in frames] == [("error", "rate_limited")]
    assert frames[0]["action"] == "message.send"
    assert _stored_texts(chat["conversationId"]) == before, "a refused frame stores nothing"
    # Another connection has its own budget.
    other = h.connected(chat["token"])
    h.send(other, {"action": "ping"})
    assert [f["type"] for f in h.frames(other)] == ["pong"]


def test_pings_and_typing_write_nothing_and_are_limited_in_the_container(h, monkeypatch) -> None:
    monkeypatch.setenv("WS_RATE_LIMIT", "3")
    monkeypatch.setenv("WS_RATE_WINDOW_SECONDS", "3600")
    h.agent_online("agent1@example.com")
    chat = h.start_chat()
    customer = h.connected(chat["token"])
    h.frames(customer)
    typing = {"action": "typing", "conversationId": chat["conversationId"], "isTyping": True}
    for frame in ({"action": "ping"}, typing, {"action": "ping"}, {"action": "ping"}, typing):
        h.send(customer, frame)
    assert [(f["type"], f.get("code")) for f in h.frames(customer)] == [("pong", None), ("pong", None)] + [
        ("error", "rate_limited")
    ] * 2
    stored = store().connections.get(customer)
    assert stored is not None and stored.rate_count is None, "no light frame was written"
    # The stored budget is untouched: a message still goes through.
    h.send(customer, _send_text(chat["conversationId"], "안녕하세요"))
    assert [f["type"] for f in h.frames(customer)] == ["message.ack"]


def test_a_new_window_admits_again(h, monkeypatch) -> None:
    monkeypatch.setenv("WS_RATE_LIMIT", "2")
    monkeypatch.setenv("WS_RATE_WINDOW_SECONDS", "10")
    h.agent_online("agent1@example.com")
    customer = h.connected(h.start_chat()["token"])
    start = 1_000_000_000.0
    assert limits.admit_frame(customer, now=start).conversation_id
    limits.admit_frame(customer, now=start + 1)
    with pytest.raises(Exception, match="slow down"):
        limits.admit_frame(customer, now=start + 2)
    limits.admit_frame(customer, now=start + 10)  # the next window


def test_oversized_frames_and_bodies_are_refused_before_parsing(h) -> None:
    h.agent_online("agent1@example.com")
    chat = h.start_chat()
    customer = h.connected(chat["token"])
    h.frames(customer)
    h.send(customer, json.dumps(_send_text(chat["conversationId"], "가" * 20_000), ensure_ascii=False))
    assert [(f["type"], f.get("code")) for f in h.frames(customer)] == [("error", "payload_too_large")]
    status, body = h.rest("POST", "/inquiries", json.dumps({"name": "x" * 200_000}))
    assert (status, body["code"]) == (413, "payload_too_large")
    # The largest valid message (2,000 characters, \\u-escaped by the client) still fits.
    h.send(customer, json.dumps(_send_text(chat["conversationId"], "가" * 2000)))
    assert [f["type"] for f in h.frames(customer)] == ["message.ack"]


def test_a_connection_is_refused_once_its_token_has_expired(h) -> None:
    h.agent_online("agent1@example.com")
    chat = h.start_chat()
    customer = h.connected(chat["token"])
    expires_at = jwt.decode(chat["token"], options={"verify_signature": False})["exp"]
    limits.admit_frame(customer, now=expires_at - 1)
    with pytest.raises(Unauthorized):
        limits.admit_frame(customer, now=expires_at + limits.TOKEN_GRACE_SECONDS + 1)


def test_staff_connections_expire_with_their_cognito_token(h) -> None:
    token, connection = h.agent_online("agent1@example.com")
    expires_at = jwt.decode(token, options={"verify_signature": False})["exp"]
    with pytest.raises(Unauthorized):
        limits.admit_frame(connection, now=expires_at + limits.TOKEN_GRACE_SECONDS + 1)


def test_a_customer_renews_the_session_token(h, monkeypatch) -> None:
    h.agent_online("agent1@example.com")
    chat = h.start_chat()
    other = h.start_chat("다른고객")
    conversation = chat["conversationId"]
    old_exp = jwt.decode(chat["token"], options={"verify_signature": False})["exp"]
    time.sleep(1.1)  # the expiry has one-second resolution
    status, renewed = h.rest("POST", f"/chats/{conversation}/session", token=chat["token"])
    assert status == 200, renewed
    assert renewed["conversationId"] == conversation and renewed["expiresAt"] > old_exp
    status, detail = h.rest("GET", f"/chats/{conversation}", token=renewed["token"])
    assert status == 200 and detail["conversationId"] == conversation
    assert h.connect(renewed["token"])[1]["statusCode"] == 200
    # Another chat's token, a staff token, no token: refused.
    assert h.rest("POST", f"/chats/{conversation}/session", token=other["token"])[0] == 403
    assert h.rest("POST", f"/chats/{conversation}/session", token=h.staff_token("agent1@example.com"))[0] == 403
    assert h.rest("POST", f"/chats/{conversation}/session")[0] == 401
    # An expired token does not renew: the customer starts a new chat.
    monkeypatch.setenv("CUSTOMER_TOKEN_TTL_SECONDS", "-120")
    get_config.cache_clear()
    expired = h.start_chat("만료")["token"]
    monkeypatch.delenv("CUSTOMER_TOKEN_TTL_SECONDS")
    get_config.cache_clear()
    status, body = h.rest("POST", f"/chats/{jwt.decode(expired, options={'verify_signature': False})['conv']}/session",
                          token=expired)
    assert (status, body["code"]) == (401, "unauthorized")


def test_a_counted_frame_whose_answer_was_lost_is_still_admitted(h, monkeypatch) -> None:
    """The window's first UpdateItem succeeds, its answer is lost, botocore retries it and the
    condition now fails: the frame must still pass (seen on the loaded local stack)."""
    from faults import Faults, injected

    monkeypatch.setenv("WS_RATE_LIMIT", "5")
    h.agent_online("agent1@example.com")
    customer = h.connected(h.start_chat()["token"])
    start = (int(time.time()) // 10 + 1) * 10.0  # the start of a window
    with injected(Faults()) as faults:
        # Call 1: same-window increment, refused (no window yet). Call 2: new window, applied, answer lost.
        faults.fail_after_apply["UpdateItem"] = {2}
        principal = limits.admit_frame(customer, now=start)
    assert principal.conversation_id
    assert faults.injected["fail after apply UpdateItem"] == 1
    for _ in range(4):
        limits.admit_frame(customer, now=start + 1)
    with pytest.raises(Exception, match="slow down"):
        limits.admit_frame(customer, now=start + 2)


def test_malformed_and_unknown_frames_count_against_the_rate_limit(h, monkeypatch) -> None:
    # They were refused before the limiter and so never limited, though each still cost an answer.
    monkeypatch.setenv("WS_RATE_LIMIT", "4")
    monkeypatch.setenv("WS_RATE_WINDOW_SECONDS", "3600")
    h.agent_online("agent1@example.com")
    customer = h.connected(h.start_chat()["token"])
    h.frames(customer)
    for frame in ("not json", {"action": "no.such.action"}, "[1, 2]", {"no": "action"}):
        h.send(customer, frame)
    assert [f.get("code") for f in h.frames(customer)] == ["bad_json", "unknown_action", "bad_json", "unknown_action"]
    h.send(customer, "still not json")
    h.send(customer, {"action": "ping"})
    assert [f.get("code") for f in h.frames(customer)] == ["rate_limited", "rate_limited"]
