"""Tickets, history, settings, the masking audit and export jobs on the in-memory store."""

from __future__ import annotations

import json

import pytest

from chalicelib.domain.errors import Conflict, InvalidField
from chalicelib.domain.model import Principal, Role
from chalicelib.services import ending, intake, messages, records, settings
from chalicelib.services import masking as masking_service
from tests.services.conftest import World

START = {"consent": True, "consentVersion": 1, "customerName": "홍길동", "customerEmail": "hong@example.com"}
ADMIN = Principal(role=Role.ADMIN, user_id="admin@example.com")
INQUIRY = {
    "consent": True,
    "name": "김고객",
    "email": "kim@example.com",
    "inquiryType": "배송",
    "title": "t",
    "content": "내용",
}


def test_an_inquiry_and_a_chat_ticket_are_listed_newest_first(world: World) -> None:
    agent = world.agent()
    left = records.leave_inquiry(INQUIRY)
    chat = intake.start_chat(START)
    made = records.create_ticket_from_chat(agent, chat["conversationId"], {**INQUIRY, "title": "from chat"})
    assert made["requesterName"] == "홍길동" and made["channel"] == "chat"
    listed = records.list_tickets(agent, {})
    assert [t["ticketId"] for t in listed["tickets"]] == [made["ticketId"], left["ticketId"]]
    assert listed["nextCursor"] is None
    first = records.list_tickets(agent, {"limit": 1})
    rest = records.list_tickets(agent, {"limit": 1, "cursor": first["nextCursor"]})
    assert [t["ticketId"] for t in rest["tickets"]] == [left["ticketId"]]
    assert records.list_tickets(agent, {"channel": "inquiry"})["tickets"][0]["requesterName"] == "김고객"
    detail = records.ticket_detail(agent, made["ticketId"])
    assert [m["systemCode"] for m in detail["transcript"]] == ["agent_joined"]


def test_another_agents_live_chat_ticket_hides_its_personal_data(world: World) -> None:
    owner = world.agent("agent1@example.com")
    chat = intake.start_chat(START)
    records.create_ticket_from_chat(owner, chat["conversationId"], INQUIRY)
    other = world.agent("agent2@example.com")
    (ticket,) = records.list_tickets(other, {})["tickets"]
    assert ticket["restricted"] is True and ticket["requesterName"] is None


def test_history_finds_ended_chats_by_filter_newest_first(world: World) -> None:
    agent = world.agent()
    answered, unanswered = intake.start_chat(START), intake.start_chat({**START, "customerName": "Lee"})
    body = {"conversationId": answered["conversationId"], "text": "안녕하세요", "clientMessageId": "a-1"}
    messages.send_message(agent, None, body)
    for chat in (answered, unanswered):
        ending.end_chat(agent, chat["conversationId"])
    found = records.search_history(agent, {"to": world.clock.now})
    assert [r["conversationId"] for r in found["items"]] == [unanswered["conversationId"], answered["conversationId"]]
    handled = records.search_history(agent, {"to": world.clock.now, "status": "handled"})
    assert [r["conversationId"] for r in handled["items"]] == [answered["conversationId"]]
    by_name = records.search_history(agent, {"to": world.clock.now, "userName": "le"})
    assert [r["userName"] for r in by_name["items"]] == ["Lee"]
    page = records.search_history(agent, {"to": world.clock.now, "limit": 1})
    assert page["nextCursor"] is not None
    with pytest.raises(InvalidField):
        other_search = {"to": world.clock.now, "agentId": "x@example.com", "cursor": page["nextCursor"]}
        records.search_history(agent, other_search)


def test_settings_are_saved_with_a_version_and_consent_texts_kept(world: World) -> None:
    before, after = settings.update_settings({"consentText": "새 동의 문구"}, ADMIN)
    assert (after.version, after.consent_version) == (before.version + 1, before.consent_version + 1)
    assert settings.load_settings().consent_text == "새 동의 문구"
    assert settings.consent_texts(after.consent_version, settings.load_settings())["ko"] == "새 동의 문구"
    stored = world.store.settings.consent_text(after.consent_version)
    assert stored is not None and json.loads(stored.document)
    with pytest.raises(Conflict):
        settings.update_settings({"greeting": "x", "version": before.version}, ADMIN)  # read an older version


def test_the_masking_audit_is_empty_until_something_is_masked(world: World) -> None:
    assert masking_service.audit_entries(ADMIN, {"month": "2025-11"}) == {"entries": [], "cursor": None}
