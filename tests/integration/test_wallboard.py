"""The wallboard (issue #24) on moto: an admin's connection subscribes and gets the snapshot; changes
(an agent's status, a chat from the conversations' stream) signal the wallboard queue (moto's SQS,
real DelaySeconds); the wallboard function, invoked as Lambda's SQS source invokes it, pushes at most
once a second per viewer and catches up on the last change with a delayed message."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib.bootstrap import store, use
from chalicelib.config import get_config
from chalicelib.store.models import ConversationModel
from infra.local.lambda_context import LambdaContext
from tests.integration.conftest import REGION, Harness
from tests.integration.test_report_stream import stream_records

SNAPSHOT = "wallboard.snapshot"


class Wallboard:
    """The wallboard queue in moto and the function that consumes it."""

    def __init__(self) -> None:
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.url = self.sqs.create_queue(QueueName="livechat-dev-wallboard")["QueueUrl"]
        self.arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self.stream_offset = 0

    def waiting_signals(self) -> tuple[int, int]:
        """(visible, delayed) messages in the queue."""
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["All"])["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesDelayed"])

    def run(self, wait_seconds: int = 0) -> int:
        """Receive what is visible (waiting up to `wait_seconds`), invoke the handler once with it, delete it."""
        import app as app_module

        messages = self.sqs.receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds, AttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            return 0
        records = [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": self.arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
        answer = app_module.wallboard_updates({"Records": records}, LambdaContext("livechat-wallboard_updates"))
        assert answer == {"batchItemFailures": []}
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        self.sqs.delete_message_batch(QueueUrl=self.url, Entries=entries)
        return len(messages)

    def deliver_stream(self) -> list[dict[str, Any]]:
        """The conversations' new stream records to the stream function, as Lambda would."""
        import app as app_module

        records = stream_records(ConversationModel.Meta.table_name)[self.stream_offset :]
        self.stream_offset += len(records)
        if records:
            app_module.report_counters({"Records": records}, None)
        return records


class Clock:
    """The functions' clock, moved by the test (the throttle's second), while SQS delays in real time."""

    def __init__(self) -> None:
        self.now = int(time.time() * 1000)

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms


@pytest.fixture
def wb(aws: Any) -> Iterator[Wallboard]:
    board = Wallboard()
    os.environ["WALLBOARD_QUEUE_URL"] = board.url
    get_config.cache_clear()
    yield board
    os.environ.pop("WALLBOARD_QUEUE_URL", None)
    get_config.cache_clear()


@pytest.fixture
def clock(wb: Wallboard) -> Iterator[Clock]:
    moved = Clock()
    with use(clock=moved):
        yield moved


def _admin_viewer(h: Harness) -> str:
    admin = h.connected(h.staff_token("admin@example.com", "admins", name="관리자"))
    h.send(admin, {"action": "wallboard.subscribe"})
    [snapshot] = h.frames_of_type(admin, SNAPSHOT)
    assert snapshot["counts"] == {"online": 0, "break": 0, "offline": 1}  # the admin's own item
    return admin


def _agent_row(snapshot: dict[str, Any], agent_id: str) -> dict[str, Any]:
    return next(a for a in snapshot["agents"] if a["agentId"] == agent_id)


def test_subscribe_answers_the_whole_snapshot_and_only_admins_may(h: Harness, wb: Wallboard) -> None:
    agent = h.connected(h.staff_token("agent1@example.com", name="김상담"))
    h.send(agent, {"action": "wallboard.subscribe"})
    [error] = h.frames_of_type(agent, "error")
    assert (error["code"], error["action"]) == ("forbidden", "wallboard.subscribe")
    assert store().wallboard.viewers() == []  # refused: nothing stored

    admin = h.connected(h.staff_token("admin@example.com", "admins"))
    h.send(admin, {"action": "wallboard.subscribe", "team": "x"})
    [error] = h.frames_of_type(admin, "error")
    assert (error["code"], error["field"]) == ("invalid_field", "team")
    assert store().wallboard.viewers() == []

    h.send(admin, {"action": "wallboard.subscribe"})
    [snapshot] = h.frames_of_type(admin, SNAPSHOT)
    assert set(snapshot) == {"type", "at", "timeZone", "counts", "activeChats", "capacity", "queue", "agents", "today"}
    assert snapshot["timeZone"] == "Asia/Seoul"
    assert snapshot["queue"] == {"waiting": 0, "longestWaitSince": None, "teams": []}
    assert snapshot["today"]["chatsIn"] == 0 and snapshot["today"]["firstResponseAverageSeconds"] is None
    [viewer] = store().wallboard.viewers()
    assert viewer.connection_id == admin and viewer.pushed_at == snapshot["at"]


def test_a_status_change_is_pushed_throttled_and_the_last_one_catches_up(
    h: Harness, wb: Wallboard, clock: Clock
) -> None:
    admin = _admin_viewer(h)
    h.open_for_a_while(admin)
    token = h.staff_token("agent1@example.com", name="김상담")
    agent = h.connected(token)
    h.send(agent, {"action": "status.set", "status": "online"})
    assert wb.waiting_signals() == (1, 0)  # the status change signalled once
    # Inside the admin's first second (the subscribe answer): no push now, a pending mark and one
    # delayed catch-up instead.
    assert wb.run() == 1
    assert h.frames_of_type(admin, SNAPSHOT) == []
    assert store().wallboard.viewer(admin).pending_at is not None
    assert wb.waiting_signals() == (0, 1)
    h.send(agent, {"action": "status.set", "status": "break"})  # the last change, also inside the window
    assert wb.run() == 1
    assert h.frames_of_type(admin, SNAPSHOT) == []
    assert wb.waiting_signals() == (0, 1)  # covered by the catch-up already queued: no second one
    clock.advance(1000)
    assert wb.run(wait_seconds=3) == 1  # the catch-up, 1 s later
    [pushed] = h.frames_of_type(admin, SNAPSHOT)
    assert _agent_row(pushed, "agent1@example.com")["status"] == "break"  # the last change, not the first
    assert pushed["counts"]["break"] == 1
    assert store().wallboard.viewer(admin).pending_at is None
    assert wb.waiting_signals() == (0, 0)

    clock.advance(1000)  # the window has passed: the next change is pushed at once
    h.send(agent, {"action": "status.set", "status": "online"})
    assert wb.run() == 1
    [pushed] = h.frames_of_type(admin, SNAPSHOT)
    assert _agent_row(pushed, "agent1@example.com")["status"] == "online"
    assert wb.waiting_signals() == (0, 0)


def test_chats_from_the_stream_move_the_wallboard_and_messages_do_not(h: Harness, wb: Wallboard, clock: Clock) -> None:
    admin = _admin_viewer(h)
    h.open_for_a_while(admin)
    token, agent = h.agent_online("agent1@example.com")
    store().agents.set_max_chats("agent1@example.com", 1)
    wb.run()  # the status change; inside the subscribe's second: marked
    clock.advance(1000)
    wb.run(wait_seconds=3)  # its catch-up
    h.frames(admin)

    served = h.start_chat()
    waiting = h.start_chat()  # the agent is full: it waits
    assert waiting["state"] == "waiting"
    assert wb.waiting_signals() == (0, 0)  # the REST handler signals nothing: the stream does
    records = wb.deliver_stream()
    assert {r["eventName"] for r in records} >= {"INSERT"}
    assert wb.waiting_signals()[0] == 1  # one signal for the whole batch
    clock.advance(1000)  # past the catch-up's second
    wb.run()
    [pushed] = h.frames_of_type(admin, SNAPSHOT)
    assert pushed["queue"]["waiting"] == 1
    assert pushed["queue"]["longestWaitSince"] == store().conversations.get(waiting["conversationId"]).inbound_at
    row = _agent_row(pushed, "agent1@example.com")
    assert (row["activeChats"], row["maxChats"]) == (1, 1)
    assert pushed["today"]["chatsIn"] == 2

    # Messages each way: their stream records (last_seq, activity) signal nothing.
    clock.advance(1000)
    customer = h.connected(served["token"])
    h.send(customer, {"action": "message.send", "conversationId": served["conversationId"], "clientMessageId": "c1",
                      "text": "안녕하세요"})
    h.send(agent, {"action": "message.send", "conversationId": served["conversationId"], "clientMessageId": "a1",
                   "text": "네"})
    wb.deliver_stream()
    assert wb.run() == 1  # the first answer moves "answered" and the first response time
    [pushed] = h.frames_of_type(admin, SNAPSHOT)
    assert pushed["today"]["answered"] == 1 and pushed["today"]["firstResponseAverageSeconds"] is not None
    clock.advance(1000)
    h.send(agent, {"action": "message.send", "conversationId": served["conversationId"], "clientMessageId": "a2",
                   "text": "더 도와드릴까요?"})
    assert len(wb.deliver_stream()) >= 1  # the message changed the conversation item (last_seq) …
    assert wb.waiting_signals() == (0, 0)  # … and nothing was signalled


def test_a_disconnected_viewer_leaves_the_index(h: Harness, wb: Wallboard) -> None:
    admin = _admin_viewer(h)
    second = h.connected(h.staff_token("admin@example.com", "admins", name="관리자"))
    h.send(second, {"action": "wallboard.subscribe"})
    h.disconnect(second)
    assert [v.connection_id for v in store().wallboard.viewers()] == [admin]
