"""Ticket and inquiry events out, end to end on moto: an inquiry and a chat's ticket made and worked
through the handlers, the tickets' stream records fed to the `ticket_events` function as Lambda
invokes it, the events read back from moto's EventBridge (docs/events.md)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Harness
from tests.integration.test_chat_events_stream import bus_queue, received  # noqa: F401 - the fixture
from tests.integration.test_report_stream import stream_records

FIELDS = {"version", "idempotencyId", "ticketId", "channel", "conversationId", "inquiryType", "status",
          "assigneeId", "createdAt", "ticketVersion"}
PERSONAL = ("김고객", "kim@example.com", "배송 문의", "언제 오나요", "배송 지연", "확인 필요")


def deliver(records: list[dict[str, Any]], batch: int = 3) -> list[dict[str, Any]]:
    import app as app_module

    return [app_module.ticket_events({"Records": records[i : i + batch]}, None) for i in range(0, len(records), batch)]


def work_tickets(h: Harness) -> tuple[str, str]:
    alice, _ = h.agent_online("alice@example.com")
    inquiry = {"consent": True, "name": "김고객", "email": "kim@example.com", "inquiryType": "기타",
               "title": "배송 문의", "content": "언제 오나요"}
    status, created = h.rest("POST", "/inquiries", inquiry)
    assert status == 201
    path = f"/tickets/{created['ticketId']}"
    assert h.rest("PATCH", path, {"version": 0, "status": "in_progress"}, token=alice)[0] == 200
    assert h.rest("PATCH", path, {"version": 1, "comment": "확인 중"}, token=alice)[0] == 200
    chat = h.start_chat()
    inquiry_type = h.rest("GET", "/settings", token=alice)[1]["inquiryTypes"][0]
    status, ticket = h.rest(
        "POST", f"/chats/{chat['conversationId']}/tickets",
        {"inquiryType": inquiry_type, "title": "배송 지연", "content": "확인 필요"}, token=alice,
    )
    assert status == 201
    return created["ticketId"], ticket["ticketId"]


def test_inquiries_and_tickets_are_published_without_personal_data(h: Harness, bus_queue: str) -> None:  # noqa: F811
    from chalicelib.store.record_models import TicketModel

    inquiry_id, ticket_id = work_tickets(h)
    records = stream_records(TicketModel.Meta.table_name)
    assert all(answer["batchItemFailures"] == [] for answer in deliver(records))
    events = received(bus_queue)
    kinds = [(e["detail-type"], e["detail"]["ticketId"]) for e in events]
    assert kinds == [
        ("Inquiry Received", inquiry_id),
        ("Ticket Status Changed", inquiry_id),  # the comment is no event
        ("Ticket Assigned", inquiry_id),  # starting work takes the ticket
        ("Ticket Created", ticket_id),
    ]
    for event in events:
        assert event["source"] == "livechat" and FIELDS <= set(event["detail"]) and event["detail"]["version"] == 1
        assert not any(text in repr(event) for text in PERSONAL)
    changed = events[1]["detail"]
    assert (changed["fromStatus"], changed["status"], changed["byId"]) == ("open", "in_progress", "alice@example.com")
    assert events[3]["detail"]["channel"] == "chat" and events[3]["detail"]["conversationId"]
    ids = [e["detail"]["idempotencyId"] for e in events]
    assert len(set(ids)) == len(ids)
    # Redelivered (a retried batch): the same events again, with the same ids for consumers to drop.
    deliver(records)
    assert sorted(e["detail"]["idempotencyId"] for e in received(bus_queue)) == sorted(ids)


def test_a_failed_put_is_retried_from_that_record(h: Harness, bus_queue: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from chalicelib.store.record_models import TicketModel

    work_tickets(h)
    records = stream_records(TicketModel.Meta.table_name)
    monkeypatch.setenv("EVENT_BUS_NAME", "no-such-bus")
    answer = deliver(records, batch=len(records))[0]
    assert answer["batchItemFailures"] == [{"itemIdentifier": records[0]["dynamodb"]["SequenceNumber"]}]
