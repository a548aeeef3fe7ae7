"""Which events a tickets-stream record yields (chalicelib/domain/ticket_events.py), and that none
carries the inquiry's personal data."""

from __future__ import annotations

import dataclasses

from chalicelib.domain.entities import Ticket
from chalicelib.domain.ticket_events import ticket_events

INQUIRY = Ticket(
    "t1", "inquiry", 1_000, "기타", title="배송 문의", content="언제 오나요 010-1234-5678",
    requester_name="김고객", requester_email="kim@example.com",
)


def kinds(old: Ticket | None, new: Ticket | None) -> list[str]:
    return [e.detail_type for e in ticket_events("e1", old, new)]


def test_an_insert_is_an_inquiry_received_or_a_ticket_created_by_channel() -> None:
    assert kinds(None, INQUIRY) == ["Inquiry Received"]
    assert kinds(None, dataclasses.replace(INQUIRY, channel="chat", conversation_id="c1")) == ["Ticket Created"]
    assert kinds(INQUIRY, None) == []  # REMOVE


def test_status_and_assignee_changes_are_events_and_comments_are_not() -> None:
    worked = dataclasses.replace(INQUIRY, status="in_progress", assignee_id="alice", version=1, updated_by="alice")
    assert kinds(INQUIRY, worked) == ["Ticket Status Changed", "Ticket Assigned"]
    commented = dataclasses.replace(worked, version=2, updated_at=5_000)
    assert kinds(worked, commented) == []
    event = ticket_events("e9", INQUIRY, worked)[0]
    assert event.detail["idempotencyId"] == "e9#Ticket Status Changed"
    detail = event.detail
    assert (detail["fromStatus"], detail["status"], detail["byId"]) == ("open", "in_progress", "alice")


def test_no_event_carries_the_title_content_or_requester() -> None:
    worked = dataclasses.replace(INQUIRY, status="solved", assignee_id="bob")
    for event in ticket_events("e1", None, INQUIRY) + ticket_events("e2", INQUIRY, worked):
        text = repr(event.detail)
        assert not any(value in text for value in ("배송 문의", "언제 오나요", "010-1234", "김고객", "kim@example.com"))
