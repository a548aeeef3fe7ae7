"""The wallboard (실시간 현황판, issue #24): pushed to its viewers, never polled.

- `subscribe`: an admin page's connection becomes a viewer and gets the whole snapshot as the answer.
- `signal`: something the wallboard shows changed (an agent's status or account from the services,
  a chat from the conversations' stream): one SQS message to the wallboard function. The chat
  handlers never call it for a message: a message changes nothing the wallboard shows, and the
  stream function filters those records out (domain/wallboard.conversation_change_matters).
- `push_updates`: the wallboard function. Each viewer gets the snapshot at most once per second
  (domain/wallboard.throttle_decision, enforced by conditional writes on the viewer's connection
  item); a change inside the window marks the viewer pending and queues one delayed catch-up, so
  the last change always arrives, 1-2 s later at most.
docs/protocol.md#wallboard has the frames, docs/reports.md the cost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from chalicelib.bootstrap import clock, store
from chalicelib.domain import wallboard as rules
from chalicelib.domain.access import Audience, admit
from chalicelib.domain.errors import NotFound
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import only_fields
from chalicelib.domain.wallboard import Decision, ViewerMark
from chalicelib.realtime import wallboard_queue
from chalicelib.services import notify

log = logging.getLogger(__name__)

SNAPSHOT = "wallboard.snapshot"
MAX_ATTEMPTS = 3  # a write that lost to another function: read the viewer again, decide again


def subscribe(principal: Principal, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The connection becomes a viewer; the answer is the full snapshot (also after every reconnect)."""
    from chalicelib.services.wallboard_view import snapshot

    admit(Audience.WALLBOARD, principal)  # the action's audience, checked again for direct callers
    only_fields(body, {"action"})  # nothing to choose yet: a field sent by mistake is refused, not ignored
    now = clock()
    if not store().wallboard.subscribe(connection_id, now):
        raise NotFound("this connection is gone")
    return {"type": SNAPSHOT, **snapshot(now)}


def signal(reason: str) -> None:
    """A change the wallboard shows was stored: wake the wallboard function (no-op without the queue)."""
    wallboard_queue.send(reason, clock())


def stream_batch_matters(records: Iterable[dict[str, Any]]) -> bool:
    """Whether a batch of the conversations' stream changed anything the wallboard shows."""
    for record in records:
        if record.get("eventName") == "REMOVE":
            continue  # retention deletes ended chats: nothing on the wallboard moves
        images = record.get("dynamodb") or {}
        old, new = (
            store().reports.conversation_of_image(images[name]) if images.get(name) else None
            for name in ("OldImage", "NewImage")
        )
        if rules.conversation_change_matters(old, new):
            return True
    return False


def _settle(seen: ViewerMark, now: int, catch_up: bool, changed: bool) -> tuple[Decision, ViewerMark] | None:
    """Decide for one viewer and make it stick; None when the viewer is gone."""
    for _ in range(MAX_ATTEMPTS):
        decision = rules.throttle_decision(now, seen, catch_up=catch_up, changed=changed)
        if decision in (Decision.COVERED, Decision.RESCHEDULE, Decision.NOTHING):
            return decision, seen
        won = (
            store().wallboard.claim_push(seen, now)
            if decision is Decision.PUSH
            else store().wallboard.mark_pending(seen, now)
        )
        if won:
            return decision, seen
        fresh = store().wallboard.viewer(seen.connection_id)  # the index was stale, or another run won
        if fresh is None:
            return None
        seen = fresh
    return Decision.COVERED, seen  # still contended: the winner pushes or schedules


def push_updates(*, catch_up: bool, changed: bool = True) -> dict[str, int]:
    """One run of the wallboard function: the snapshot to every viewer whose window has passed, a
    pending mark and one delayed catch-up for the others. The snapshot is read once per run, and only
    if someone gets it."""
    from chalicelib.services.wallboard_view import snapshot

    now = clock()
    frame: dict[str, Any] | None = None
    delay: int | None = None
    outcomes: dict[str, int] = {}
    for seen in store().wallboard.viewers():
        settled = _settle(seen, now, catch_up, changed)
        if settled is None:
            continue
        decision, mark = settled
        outcomes[decision.value] = outcomes.get(decision.value, 0) + 1
        if decision is Decision.PUSH:
            frame = frame or {"type": SNAPSHOT, **snapshot(now)}
            notify.send([mark.connection_id], frame)
        elif decision in (Decision.MARK_PENDING, Decision.RESCHEDULE):
            wait = rules.trailing_delay_seconds(now, mark.pushed_at)
            delay = wait if delay is None else min(delay, wait)
    if delay is not None:  # one catch-up for every viewer marked in this run
        wallboard_queue.send("catch-up", now, catch_up=True, delay_seconds=delay)
        outcomes["scheduled"] = delay
    return outcomes


def handle_batch(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The wallboard function's SQS batch: any number of signals make one run, which is a catch-up if
    any of them is, and carries a change if any of them does."""
    kinds: set[bool] = set()
    for record in records:
        try:
            kinds.add(bool(json.loads(record.get("body") or "{}").get("catchUp")))
        except (ValueError, AttributeError):
            log.warning("wallboard: a signal that is not JSON was ignored")
    if not kinds:
        return {"batchItemFailures": [], "outcomes": {}}
    outcomes = push_updates(catch_up=True in kinds, changed=False in kinds)
    log.info("wallboard: %s", outcomes)
    return {"batchItemFailures": [], "outcomes": outcomes}
