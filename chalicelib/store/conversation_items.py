"""The conversation item, shared by the conversations, queues and lifecycle modules: the whole
item with the index attributes its state implies, the transfer hop's attribute, and the
conditional single-item update they all use. Not a port (bulk.py writes `item_of` items)."""

from __future__ import annotations

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.entities import Conversation, Transfer
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
        queue_partition=keys.queue_partition(conv.team_id) if conv.is_waiting else None,
        live_agent_id=conv.agent_id if active else None,
        live_partition=keys.LIVE_PARTITION if active else None,
        accept_partition=keys.UNACCEPTED_PARTITION if active and _unaccepted(conv) else None,
        transfers=[hop_item(hop) for hop in conv.transfers] if conv.transfers else None,
        # Idle time counts from the assignment until the customer writes.
        customer_active_at=conv.customer_active_at or (conv.assigned_at if active else None),
        customer_name_lower=conv.customer_name.lower() if conv.customer_name else None,
        **attribute_values(
            conv, ConversationModel, skip=("conversation_id", "transfers", "customer_active_at", *READ_SIDES)
        ),
        **marks,
    )


def _unaccepted(conv: Conversation) -> bool:
    """Assigned, and since then neither opened nor answered by its agent (the accept index's rule)."""
    assigned = conv.assigned_at
    if assigned is None:
        return False
    return all(at is None or at < assigned for at in (conv.agent_opened_at, conv.agent_active_at))


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
