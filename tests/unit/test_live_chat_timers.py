"""The accept window and idle auto-close (chalicelib/domain/live_chat_timers.py)."""

from __future__ import annotations

import pytest

from chalicelib.domain import live_chat_timers
from chalicelib.domain.errors import InvalidField
from chalicelib.domain.live_chat_timers import LiveChatAction, LiveChatClock, LiveChatTimers

NOW = 1796169600000  # 2026-12-02T00:00Z
MIN = 60_000
TIMERS = LiveChatTimers()  # 60 s, warn after 10 min, close 5 min later
ASSIGNED = NOW - 60 * MIN


def clock(**kw: int | None) -> LiveChatClock:
    return LiveChatClock(assigned_at=kw.pop("assigned_at", ASSIGNED), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("case", "facts", "timers", "now", "action"),
    [
        ("within the accept window", clock(), TIMERS, ASSIGNED + 59_999, LiveChatAction.NOTHING),
        ("the window runs out", clock(), TIMERS, ASSIGNED + 60_000, LiveChatAction.REASSIGN),
        ("opened in time", clock(agent_opened_at=ASSIGNED + 5_000), TIMERS, ASSIGNED + 90_000, LiveChatAction.NOTHING),
        (
            "answered in time",
            clock(agent_first_activity_at=ASSIGNED + 5_000),
            TIMERS,
            ASSIGNED + 90_000,
            LiveChatAction.NOTHING,
        ),
        (
            "the previous agent's activity does not count",
            clock(agent_first_activity_at=ASSIGNED - 1),
            TIMERS,
            ASSIGNED + 60_000,
            LiveChatAction.REASSIGN,
        ),
        (
            "accept window off",
            clock(),
            LiveChatTimers(accept_window_seconds=0),
            ASSIGNED + 3_600_000,
            LiveChatAction.WARN_IDLE,
        ),
        (
            "not taken up: reassigned, the customer not warned",
            clock(),
            TIMERS,
            ASSIGNED + 30 * MIN,
            LiveChatAction.REASSIGN,
        ),
        # idle (the agent has opened the chat)
        (
            "customer wrote 9 min ago",
            clock(agent_opened_at=ASSIGNED, last_customer_activity_at=NOW - 9 * MIN),
            TIMERS,
            NOW,
            LiveChatAction.NOTHING,
        ),
        (
            "customer idle 10 min: warn",
            clock(agent_opened_at=ASSIGNED, last_customer_activity_at=NOW - 10 * MIN),
            TIMERS,
            NOW,
            LiveChatAction.WARN_IDLE,
        ),
        (
            "idle counts from the assignment, not the time in the queue",
            clock(assigned_at=NOW - 5 * MIN, agent_opened_at=NOW - 5 * MIN, last_customer_activity_at=NOW - 40 * MIN),
            TIMERS,
            NOW,
            LiveChatAction.NOTHING,
        ),
        (
            "warned 4 min ago",
            clock(
                agent_opened_at=ASSIGNED, last_customer_activity_at=NOW - 14 * MIN, idle_warning_sent_at=NOW - 4 * MIN
            ),
            TIMERS,
            NOW,
            LiveChatAction.NOTHING,
        ),
        (
            "warned 5 min ago: close",
            clock(
                agent_opened_at=ASSIGNED, last_customer_activity_at=NOW - 15 * MIN, idle_warning_sent_at=NOW - 5 * MIN
            ),
            TIMERS,
            NOW,
            LiveChatAction.CLOSE_IDLE,
        ),
        (
            "a late sweep still gives the full C minutes after the warning",
            clock(
                agent_opened_at=ASSIGNED, last_customer_activity_at=NOW - 50 * MIN, idle_warning_sent_at=NOW - 1 * MIN
            ),
            TIMERS,
            NOW,
            LiveChatAction.NOTHING,
        ),
        (
            "a message after the warning voids it",
            clock(
                agent_opened_at=ASSIGNED, last_customer_activity_at=NOW - 3 * MIN, idle_warning_sent_at=NOW - 6 * MIN
            ),
            TIMERS,
            NOW,
            LiveChatAction.NOTHING,
        ),
        (
            "...and idles again later: a new warning",
            clock(
                agent_opened_at=ASSIGNED, last_customer_activity_at=NOW - 11 * MIN, idle_warning_sent_at=NOW - 20 * MIN
            ),
            TIMERS,
            NOW,
            LiveChatAction.WARN_IDLE,
        ),
        (
            "idle off",
            clock(agent_opened_at=ASSIGNED),
            LiveChatTimers(idle_warning_minutes=0),
            NOW,
            LiveChatAction.NOTHING,
        ),
        (
            "close off: warn only",
            clock(agent_opened_at=ASSIGNED, idle_warning_sent_at=NOW - 50 * MIN),
            LiveChatTimers(idle_close_minutes=0),
            NOW,
            LiveChatAction.NOTHING,
        ),
        (
            "the customer never wrote",
            clock(agent_opened_at=ASSIGNED),
            TIMERS,
            ASSIGNED + 10 * MIN,
            LiveChatAction.WARN_IDLE,
        ),
    ],
)
def test_live_chat_action(
    case: str, facts: LiveChatClock, timers: LiveChatTimers, now: int, action: LiveChatAction
) -> None:
    assert live_chat_timers.live_chat_action(facts, timers, now) is action, case


def test_accept_deadline_for_the_console_countdown() -> None:
    assert live_chat_timers.accept_deadline(clock(), TIMERS) == ASSIGNED + 60_000
    assert live_chat_timers.accept_deadline(clock(agent_opened_at=ASSIGNED), TIMERS) is None
    assert live_chat_timers.accept_deadline(clock(), LiveChatTimers(accept_window_seconds=0)) is None


def test_the_idle_sweep_reads_chats_idle_since_the_warning_time() -> None:
    assert live_chat_timers.idle_sweep_cutoff(TIMERS, NOW) == NOW - 10 * MIN
    assert live_chat_timers.idle_sweep_cutoff(LiveChatTimers(idle_warning_minutes=0), NOW) is None


def test_timer_settings_parse_with_defaults_and_limits() -> None:
    assert live_chat_timers.parse_live_chat_timers({}) == LiveChatTimers(60, 10, 5)
    assert live_chat_timers.parse_live_chat_timers(
        {"acceptWindowSeconds": 0, "idleCloseMinutes": "7"}
    ) == LiveChatTimers(0, 10, 7)
    kept = live_chat_timers.parse_live_chat_timers({"idleWarningMinutes": 3}, LiveChatTimers(30, 10, 5))
    assert kept == LiveChatTimers(30, 3, 5)
    for bad in [{"acceptWindowSeconds": -1}, {"idleWarningMinutes": 1441}, {"idleCloseMinutes": True}]:
        with pytest.raises(InvalidField) as caught:
            live_chat_timers.parse_live_chat_timers(bad)
        assert caught.value.field == next(iter(bad))
