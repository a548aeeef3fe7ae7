"""The conversation lifecycle's transitions (chalicelib/domain/lifecycle.py) as pure rules: what each
requires of the stored chat and what it changes. The stores apply them (tests/contract runs the same
races on both); here each precondition is checked against the stored states that must refuse it."""

from __future__ import annotations

import dataclasses

import pytest

from chalicelib.domain import lifecycle
from chalicelib.domain.entities import Agent, Conversation, Message, Transfer
from chalicelib.domain.errors import Conflict
from chalicelib.domain.lifecycle import FirstOnly, Seat, applied, holds

T0 = 1_000_000


def chat(**fields: object) -> Conversation:
    base = Conversation("c1", "waiting", "cust", inbound_at=T0, consent_version=1, consented_at=T0)
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]


LIVE = chat(state="active", agent_id="a1", assigned_at=T0 + 10, customer_active_at=T0 + 10, last_seq=3)


def line(seq: int) -> Message:
    return Message("c1", seq, sender_role="system", system_code="idle_warning", created_at=T0 + 99)


def hop(to_agent: str | None, team: str | None = None) -> Transfer:
    return Transfer(by="a1", from_agent_id="a1", to_agent_id=to_agent, to_team_id=team, at=T0 + 50)


def test_assign_takes_a_waiting_chat_and_keeps_the_first_assignment_time() -> None:
    waiting = chat(first_assigned_at=T0 + 1)
    transition = lifecycle.assign(waiting, "a2", 3, {"conn"}, T0 + 20, "김상담")
    assert holds(transition.precondition, waiting)
    assert not holds(transition.precondition, LIVE)
    after = applied(waiting, transition)
    assert (after.state, after.agent_id, after.assigned_at) == ("active", "a2", T0 + 20)
    assert after.customer_active_at == T0 + 20  # idle time counts from the assignment
    assert after.first_assigned_at == T0 + 1  # FirstOnly: the earlier one stays
    assert applied(chat(), transition).first_assigned_at == T0 + 20
    assert transition.seat_taken == Seat("a2", 3, T0 + 20) and transition.seat_freed is None


@pytest.mark.parametrize(
    ("agent", "admitted"),
    [
        (Agent("a2", status="online", chat_permission=True, active_chats=2), True),
        (Agent("a2", status="online", chat_permission=True, active_chats=3), False),
        (Agent("a2", status="break", chat_permission=True, active_chats=0), False),
        (Agent("a2", status="online", chat_permission=False, active_chats=0), False),
        (None, False),
    ],
)
def test_a_seat_admits_only_an_online_agent_with_chat_permission_below_the_maximum(
    agent: Agent | None, admitted: bool
) -> None:
    assert Seat("a2", 3, T0).admits(agent) is admitted


def test_return_to_queue_refuses_an_answered_chat_unless_the_account_was_disabled() -> None:
    answered = dataclasses.replace(LIVE, first_response_at=T0 + 30)
    plain = lifecycle.return_to_queue(LIVE, "a1", to_team_id="t1")
    assert holds(plain.precondition, LIVE) and not holds(plain.precondition, answered)
    assert not holds(plain.precondition, dataclasses.replace(LIVE, agent_id="a9"))
    assert holds(lifecycle.return_to_queue(LIVE, "a1", to_team_id=None, answered_too=True).precondition, answered)
    after = applied(LIVE, plain)
    assert (after.state, after.team_id, after.agent_id, after.assigned_at) == ("waiting", "t1", None, None)
    assert plain.seat_freed == "a1"


def test_the_accept_window_returns_only_a_chat_nobody_opened_or_answered_since_it_was_read() -> None:
    transition = lifecycle.return_unaccepted(LIVE, to_team_id=None)
    assert holds(transition.precondition, LIVE)
    for changed in (
        {"agent_opened_at": T0 + 11},
        {"agent_active_at": T0 + 12},
        {"assigned_at": T0 + 40},
        {"agent_id": "a2"},
        {"state": "ended"},
    ):
        assert not holds(transition.precondition, dataclasses.replace(LIVE, **changed)), changed  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        lifecycle.return_unaccepted(dataclasses.replace(LIVE, agent_opened_at=T0 + 11), to_team_id=None)


def test_end_from_the_state_it_was_read_in_with_its_closing_line() -> None:
    transition = lifecycle.end(LIVE, "agent", T0 + 90, line=line(4), if_idle_unchanged=True)
    assert holds(transition.precondition, LIVE)
    for changed in (
        {"last_seq": 4},  # another message took the line's seq
        {"assigned_at": T0 + 40},  # a transfer won
        {"customer_active_at": T0 + 80},  # the customer wrote: no idle close
        {"idle_warning_at": T0 + 70},
    ):
        assert not holds(transition.precondition, dataclasses.replace(LIVE, **changed)), changed  # type: ignore[arg-type]
    after = applied(LIVE, transition)
    assert (after.state, after.ended_at, after.last_seq, after.end_reason) == ("ended", T0 + 90, 4, None)
    assert transition.seat_freed == "a1" and transition.line == line(4)
    waiting_end = lifecycle.end(chat(), "customer", T0 + 5)
    assert waiting_end.seat_freed is None and not holds(waiting_end.precondition, LIVE)


def test_transfers_move_the_chat_from_the_assignment_it_was_read_in_and_keep_every_hop() -> None:
    to_agent = lifecycle.transfer_to_agent(LIVE, hop("a2"), 4, set(), None, T0 + 50)
    assert (to_agent.seat_freed, to_agent.seat_taken) == ("a1", Seat("a2", 4, T0 + 50))
    assert not holds(to_agent.precondition, dataclasses.replace(LIVE, assigned_at=T0 + 11))
    moved = applied(dataclasses.replace(LIVE, transfers=[hop("a0")]), to_agent)
    assert moved.agent_id == "a2" and moved.transfers == [hop("a0"), hop("a2")]
    to_queue = applied(LIVE, lifecycle.transfer_to_queue(LIVE, hop(None, "t2")))
    assert (to_queue.state, to_queue.team_id, to_queue.agent_id) == ("waiting", "t2", None)


def test_append_takes_the_next_seq_and_moves_the_timers() -> None:
    customer = Message("c1", 4, sender_role="customer", sender_id="cust", text="hi", created_at=T0 + 60)
    agent = Message("c1", 4, sender_role="agent", sender_id="a1", text="hello", created_at=T0 + 61)
    by_customer = lifecycle.append(LIVE, customer, agent_reply=False)
    assert holds(by_customer.precondition, LIVE)
    assert not holds(by_customer.precondition, dataclasses.replace(LIVE, last_seq=4))
    assert not holds(by_customer.precondition, dataclasses.replace(LIVE, state="ended"))
    assert by_customer.changes == {"last_seq": 4, "last_message_at": T0 + 60, "customer_active_at": T0 + 60}
    reply = lifecycle.append(LIVE, agent, agent_reply=True)
    assert reply.changes["first_response_at"] == FirstOnly(T0 + 61)
    assert applied(LIVE, reply).agent_active_at == T0 + 61
    note = lifecycle.append(LIVE, agent, agent_reply=False, note=True)
    assert holds(note.precondition, dataclasses.replace(LIVE, state="ended"))  # a note on an ended chat
    assert "last_message_at" not in note.changes


def test_the_idle_warning_goes_out_once_and_the_open_needs_the_assigned_agent() -> None:
    warning = lifecycle.warn_idle(LIVE, line(4))
    assert holds(warning.precondition, LIVE)
    assert not holds(warning.precondition, dataclasses.replace(LIVE, idle_warning_at=T0 + 70))
    assert applied(LIVE, warning).idle_warning_at == T0 + 99
    opened = lifecycle.mark_opened(LIVE, "a1", T0 + 12)
    assert holds(opened.precondition, LIVE) and not holds(lifecycle.mark_opened(LIVE, "a2", T0).precondition, LIVE)
    assert lifecycle.unaccepted(LIVE) and not lifecycle.unaccepted(applied(LIVE, opened))
