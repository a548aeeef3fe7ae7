"""The wallboard (실시간 현황판, issue #24): when a viewer may get a snapshot, and which changes matter.

Pure rules. A viewer gets at most one snapshot per THROTTLE_MS; a change inside that window is not
dropped but marks the viewer pending, and one delayed catch-up (a trailing update) follows when the
window has passed. The store enforces each decision with a conditional write on what was read, so
two functions deciding at once push once (docs/protocol.md#wallboard).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.entities import Conversation

THROTTLE_MS = 1000  # at most one snapshot per viewer per second
# SQS DelaySeconds is whole seconds (0-900): a trailing update comes 1-2 s after the change.
MIN_TRAILING_DELAY_S = 1
MAX_TRAILING_DELAY_S = 900


class Decision(StrEnum):
    PUSH = "push"  # the window has passed: push now (and clear any pending mark)
    MARK_PENDING = "mark_pending"  # inside the window, nothing pending: mark, and schedule a catch-up
    COVERED = "covered"  # inside the window, a catch-up is already scheduled: it will carry this change
    RESCHEDULE = "reschedule"  # a catch-up arrived early (clock skew): schedule another
    NOTHING = "nothing"  # a catch-up run, and the viewer is owed nothing (a push since carried it all)


@dataclass(frozen=True)
class ViewerMark:
    """What a viewer's connection item holds: when it last got a snapshot, when it was marked pending."""

    connection_id: str
    pushed_at: int | None = None
    pending_at: int | None = None


def throttle_decision(now_ms: int, viewer: ViewerMark, *, catch_up: bool, changed: bool = True) -> Decision:
    """What one run at `now_ms` does for one viewer. `changed`: the run carries a change signal;
    `catch_up`: it carries a scheduled trailing one (a batch of signals may carry both)."""
    if not changed and viewer.pending_at is None:
        return Decision.NOTHING  # only a catch-up, and this viewer is owed nothing
    if viewer.pushed_at is None or now_ms - viewer.pushed_at >= THROTTLE_MS:
        return Decision.PUSH
    if viewer.pending_at is None:
        return Decision.MARK_PENDING
    # Pending and inside the window. A catch-up run meeting this was due (or another run's catch-up is
    # still in flight): one more delayed message keeps the last change from being lost; a duplicate
    # only pushes once, the write on pushed_at decides.
    return Decision.RESCHEDULE if catch_up else Decision.COVERED


def trailing_delay_seconds(now_ms: int, pushed_at: int | None) -> int:
    """Whole seconds until the viewer's window has passed (SQS DelaySeconds), at least one."""
    if pushed_at is None:
        return MIN_TRAILING_DELAY_S
    remaining_ms = pushed_at + THROTTLE_MS - now_ms
    return max(MIN_TRAILING_DELAY_S, min(MAX_TRAILING_DELAY_S, math.ceil(remaining_ms / 1000)))


# What the wallboard shows of a chat: a stream record changing none of these (a message's last_seq,
# a read receipt, typing timers, customer details) triggers no snapshot.
_SHOWN_FIELDS = (
    "state",
    "agent_id",
    "team_id",
    "queued_key",
    "inbound_at",
    "first_response_at",
    "ended_at",
    "ended_by",
    "rating",
)


def conversation_change_matters(old: Conversation | None, new: Conversation | None) -> bool:
    """True when a conversation's change moves something the wallboard shows (queue, seats, today's counts)."""
    if old is None or new is None:
        return old is not new  # created (or deleted) chats change the counts
    return any(getattr(old, name) != getattr(new, name) for name in _SHOWN_FIELDS)
