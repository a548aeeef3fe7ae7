"""The ticket workflow: status, assignee, staff comments and their history, against a version. Pure Python.

Statuses (stored as the code, shown as the label):

    open        접수    received, nobody has started it
    in_progress 처리중  someone is working on it
    on_hold     보류    waiting (for the customer, another team, a delivery)
    solved      완료    done

Transitions (anything else is refused, naming both ends):

    open        -> in_progress, on_hold, solved
    in_progress -> on_hold, solved, open    (open: handed back unworked, e.g. to the queue)
    on_hold     -> in_progress, solved
    solved      -> in_progress              (reopened: worked again, never back to 접수)

Setting the status a ticket already has is no change (no history entry), not an error.
Entering in_progress or solved with nobody assigned assigns the one who made the change: a
ticket being worked, or worked to the end, always names who did it.
The assignee may change in any status but solved (reopen it first; solving and reassigning in one
change is allowed); `assigneeId: null` unassigns, except in in_progress and solved.

Versions: a ticket starts at version 0 and every change that records something adds one. The
caller sends the version it saw; a different current version raises StaleVersion (409 `conflict`)
carrying the current one, so the console reloads and shows the other agent's change. The store
makes the same check atomic with a condition `version = expected_version` on its write.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from chalicelib.domain.accounts import username_field
from chalicelib.domain.errors import Forbidden, InvalidField, StaleVersion
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import enum_field, int_field, only_fields, text_field

MAX_COMMENT_CHARS = 2000
MAX_VERSION = 10**9


class TicketStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    SOLVED = "solved"


STATUS_LABELS: dict[str, dict[TicketStatus, str]] = {
    "ko": {
        TicketStatus.OPEN: "접수",
        TicketStatus.IN_PROGRESS: "처리중",
        TicketStatus.ON_HOLD: "보류",
        TicketStatus.SOLVED: "완료",
    },
    "en": {
        TicketStatus.OPEN: "Open",
        TicketStatus.IN_PROGRESS: "In progress",
        TicketStatus.ON_HOLD: "On hold",
        TicketStatus.SOLVED: "Solved",
    },
}

ALLOWED_TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.OPEN: frozenset({TicketStatus.IN_PROGRESS, TicketStatus.ON_HOLD, TicketStatus.SOLVED}),
    TicketStatus.IN_PROGRESS: frozenset({TicketStatus.ON_HOLD, TicketStatus.SOLVED, TicketStatus.OPEN}),
    TicketStatus.ON_HOLD: frozenset({TicketStatus.IN_PROGRESS, TicketStatus.SOLVED}),
    TicketStatus.SOLVED: frozenset({TicketStatus.IN_PROGRESS}),
}
_NEEDS_ASSIGNEE = frozenset({TicketStatus.IN_PROGRESS, TicketStatus.SOLVED})


def status_label(status: TicketStatus, lang: str = "ko") -> str:
    return STATUS_LABELS.get(lang, STATUS_LABELS["ko"])[status]


def may_transition(current: TicketStatus, target: TicketStatus) -> bool:
    return target == current or target in ALLOWED_TRANSITIONS[current]


class TicketField(StrEnum):
    """What a history entry is about."""

    STATUS = "status"
    ASSIGNEE = "assignee"
    COMMENT = "comment"


@dataclass(frozen=True)
class TicketWorkflowState:
    """The part of a ticket the workflow changes (the rest, title and content, it never touches)."""

    ticket_id: str
    status: TicketStatus = TicketStatus.OPEN
    assignee_id: str | None = None
    version: int = 0
    updated_at: int | None = None  # epoch ms of the last change
    updated_by: str | None = None


@dataclass(frozen=True)
class TicketHistoryEntry:
    """One line of a ticket's history: who, when, what, from -> to. A comment has no `from`."""

    ticket_id: str
    version: int  # the version the change produced
    index: int  # order within one change (status before assignee before comment)
    at: int  # epoch ms
    actor_id: str
    field: TicketField
    from_value: str | None
    to_value: str | None


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()  # `assigneeId` absent from the body, as opposed to null (unassign)


@dataclass(frozen=True)
class TicketChange:
    """A validated change request: the version it was made against and what it changes."""

    seen_version: int
    status: TicketStatus | None = None
    assignee_id: str | None | _Unchanged = UNCHANGED
    comment: str | None = None


def parse_ticket_change(body: dict[str, Any]) -> TicketChange:
    """`{"version": n, "status"?: code, "assigneeId"?: id | null, "comment"?: text}`, at least one change."""
    only_fields(body, {"version", "status", "assigneeId", "comment"})
    seen_version = int_field(body, "version", minimum=0, maximum=MAX_VERSION)
    status = enum_field(body, "status", TicketStatus, required=False)
    assignee: str | None | _Unchanged = UNCHANGED
    if "assigneeId" in body:
        # Staff ids are Cognito usernames (e-mail addresses here): a username, not an `id_field`.
        assignee = None if body["assigneeId"] is None else username_field(body, "assigneeId")
        if body["assigneeId"] is not None and assignee is None:
            raise InvalidField("'assigneeId' must be a staff username, or null to unassign", field="assigneeId")
    comment = text_field(body, "comment", max_chars=MAX_COMMENT_CHARS, required=False, allow_newlines=True)
    if "comment" in body and comment is None:
        raise InvalidField("'comment' must not be empty or only spaces", field="comment")
    if status is None and assignee is UNCHANGED and comment is None:
        raise InvalidField("nothing to change: give status, assigneeId or comment")
    return TicketChange(seen_version, status, assignee, comment)


@dataclass(frozen=True)
class TicketChangeResult:
    ticket: TicketWorkflowState
    entries: tuple[TicketHistoryEntry, ...]
    expected_version: int  # the store's write condition: the version must still be this

    @property
    def changed(self) -> bool:
        """False when the change repeats the current state: nothing to write."""
        return bool(self.entries)


def apply_ticket_change(
    ticket: TicketWorkflowState, change: TicketChange, *, actor: Principal, now_ms: int
) -> TicketChangeResult:
    """The ticket after `change` by `actor`, and the history entries to store with it.

    Raises StaleVersion when the caller saw another version, InvalidField for a transition the
    workflow does not allow, Forbidden for a customer. The assignee's existence and role are the
    service's to check (it reads the directory); here an assignee is an id.
    """
    if not actor.is_staff:
        raise Forbidden("only agents and admins work tickets")
    if change.seen_version != ticket.version:
        raise StaleVersion(
            f"the ticket changed since you opened it (version {change.seen_version}, now {ticket.version}): "
            "reload to see the change",
            current_version=ticket.version,
        )
    new_version = ticket.version + 1
    changes: list[tuple[TicketField, str | None, str | None]] = []

    status = ticket.status
    if change.status is not None and change.status != ticket.status:
        if not may_transition(ticket.status, change.status):
            allowed = ", ".join(sorted(ALLOWED_TRANSITIONS[ticket.status]))
            raise InvalidField(
                f"a ticket cannot go from {ticket.status} ({status_label(ticket.status)}) to {change.status} "
                f"({status_label(change.status)}); from {ticket.status} it can go to: {allowed}",
                field="status",
            )
        status = change.status
        changes.append((TicketField.STATUS, ticket.status.value, status.value))

    assignee = ticket.assignee_id
    if not isinstance(change.assignee_id, _Unchanged) and change.assignee_id != ticket.assignee_id:
        if ticket.status is TicketStatus.SOLVED and status is TicketStatus.SOLVED:
            raise InvalidField("a solved ticket keeps its assignee: reopen it (in_progress) first", field="assigneeId")
        if change.assignee_id is None and status in _NEEDS_ASSIGNEE:
            raise InvalidField(
                f"a ticket {status} ({status_label(status)}) needs an assignee: hand it back (open) to unassign",
                field="assigneeId",
            )
        assignee = change.assignee_id
    if assignee is None and status in _NEEDS_ASSIGNEE and status != ticket.status:
        assignee = actor.user_id  # who starts or finishes the work owns it
    if assignee != ticket.assignee_id:
        changes.append((TicketField.ASSIGNEE, ticket.assignee_id, assignee))

    if change.comment is not None:
        changes.append((TicketField.COMMENT, None, change.comment))

    if not changes:
        return TicketChangeResult(ticket, (), expected_version=ticket.version)
    entries = tuple(
        TicketHistoryEntry(ticket.ticket_id, new_version, i, now_ms, actor.user_id, field, old, new)
        for i, (field, old, new) in enumerate(changes)
    )
    updated = replace(
        ticket, status=status, assignee_id=assignee, version=new_version, updated_at=now_ms, updated_by=actor.user_id
    )
    return TicketChangeResult(updated, entries, expected_version=ticket.version)
