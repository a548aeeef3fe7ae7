"""Between pynamodb items and domain entities: the attribute names are the field names."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from pynamodb.models import Model

from chalicelib.domain.entities import Mask, MaskAuditEntry, Message
from chalicelib.domain.model import month_of
from chalicelib.store.keys import time_key, time_key_id
from chalicelib.store.models import MaskAttribute, MaskAuditModel

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


# --- messages and their masks (the masking service's reads and writes, and the audit) ---------


def mask_entity(attribute: MaskAttribute) -> Mask:
    return Mask(
        mask_id=attribute.mask_id,
        start=int(attribute.start),
        end=int(attribute.end),
        encrypted_key=bytes(attribute.encrypted_key),
        nonce=bytes(attribute.nonce),
        ciphertext=bytes(attribute.ciphertext),
        created_at=int(attribute.created_at),
        created_by=attribute.created_by,
    )


def mask_attribute(mask: Mask) -> MaskAttribute:
    return MaskAttribute(**dataclasses.asdict(mask))


def message_entity(item: Any) -> Message:
    """A message item (sort key `m#…`) as a Message, its masks as Mask entities."""
    masks = [mask_entity(m) for m in item.masks] if item.masks else None
    message = to_entity(item, Message, masks=masks)
    message.seq = int(message.seq)
    if message.mask_version is not None:
        message.mask_version = int(message.mask_version)
    return message


def audit_item(entry: MaskAuditEntry) -> MaskAuditModel:
    """A MaskAuditEntry as its item: sorted by time in its chat and in its month."""
    values = attribute_values(entry, MaskAuditModel, skip=("conversation_id",))
    return MaskAuditModel(
        entry.conversation_id, time_key(entry.at, entry.audit_id), month=month_of(entry.at), **values
    )


def audit_entity(item: MaskAuditModel) -> MaskAuditEntry:
    entry = to_entity(item, MaskAuditEntry, audit_id=time_key_id(item.at_key))
    for name in ("at", "seq", "start", "end"):
        setattr(entry, name, int(getattr(entry, name)))
    return entry
