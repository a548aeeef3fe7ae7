"""Chat events out (docs/events.md): which events a conversations-stream record yields, and that no
event ever carries personal data."""

from __future__ import annotations

import dataclasses
import json

import pytest

from chalicelib.domain.chat_events import (
    CHAT_ASSIGNED,
    CHAT_ENDED,
    CHAT_RATED,
    CHAT_STARTED,
    CHAT_TRANSFERRED,
    SOURCE,
    chat_events,
    event_entries,
)
from chalicelib.domain.entities import Conversation, Transfer

WAITING = Conversation("c1", "waiting", "cust-1", inbound_at=1_000, consent_version=1, consented_at=1_000, team_id="t1")
ACTIVE = dataclasses.replace(WAITING, state="active", agent_id="a1", assigned_at=2_000, first_assigned_at=2_000)


def types(old: Conversation | None, new: Conversation | None) -> list[str]:
    return [e.detail_type for e in chat_events("ev1", old, new)]


def test_insert_is_chat_started() -> None:
    (event,) = chat_events("ev1", None, WAITING)
    assert event.detail_type == CHAT_STARTED
    assert event.detail["version"] == 1
    assert event.detail["idempotencyId"] == "ev1#Chat Started"
    assert (event.detail["conversationId"], event.detail["teamId"], event.detail["inboundAt"]) == ("c1", "t1", 1_000)


def test_insert_already_assigned_is_started_then_assigned() -> None:
    assert types(None, ACTIVE) == [CHAT_STARTED, CHAT_ASSIGNED]


def test_assignment() -> None:
    (event,) = chat_events("ev2", WAITING, ACTIVE)
    assert event.detail_type == CHAT_ASSIGNED
    assert (event.detail["agentId"], event.detail["assignedAt"]) == ("a1", 2_000)


def test_transfer_to_an_agent_is_a_transfer_only() -> None:
    hop = Transfer(by="a1", from_agent_id="a1", to_agent_id="a2", to_team_id="t2", at=3_000, note="VIP, 010-1234-5678")
    new = dataclasses.replace(ACTIVE, agent_id="a2", assigned_at=3_000, team_id="t2", transfers=[hop])
    (event,) = chat_events("ev3", ACTIVE, new)
    assert event.detail_type == CHAT_TRANSFERRED
    assert (event.detail["fromAgentId"], event.detail["toAgentId"], event.detail["toTeamId"]) == ("a1", "a2", "t2")
    assert "note" not in json.dumps(event.detail)


def test_two_hops_in_one_record_keep_distinct_ids() -> None:
    hops = [Transfer("a1", "a1", None, "t2", 3_000), Transfer("x", None, "a3", "t2", 3_100)]
    new = dataclasses.replace(ACTIVE, agent_id="a3", assigned_at=3_100, transfers=hops)
    events = chat_events("ev", ACTIVE, new)
    assert [e.detail_type for e in events] == [CHAT_TRANSFERRED, CHAT_TRANSFERRED]
    assert len({e.detail["idempotencyId"] for e in events}) == 2


@pytest.mark.parametrize(
    ("ended_by", "reason", "expected"),
    [("customer", None, "customer"), ("agent", None, "agent"), ("system", "idle", "system")],
)
def test_end(ended_by: str, reason: str | None, expected: str) -> None:
    ended = dataclasses.replace(ACTIVE, state="ended", ended_at=9_000, ended_by=ended_by, end_reason=reason)
    (event,) = chat_events("ev4", ACTIVE, ended)
    assert event.detail_type == CHAT_ENDED
    assert (event.detail["endedAt"], event.detail["endedBy"], event.detail["endReason"]) == (9_000, expected, reason)
    assert event.detail["answered"] is False


def test_rating() -> None:
    ended = dataclasses.replace(ACTIVE, state="ended", ended_at=9_000, ended_by="agent")
    rated = dataclasses.replace(ended, rating="satisfied", rated_at=9_500, rating_comment="김철수 010-1234-5678")
    (event,) = chat_events("ev5", ended, rated)
    assert event.detail_type == CHAT_RATED
    assert (event.detail["rating"], event.detail["ratedAt"]) == ("satisfied", 9_500)


@pytest.mark.parametrize(
    "change",
    [
        {"last_seq": 5, "last_message_at": 5_000},
        {"customer_name": "김철수", "customer_email": "kim@example.com", "customer_phone": "010-1234-5678"},
        {"agent_opened_at": 2_500, "idle_warning_at": 4_000},
        {"first_response_at": 2_600},
        {"counsel_note": "memo", "inquiry_type": "refund"},
    ],
)
def test_changes_no_integration_cares_about_yield_nothing(change: dict[str, object]) -> None:
    assert types(ACTIVE, dataclasses.replace(ACTIVE, **change)) == []


def test_remove_and_repeats_yield_nothing() -> None:
    ended = dataclasses.replace(ACTIVE, state="ended", ended_at=9_000, ended_by="agent", rating="dissatisfied")
    assert types(ACTIVE, None) == []
    assert types(ended, dataclasses.replace(ended, transcript_sent_at=10_000)) == []


PERSONAL = {
    "customer_name": "홍길동유니크",
    "customer_email": "unique.person@example.org",
    "customer_phone": "010-9876-5432",
    "customer_memo": "memo-secret-xyz",
    "rating_comment": "comment-secret-xyz",
    "counsel_note": "counsel-secret-xyz",
    "transcript_email": "transcript.person@example.org",
    "customer_id": "customer-id-secret",
}


def lifecycle() -> list[tuple[Conversation | None, Conversation]]:
    """Every event type's record, with every personal field filled."""
    started = dataclasses.replace(WAITING, **PERSONAL)
    active = dataclasses.replace(started, state="active", agent_id="a1", assigned_at=2_000, first_assigned_at=2_000)
    hop = Transfer("a1", "a1", "a2", "t1", 3_000, note="counsel-secret-xyz")
    moved = dataclasses.replace(active, agent_id="a2", assigned_at=3_000, transfers=[hop])
    ended = dataclasses.replace(moved, state="ended", ended_at=9_000, ended_by="customer")
    rated = dataclasses.replace(ended, rating="satisfied", rated_at=9_500)
    return [(None, started), (started, active), (active, moved), (moved, ended), (ended, rated)]


@pytest.mark.parametrize("field", sorted(PERSONAL))
def test_no_personal_data_in_any_event(field: str) -> None:
    seen = set()
    for old, new in lifecycle():
        for entry in event_entries(chat_events("ev", old, new), "bus"):
            seen.add(entry["DetailType"])
            assert entry["Source"] == SOURCE
            assert PERSONAL[field] not in entry["Detail"]
    assert seen == {CHAT_STARTED, CHAT_ASSIGNED, CHAT_TRANSFERRED, CHAT_ENDED, CHAT_RATED}
