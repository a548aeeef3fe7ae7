"""Faults: gone connections while pushing, DynamoDB throttling, a Lambda event delivered twice, a
handler that dies between storing and pushing. After each, the counters reconcile."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from faults import Faults, injected

from chalicelib.bootstrap import store
from chalicelib.domain.entities import Message
from chalicelib.ops import reconcile
from chalicelib.services import notify
from chalicelib.store import lifecycle as lifecycle_store
from chalicelib.store.tables import ALL_MODELS


@pytest.fixture(autouse=True)
def generous_rate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WS_RATE_LIMIT", "100000")  # these tests send fast on one connection on purpose


@pytest.fixture
def counters_reconcile() -> Any:
    yield
    assert reconcile.check() == [], "active_chats drifted from the chats actually assigned"


def _say(conversation_id: str, text: str, client_message_id: str | None = None) -> dict[str, Any]:
    return {"action": "message.send", "conversationId": conversation_id,
            "clientMessageId": client_message_id or uuid.uuid4().hex, "text": text}


def _stored(conversation_id: str) -> list[Message]:
    return list(store().messages.transcript(conversation_id))


def test_gone_while_pushing_removes_the_connection_and_the_message_arrives_on_resync(h, counters_reconcile) -> None:
    _, agent = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    conversation = chat["conversationId"]
    customer = h.connected(chat["token"])
    h.frames(customer)
    h.open_for_a_while(customer)
    with injected(Faults()) as faults:
        faults.gone.add(customer)  # the customer's network died without a $disconnect
        h.send(agent, _say(conversation, "답변드립니다"))
    assert faults.injected["gone POST"] == 1
    assert [f["type"] for f in h.frames(agent)][-1] == "message.ack"
    assert store().connections.get(customer) is None
    assert customer not in (store().conversations.get(conversation).customer_connections or set())
    stored = _stored(conversation)
    assert stored[-1].text == "답변드립니다"
    # The widget reconnects and asks for everything after the last seq it showed.
    shown = stored[-2].seq
    again = h.connected(chat["token"])
    h.send(again, {"action": "messages.sync", "conversationId": conversation, "afterSeq": shown})
    batch = h.frames_of_type(again, "messages.batch")[0]
    assert [m["text"] for m in batch["messages"]] == ["답변드립니다"]


def test_a_gone_agent_tab_is_dropped_and_the_other_tab_still_hears(h, counters_reconcile) -> None:
    token, first_tab = h.agent_online("agent1@example.com")
    second_tab = h.connected(token)
    chat = h.start_chat()
    customer = h.connected(chat["token"])
    h.frames(second_tab)
    h.open_for_a_while(first_tab)
    with injected(Faults()) as faults:
        faults.gone.add(first_tab)
        h.send(customer, _say(chat["conversationId"], "안녕하세요"))
    assert [f["message"]["text"] for f in h.frames_of_type(second_tab, "message.new")] == ["안녕하세요"]
    assert first_tab not in (store().agents.get("agent1@example.com").connection_ids or set())
    assert store().connections.get(first_tab) is None


def test_a_410_while_the_tab_may_still_be_connecting_keeps_it(h, counters_reconcile) -> None:
    """The gateway answers 410 for a connection whose $connect has not returned yet; its id is
    already cached on the agent. Forgetting it then would leave an open console deaf for good."""
    token, first_tab = h.agent_online("agent1@example.com")
    connecting = h.connected(token)
    with injected(Faults()) as faults:
        faults.gone.add(connecting)  # not open at the gateway yet
        chat = h.start_chat()
        assert faults.injected["gone POST"] >= 1
    assert connecting in store().agents.get("agent1@example.com").connection_ids
    assert connecting in store().conversations.get(chat["conversationId"]).agent_connections
    assert store().connections.get(connecting) is not None
    # Open now: it hears the next message, as the other tab does.
    customer = h.connected(chat["token"])
    h.frames(first_tab)
    h.send(customer, _say(chat["conversationId"], "안녕하세요"))
    for tab in (first_tab, connecting):
        assert [f["message"]["text"] for f in h.frames_of_type(tab, "message.new")] == ["안녕하세요"]
    # The same answer once the connection is older than any $connect: gone for good.
    h.open_for_a_while(connecting)
    with injected(Faults()) as faults:
        faults.gone.add(connecting)
        h.send(customer, _say(chat["conversationId"], "여보세요"))
    assert connecting not in store().agents.get("agent1@example.com").connection_ids
    assert store().connections.get(connecting) is None


def test_a_tab_that_connects_while_its_chat_is_assigned_hears_that_chat(
    h, counters_reconcile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new tab's $connect lists the agent's live chats just before the assignment commits, and
    the assignment read the agent just before that tab was added: the chat must still learn it."""
    token, first_tab = h.agent_online("agent1@example.com")
    late_tabs: list[str] = []
    assign = lifecycle_store.assign

    def connect_in_between(*args: Any, **kwargs: Any) -> None:
        late_tabs.append(h.connected(token))  # after the agent was read, before the commit
        assign(*args, **kwargs)

    monkeypatch.setattr(lifecycle_store, "assign", connect_in_between)
    chat = h.start_chat()
    monkeypatch.undo()
    [late_tab] = late_tabs
    assigned = h.frames_of_type(late_tab, "chat.assigned")
    assert [f["conversation"]["conversationId"] for f in assigned] == [chat["conversationId"]]
    customer = h.connected(chat["token"])
    h.frames(first_tab)
    h.frames(late_tab)
    h.send(customer, _say(chat["conversationId"], "안녕하세요"))
    for tab in (first_tab, late_tab):
        assert [f["message"]["text"] for f in h.frames_of_type(tab, "message.new")] == ["안녕하세요"]


def test_throttling_on_ten_percent_of_dynamodb_calls_loses_and_duplicates_nothing(h, counters_reconcile) -> None:
    faults = Faults(throttle_rate=0.10, seed=20261125)
    per_side = 40
    with injected(faults):
        _, agent = h.agent_online("agent1@example.com")
        chats = [h.start_chat(f"고객{i}") for i in range(2)]
        customers = [h.connected(c["token"]) for c in chats]
        for connection in [agent, *customers]:
            h.frames(connection)
        sent: dict[str, list[str]] = {c["conversationId"]: [] for c in chats}
        for i in range(per_side):
            for chat, customer in zip(chats, customers, strict=True):
                conversation = chat["conversationId"]
                for connection, who in ((customer, "c"), (agent, "a")):
                    text = f"{who}-{i}"
                    h.send(connection, _say(conversation, text, f"{who}-{conversation[-6:]}-{i}"))
                    sent[conversation].append(text)
        h.rest("POST", f"/chats/{chats[0]['conversationId']}/end", token=chats[0]["token"])
    assert sum(faults.injected.values()) >= 20, faults.injected
    assert {op.split()[1] for op in faults.injected} >= {"TransactWriteItems", "GetItem"}
    assert len(faults.backoffs) == sum(faults.injected.values()), "every throttled call was retried"
    agent_frames = h.frames(agent)
    assert not [f for f in agent_frames if f["type"] == "error"], "a throttled call surfaced as an error"
    for chat, customer in zip(chats, customers, strict=True):
        conversation = chat["conversationId"]
        stored = _stored(conversation)
        assert [m.seq for m in stored] == list(range(1, len(stored) + 1)), "seq has no gap"
        texts = [m.text for m in stored if m.sender_role != "system"]
        assert texts == sent[conversation], "every message stored once, in the order sent"
        # Each side heard the other side's messages once each, in order.
        customer_frames = h.frames(customer)
        assert not [f for f in customer_frames if f["type"] == "error"]
        heard = [f["message"]["text"] for f in customer_frames
                 if f["type"] == "message.new" and f["message"]["role"] == "agent"]
        assert heard == [t for t in sent[conversation] if t.startswith("a-")]
        heard = [f["message"]["text"] for f in agent_frames
                 if f["type"] == "message.new" and f["message"]["conversationId"] == conversation
                 and f["message"]["role"] == "customer"]
        assert heard == [t for t in sent[conversation] if t.startswith("c-")]


def test_the_same_lambda_event_delivered_twice_stores_one_message(h, counters_reconcile) -> None:
    _, agent = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    customer = h.connected(chat["token"])
    h.frames(agent)
    h.frames(customer)
    event = {
        "requestContext": h._context("$default", customer, "MESSAGE"),
        "body": json.dumps(_say(chat["conversationId"], "한 번만")),
        "isBase64Encoded": False,
    }
    h._ws["$default"](event, None)
    h._ws["$default"](dict(event), None)  # Lambda's at-least-once delivery: the very same event again
    assert [m.text for m in _stored(chat["conversationId"]) if m.sender_role == "customer"] == ["한 번만"]
    acks = h.frames_of_type(customer, "message.ack")
    assert len(acks) == 2 and acks[0]["message"]["seq"] == acks[1]["message"]["seq"]
    assert [f["message"]["text"] for f in h.frames_of_type(agent, "message.new")] == ["한 번만"]


class LambdaDied(BaseException):
    """Not an Exception: like a timeout or an out-of-memory kill, no handler code runs after it."""


def test_a_handler_dying_after_storing_and_before_pushing_still_delivers_on_resync(
    h, monkeypatch, counters_reconcile
) -> None:
    agent_token, agent = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    conversation = chat["conversationId"]
    customer = h.connected(chat["token"])
    h.frames(agent)
    h.frames(customer)
    _, before = h.rest("GET", f"/chats/{conversation}", token=chat["token"])

    def die(*args: Any, **kwargs: Any) -> None:
        raise LambdaDied

    with monkeypatch.context() as patch:
        patch.setattr(notify, "to_both_sides", die)
        with pytest.raises(LambdaDied):
            h.send(customer, _say(conversation, "살아남은 메시지", "survivor-1"))
    assert h.frames(agent) == [] and h.frames(customer) == [], "nothing was pushed"
    assert [m.text for m in _stored(conversation)][-1] == "살아남은 메시지", "stored before the push"
    # The agent's console resyncs (after a reconnect, or on the next frame it gets).
    fresh_tab = h.connected(agent_token)
    h.send(fresh_tab, {"action": "messages.sync", "conversationId": conversation, "afterSeq": before["lastSeq"]})
    assert [m["text"] for m in h.frames_of_type(fresh_tab, "messages.batch")[0]["messages"]] == ["살아남은 메시지"]
    # The widget never got its ack, so it resends with the same clientMessageId: the stored message, no copy.
    h.send(customer, _say(conversation, "살아남은 메시지", "survivor-1"))
    ack = h.frames_of_type(customer, "message.ack")[0]
    assert ack["message"]["seq"] == before["lastSeq"] + 1
    assert [m.text for m in _stored(conversation)].count("살아남은 메시지") == 1


def test_dynamodb_calls_retry_throttling_in_botocore_standard_mode() -> None:
    """pynamodb 6.1 builds its botocore client from the `retry_configuration` setting: the default
    "LEGACY" means standard mode with 1 + Meta.max_retry_attempts attempts. Check what the clients got."""
    from chalicelib.store import dynamo
    from chalicelib.store.models import BaseMeta

    expected = {"mode": "standard", "total_max_attempts": 1 + BaseMeta.max_retry_attempts}
    for model in ALL_MODELS:
        retries = model._get_connection().connection.client.meta.config.retries
        assert retries == expected, (model.__name__, retries)
    dynamo.transaction()
    assert dynamo._tx_connection is not None
    assert dynamo._tx_connection.client.meta.config.retries == expected


def test_a_throttled_rating_is_an_internal_error_not_already_rated(h, monkeypatch) -> None:
    # The rating's write caught every exception and answered 409 "already rated": a throttled
    # customer was told their rating stood when nothing was stored.
    from botocore.exceptions import ClientError
    from pynamodb.exceptions import UpdateError

    from chalicelib.store.models import ConversationModel

    _, agent_conn = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    h.send(agent_conn, {"action": "message.send", "conversationId": chat["conversationId"],
                        "clientMessageId": "answer", "text": "안녕하세요"})
    real_update = ConversationModel.update
    throttled = ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                            "UpdateItem")

    def throttled_once(self, *args, **kwargs):
        monkeypatch.setattr(ConversationModel, "update", real_update)
        raise UpdateError("Failed to update item", cause=throttled)

    monkeypatch.setattr(ConversationModel, "update", throttled_once)
    path = f"/chats/{chat['conversationId']}/rating"
    status, body = h.rest("POST", path, {"rating": "satisfied"}, token=chat["token"])
    assert (status, body["code"]) == (500, "internal"), body
    status, body = h.rest("POST", path, {"rating": "satisfied"}, token=chat["token"])  # the retry stands
    assert status == 200 and body["rating"] == "satisfied", body
    status, body = h.rest("POST", path, {"rating": "dissatisfied"}, token=chat["token"])
    assert (status, body["code"]) == (409, "conflict"), body
