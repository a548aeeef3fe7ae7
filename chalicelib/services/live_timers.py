"""Live-chat timers (issue #21): the accept window and idle auto-close, and the agent's `open`.

Run from the scheduled sweep (app.py `presence_sweep`, every 2 minutes), so a timer fires up to
one period late. Each run reads only two sparse indexes, never the whole table:
- `accept-index`: chats assigned at or before `now - acceptWindowSeconds` that their agent has
  neither opened nor answered. Each goes back to the queue (its original place) and on to the next
  eligible agent; the agent who missed it is set to 휴식 (break) with a `chat.missed` notice.
- `live-activity-index`: active chats whose customer has been quiet since `now - W` or longer.
  `live_chat_timers.live_chat_action` decides: the warning line, or (C minutes after it) the close, a normal
  end with `endedBy: "system"` and `endReason: "idle"` that frees the seat.
Every change is a conditional write on what was read (the same assignment, the same customer
activity and warning), so two sweeps that overlap act once and a customer who writes meanwhile
wins. The decision is made on the index copy, and again on a strong read before acting.
"""

from __future__ import annotations

import logging
from typing import Any

from chalicelib.bootstrap import clock, store
from chalicelib.domain import model as rules
from chalicelib.domain.entities import Conversation
from chalicelib.domain.errors import Conflict, Forbidden, NotFound
from chalicelib.domain.hours import is_open
from chalicelib.domain.live_chat_timers import (
    IDLE_END_REASON,
    SYSTEM_ENDER,
    LiveChatAction,
    LiveChatClock,
    LiveChatTimers,
    idle_sweep_cutoff,
    live_chat_action,
)
from chalicelib.domain.model import AgentStatus, Principal, Role
from chalicelib.domain.routing import queue_team_id
from chalicelib.services import agent_status, notify
from chalicelib.services.assignment import assign_waiting_chats, push_queue_positions, queue_teams
from chalicelib.services.ending import announce_end
from chalicelib.services.messages import append_system_message, system_line
from chalicelib.services.routing_settings import RoutingSettings, WaitingAtClosing, load_routing_settings
from chalicelib.services.views import message_view

log = logging.getLogger(__name__)


def live_clock(conv: Conversation) -> LiveChatClock:
    return LiveChatClock(
        assigned_at=int(conv.assigned_at or 0),
        agent_opened_at=conv.agent_opened_at,
        agent_first_activity_at=conv.agent_active_at,
        last_customer_activity_at=conv.customer_active_at,
        idle_warning_sent_at=conv.idle_warning_at,
    )


def open_chat(principal: Principal, conversation_id: str) -> dict[str, Any]:
    """The console shows the chat to its agent: the accept window stops (one UpdateItem, the first
    time after each assignment). An admin looking at someone else's chat changes nothing."""
    if not principal.is_staff:
        raise Forbidden("only agents and admins open chats in the console")
    conv = store().conversations.get(conversation_id)
    rules.check_can_send(principal, conv.access)
    assigned_at = int(conv.assigned_at or 0)
    if conv.agent_id == principal.user_id and (conv.agent_opened_at or -1) < assigned_at:
        if not store().lifecycle.mark_opened(conv, principal.user_id, clock()):
            raise Conflict("the chat was ended or moved meanwhile")
    return {"type": "chat.opened", "conversationId": conv.conversation_id, "agentOpenedAt": conv.agent_opened_at}


CLOSED_END_REASON = "closed"  # waiting at closing time, with waitingAtClosing = close


def sweep(now_ms: int | None = None) -> dict[str, Any]:
    now = clock() if now_ms is None else now_ms
    routing = load_routing_settings()
    timers = routing.timers
    reassigned: list[str] = []
    warned = closed = 0
    if timers.accept_window_seconds:
        for conv in store().lifecycle.unaccepted(now - timers.accept_window_seconds * 1000):
            if _act(conv, timers, now, LiveChatAction.REASSIGN):
                reassigned.append(conv.conversation_id)
    cutoff = idle_sweep_cutoff(timers, now)
    if cutoff is not None:
        for conv in store().lifecycle.idle_candidates(cutoff):
            action = live_chat_action(live_clock(conv), timers, now)
            if action in (LiveChatAction.WARN_IDLE, LiveChatAction.CLOSE_IDLE) and _act(conv, timers, now, action):
                if action is LiveChatAction.WARN_IDLE:
                    warned += 1
                else:
                    closed += 1
    if reassigned or closed:
        assign_waiting_chats()
    result = {"chatsReassigned": len(reassigned), "idleWarnings": warned, "idleClosed": closed}
    if routing.waiting_at_closing is WaitingAtClosing.CLOSE:
        result["waitingClosed"] = _close_waiting_out_of_hours(routing, now)
    log.info("live-chat timers: %s", result)
    return result


def _close_waiting_out_of_hours(routing: RoutingSettings, now: int) -> int:
    """Out of hours, chats still waiting end with a line pointing to 문의하기 (`endReason: "closed"`);
    a team's own hours decide for its queue. Live chats are never cut."""
    closed = 0
    teams = {team.team_id: team for team in routing.teams}
    for team_id in queue_teams(routing.teams):
        team = teams.get(team_id or "")
        hours = team.hours if team is not None and team.hours is not None else routing.hours
        if hours is None or is_open(hours, now):
            continue
        for conv in store().queues.waiting(team_id=team_id):
            line = system_line(conv, "closed_waiting")
            try:
                store().lifecycle.end(conv, SYSTEM_ENDER, now, reason=CLOSED_END_REASON, line=line)
            except Conflict:
                continue  # taken or ended meanwhile
            closed += 1
            # Both sides: a waiting chat has no agent, but supervisors may be watching it (issue #24).
            notify.to_both_sides(conv, {"type": "message.new", "message": message_view(line)})
            frame = {
                "type": "chat.ended",
                "conversationId": conv.conversation_id,
                "endedBy": SYSTEM_ENDER,
                "endReason": CLOSED_END_REASON,
                "endedAt": now,
            }
            notify.to_both_sides(conv, frame)
    if closed:
        push_queue_positions(routing.teams)
    return closed


def _act(conv: Conversation, timers: LiveChatTimers, now: int, expected: LiveChatAction) -> bool:
    """Re-read strongly, re-decide, act with a conditional write; False when there is nothing to do
    (any more) or another sweep or a message got there first."""
    try:
        conv = store().conversations.get(conv.conversation_id)
    except NotFound:
        return False
    if not conv.state == "active" or live_chat_action(live_clock(conv), timers, now) is not expected:
        return False
    try:
        if expected is LiveChatAction.REASSIGN:
            _reassign(conv, timers)
        elif expected is LiveChatAction.WARN_IDLE:
            _warn(conv, timers)
        else:
            _close(conv, now)
    except Conflict:
        log.info("live-chat timer %s lost to a change of %s", expected.value, conv.conversation_id)
        return False
    return True


def _warn(conv: Conversation, timers: LiveChatTimers) -> None:
    line = system_line(conv, "idle_warning", minutes=str(timers.idle_close_minutes))
    if not timers.idle_close_minutes:
        line.text = "답변이 없으셔서 상담원이 기다리고 있습니다."  # C = 0: warned, never closed
    store().lifecycle.warn_idle(conv, line)
    notify.to_both_sides(conv, {"type": "message.new", "message": message_view(line)})


def _close(conv: Conversation, now: int) -> None:
    line = system_line(conv, "idle_closed")
    store().lifecycle.end(conv, SYSTEM_ENDER, now, reason=IDLE_END_REASON, line=line, if_idle_unchanged=True)
    conv = store().conversations.get(conv.conversation_id)
    notify.to_both_sides(conv, {"type": "message.new", "message": message_view(line)})
    announce_end(conv)


def _reassign(conv: Conversation, timers: LiveChatTimers) -> None:
    agent_id = conv.agent_id or ""
    store().lifecycle.return_unaccepted(conv, to_team_id=queue_team_id(load_routing_settings().teams, conv.team_id))
    agent = store().agents.get(agent_id)
    if agent is None:
        return
    notify.to_agent(agent, {"type": "chat.unassigned", "conversationId": conv.conversation_id})
    append_system_message(store().conversations.get(conv.conversation_id), "returned_to_queue")
    notice = {
        "type": "chat.missed",
        "conversationId": conv.conversation_id,
        "acceptWindowSeconds": timers.accept_window_seconds,
        "status": AgentStatus.BREAK.value,
    }
    notify.to_agent(agent, notice)
    if agent.status == AgentStatus.ONLINE.value:
        # The same path as choosing 휴식: the agent's other unanswered chats go back too, the tabs
        # get `agent.status`, and the queue is served by the others.
        agent_status.set_status(Principal(role=Role(agent.role), user_id=agent_id), {"status": "break"})
