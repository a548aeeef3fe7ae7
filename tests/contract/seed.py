"""Conversations and messages put in place for the contract tests of the aggregates that read them
(history, masking, the export's reads). The conversations and messages store modules write them
through their own rules; these helpers only lay down a chat as it would be stored."""

from __future__ import annotations

from chalicelib.domain.entities import Conversation, Message
from chalicelib.store.facade import Store
from chalicelib.store.memory.history import MemoryHistory


def _is_memory(store: Store) -> bool:
    return isinstance(store.history, MemoryHistory)


def conversation(store: Store, conv: Conversation) -> Conversation:
    if _is_memory(store):
        with store.history.tables.lock:
            store.history.tables.table("conversations")[conv.conversation_id] = conv
        return conv
    from chalicelib.domain.model import month_of
    from chalicelib.store.convert import attribute_values
    from chalicelib.store.keys import time_key
    from chalicelib.store.models import ConversationModel

    ConversationModel(
        conv.conversation_id,
        inbound_key=time_key(conv.inbound_at, conv.conversation_id),
        inbound_month=month_of(conv.inbound_at),
        customer_name_lower=conv.customer_name.lower() if conv.customer_name else None,
        **attribute_values(conv, ConversationModel, skip=("conversation_id",)),
    ).save()
    return conv


def message(store: Store, msg: Message) -> Message:
    if _is_memory(store):
        with store.history.tables.lock:
            store.history.tables.table("messages")[(msg.conversation_id, msg.seq)] = msg
        return msg
    from chalicelib.store.convert import attribute_values, mask_attribute
    from chalicelib.store.keys import message_sort_key
    from chalicelib.store.models import MessageModel

    values = attribute_values(msg, MessageModel, skip=("conversation_id", "masks"))
    masks = [mask_attribute(m) for m in msg.masks] if msg.masks else None
    MessageModel(msg.conversation_id, message_sort_key(msg.seq), masks=masks, **values).save()
    return msg


def chat(store: Store, conversation_id: str, inbound_at: int, texts: list[str] = (), **fields) -> Conversation:
    """An ended chat and its customer messages (seq 1…)."""
    conv = conversation(
        store,
        Conversation(
            conversation_id=conversation_id,
            state=fields.pop("state", "ended"),
            customer_id="cust-" + conversation_id,
            inbound_at=inbound_at,
            consent_version=1,
            consented_at=inbound_at,
            last_seq=len(texts),
            **fields,
        ),
    )
    for seq, text in enumerate(texts, 1):
        message(
            store,
            Message(
                conversation_id,
                seq,
                sender_role="customer",
                sender_id="cust-" + conversation_id,
                sender_name="고객",
                text=text,
                created_at=inbound_at + seq,
            ),
        )
    return conv
