"""Read receipts: when a `read` (the highest seq one side has read) is worth a write. Pure Python.

Each side of a chat (the customer; the agent it is assigned to) has one stored read seq and the
time it was last written. A `read` up to seq N from a side:

- never moves the stored seq back: N at or below it is already known (no write, nothing to resend);
- is clamped to the chat's last seq, so a client cannot mark unsent messages read;
- writes at most once per READ_WRITE_INTERVAL_MS (2 s) per side: reading at typing speed costs one
  write per 2 s, not one per message.

A `read` inside the 2 s window is deferred, not dropped: the answer carries `retry_after_ms`, and the
client keeps the highest seq it has not had acknowledged and sends it once that time has passed (one
timer; reads in between only raise the seq it will send). So the final read of a burst is written at
most 2 s late. A client that goes away inside the window sends its read again when it next opens
the chat (the console and widget send `read` for what they show after sync); until then the other
side sees the previous receipt, never a wrong one.

The store applies the decision as a conditional write (`seq < new seq`, and no write since
`now - 2 s`), so two Lambdas deciding at once make one write; the loser answers deferred.
A server clock behind the stored time (another host's clock ahead) skips the time condition rather
than deferring until the clocks agree: the seq condition alone keeps the receipt from going back.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib.domain.model import ConversationAccess, Principal, Role
from chalicelib.domain.validation import int_field

READ_WRITE_INTERVAL_MS = 2000
MAX_SEQ = 2**53 - 1  # the largest integer JSON clients read exactly


class ReadSide(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"


def read_side_of(principal: Principal, conv: ConversationAccess) -> ReadSide | None:
    """Whose receipt a principal's reading moves: the customer's own, or the assigned agent's.

    An admin looking at a chat assigned to someone else moves neither: the customer would be told
    the agent read what the agent has not seen.
    """
    if principal.role is Role.CUSTOMER:
        return ReadSide.CUSTOMER if principal.conversation_id == conv.conversation_id else None
    if principal.is_staff and conv.agent_id == principal.user_id:
        return ReadSide.AGENT
    return None


def parse_read_seq(body: dict[str, Any]) -> int:
    """`{"seq": n}`: the highest seq the sender has read."""
    return int_field(body, "seq", minimum=0, maximum=MAX_SEQ)


@dataclass(frozen=True)
class StoredRead:
    """One side's stored receipt."""

    seq: int = 0
    written_at: int | None = None  # epoch ms of the last write; None: never written


class ReadOutcome(StrEnum):
    WRITE = "write"  # store `seq` (with the conditions), then push it to the other side
    ALREADY_READ = "already_read"  # nothing newer than what is stored: no write, no resend
    DEFERRED = "deferred"  # newer, but inside the 2 s window: the client resends after retry_after_ms


@dataclass(frozen=True)
class ReadDecision:
    outcome: ReadOutcome
    seq: int  # WRITE: the seq to store; otherwise the seq the client asked for (clamped)
    retry_after_ms: int = 0  # DEFERRED only
    # The store's write conditions (WRITE only): stored seq below `seq`, and, when not None, last
    # written at or before this time (no other write slipped in since the decision).
    written_at_most: int | None = None

    @property
    def needs_write(self) -> bool:
        return self.outcome is ReadOutcome.WRITE


def decide_read_write(
    requested_seq: int,
    stored: StoredRead,
    *,
    now_ms: int,
    last_seq: int | None = None,
    interval_ms: int = READ_WRITE_INTERVAL_MS,
) -> ReadDecision:
    """Whether a `read` up to `requested_seq` from one side is written now, later, or never."""
    seq = requested_seq if last_seq is None else min(requested_seq, last_seq)
    if seq <= stored.seq:
        return ReadDecision(ReadOutcome.ALREADY_READ, seq)
    if stored.written_at is None:
        return ReadDecision(ReadOutcome.WRITE, seq, written_at_most=None)
    elapsed = now_ms - stored.written_at
    if elapsed < 0:
        return ReadDecision(ReadOutcome.WRITE, seq, written_at_most=None)  # clock skew: see the module doc
    if elapsed < interval_ms:
        return ReadDecision(ReadOutcome.DEFERRED, seq, retry_after_ms=interval_ms - elapsed)
    return ReadDecision(ReadOutcome.WRITE, seq, written_at_most=now_ms - interval_ms)


def after_lost_race(decision: ReadDecision, *, interval_ms: int = READ_WRITE_INTERVAL_MS) -> ReadDecision:
    """The answer when the store's condition failed (another write came first): resend after a window."""
    return ReadDecision(ReadOutcome.DEFERRED, decision.seq, retry_after_ms=interval_ms)
