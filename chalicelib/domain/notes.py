"""Internal notes (내부 메모): staff-only lines in a chat. Pure Python.

A note is stored as a message with `sender_role` `note` (shown with `kind` `note`): it takes the
chat's next seq in the same append transaction as every other message, so staff read it in order
with the conversation, on a live chat or an ended one. It is never shown to a customer: not pushed
to the widget, left out of the customer's sync and REST reads, and never in anything sent to them.
Customers therefore see gaps in the seqs; a customer's batch says how far it covers (`throughSeq`).
"""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.domain.entities import Message
from chalicelib.domain.model import ConversationAccess, ConversationState, Principal

NOTE_ROLE = "note"
MAX_NOTE_CHARS = 2000  # as a message


def is_note(message: Message) -> bool:
    return message.sender_role == NOTE_ROLE


def is_whisper(author: Principal, conv: ConversationAccess) -> bool:
    """A whisper (issue #24): a supervisor's or admin's note on a live chat that is not theirs, for
    its agent (and other watchers); stored and pushed like every note, marked so the console shows it."""
    return author.supervises and conv.state is not ConversationState.ENDED and conv.agent_id != author.user_id


def may_read(principal: Principal, message: Message) -> bool:
    """Notes are for staff; every other message for whoever may read the chat."""
    return principal.is_staff or not is_note(message)


def visible(principal: Principal, messages: Iterable[Message]) -> list[Message]:
    return [m for m in messages if may_read(principal, m)]
