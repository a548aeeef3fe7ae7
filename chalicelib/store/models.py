"""pynamodb models of the chat path: the one place that knows these tables, keys and indexes.

Agents, conversations and messages, with the settings (intake and assignment read them) and the
mask audit (an automatic mask's entry is written with its message): what a chat handler's cold
start needs, with the connections (chalicelib/store/connection_models.py). The ticket,
canned-response and export tables are in chalicelib/store/record_models.py, loaded on first use;
chalicelib/store/tables.py lists all.

Every request-path access is a GetItem or a Query on a key or an index listed in
docs/data-model.md. The AWS template and the local stack derive their table
definitions from these classes (see chalicelib/store/schema.py).
"""

from __future__ import annotations

import os
from typing import Any

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.config import table_name
from chalicelib.store import keys


class BaseMeta:
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-northeast-2"
    billing_mode = "PAY_PER_REQUEST"
    # Far below API Gateway's 29 s integration limit (pynamodb's default read timeout is 30 s).
    connect_timeout_seconds = 2
    read_timeout_seconds = 5
    max_retry_attempts = 4


def _meta(suffix: str, **extra: Any) -> Any:  # a Meta class: what pynamodb's MetaProtocol describes
    return type("Meta", (BaseMeta,), {"table_name": table_name(suffix), **extra})


# The conversations' change stream feeds the report counters (chalicelib/entrypoints/report_stream.py).
CONVERSATIONS_STREAM_VIEW = "NEW_AND_OLD_IMAGES"


# --- agents ------------------------------------------------------------------------------


class AgentsByStatus(GlobalSecondaryIndex["AgentModel"]):
    class Meta:
        index_name = keys.AGENTS_BY_STATUS
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    agent_id = UnicodeAttribute(range_key=True)


class AgentModel(Model):
    """An agent's presence and capacity. agent_id is the Cognito username."""

    Meta = _meta("agents")

    agent_id = UnicodeAttribute(hash_key=True)
    display_name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    role = UnicodeAttribute(default="agent")
    status = UnicodeAttribute(default="offline")
    status_changed_at = NumberAttribute(default=0)
    active_chats = NumberAttribute(default=0)
    max_chats = NumberAttribute(null=True)  # per-agent override of the setting
    last_assigned_at = NumberAttribute(default=0)
    chat_permission = BooleanAttribute(default=True)
    disabled = BooleanAttribute(null=True)  # account disabled by an admin: no sign-in, no status, no chats
    # Open console connections (all tabs), kept here so a push needs no extra query.
    connection_ids = UnicodeSetAttribute(null=True)
    # Set by the presence sweep when it first finds the agent (online or on break) without a live
    # connection; cleared when one is back. After AGENT_OFFLINE_AFTER_SECONDS the agent goes offline.
    disconnected_since = NumberAttribute(null=True)

    by_status = AgentsByStatus()


# --- conversations -----------------------------------------------------------------------


class ConversationsInQueue(GlobalSecondaryIndex["ConversationModel"]):
    """Sparse: only waiting chats carry queue_partition. FIFO by queued_key."""

    class Meta:
        index_name = keys.CONVERSATIONS_IN_QUEUE
        projection = AllProjection()

    queue_partition = UnicodeAttribute(hash_key=True)
    queued_key = UnicodeAttribute(range_key=True)


class ConversationsLiveByAgent(GlobalSecondaryIndex["ConversationModel"]):
    """Sparse: live_agent_id is set while a chat is assigned and not ended."""

    class Meta:
        index_name = keys.CONVERSATIONS_LIVE_BY_AGENT
        projection = AllProjection()

    live_agent_id = UnicodeAttribute(hash_key=True)
    inbound_key = UnicodeAttribute(range_key=True)


class ConversationsLiveByActivity(GlobalSecondaryIndex["ConversationModel"]):
    """Sparse: only active chats carry live_partition. Oldest customer activity first (the idle sweep).

    Keys only: a message rewrites no entry here unless the customer's activity (the key) moves; the
    sweep reads the few chats it acts on by BatchGetItem."""

    class Meta:
        index_name = keys.CONVERSATIONS_LIVE_BY_ACTIVITY
        projection = KeysOnlyProjection()

    live_partition = UnicodeAttribute(hash_key=True)
    customer_active_at = NumberAttribute(range_key=True)


class ConversationsUnaccepted(GlobalSecondaryIndex["ConversationModel"]):
    """Sparse: accept_partition is set at assignment and removed once the agent opens or answers the chat.
    Keys only, as the live-activity index."""

    class Meta:
        index_name = keys.CONVERSATIONS_UNACCEPTED
        projection = KeysOnlyProjection()

    accept_partition = UnicodeAttribute(hash_key=True)
    assigned_at = NumberAttribute(range_key=True)


class ConversationsByMonth(GlobalSecondaryIndex["ConversationModel"]):
    class Meta:
        index_name = keys.CONVERSATIONS_BY_MONTH
        projection = AllProjection()

    inbound_month = UnicodeAttribute(hash_key=True)
    inbound_key = UnicodeAttribute(range_key=True)


class ConversationsByAgent(GlobalSecondaryIndex["ConversationModel"]):
    class Meta:
        index_name = keys.CONVERSATIONS_BY_AGENT
        projection = AllProjection()

    agent_id = UnicodeAttribute(hash_key=True)
    inbound_key = UnicodeAttribute(range_key=True)


class ReadMarkAttribute(MapAttribute):
    """One side's read receipt: the highest seq read, and when it was written (epoch ms)."""

    seq = NumberAttribute()
    at = NumberAttribute()


class TransferAttribute(MapAttribute):
    """One transfer hop (entities.Transfer)."""

    by = UnicodeAttribute()
    from_agent_id = UnicodeAttribute(null=True)
    to_agent_id = UnicodeAttribute(null=True)
    to_team_id = UnicodeAttribute(null=True)
    at = NumberAttribute()
    note = UnicodeAttribute(null=True)


class ConversationModel(Model):
    Meta = _meta("conversations", stream_view_type=CONVERSATIONS_STREAM_VIEW)

    conversation_id = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute()  # waiting | active | ended
    customer_id = UnicodeAttribute()
    inbound_at = NumberAttribute()
    inbound_key = UnicodeAttribute()  # "<inbound ms, 13 digits>#<id>": sorts by time
    inbound_month = UnicodeAttribute()  # "YYYY-MM" (UTC): history partition
    queued_key = UnicodeAttribute(null=True)
    queue_partition = UnicodeAttribute(null=True)
    consent_version = NumberAttribute()
    consented_at = NumberAttribute()
    agent_id = UnicodeAttribute(null=True)
    agent_name = UnicodeAttribute(null=True)
    live_agent_id = UnicodeAttribute(null=True)
    assigned_at = NumberAttribute(null=True)
    first_assigned_at = NumberAttribute(null=True)  # set once, by the first assignment (reports)
    first_response_at = NumberAttribute(null=True)
    ended_at = NumberAttribute(null=True)
    ended_by = UnicodeAttribute(null=True)
    last_seq = NumberAttribute(default=0)
    last_message_at = NumberAttribute(null=True)
    customer_name = UnicodeAttribute(null=True)
    customer_name_lower = UnicodeAttribute(null=True)
    customer_email = UnicodeAttribute(null=True)
    customer_phone = UnicodeAttribute(null=True)
    customer_memo = UnicodeAttribute(null=True)
    inquiry_type = UnicodeAttribute(null=True)
    processing_type = UnicodeAttribute(null=True)
    counsel_note = UnicodeAttribute(null=True)
    rating = UnicodeAttribute(null=True)  # satisfied | dissatisfied
    rating_comment = UnicodeAttribute(null=True)
    rated_at = NumberAttribute(null=True)
    rating_requested_at = NumberAttribute(null=True)
    # The transcript by e-mail: asked once (a conditional write), then marked sent by the mail path.
    transcript_email = UnicodeAttribute(null=True)
    transcript_lang = UnicodeAttribute(null=True)
    transcript_requested_at = NumberAttribute(null=True)
    transcript_sent_at = NumberAttribute(null=True)
    # Cached connection ids of both sides (and of watching supervisors): a push needs no other query.
    customer_connections = UnicodeSetAttribute(null=True)
    agent_connections = UnicodeSetAttribute(null=True)
    watcher_connections = UnicodeSetAttribute(null=True)
    # Read receipts: one attribute per side, written at most once per 2 s per side.
    customer_read = ReadMarkAttribute(null=True)
    agent_read = ReadMarkAttribute(null=True)
    # Live-chat timers (accept window, idle auto-close: chalicelib/domain/live_chat_timers.py).
    live_partition = UnicodeAttribute(null=True)  # `live` while active: live-activity-index
    customer_active_at = NumberAttribute(null=True)  # the later of the last customer message and the assignment
    accept_partition = UnicodeAttribute(null=True)  # `unaccepted` until the agent opens or answers: accept-index
    agent_opened_at = NumberAttribute(null=True)  # the assigned agent's console showed the chat
    agent_active_at = NumberAttribute(null=True)  # the last agent message
    idle_warning_at = NumberAttribute(null=True)  # when the idle warning line was sent
    end_reason = UnicodeAttribute(null=True)  # idle (auto-close); None for an end by a person
    team_id = UnicodeAttribute(null=True)  # the team whose queue the chat waits in
    transfers = ListAttribute(of=TransferAttribute, null=True)  # every hop, oldest first
    attachment_count = NumberAttribute(null=True)  # uploads asked for: at most 20 (domain/attachments.py)

    in_queue = ConversationsInQueue()
    live_by_agent = ConversationsLiveByAgent()
    live_by_activity = ConversationsLiveByActivity()
    unaccepted = ConversationsUnaccepted()
    by_month = ConversationsByMonth()
    by_agent = ConversationsByAgent()


# --- messages ----------------------------------------------------------------------------


class MaskAttribute(MapAttribute):
    """One masked stretch of a message: where its asterisks are (code points of `text`) and its
    original, only as AES-GCM ciphertext with the KMS-encrypted data key beside it."""

    mask_id = UnicodeAttribute()
    start = NumberAttribute()
    end = NumberAttribute()
    encrypted_key = BinaryAttribute(legacy_encoding=False)
    nonce = BinaryAttribute(legacy_encoding=False)
    ciphertext = BinaryAttribute(legacy_encoding=False)
    created_at = NumberAttribute()
    created_by = UnicodeAttribute()


class AttachmentAttribute(MapAttribute):
    """A checked file on its message: the sniffed type, never the declared one."""

    attachment_id = UnicodeAttribute()
    name = UnicodeAttribute()
    size = NumberAttribute()
    content_type = UnicodeAttribute()
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)
    thumbnail = BooleanAttribute(default=False)


class MessageModel(Model):
    """Messages (sort key `m#<seq, 10 digits>`) and resend markers (`c#<client id>`) of one chat."""

    Meta = _meta("messages")

    conversation_id = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)
    seq = NumberAttribute()
    sender_role = UnicodeAttribute(null=True)  # customer | agent | system | note (staff only)
    sender_id = UnicodeAttribute(null=True)
    sender_name = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    system_code = UnicodeAttribute(null=True)
    client_message_id = UnicodeAttribute(null=True)
    created_at = NumberAttribute(null=True)
    # Masking: `text` holds the masked text; the originals are in `masks`, encrypted.
    masks = ListAttribute(of=MaskAttribute, null=True)
    mask_version = NumberAttribute(null=True)  # +1 per mask/unmask: optimistic concurrency
    whisper = BooleanAttribute(null=True)  # a supervisor's note on another agent's live chat
    attachment = AttachmentAttribute(null=True)  # kind `attachment`


class AttachmentUploadModel(Model):
    """An upload asked for (`a#<attachment id>` in the messages table, beside its chat's messages)
    until the checking function stores its message or refuses it. Not a table of its own: the
    messages model creates the table."""

    Meta = _meta("messages")

    conversation_id = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)
    sender_role = UnicodeAttribute()
    sender_id = UnicodeAttribute()
    name = UnicodeAttribute()
    declared_type = UnicodeAttribute()
    declared_size = NumberAttribute()
    created_at = NumberAttribute()
    status = UnicodeAttribute()  # pending | stored | rejected
    seq = NumberAttribute(null=True)
    reason = UnicodeAttribute(null=True)


# --- settings ----------------------------------------------------------------------------


class SettingsModel(Model):
    """Key `chat`: the chat settings as a JSON document; `consent#<n>`: consent text versions;
    `mailquota#<address hash>#<hour>`: the transcript mails asked for one address in one hour."""

    Meta = _meta("settings")

    name = UnicodeAttribute(hash_key=True)
    document = UnicodeAttribute()
    updated_at = NumberAttribute(default=0)
    updated_by = UnicodeAttribute(null=True)
    version = NumberAttribute(default=0)
    mail_count = NumberAttribute(null=True)  # mail quota items only
    expires_at = TTLAttribute(null=True)  # mail quota items only: gone a while after their hour


# --- masking audit ---------------------------------------------------------------------------


class MaskAuditByMonth(GlobalSecondaryIndex["MaskAuditModel"]):
    class Meta:
        index_name = keys.MASK_AUDIT_BY_MONTH
        projection = AllProjection()

    month = UnicodeAttribute(hash_key=True)
    at_key = UnicodeAttribute(range_key=True)


class MaskAuditModel(Model):
    """Who masked or unmasked which span of which message, when. Never the text itself."""

    Meta = _meta("mask-audit")

    conversation_id = UnicodeAttribute(hash_key=True)
    at_key = UnicodeAttribute(range_key=True)  # "<13-digit ms>#<audit id>"
    month = UnicodeAttribute()  # "YYYY-MM" (UTC)
    at = NumberAttribute()
    action = UnicodeAttribute()  # mask | unmask | auto_mask
    actor_id = UnicodeAttribute()
    actor_role = UnicodeAttribute()
    seq = NumberAttribute()
    mask_id = UnicodeAttribute()
    start = NumberAttribute()  # the span in the message text as it was after the action
    end = NumberAttribute()

    by_month = MaskAuditByMonth()
