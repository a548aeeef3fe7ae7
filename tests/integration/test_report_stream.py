"""The report counters from the conversations' stream, end to end on moto: chats driven through the
handlers, the stream records read back from moto's DynamoDB Streams (the shape AWS sends), the stream
handler fed them once, then twice and shuffled (the same numbers), the backfill agreeing, GET /reports."""

from __future__ import annotations

import copy
import random
import time
from typing import Any

from chalicelib.domain.metrics import HOUR_MS, ScopeKind
from chalicelib.ops.report_backfill import backfill
from tests.integration.conftest import REGION, Harness

# Around now (the chats' inbound time): the report's and the backfill's period.
FROM, TO = int(time.time() * 1000) - 86_400_000, int(time.time() * 1000) + 86_400_000
# The same period in hours, for reading the counters straight from the store (one Query per month).
FROM_HOUR, TO_HOUR = FROM // HOUR_MS, TO // HOUR_MS


def stream_records(table: str) -> list[dict[str, Any]]:
    """The table's stream records as moto's DynamoDB backend made them (eventID, eventName,
    dynamodb.Keys/NewImage/OldImage in DynamoDB JSON, SequenceNumber). This moto answers the
    dynamodbstreams API with 404, so the shard is read from the backend, not over the API."""
    from datetime import datetime

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    found = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(table)
    shard = found.stream_shard
    assert shard is not None, "the conversations table has no stream"
    records = copy.deepcopy([item.to_json() for item in shard.items])
    for record in records:  # Lambda's event carries epoch seconds
        stamp = record["dynamodb"]["ApproximateCreationDateTime"]
        record["dynamodb"]["ApproximateCreationDateTime"] = int(datetime.fromisoformat(stamp).timestamp())
        record["eventSourceARN"] = found.latest_stream_label and f"{found.table_arn}/stream/{found.latest_stream_label}"
    return records


def deliver(records: list[dict[str, Any]], batch: int = 7) -> list[dict[str, Any]]:
    """The stream handler, invoked as Lambda invokes it, batch by batch; its answers."""
    import app as app_module

    answers = []
    for start in range(0, len(records), batch):
        answers.append(app_module.report_counters({"Records": records[start : start + batch]}, None))
    return answers


def drive_chats(h: Harness) -> None:
    token, agent_conn = h.agent_online("agent1@example.com")
    answered = h.start_chat()
    h.send(
        agent_conn,
        {"action": "message.send", "conversationId": answered["conversationId"], "clientMessageId": "a1", "text": "네"},
    )
    assert h.rest("POST", f"/chats/{answered['conversationId']}/end", token=token)[0] == 200
    rating = {"rating": "satisfied"}
    assert h.rest("POST", f"/chats/{answered['conversationId']}/rating", rating, token=answered["token"])[0] == 200
    from chalicelib.bootstrap import store

    store().agents.set_max_chats("agent1@example.com", 1)
    left = h.start_chat()  # assigned, the customer leaves before an answer: unanswered
    queued = h.start_chat()  # the agent is at its maximum: it waits; the customer leaves the queue: abandoned
    assert queued["state"] == "waiting"
    assert h.rest("POST", f"/chats/{queued['conversationId']}/end", token=queued["token"])[0] == 200
    assert h.rest("POST", f"/chats/{left['conversationId']}/end", token=left["token"])[0] == 200


def report(h: Harness, admin: str, group_by: str) -> dict[str, Any]:
    status, body = h.rest("GET", "/reports", token=admin, query={"from": str(FROM), "to": str(TO), "groupBy": group_by})
    assert status == 200, body
    return body


def test_a_stream_replayed_twice_and_shuffled_gives_the_same_numbers(h: Harness) -> None:
    from chalicelib.bootstrap import store
    from chalicelib.store.models import ConversationModel

    drive_chats(h)
    records = stream_records(ConversationModel.Meta.table_name)
    assert {r["eventName"] for r in records} >= {"INSERT", "MODIFY"}
    assert all(r["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES" for r in records)
    assert all(a["batchItemFailures"] == [] for a in deliver(records, batch=25))
    stored = {kind: store().reports.counters(kind, FROM_HOUR, TO_HOUR) for kind in ScopeKind}
    replay = copy.deepcopy(records) * 2
    random.Random(24).shuffle(replay)
    assert all(a["batchItemFailures"] == [] for a in deliver(replay, batch=25))
    again = {kind: store().reports.counters(kind, FROM_HOUR, TO_HOUR) for kind in ScopeKind}
    assert [(i.scope, i.values) for k in again for i in again[k]] == [
        (i.scope, i.values) for k in stored for i in stored[k]
    ]
    assert check_numbers(stored[ScopeKind.ALL])


def check_numbers(items: list[Any]) -> bool:
    total: dict[str, int] = {}
    for item in items:
        for name, value in item.values.items():
            total[name] = total.get(name, 0) + value
    assert (total["chats_in"], total["answered"], total["unanswered"], total["abandoned"]) == (3, 1, 2, 1)
    assert (total["satisfied"], total.get("dissatisfied", 0)) == (1, 0)
    assert (total["first_response_count"], total["handle_count"], total["wait_count"]) == (1, 1, 2)
    return True


def test_stream_numbers_agree_with_the_backfill_and_the_report(h: Harness) -> None:
    from chalicelib.store.models import ConversationModel

    drive_chats(h)
    assert all(a["batchItemFailures"] == [] for a in deliver(stream_records(ConversationModel.Meta.table_name), 25))
    check = backfill(FROM, TO)  # the one full read: by the history index
    assert check.chats == 3 and check.items_checked > 0
    assert check.differing == []
    admin = h.staff_token("boss@example.com", "admins")
    total = report(h, admin, "hour")["total"]
    assert (total["chatsIn"], total["answered"], total["unanswered"], total["abandoned"]) == (3, 1, 2, 1)
    assert (total["satisfied"], total["satisfiedShare"], total["wait"]["count"]) == (1, 1.0, 2)
    by_agent = report(h, admin, "agent")
    assert [(r["key"], r["chatsIn"], r["answered"]) for r in by_agent["rows"]] == [("agent1@example.com", 2, 1)]


def test_backfill_rebuilds_what_the_stream_missed(h: Harness) -> None:
    from chalicelib.store.models import ConversationModel

    drive_chats(h)
    records = stream_records(ConversationModel.Meta.table_name)
    deliver(records[: len(records) // 2])  # the stream function fell behind
    dry = backfill(FROM, TO)
    assert dry.differing and dry.written == 0
    fixed = backfill(FROM, TO, write=True)
    assert fixed.written == len(fixed.differing) and fixed.conflicts == 0
    assert backfill(FROM, TO).differing == []


def test_a_failing_record_is_reported_and_retried_alone(h: Harness) -> None:
    from chalicelib.store.models import ConversationModel

    drive_chats(h)
    records = stream_records(ConversationModel.Meta.table_name)
    broken = copy.deepcopy(records[1])
    broken["dynamodb"]["NewImage"] = {"conversation_id": {"S": "x"}, "inbound_at": {"S": "not a number"}}
    (answer,) = deliver([records[0], broken, *records[2:4]], batch=10)
    assert answer["batchItemFailures"] == [{"itemIdentifier": broken["dynamodb"]["SequenceNumber"]}]


def test_reports_refuse_a_bad_period_and_non_admins(h: Harness) -> None:
    admin = h.staff_token("boss@example.com", "admins")
    for query in (
        {"from": "2026-12-10", "to": "2026-12-01"},  # to before from
        {"from": "2024-01-01", "to": "2025-12-31"},  # more than 366 days
        {"from": "2026-02-30"},  # not a date
        {"from": "yesterday"},
        {"to": "9" * 5000},  # thousands of digits
        {"groupBy": "week"},
        {"from": "0", "limit": "5"},
    ):
        status, body = h.rest("GET", "/reports", token=admin, query=query)
        assert status == 400, (query, body)
        assert body["code"] and body["message"]
    agent = h.staff_token("agent9@example.com", "agents")
    assert h.rest("GET", "/reports", token=agent)[0] == 403
    status, body = h.rest(
        "GET", "/reports", token=admin, query={"from": "2026-12-01", "to": "2026-12-01", "groupBy": "day"}
    )
    assert status == 200 and body["rows"] == [] and body["timeZone"] == "Asia/Seoul"
    assert body["to"] - body["from"] + 1 == 24 * 3_600_000  # one local day: 24 hour buckets
