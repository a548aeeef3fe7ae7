"""Uploads asked for (`a#<id>` items beside the chat's messages) and the chat's count of them."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError

from chalicelib.domain.entities import AttachmentUpload, Conversation
from chalicelib.domain.errors import LimitReached
from chalicelib.domain.model import ConversationState
from chalicelib.store import keys
from chalicelib.store.convert import attribute_values, to_entity
from chalicelib.store.dynamo import is_condition_failure, transaction
from chalicelib.store.models import AttachmentUploadModel, ConversationModel


def reserve(conv: Conversation, upload: AttachmentUpload, max_files: int) -> None:
    """Store the upload and count it on the chat, atomically: refused past `max_files` or once the
    chat has ended (LimitReached; the caller re-reads the chat to tell which)."""
    condition = ConversationModel.state != ConversationState.ENDED.value
    condition &= ConversationModel.attachment_count.does_not_exist() | (ConversationModel.attachment_count < max_files)
    item = AttachmentUploadModel(
        upload.conversation_id,
        keys.attachment_upload_key(upload.attachment_id),
        **attribute_values(upload, AttachmentUploadModel, skip=("conversation_id",)),
    )
    try:
        with transaction() as tx:
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=[ConversationModel.attachment_count.add(1)],
                condition=condition,
            )
            tx.save(item, condition=AttachmentUploadModel.sort_key.does_not_exist())
    except TransactWriteError as exc:
        raise LimitReached(f"at most {max_files} files per chat, or the chat has ended") from exc
    conv.attachment_count = (conv.attachment_count or 0) + 1


def get(conversation_id: str, attachment_id: str) -> AttachmentUpload | None:
    try:
        item = AttachmentUploadModel.get(
            conversation_id, keys.attachment_upload_key(attachment_id), consistent_read=True
        )
    except DoesNotExist:
        return None
    upload = to_entity(item, AttachmentUpload, attachment_id=attachment_id)
    upload.declared_size = int(upload.declared_size)
    upload.created_at = int(upload.created_at)
    upload.seq = int(upload.seq) if upload.seq is not None else None
    return upload


def mark_stored(upload: AttachmentUpload, seq: int) -> None:
    """The upload's message is stored (a second delivery of the event finds it so)."""
    item = AttachmentUploadModel(upload.conversation_id, keys.attachment_upload_key(upload.attachment_id))
    try:
        item.update(
            actions=[AttachmentUploadModel.status.set("stored"), AttachmentUploadModel.seq.set(seq)],
            condition=AttachmentUploadModel.status == "pending",
        )
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
    upload.status, upload.seq = "stored", seq


def mark_rejected(upload: AttachmentUpload, reason: str) -> bool:
    """Refused: the upload is marked and no longer counts against the chat's limit. False when it
    was decided before (a redelivered event): nothing changes then."""
    item = AttachmentUploadModel(upload.conversation_id, keys.attachment_upload_key(upload.attachment_id))
    try:
        with transaction() as tx:
            tx.update(
                item,
                actions=[AttachmentUploadModel.status.set("rejected"), AttachmentUploadModel.reason.set(reason)],
                condition=AttachmentUploadModel.status == "pending",
            )
            tx.update(
                ConversationModel(upload.conversation_id),
                actions=[ConversationModel.attachment_count.add(-1)],
                condition=ConversationModel.attachment_count > 0,
            )
    except (TransactWriteError, PutError) as exc:
        if not is_condition_failure(exc):
            raise
        return False
    upload.status, upload.reason = "rejected", reason
    return True
