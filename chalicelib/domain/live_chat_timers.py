"""Live-chat timers: the accept window and idle auto-close of an active chat.

Pure functions over small dataclasses: the settings (`LiveChatTimers`, each 0 = off) and the times
of one chat that the sweep decides on (`LiveChatClock`). services/live_timers.py finds the chats on
two sparse indexes, asks here what to do now (`live_chat_action`: nothing, reassign an agent who has
not taken the chat up, warn an idle customer, or close the chat), and acts with a conditional write
on what it read, so a customer who writes meanwhile wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib.domain.validation import int_field


@dataclass(frozen=True)
class LiveChatTimers:
    """Settings, each 0 = off: accept window (s), idle warning (min) and the close after it (min more)."""

    accept_window_seconds: int = 60
    idle_warning_minutes: int = 10
    idle_close_minutes: int = 5


def parse_live_chat_timers(body: dict[str, Any], current: LiveChatTimers | None = None) -> LiveChatTimers:
    """`acceptWindowSeconds` (0-3600), `idleWarningMinutes` and `idleCloseMinutes` (0-1440); absent keeps `current`."""
    base = current or LiveChatTimers()
    return LiveChatTimers(
        accept_window_seconds=int_field(
            body, "acceptWindowSeconds", minimum=0, maximum=3600, default=base.accept_window_seconds
        ),
        idle_warning_minutes=int_field(
            body, "idleWarningMinutes", minimum=0, maximum=1440, default=base.idle_warning_minutes
        ),
        idle_close_minutes=int_field(
            body, "idleCloseMinutes", minimum=0, maximum=1440, default=base.idle_close_minutes
        ),
    )


class LiveChatAction(StrEnum):
    NOTHING = "nothing"
    REASSIGN = "reassign"  # to the next eligible agent; the missing agent goes to break (휴식) with a notice
    WARN_IDLE = "warn_idle"  # a system line to the customer
    CLOSE_IDLE = "close_idle"  # a normal end: endedBy "system", reason IDLE_END_REASON


IDLE_END_REASON = "idle"
SYSTEM_ENDER = "system"


@dataclass(frozen=True)
class LiveChatClock:
    """The times of an active chat that the sweep decides on (epoch ms)."""

    assigned_at: int
    agent_opened_at: int | None = None  # the assigned agent opened the chat in the console
    agent_first_activity_at: int | None = None  # the assigned agent's first message
    last_customer_activity_at: int | None = None  # last customer message (None: none since the chat began)
    idle_warning_sent_at: int | None = None


def accept_deadline(clock: LiveChatClock, timers: LiveChatTimers) -> int | None:
    """When the chat leaves an agent who has not taken it up (the console's countdown); None once accepted or off."""
    if timers.accept_window_seconds == 0 or _accepted(clock):
        return None
    return clock.assigned_at + timers.accept_window_seconds * 1000


def accept_window_action(clock: LiveChatClock, timers: LiveChatTimers, now_ms: int) -> LiveChatAction:
    deadline = accept_deadline(clock, timers)
    return LiveChatAction.REASSIGN if deadline is not None and now_ms >= deadline else LiveChatAction.NOTHING


def idle_action(clock: LiveChatClock, timers: LiveChatTimers, now_ms: int) -> LiveChatAction:
    """Warn after W idle minutes, close C minutes after the warning; a customer message since the warning voids it.

    Idle time counts from the later of the last customer message and the assignment: a customer
    who waited in the queue is not idle for having waited.
    """
    if timers.idle_warning_minutes == 0:
        return LiveChatAction.NOTHING
    idle_since = max(clock.assigned_at, clock.last_customer_activity_at or 0)
    warning = clock.idle_warning_sent_at
    if warning is not None and warning >= idle_since:
        if timers.idle_close_minutes and now_ms - warning >= timers.idle_close_minutes * 60_000:
            return LiveChatAction.CLOSE_IDLE
        return LiveChatAction.NOTHING
    if now_ms - idle_since >= timers.idle_warning_minutes * 60_000:
        return LiveChatAction.WARN_IDLE
    return LiveChatAction.NOTHING


def live_chat_action(clock: LiveChatClock, timers: LiveChatTimers, now_ms: int) -> LiveChatAction:
    """What the sweep does with one active chat now. While the accept window runs, a chat its agent
    has not taken up is only reassigned: its customer is not warned for idling while nobody is there."""
    if accept_deadline(clock, timers) is not None:
        return accept_window_action(clock, timers, now_ms)
    return idle_action(clock, timers, now_ms)


def idle_sweep_cutoff(timers: LiveChatTimers, now_ms: int) -> int | None:
    """Chats whose last customer activity is at or before this may need a warning or a close (the
    sweep's range on the live-chats-by-activity index); None when idle close is off."""
    if timers.idle_warning_minutes == 0:
        return None
    return now_ms - timers.idle_warning_minutes * 60_000


def _accepted(clock: LiveChatClock) -> bool:
    # Activity before this assignment is the previous agent's (after a transfer or reassignment).
    return any(
        at is not None and at >= clock.assigned_at for at in (clock.agent_opened_at, clock.agent_first_activity_at)
    )
