"""Between pynamodb items and domain entities: the attribute names are the field names."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from pynamodb.models import Model

from chalicelib.domain.entities import Conversation

E = TypeVar("E")


def _fields(entity_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(entity_type))


def to_entity(item: Model, entity_type: type[E], **extra: Any) -> E:
    """The entity with every field read from the item's attribute of the same name."""
    values = {name: getattr(item, name, None) for name in _fields(entity_type) if name not in extra}
    return entity_type(**values, **extra)


def attribute_values(entity: Any, model_type: type[Model], *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The entity's fields that are attributes of the model (for a new item)."""
    attributes = model_type.get_attributes()
    return {
        name: value
        for name, value in dataclasses.asdict(entity).items()
        if name in attributes and name not in skip and value is not None
    }


# --- messages and mask audit entries (stored in more than one transaction) -------------------


def message_item(message: Any) -> Any:
    from chalicelib.store import keys
    from chalicelib.store.models import AttachmentAttribute, MaskAttribute, MessageModel

    skip = ("masks", "attachment")
    values = {f.name: getattr(message, f.name) for f in dataclasses.fields(message) if f.name not in skip}
    item = MessageModel(message.conversation_id, keys.message_sort_key(message.seq), **values)
    if message.masks:
        item.masks = [MaskAttribute(**dataclasses.asdict(m)) for m in message.masks]
    if message.attachment:
        item.attachment = AttachmentAttribute(**dataclasses.asdict(message.attachment))
    return item


def message_entity(item: Any) -> Any:
    from chalicelib.domain.entities import Attachment, Mask, Message

    masks = [Mask(**{f.name: getattr(m, f.name) for f in dataclasses.fields(Mask)}) for m in item.masks or []]
    stored = getattr(item, "attachment", None)
    attachment = None
    if stored is not None:
        values = {f.name: getattr(stored, f.name) for f in dataclasses.fields(Attachment)}
        for number in ("size", "width", "height"):
            values[number] = int(values[number]) if values[number] is not None else None
        attachment = Attachment(**values)
    return to_entity(item, Message, masks=masks or None, attachment=attachment)


def audit_item(entry: Any) -> Any:
    from chalicelib.domain.model import month_of
    from chalicelib.store import keys
    from chalicelib.store.models import MaskAuditModel

    values = {f.name: getattr(entry, f.name) for f in dataclasses.fields(entry) if f.name != "audit_id"}
    return MaskAuditModel(at_key=keys.time_key(entry.at, entry.audit_id), month=month_of(entry.at), **values)


def audit_entity(item: Any) -> Any:
    from chalicelib.domain.entities import MaskAuditEntry

    return to_entity(item, MaskAuditEntry, audit_id=item.at_key.split("#", 1)[1])


def mask_attribute(mask: Any) -> Any:
    """A Mask entity as the message item's map attribute (masking writes the list of them)."""
    from chalicelib.store.models import MaskAttribute

    return MaskAttribute(**dataclasses.asdict(mask))


# --- conversations (read receipts are map attributes) --------------------------------------------

READ_SIDES = ("customer_read", "agent_read")


def conversation_entity(item: Any) -> Conversation:
    """The conversation with its read receipts and transfer hops as entities."""
    from chalicelib.domain.entities import ReadMark, Transfer

    marks = {
        side: ReadMark(int(mark.seq), int(mark.at)) if (mark := getattr(item, side, None)) is not None else None
        for side in READ_SIDES
    }
    hops = [
        Transfer(h.by, h.from_agent_id, h.to_agent_id, h.to_team_id, int(h.at), h.note or "")
        for h in item.transfers or []
    ]
    return to_entity(item, Conversation, transfers=hops or None, **marks)


def read_mark_attribute(mark: Any) -> Any:
    from chalicelib.store.models import ReadMarkAttribute

    return ReadMarkAttribute(seq=mark.seq, at=mark.at)
