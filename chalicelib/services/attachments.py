"""Attachments (issue #23): ask for an upload, check what arrived, offer it for viewing.

The bytes never pass through a Lambda on the way in or out: the sender POSTs them to S3 with a
presigned form, the reader GETs them from S3 with a presigned URL. The checking function (S3
ObjectCreated) decides from the bytes, stores the message, then pushes it.
"""

from __future__ import annotations

import logging
from typing import Any

from ulid import ULID

from chalicelib import observability
from chalicelib.attachments import bucket
from chalicelib.bootstrap import clock, store
from chalicelib.domain import attachments as rules
from chalicelib.domain import model as access
from chalicelib.domain.attachments import Rejection
from chalicelib.domain.entities import Attachment, AttachmentUpload, Conversation, Message
from chalicelib.domain.errors import DuplicateClientMessage, LimitReached, NotFound, SequenceTaken
from chalicelib.domain.model import Principal, Role
from chalicelib.services import notify
from chalicelib.services.settings import load_settings
from chalicelib.services.views import message_view

log = logging.getLogger(__name__)

_APPEND_ATTEMPTS = 8


class ScanPending(Exception):
    """The malware scan has not tagged the object yet: the check is retried (entrypoints/attachments.py)."""


def request_upload(principal: Principal, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """A presigned POST for one file into this chat, if the caller may send in it now."""
    conv = store().conversations.get(conversation_id)
    access.check_can_send(principal, conv.access)
    limits = load_settings().attachment_limits()
    wanted = rules.validate_request(body, limits)
    if (conv.attachment_count or 0) >= limits.max_files:
        raise LimitReached(f"at most {limits.max_files} files per chat")
    upload = AttachmentUpload(
        conversation_id=conv.conversation_id,
        attachment_id=str(ULID()).lower(),
        sender_role="customer" if principal.role is Role.CUSTOMER else "agent",
        sender_id=principal.user_id,
        name=wanted.name,
        declared_type=wanted.content_type,
        declared_size=wanted.size,
        created_at=clock(),
    )
    try:
        store().attachments.reserve(conv, upload, limits.max_files)
    except LimitReached:
        access.check_can_send(principal, store().conversations.get(conversation_id).access)  # ended meanwhile?
        raise
    key = bucket.object_key(conv.conversation_id, upload.attachment_id)
    form = bucket.upload_form(key, wanted.content_type, wanted.size, rules.UPLOAD_URL_SECONDS)
    return {
        "attachmentId": upload.attachment_id,
        "name": wanted.name,
        "upload": form,
        "expiresAt": upload.created_at + rules.UPLOAD_URL_SECONDS * 1000,
    }


def view_url(principal: Principal, conversation_id: str, attachment_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """A short-lived GET of a stored file (or its thumbnail) for those who may see the chat."""
    conv = store().conversations.get(conversation_id)
    access.check_can_see_chat(principal, conv.access)
    upload = store().attachments.get(conv.conversation_id, attachment_id)
    message = _stored_message(upload)
    if message is None or message.attachment is None:
        raise NotFound("no such attachment")
    found = message.attachment
    if params.get("thumbnail") in ("1", "true"):
        if not found.thumbnail:
            raise NotFound("this attachment has no thumbnail")
        key, content_type = bucket.thumbnail_key(conv.conversation_id, attachment_id), "image/jpeg"
    else:
        key, content_type = bucket.object_key(conv.conversation_id, attachment_id), found.content_type
    disposition = rules.content_disposition(found.name, content_type)
    url = bucket.view_url(key, content_type, disposition, rules.VIEW_URL_SECONDS)
    return {"url": url, "expiresAt": clock() + rules.VIEW_URL_SECONDS * 1000, "contentType": content_type}


def _stored_message(upload: AttachmentUpload | None) -> Message | None:
    if upload is None or upload.status != "stored" or upload.seq is None:
        return None
    found = store().messages.after(upload.conversation_id, upload.seq - 1, 1)
    return found[0] if found and found[0].seq == upload.seq else None


# --- the checking function (S3 ObjectCreated) ------------------------------------------------


def check_uploaded(bucket_name: str, key: str) -> dict[str, Any]:
    """Decide on one uploaded object. Idempotent: a redelivered event finds the upload decided."""
    parsed = bucket.parse_object_key(key)
    if parsed is None:
        return {"outcome": "ignored"}  # our own thumbnails
    conversation_id, attachment_id = parsed
    observability.annotate(conversation_id=conversation_id)
    upload = store().attachments.get(conversation_id, attachment_id)
    if upload is None:
        # Nobody asked for this key (only a presigned form can write here): never shown.
        bucket.delete(bucket_name, key)
        return {"outcome": "rejected", "reason": Rejection.NOT_ALLOWED.value}
    if upload.status != "pending":
        if upload.status == "rejected":
            bucket.delete(bucket_name, key)
        return {"outcome": upload.status, "duplicate": True}
    loaded = bucket.read(bucket_name, key)
    if loaded is None:
        return {"outcome": "gone"}
    data, _ = loaded
    conv = store().conversations.get(conversation_id)
    if conv.is_ended:
        return _reject(bucket_name, conv, upload, Rejection.CONVERSATION_ENDED)
    if bucket.malware_scan_on():
        scanned = bucket.scan_status(bucket_name, key)
        if scanned is None:
            # Not scanned yet: the SQS message comes back after its visibility timeout (a retry, not a failure).
            raise ScanPending(f"{key} has no GuardDuty scan result yet")
        if scanned != "NO_THREATS_FOUND":
            reason = Rejection.MALWARE if scanned == "THREATS_FOUND" else Rejection.NOT_ALLOWED
            return _reject(bucket_name, conv, upload, reason)
    # Imported here: Pillow loads only in the checking function (docs/security.md#attachments).
    from chalicelib.attachments.inspect import inspect_file

    limits = load_settings().attachment_limits()
    result = inspect_file(data, limits) if len(data) <= upload.declared_size else Rejection.TOO_LARGE
    if isinstance(result, Rejection):
        return _reject(bucket_name, conv, upload, result)
    if result.thumbnail is not None:
        bucket.put_thumbnail(bucket_name, bucket.thumbnail_key(conversation_id, attachment_id), result.thumbnail)
    attachment = Attachment(
        attachment_id, upload.name, len(data), result.content_type, result.width, result.height,
        thumbnail=result.thumbnail is not None,
    )
    message = _append(conv, upload, attachment)
    if message is None:
        conv = store().conversations.get(conversation_id)
        return _reject(bucket_name, conv, upload, Rejection.CONVERSATION_ENDED)
    store().attachments.mark_stored(upload, message.seq)
    bucket.mark_checked(bucket_name, key)
    observability.metric("Attachments")
    notify.to_both_sides(conv, {"type": "message.new", "message": message_view(message)})
    return {"outcome": "stored", "seq": message.seq, "contentType": result.content_type}


def _append(conv: Conversation, upload: AttachmentUpload, attachment: Attachment) -> Message | None:
    """The attachment message with the next seq (None: the chat ended first)."""
    client_id = f"attachment-{upload.attachment_id}"  # a redelivered event cannot store it twice
    for _ in range(_APPEND_ATTEMPTS):
        customer = upload.sender_role == "customer"
        message = Message(
            conv.conversation_id,
            conv.last_seq + 1,
            sender_role=upload.sender_role,
            sender_id=upload.sender_id,
            sender_name=(conv.customer_name or "고객") if customer else conv.agent_name,
            client_message_id=client_id,
            created_at=clock(),
            attachment=attachment,
        )
        try:
            store().messages.append(conv, message, agent_reply=not customer)
            return message
        except DuplicateClientMessage:
            return store().messages.by_client_id(conv.conversation_id, client_id)
        except SequenceTaken:
            conv = store().conversations.get(conv.conversation_id)
            if conv.is_ended:
                return None
    log.warning("attachment message not stored for %s", conv.conversation_id)
    raise SequenceTaken("the conversation is too busy; the event is retried")


def _reject(bucket_name: str, conv: Conversation, upload: AttachmentUpload, reason: Rejection) -> dict[str, Any]:
    """Delete the file, mark the upload refused (its slot comes back), tell the sender why."""
    bucket.delete(bucket_name, bucket.object_key(upload.conversation_id, upload.attachment_id))
    if store().attachments.mark_rejected(upload, reason.value):
        frame = {
            "type": "attachment.rejected",
            "conversationId": upload.conversation_id,
            "attachmentId": upload.attachment_id,
            "name": upload.name,
            "reason": reason.value,
        }
        if upload.sender_role == "customer":
            notify.to_customer(conv, frame)
        else:
            agent = store().agents.get(upload.sender_id)
            if agent is not None:
                notify.to_agent(agent, frame)
    observability.metric("AttachmentsRejected")
    return {"outcome": "rejected", "reason": reason.value}
