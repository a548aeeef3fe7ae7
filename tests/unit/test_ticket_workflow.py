"""The ticket workflow (issue 22): transitions, assignee, comments, history and versions. Pure, no AWS."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import Conflict, Forbidden, InvalidField, StaleVersion, TooLong
from chalicelib.domain.model import Principal, Role
from chalicelib.domain.tickets import (
    ALLOWED_TRANSITIONS,
    UNCHANGED,
    TicketChange,
    TicketField,
    TicketStatus,
    TicketWorkflowState,
    apply_ticket_change,
    may_transition,
    parse_ticket_change,
    status_label,
)

ALICE = Principal(Role.AGENT, "alice")
BOB = Principal(Role.AGENT, "bob")
ADMIN = Principal(Role.ADMIN, "root")
CUSTOMER = Principal(Role.CUSTOMER, "cust-1", conversation_id="c1")
NOW = 1_780_000_000_000

OPEN, P, H, S = TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.ON_HOLD, TicketStatus.SOLVED


def ticket(status: TicketStatus = OPEN, assignee: str | None = None, version: int = 0) -> TicketWorkflowState:
    return TicketWorkflowState("t1", status, assignee, version)


def change(version: int = 0, **fields) -> TicketChange:
    return TicketChange(version, **fields)


def test_codes_and_labels():
    assert [s.value for s in TicketStatus] == ["open", "in_progress", "on_hold", "solved"]
    assert [status_label(s) for s in TicketStatus] == ["접수", "처리중", "보류", "완료"]
    assert [status_label(s, "en") for s in TicketStatus] == ["Open", "In progress", "On hold", "Solved"]


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (OPEN, P, True),
        (OPEN, H, True),
        (OPEN, S, True),
        (P, H, True),
        (P, S, True),
        (P, OPEN, True),
        (H, P, True),
        (H, S, True),
        (H, OPEN, False),
        (S, P, True),
        (S, OPEN, False),
        (S, H, False),
        (S, S, True),  # a repeat is no change, not an error
    ],
)
def test_transitions(current, target, allowed):
    assert may_transition(current, target) is allowed
    start = ticket(current, assignee="alice")
    if allowed:
        result = apply_ticket_change(start, change(status=target), actor=ALICE, now_ms=NOW)
        assert result.ticket.status is target
    else:
        with pytest.raises(InvalidField) as caught:
            apply_ticket_change(start, change(status=target), actor=ALICE, now_ms=NOW)
        assert caught.value.field == "status"
        assert f"from {current} ({status_label(current)}) to {target}" in caught.value.message


def test_every_status_can_reach_solved_and_solved_can_be_reopened():
    for status in TicketStatus:
        assert status is S or S in ALLOWED_TRANSITIONS[status]
    assert ALLOWED_TRANSITIONS[S] == {P}


def test_a_change_records_who_when_what_from_and_to_and_bumps_the_version():
    result = apply_ticket_change(
        ticket(OPEN, version=3), change(3, status=P, assignee_id="bob", comment="배송 확인 중"), actor=ALICE, now_ms=NOW
    )
    assert result.ticket == TicketWorkflowState("t1", P, "bob", 4, NOW, "alice")
    assert result.expected_version == 3
    assert [(e.field, e.from_value, e.to_value) for e in result.entries] == [
        (TicketField.STATUS, "open", "in_progress"),
        (TicketField.ASSIGNEE, None, "bob"),
        (TicketField.COMMENT, None, "배송 확인 중"),
    ]
    assert {(e.version, e.at, e.actor_id, e.ticket_id) for e in result.entries} == {(4, NOW, "alice", "t1")}
    assert [(e.version, e.index) for e in result.entries] == [(4, 0), (4, 1), (4, 2)]  # the history's order


def test_starting_or_solving_an_unassigned_ticket_assigns_the_actor():
    started = apply_ticket_change(ticket(OPEN), change(status=P), actor=ALICE, now_ms=NOW)
    assert started.ticket.assignee_id == "alice"
    assert (started.entries[1].field, started.entries[1].to_value) == (TicketField.ASSIGNEE, "alice")
    solved = apply_ticket_change(ticket(H), change(status=S), actor=ADMIN, now_ms=NOW)
    assert solved.ticket.assignee_id == "root"
    held = apply_ticket_change(ticket(OPEN), change(status=H), actor=ALICE, now_ms=NOW)
    assert held.ticket.assignee_id is None


def test_a_comment_alone_on_a_legacy_unassigned_ticket_assigns_nobody():
    result = apply_ticket_change(ticket(P, assignee=None), change(comment="메모"), actor=ALICE, now_ms=NOW)
    assert [e.field for e in result.entries] == [TicketField.COMMENT]
    assert result.ticket.assignee_id is None


def test_repeating_the_current_state_changes_nothing():
    start = ticket(P, assignee="alice", version=7)
    result = apply_ticket_change(start, change(7, status=P, assignee_id="alice"), actor=BOB, now_ms=NOW)
    assert not result.changed
    assert result.ticket is start
    assert result.expected_version == 7


def test_a_stale_version_is_a_conflict_carrying_the_current_one():
    with pytest.raises(StaleVersion) as caught:
        apply_ticket_change(ticket(P, "alice", version=5), change(4, status=S), actor=BOB, now_ms=NOW)
    assert isinstance(caught.value, Conflict)
    assert caught.value.current_version == 5
    assert caught.value.to_body() == {
        "type": "error",
        "code": "conflict",
        "message": caught.value.message,
        "field": "version",
    }


def test_two_agents_editing_one_gets_the_conflict():
    seen = ticket(OPEN, version=0)
    first = apply_ticket_change(seen, change(0, status=P), actor=ALICE, now_ms=NOW)
    with pytest.raises(StaleVersion):
        apply_ticket_change(first.ticket, change(0, status=S), actor=BOB, now_ms=NOW + 1)
    # Bob reloads and tries again against what he now sees.
    second = apply_ticket_change(first.ticket, change(1, status=S), actor=BOB, now_ms=NOW + 2)
    assert (second.ticket.status, second.ticket.version, second.ticket.assignee_id) == (S, 2, "alice")


@pytest.mark.parametrize(
    ("start", "request_", "error_field"),
    [
        (ticket(S, "alice"), change(assignee_id="bob"), "assigneeId"),
        (ticket(P, "alice"), change(assignee_id=None), "assigneeId"),
        (ticket(S, "alice"), change(assignee_id=None), "assigneeId"),
    ],
)
def test_assignee_rules(start, request_, error_field):
    with pytest.raises(InvalidField) as caught:
        apply_ticket_change(start, request_, actor=ALICE, now_ms=NOW)
    assert caught.value.field == error_field


def test_assignee_changes_that_are_allowed():
    reopened = apply_ticket_change(ticket(S, "alice"), change(status=P, assignee_id="bob"), actor=ALICE, now_ms=NOW)
    assert (reopened.ticket.status, reopened.ticket.assignee_id) == (P, "bob")
    solved_for_bob = apply_ticket_change(
        ticket(P, "alice"), change(status=S, assignee_id="bob"), actor=ADMIN, now_ms=NOW
    )
    assert solved_for_bob.ticket.assignee_id == "bob"
    handed_back = apply_ticket_change(
        ticket(P, "alice"), change(status=OPEN, assignee_id=None), actor=ALICE, now_ms=NOW
    )
    assert (handed_back.ticket.status, handed_back.ticket.assignee_id) == (OPEN, None)
    assert [(e.field, e.from_value, e.to_value) for e in handed_back.entries][1] == (
        TicketField.ASSIGNEE,
        "alice",
        None,
    )


def test_customers_do_not_work_tickets():
    with pytest.raises(Forbidden):
        apply_ticket_change(ticket(), change(comment="hi"), actor=CUSTOMER, now_ms=NOW)


# --- the request body ---------------------------------------------------------------------


def test_parse_a_full_body():
    parsed = parse_ticket_change(
        {"version": 2, "status": "on_hold", "assigneeId": "bob", "comment": " 고객 회신 대기 \n"}
    )
    assert parsed == TicketChange(2, H, "bob", "고객 회신 대기")


def test_absent_and_null_assignee_differ():
    assert parse_ticket_change({"version": 0, "comment": "x"}).assignee_id is UNCHANGED
    assert parse_ticket_change({"version": 0, "assigneeId": None}).assignee_id is None


@pytest.mark.parametrize(
    ("body", "field", "error"),
    [
        ({"status": "open"}, "version", InvalidField),
        ({"version": -1, "status": "open"}, "version", InvalidField),
        ({"version": True, "status": "open"}, "version", InvalidField),
        ({"version": "1x", "status": "open"}, "version", InvalidField),
        ({"version": 0, "status": "완료"}, "status", InvalidField),
        ({"version": 0, "status": "closed"}, "status", InvalidField),
        ({"version": 0, "assigneeId": "bob smith"}, "assigneeId", InvalidField),
        ({"version": 0, "assigneeId": 5}, "assigneeId", InvalidField),
        ({"version": 0, "comment": "   "}, "comment", InvalidField),
        ({"version": 0, "comment": "가" * 2001}, "comment", TooLong),
        ({"version": 0, "comment": "a\x07b"}, "comment", InvalidField),
        ({"version": 0, "priority": "high"}, "priority", InvalidField),
        ({"version": 0}, None, InvalidField),
    ],
)
def test_bad_bodies_are_refused_by_field(body, field, error):
    with pytest.raises(error) as caught:
        parse_ticket_change(body)
    assert caught.value.field == field


def test_a_comment_of_2000_characters_with_newlines_is_accepted():
    text = ("가" * 99 + "\n") * 20
    assert parse_ticket_change({"version": 0, "comment": text}).comment == text.strip()


# --- properties ---------------------------------------------------------------------------

statuses = st.sampled_from(list(TicketStatus))
assignees = st.one_of(st.just(UNCHANGED), st.none(), st.sampled_from(["alice", "bob"]))
changes = st.builds(
    TicketChange,
    st.just(0),
    st.one_of(st.none(), statuses),
    assignees,
    st.one_of(st.none(), st.just("메모")),
)


@given(st.lists(st.tuples(changes, st.sampled_from([ALICE, BOB, ADMIN])), max_size=12))
def test_any_sequence_of_changes_keeps_the_invariants(steps):
    state = ticket()
    for step, actor in steps:
        step = TicketChange(state.version, step.status, step.assignee_id, step.comment)
        try:
            result = apply_ticket_change(state, step, actor=actor, now_ms=NOW)
        except InvalidField:
            continue
        if result.changed:
            assert result.ticket.version == state.version + 1
            assert may_transition(state.status, result.ticket.status)
            # The history replays to the new state.
            replayed = {"status": state.status.value, "assignee": state.assignee_id}
            for entry in result.entries:
                if entry.field is not TicketField.COMMENT:
                    assert replayed[entry.field.value] == entry.from_value
                    replayed[entry.field.value] = entry.to_value
            assert replayed == {"status": result.ticket.status.value, "assignee": result.ticket.assignee_id}
        else:
            assert result.ticket == state
        if result.ticket.status in (P, S):
            assert result.ticket.assignee_id is not None  # worked or solved always names who
        state = result.ticket
