"""Read receipts (issue #22): a `read` up to a seq from one side, stored and pushed to the other side.

The rule is chalicelib/domain/read_receipts.py: never backwards, clamped to the chat's last seq, at
most one write per 2 s per side (a read inside the window is answered `deferred` with
`retryAfterMs`; the client sends its highest unacknowledged seq again then). A `read` costs the
conversation's GetItem and at most one UpdateItem (bench/dynamo_per_message.py counts it).
"""

from __future__ import annotations

from typing import Any

from chalicelib.bootstrap import clock, store
from chalicelib.domain.model import Principal
from chalicelib.domain.read_receipts import (
    ReadOutcome,
    StoredRead,
    after_lost_race,
    decide_read_write,
    parse_read_seq,
    read_side_of,
)
from chalicelib.domain.validation import only_fields
from chalicelib.services import notify
from chalicelib.services.messages import conversation_for


def mark_read(principal: Principal, connection_id: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """`{"action": "read", "conversationId", "seq"}` → `read.ack` to the sender; `read` to the other
    side (and the reader's other tabs) when a receipt was written."""
    only_fields(body, {"action", "conversationId", "seq"})
    seq = parse_read_seq(body)
    conv = conversation_for(principal, body, reading=True)
    side = read_side_of(principal, conv.access)
    ack: dict[str, Any] = {"type": "read.ack", "conversationId": conv.conversation_id}
    if side is None:
        # An admin (or a staff member reading an ended chat) who is not the chat's agent moves no receipt.
        return {**ack, "seq": seq, "outcome": "not_a_party", "retryAfterMs": 0}
    mark = conv.customer_read if side.value == "customer" else conv.agent_read
    stored = StoredRead(mark.seq, mark.at) if mark is not None else StoredRead()
    now = clock()
    decision = decide_read_write(seq, stored, now_ms=now, last_seq=conv.last_seq)
    if decision.needs_write:
        if store().conversations.record_read(
            conv.conversation_id, side.value, decision.seq, now, decision.written_at_most
        ):
            frame = {"type": "read", "conversationId": conv.conversation_id, "side": side.value, "seq": decision.seq}
            notify.to_both_sides(conv, frame, skip=connection_id)
        else:
            decision = after_lost_race(decision)
    outcome = "written" if decision.outcome is ReadOutcome.WRITE else decision.outcome.value
    return {**ack, "seq": decision.seq, "outcome": outcome, "retryAfterMs": decision.retry_after_ms}
