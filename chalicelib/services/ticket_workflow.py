"""Working a ticket (issue #22): status, assignee and staff comments, against the version the agent saw.

The rule is chalicelib/domain/tickets.py (`apply_ticket_change`); the store writes the change and
its history entries in one transaction conditional on that version, so of two agents editing at
once one wins and the other gets 409 `conflict` with the ticket as it is now (`current`).
"""

from __future__ import annotations

from typing import Any

from chalicelib.bootstrap import clock, store
from chalicelib.domain import model as rules
from chalicelib.domain.entities import Ticket
from chalicelib.domain.errors import Forbidden, InvalidField, StaleVersion, TicketChanged
from chalicelib.domain.model import Principal
from chalicelib.domain.tickets import (
    TicketStatus,
    TicketWorkflowState,
    apply_ticket_change,
    parse_ticket_change,
)
from chalicelib.services import notify
from chalicelib.services.views import access_of, ticket_history_view, ticket_view


def _state(ticket: Ticket) -> TicketWorkflowState:
    return TicketWorkflowState(
        ticket.ticket_id,
        TicketStatus(ticket.status or TicketStatus.OPEN.value),
        ticket.assignee_id,
        int(ticket.version or 0),
        ticket.updated_at,
        ticket.updated_by or None,
    )


def _check_may_work(principal: Principal, ticket: Ticket) -> None:
    if not principal.is_staff:
        raise Forbidden("only agents and admins work tickets")
    if ticket.conversation_id:
        # A ticket made from a chat carries its personal data: the chat's rule decides (as GET does).
        rules.check_can_see_chat(principal, access_of(store().conversations.get(ticket.conversation_id)))


def _check_assignee(assignee_id: str) -> None:
    agent = store().agents.get(assignee_id)
    if agent is None or agent.disabled:
        raise InvalidField("'assigneeId' is not an enabled agent or admin", field="assigneeId")


def _detail(ticket: Ticket) -> dict[str, Any]:
    history = store().tickets.history(ticket.ticket_id)
    return {**ticket_view(ticket), "history": [ticket_history_view(e) for e in history]}


def change_ticket(principal: Principal, ticket_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """`PATCH /tickets/{id}` `{version, status?, assigneeId?, comment?}`: the ticket after the change,
    with its history. Nothing is stored for bad input (400) or a stale version (409 with `current`)."""
    if not principal.is_staff:
        raise Forbidden("only agents and admins work tickets")
    change = parse_ticket_change(body)
    ticket = store().tickets.get(ticket_id)
    _check_may_work(principal, ticket)
    if isinstance(change.assignee_id, str):
        _check_assignee(change.assignee_id)
    try:
        result = apply_ticket_change(_state(ticket), change, actor=principal, now_ms=clock())
        if not result.changed:
            return _detail(ticket)
        updated = store().tickets.apply_change(ticket, result)
    except StaleVersion as exc:
        raise TicketChanged(exc, _detail(store().tickets.get(ticket_id))) from exc
    _push_changed(updated)
    return _detail(updated)


def _push_changed(ticket: Ticket) -> None:
    """After the write: every staff tab hears `ticket.updated` with the workflow fields only (no
    requester data, so a tab that may not see the ticket's chat learns nothing it could not list);
    a console showing that ticket reads it again, one at an older version knows its edit would 409."""
    frame = {
        "type": "ticket.updated",
        "ticket": {
            "ticketId": ticket.ticket_id,
            "version": int(ticket.version or 0),
            "status": ticket.status or TicketStatus.OPEN.value,
            "assigneeId": ticket.assignee_id,
            "updatedAt": ticket.updated_at,
            "updatedBy": ticket.updated_by or None,
        },
    }
    notify.to_all_staff(store().agents.in_every_status(), frame)
