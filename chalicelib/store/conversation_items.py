"""The conversation item, shared by the conversations, queues, lifecycle and messages modules: the
whole item with the index attributes its state implies, a domain Transition rendered as a condition
and update actions (with the index attributes the new state implies), the transfer hop's attribute,
and the conditional single-item update they use. Not a port (bulk.py writes `item_of` items)."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.entities import Conversation, Transfer
from chalicelib.domain.lifecycle import Clause, FirstOnly, Is, IsNot, Transition, applied, unaccepted
from chalicelib.domain.model import ConversationState, month_of
from chalicelib.store import keys
from chalicelib.store.convert import READ_SIDES, attribute_values, read_mark_attribute
from chalicelib.store.dynamo import is_condition_failure
from chalicelib.store.models import ConversationModel, TransferAttribute


def hop_item(hop: Transfer) -> TransferAttribute:
    return TransferAttribute(
        by=hop.by,
        from_agent_id=hop.from_agent_id,
        to_agent_id=hop.to_agent_id,
        to_team_id=hop.to_team_id,
        at=hop.at,
        note=hop.note or None,
    )


def with_hop(hop: Transfer) -> Action:
    return ConversationModel.transfers.set((ConversationModel.transfers | []).append([hop_item(hop)]))


def item_of(conv: Conversation) -> ConversationModel:
    """The whole item, with the index attributes its state implies (queue, live agent, history)."""
    conv.queued_key = conv.queued_key or keys.time_key(conv.inbound_at, conv.conversation_id)
    marks = {side: read_mark_attribute(mark) for side in READ_SIDES if (mark := getattr(conv, side)) is not None}
    active = conv.state == ConversationState.ACTIVE.value
    return ConversationModel(
        conv.conversation_id,
        inbound_key=keys.time_key(conv.inbound_at, conv.conversation_id),
        inbound_month=month_of(conv.inbound_at),
        **_index_values(conv),
        transfers=[hop_item(hop) for hop in conv.transfers] if conv.transfers else None,
        # Idle time counts from the assignment until the customer writes.
        customer_active_at=conv.customer_active_at or (conv.assigned_at if active else None),
        customer_name_lower=conv.customer_name.lower() if conv.customer_name else None,
        **attribute_values(
            conv, ConversationModel, skip=("conversation_id", "transfers", "customer_active_at", *READ_SIDES)
        ),
        **marks,
    )


# Each index attribute, and the conversation fields its value is derived from (_index_values).
_INDEX_INPUTS: dict[str, frozenset[str]] = {
    "queue_partition": frozenset({"state", "team_id"}),
    "live_agent_id": frozenset({"state", "agent_id"}),
    "live_partition": frozenset({"state"}),
    "accept_partition": frozenset({"state", "assigned_at", "agent_opened_at", "agent_active_at"}),
}


_ACCEPTING = frozenset({"agent_opened_at", "agent_active_at"})


def _index_values(conv: Conversation) -> dict[str, Any]:
    """The index attributes a conversation's state implies: its team's queue while waiting; the live
    agent and the live-activity index while active; the accept index until its agent opens or answers it."""
    active = conv.state == ConversationState.ACTIVE.value
    return {
        "queue_partition": keys.queue_partition(conv.team_id) if conv.is_waiting else None,
        "live_agent_id": conv.agent_id if active else None,
        "live_partition": keys.LIVE_PARTITION if active else None,
        "accept_partition": keys.UNACCEPTED_PARTITION if active and unaccepted(conv) else None,
    }


def _term(clause: Clause) -> Condition:
    attribute = getattr(ConversationModel, clause.name)
    if isinstance(clause, Is):
        return attribute.does_not_exist() if clause.value is None else attribute == clause.value
    if isinstance(clause, IsNot):
        return attribute != clause.value
    return attribute.exists()


def _set_or_remove(name: str, value: Any) -> Action:
    attribute = getattr(ConversationModel, name)
    if isinstance(value, FirstOnly):
        return attribute.set(attribute | value.value)
    return attribute.remove() if value is None else attribute.set(value)


def rendered(conv: Conversation, transition: Transition) -> tuple[list[Action], Condition]:
    """The transition as update actions and a condition on the conversation item. An index attribute
    is written only when the transition changes what it is derived from, so a message moves no
    index it does not have to."""
    actions = [_set_or_remove(name, value) for name, value in transition.changes.items()]
    if transition.hop is not None:
        actions.append(with_hop(transition.hop))
    changed = transition.changed_fields
    moved = [name for name, inputs in _INDEX_INPUTS.items() if inputs & changed]
    if moved:
        index_values = _index_values(applied(conv, transition))
        if changed & _ACCEPTING and "assigned_at" not in changed:
            # An open or a reply ends the accept window whatever the clocks say: the console's
            # request and the sweep that assigned the chat run on different machines.
            index_values["accept_partition"] = None
        actions += [_set_or_remove(name, index_values[name]) for name in moved]
    terms = [_term(clause) for clause in transition.precondition]
    condition = terms[0]
    for term in terms[1:]:
        condition &= term
    return actions, condition


def team_action(team_id: str | None) -> Action:
    return ConversationModel.team_id.set(team_id) if team_id else ConversationModel.team_id.remove()


def update_unless_refused(conversation_id: str, actions: list[Action], condition: Condition) -> bool:
    """One conditional UpdateItem: False when the condition refused it (any other failure is raised)."""
    try:
        ConversationModel(conversation_id).update(actions=actions, condition=condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True
