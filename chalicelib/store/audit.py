"""Masking (S-5): a message read for masking, its masked text written together with the audit
entries of the change, and the audit log read newest first by chat or by UTC month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pynamodb.exceptions import DoesNotExist, QueryError, TransactWriteError
from pynamodb.expressions.update import Action

from chalicelib.domain.entities import Mask, MaskAuditEntry, Message, Page
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.store.convert import audit_entity, audit_item, mask_attribute, message_entity
from chalicelib.store.dynamo import transaction
from chalicelib.store.failures import foreign_start_key, reason_failed, refused_start_key
from chalicelib.store.keys import message_sort_key
from chalicelib.store.models import MaskAuditModel, MessageModel


def get_message(conversation_id: str, seq: int) -> Message:
    try:
        return message_entity(MessageModel.get(conversation_id, message_sort_key(seq), consistent_read=True))
    except DoesNotExist as exc:
        raise NotFound("no such message") from exc


def save_masking(message: Message, text: str, masks: list[Mask], audit: Sequence[MaskAuditEntry]) -> Message:
    """Store a message's new masked text and masks with their audit entries, atomically, if nobody
    masked it meanwhile (its mask_version is still the one read): a change is never stored without
    its audit entry. Returns the message as stored; Conflict if it changed meanwhile."""
    version = int(message.mask_version or 0)
    condition = MessageModel.mask_version == version if version else MessageModel.mask_version.does_not_exist()
    actions: list[Action] = [
        MessageModel.text.set(text),
        MessageModel.masks.set([mask_attribute(m) for m in masks]) if masks else MessageModel.masks.remove(),
        MessageModel.mask_version.set(version + 1),
    ]
    try:
        with transaction() as tx:
            tx.update(
                MessageModel(message.conversation_id, message_sort_key(message.seq)),
                actions=actions,
                condition=condition & MessageModel.sort_key.exists(),
            )
            for entry in audit:
                tx.save(audit_item(entry), condition=MaskAuditModel.at_key.does_not_exist())
    except TransactWriteError as exc:
        reasons = list(exc.cancellation_reasons or [])
        # Puts first: the message's update is the last reason.
        if reasons and reason_failed(reasons[-1]):
            raise Conflict("the message was masked or unmasked meanwhile; reload it") from exc
        raise
    return replace(message, text=text, masks=list(masks) or None, mask_version=version + 1)


def _page(result: Any, start_key: dict[str, Any] | None) -> Page:
    try:
        entries = [audit_entity(item) for item in result]
    except QueryError as exc:
        if refused_start_key(exc, start_key):
            raise foreign_start_key() from exc
        raise
    return Page(entries, result.last_evaluated_key)


def of_conversation(conversation_id: str, limit: int, start_key: dict[str, Any] | None) -> Page:
    """One page of a chat's audit entries, newest first."""
    result = MaskAuditModel.query(conversation_id, scan_index_forward=False, limit=limit, last_evaluated_key=start_key)
    return _page(result, start_key)


def of_month(month: str, limit: int, start_key: dict[str, Any] | None) -> Page:
    """One page of a UTC month's (YYYY-MM) audit entries, newest first."""
    result = MaskAuditModel.by_month.query(month, scan_index_forward=False, limit=limit, last_evaluated_key=start_key)
    return _page(result, start_key)
