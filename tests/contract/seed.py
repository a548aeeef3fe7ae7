"""Conversations and messages put in place (store.bulk) for the contract tests of the aggregates
that read them: history, masking, the export's reads."""

from __future__ import annotations

from chalicelib.domain.entities import Conversation, Message
from chalicelib.store.facade import Store


def conversation(store: Store, conv: Conversation) -> Conversation:
    store.bulk.save_all([conv])
    return conv


def message(store: Store, msg: Message) -> Message:
    store.bulk.save_all([msg])
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
