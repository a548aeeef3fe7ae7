"""Chat events out, end to end on moto: chats driven through the handlers, the conversations'
stream records fed to the report stream function, the events read back from moto's EventBridge
(a rule on the bus targeting an SQS queue). docs/events.md is the schema checked here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.integration.conftest import REGION, Harness
from tests.integration.test_report_stream import deliver, drive_chats, stream_records

BUS = "livechat-test-chat-events"
FIELDS = {"version", "idempotencyId", "conversationId", "teamId", "agentId", "state", "inboundAt"}


@pytest.fixture
def bus_queue(h: Harness, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    events = boto3.client("events", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    events.create_event_bus(Name=BUS)
    url = sqs.create_queue(QueueName="chat-events-test")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="all-chat-events", EventBusName=BUS, EventPattern=json.dumps({"source": ["livechat"]}))
    events.put_targets(Rule="all-chat-events", EventBusName=BUS, Targets=[{"Id": "q", "Arn": arn}])
    monkeypatch.setenv("EVENT_BUS_NAME", BUS)
    yield url


def received(url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    found: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return found
        found += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
        )


def test_the_stream_function_publishes_each_chats_events_in_order(h: Harness, bus_queue: str) -> None:
    from chalicelib.store.models import ConversationModel

    drive_chats(h)
    records = stream_records(ConversationModel.Meta.table_name)
    assert all(a["batchItemFailures"] == [] for a in deliver(records, batch=25))
    events = received(bus_queue)
    assert events and all(e["source"] == "livechat" for e in events)
    per_chat: dict[str, list[str]] = {}
    for event in events:
        detail = event["detail"]
        assert FIELDS <= set(detail) and detail["version"] == 1
        assert not any(k.startswith("customer") for k in detail)
        per_chat.setdefault(detail["conversationId"], []).append(event["detail-type"])
    orders = sorted(per_chat.values())
    assert ["Chat Started", "Chat Assigned", "Chat Ended", "Chat Rated"] in orders  # answered and rated
    assert ["Chat Started", "Chat Assigned", "Chat Ended"] in orders  # the customer left before an answer
    assert ["Chat Started", "Chat Ended"] in orders  # abandoned in the queue
    ids = [e["detail"]["idempotencyId"] for e in events]
    assert len(ids) == len(set(ids))
    # A redelivered batch publishes again (at least once) with the same ids; the counters do not move.
    assert all(a["batchItemFailures"] == [] for a in deliver(records, batch=25))
    again = [e["detail"]["idempotencyId"] for e in received(bus_queue)]
    assert sorted(again) == sorted(ids)


def test_a_failed_put_is_reported_in_batch_item_failures(
    h: Harness, bus_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.store.models import ConversationModel

    drive_chats(h)
    records = stream_records(ConversationModel.Meta.table_name)
    monkeypatch.setenv("EVENT_BUS_NAME", "no-such-bus")
    (answer,) = deliver(records[:1], batch=1)
    assert answer["batchItemFailures"] == [{"itemIdentifier": records[0]["dynamodb"]["SequenceNumber"]}]
