"""Masking use cases (S-5): mask spans of a message, unmask a mask, the audit log, auto-masking.

Each change is: check the setting and who may, read the message, decrypt only the originals
the change needs, encrypt new originals, write the message with a version condition, write
the audit entry, and only then push `message.updated` (masked text only, or the restored
text after an unmask) to the staff tabs that show the chat.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ulid import ULID

from chalicelib import bootstrap
from chalicelib.domain import masking as rules
from chalicelib.domain.entities import Conversation, MaskAuditEntry, Message
from chalicelib.domain.entities import Mask as StoredMask
from chalicelib.domain.errors import Conflict, Forbidden, InvalidField, NotFound
from chalicelib.domain.model import ConversationState, Principal, Role, month_of
from chalicelib.domain.notes import is_note
from chalicelib.domain.pii import pii_spans
from chalicelib.domain.validation import decode_cursor, encode_cursor, id_field, int_field, month_field
from chalicelib.lazy_import import lazy_module
from chalicelib.services import notify
from chalicelib.services.settings import ChatSettings, load_settings
from chalicelib.services.views import access_of, message_view

if TYPE_CHECKING:
    from chalicelib.crypto import envelope
else:
    # KMS client and cryptography load with the first seal/unseal: chat handlers import this
    # module for PII detection on every customer message, but most messages hold none.
    envelope = lazy_module("chalicelib.crypto.envelope")

AUDIT_PAGE_DEFAULT = 50
AUDIT_PAGE_MAX = 100
SYSTEM_ACTOR = "system"

_store = bootstrap.store


def _context(conversation_id: str, mask_id: str) -> dict[str, str]:
    """KMS encryption context and AES-GCM associated data: an original only opens in its place."""
    return {"purpose": "livechat-mask", "conversationId": conversation_id, "maskId": mask_id}


def _new_ids() -> Iterator[str]:
    while True:
        yield str(ULID())


def _masks_of(message: Message) -> list[rules.Mask]:
    return [rules.Mask(m.mask_id, int(m.start), int(m.end)) for m in message.masks or []]


def _open(conversation_id: str, stored: StoredMask) -> str:
    sealed = envelope.Sealed(bytes(stored.encrypted_key), bytes(stored.nonce), bytes(stored.ciphertext))
    return envelope.unseal(sealed, _context(conversation_id, stored.mask_id))


def _seal(conversation_id: str, mask: rules.Mask, original: str, actor: str, now: int) -> StoredMask:
    sealed = envelope.seal(original, _context(conversation_id, mask.mask_id))
    return StoredMask(
        mask_id=mask.mask_id,
        start=mask.start,
        end=mask.end,
        encrypted_key=sealed.encrypted_key,
        nonce=sealed.nonce,
        ciphertext=sealed.ciphertext,
        created_at=now,
        created_by=actor,
    )


def _moved(stored: StoredMask, mask: rules.Mask) -> StoredMask:
    return replace(stored, start=mask.start, end=mask.end)


def _require_security_service(settings: ChatSettings) -> None:
    if not settings.security_service:
        raise Forbidden("masking needs the security service; an admin turns it on in the settings")


def _load(principal: Principal, conversation_id: str, seq: int) -> tuple[Conversation, Message, str]:
    """The chat, the message and its (current, masked) text, once the caller may mask it."""
    _require_security_service(load_settings())
    conv = _store().conversations.get(conversation_id)
    rules.check_can_mask(principal, access_of(conv))
    message = _store().audit.get_message(conversation_id, seq)
    if message.sender_role not in ("customer", "agent") or not message.text:
        raise InvalidField("only customer and agent messages can be masked", field="seq")
    return conv, message, message.text


def _audit(
    action: str, actor: Principal | None, conversation_id: str, seq: int, mask: rules.Mask, now: int
) -> MaskAuditEntry:
    """The audit entry of one change; stored in the same transaction as the change itself."""
    return MaskAuditEntry(
        conversation_id=conversation_id,
        audit_id=str(ULID()),
        at=now,
        action=action,
        actor_id=actor.user_id if actor else SYSTEM_ACTOR,
        actor_role=actor.role.value if actor else SYSTEM_ACTOR,
        seq=seq,
        mask_id=mask.mask_id,
        start=mask.start,
        end=mask.end,
    )


def _push(conv: Conversation, actor: Principal, message: Message, *, to_customer: bool) -> None:
    """The acting user's tabs, the assigned agent's tabs and (for a mask only) the customer's widget."""
    frame = {"type": "message.updated", "message": message_view(message)}
    agent = _store().agents.get(actor.user_id)
    actor_tabs = set(agent.connection_ids or ()) if agent else set()
    if agent is not None:
        notify.to_agent(agent, frame)
    others = set(conv.agent_connections or ()) - actor_tabs
    if others:
        notify.send(others, frame, conversation_id=conv.conversation_id, agent_id=conv.agent_id)
    if to_customer and conv.state != ConversationState.ENDED.value and not is_note(message):
        notify.to_customer(conv, frame)


def _seq(raw: Any) -> int:
    value = int_field({"seq": raw}, "seq", minimum=1, maximum=10**9)
    assert value is not None
    return value


def mask_message(principal: Principal, conversation_id: str, raw_seq: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Mask spans (code points of the current text) of one message; returns the updated message."""
    seq = _seq(raw_seq)
    conv, message, text = _load(principal, conversation_id, seq)
    expected = body.get("maskVersion")
    if expected is not None and int_field(body, "maskVersion", minimum=0, maximum=10**9) != int(
        message.mask_version or 0
    ):
        raise Conflict("the message was masked or unmasked meanwhile; reload it")
    spans = rules.parse_spans(body.get("spans"), text)
    masks = _masks_of(message)
    groups = rules.plan_masks(text, masks, spans)
    if not groups:
        return message_view(message)  # everything asked for is masked already
    stored = {m.mask_id: m for m in message.masks or []}
    originals = {mask_id: _open(conversation_id, stored[mask_id]) for g in groups for mask_id in g.absorbed}
    result = rules.apply_masks(text, masks, groups, originals, _new_ids())
    now = bootstrap.clock()
    created = {
        mask.mask_id: _seal(conversation_id, mask, original, principal.user_id, now)
        for mask, original in result.created
    }
    attributes = [created[m.mask_id] if m.mask_id in created else _moved(stored[m.mask_id], m) for m in result.masks]
    audit = [_audit("mask", principal, conversation_id, seq, mask, now) for mask, _ in result.created]
    message = _store().audit.save_masking(message, result.text, attributes, audit)
    _push(conv, principal, message, to_customer=True)
    return message_view(message)


def unmask_message(principal: Principal, conversation_id: str, raw_seq: Any, raw_mask_id: str) -> dict[str, Any]:
    """Restore one mask's original in the stored message; returns the updated message."""
    seq = _seq(raw_seq)
    mask_id = id_field({"maskId": raw_mask_id}, "maskId")
    conv, message, current = _load(principal, conversation_id, seq)
    stored = {m.mask_id: m for m in message.masks or []}
    if mask_id not in stored:
        raise NotFound("no such mask on this message")
    original = _open(conversation_id, stored[mask_id])
    text, kept = rules.apply_unmask(current, _masks_of(message), mask_id, original)
    start = stored[mask_id].start
    restored = rules.Mask(mask_id, start, start + len(original))
    audit = [_audit("unmask", principal, conversation_id, seq, restored, bootstrap.clock())]
    message = _store().audit.save_masking(message, text, [_moved(stored[m.mask_id], m) for m in kept], audit)
    # The customer's widget is not sent the original back; it shows the restored text after a reload.
    _push(conv, principal, message, to_customer=False)
    return message_view(message)


# --- auto-masking of customer messages ------------------------------------------------------


def auto_mask(conversation_id: str, text: str) -> tuple[str, list[StoredMask]] | None:
    """With the security service and `autoMaskPii` on: the text with detected personal data masked
    and the encrypted originals, before anything is stored. None when nothing is masked."""
    spans = pii_spans(text)
    if not spans:
        return None  # detected first: most messages hold none, and then the settings need no read
    settings = load_settings()
    if not (settings.security_service and settings.auto_mask_pii):
        return None
    groups = rules.plan_masks(text, [], spans)
    if len(groups) > rules.MAX_SPANS:
        # Each mask's audit entry is stored in the message's own transaction (at most 100 items).
        raise InvalidField(
            f"this message holds more than {rules.MAX_SPANS} pieces of personal data; send it in parts", field="text"
        )
    result = rules.apply_masks(text, [], groups, {}, _new_ids())
    now = bootstrap.clock()
    return result.text, [_seal(conversation_id, m, original, SYSTEM_ACTOR, now) for m, original in result.created]


def auto_mask_audit(message: Message) -> list[MaskAuditEntry]:
    """The audit entries of a new message's automatic masks, stored with the message."""
    now = bootstrap.clock()
    return [_audit("auto_mask", None, message.conversation_id, int(message.seq), m, now) for m in _masks_of(message)]


# --- the audit log (admins) ------------------------------------------------------------------


def audit_view(entry: MaskAuditEntry) -> dict[str, Any]:
    return {
        "conversationId": entry.conversation_id,
        "seq": entry.seq,
        "maskId": entry.mask_id,
        "action": entry.action,
        "actorId": entry.actor_id,
        "actorRole": entry.actor_role,
        "at": entry.at,
        "span": {"start": entry.start, "end": entry.end},
    }


def audit_entries(principal: Principal, params: dict[str, Any]) -> dict[str, Any]:
    """Newest first, of one conversation (`conversationId`) or one UTC month (`month`, YYYY-MM)."""
    if principal.role is not Role.ADMIN:
        raise Forbidden("admins only")
    limit = int_field(params, "limit", minimum=1, maximum=AUDIT_PAGE_MAX, default=AUDIT_PAGE_DEFAULT)
    assert limit is not None
    start_key = decode_cursor(params.get("cursor"))
    if params.get("conversationId"):
        conversation_id = id_field(params, "conversationId")
        page = _store().audit.of_conversation(conversation_id, limit, start_key)
    else:
        month = month_field(params, "month") if params.get("month") else month_of(bootstrap.clock())
        page = _store().audit.of_month(month, limit, start_key)
    return {"entries": [audit_view(e) for e in page.items], "cursor": encode_cursor(page.next_key)}
