"""The aggregates as plain dataclasses: what the store takes and returns, and services work on.

Field names are the stored attribute names (docs/data-model.md), so a view or a rule reads an
entity the same way whichever store (DynamoDB or the in-memory twin) produced it. No keys here:
`chalicelib/store/keys.py` alone knows how items are addressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.domain.canned import CannedResponse
from chalicelib.domain.model import ConversationAccess, ConversationState


@dataclass
class Connection:
    """One open WebSocket connection of a customer (to one chat) or a staff member."""

    connection_id: str
    role: str  # customer | agent | admin
    user_id: str
    connected_at: int
    conversation_id: str | None = None
    token_expires_at: int | None = None  # epoch s: frames after it are refused
    rate_window: int | None = None  # start (s) of the frame-rate window (services/limits.py)
    rate_count: int | None = None
    watching: str | None = None  # a supervisor's tab: the chat it watches (services/supervision.py)
    # A wallboard viewer (domain/wallboard.py): subscribed since, last snapshot pushed, a catch-up pending.
    wallboard_since: int | None = None
    wallboard_pushed_at: int | None = None
    wallboard_pending_at: int | None = None


@dataclass
class Agent:
    """A staff member's presence and capacity; agent_id is the Cognito username."""

    agent_id: str
    display_name: str | None = None
    email: str | None = None
    role: str = "agent"
    status: str = "offline"
    status_changed_at: int = 0
    active_chats: int = 0
    max_chats: int | None = None  # per-agent override of the setting
    last_assigned_at: int = 0
    chat_permission: bool = True
    disabled: bool | None = None
    connection_ids: set[str] | None = None  # every open console tab
    disconnected_since: int | None = None  # first seen without a connection (presence sweep)


@dataclass
class ReadMark:
    """One side's read receipt (domain/read_receipts.py): the highest seq read and when it was written."""

    seq: int
    at: int


@dataclass
class Transfer:
    """One hop of a chat between agents or into a team's queue (the record keeps every hop)."""

    by: str  # who transferred: the assigned agent or an admin
    from_agent_id: str | None
    to_agent_id: str | None  # None: into a team's queue
    to_team_id: str | None  # the chat's team after the hop
    at: int
    note: str = ""  # internal, for the receiver; never shown to the customer


@dataclass
class Conversation:
    conversation_id: str
    state: str  # waiting | active | ended
    customer_id: str
    inbound_at: int
    consent_version: int
    consented_at: int
    queued_key: str | None = None  # FIFO order in the queue (first arrival)
    agent_id: str | None = None
    agent_name: str | None = None  # the name the customer sees (None: the clients' default)
    assigned_at: int | None = None
    first_assigned_at: int | None = None  # the first assignment (kept through transfers): reports' wait time
    first_response_at: int | None = None
    ended_at: int | None = None
    ended_by: str | None = None
    last_seq: int = 0
    last_message_at: int | None = None
    customer_name: str | None = None
    customer_email: str | None = None
    customer_phone: str | None = None
    customer_memo: str | None = None
    inquiry_type: str | None = None
    processing_type: str | None = None
    counsel_note: str | None = None
    rating: str | None = None
    rating_comment: str | None = None
    rated_at: int | None = None
    rating_requested_at: int | None = None
    # The transcript by e-mail (domain/transcript_mail.py): asked once after the end, then sent.
    transcript_email: str | None = None
    transcript_lang: str | None = None
    transcript_requested_at: int | None = None
    transcript_sent_at: int | None = None
    # Cached connection ids of both sides: a message is pushed without another query.
    customer_connections: set[str] | None = None
    agent_connections: set[str] | None = None
    watcher_connections: set[str] | None = None  # supervisors' tabs watching it: staff pushes only
    # Read receipts, one per side (at most one write per 2 s per side).
    customer_read: ReadMark | None = None
    agent_read: ReadMark | None = None
    # Live-chat timers (chalicelib/domain/live_chat_timers.py: accept window, idle auto-close).
    customer_active_at: int | None = None  # the later of the last customer message and the assignment
    agent_opened_at: int | None = None
    agent_active_at: int | None = None  # the last agent message
    idle_warning_at: int | None = None
    end_reason: str | None = None  # idle; None when a person ended the chat
    team_id: str | None = None  # the team whose queue the chat waits in (None: no teams)
    transfers: list[Transfer] | None = None  # every hop, oldest first
    attachment_count: int | None = None  # uploads asked for (domain/attachments.py: at most 20)

    @property
    def access(self) -> ConversationAccess:
        return ConversationAccess(self.conversation_id, ConversationState(self.state), self.agent_id)

    @property
    def is_waiting(self) -> bool:
        return self.state == ConversationState.WAITING.value

    @property
    def is_ended(self) -> bool:
        return self.state == ConversationState.ENDED.value


@dataclass
class Mask:
    """One masked stretch of a message (code points of its text) and its encrypted original."""

    mask_id: str
    start: int
    end: int
    encrypted_key: bytes
    nonce: bytes
    ciphertext: bytes
    created_at: int
    created_by: str


@dataclass
class Message:
    conversation_id: str
    seq: int
    sender_role: str | None = None  # customer | agent | system | note (staff only: domain/notes.py)
    sender_id: str | None = None
    sender_name: str | None = None
    text: str | None = None  # the masked text once masked
    system_code: str | None = None
    client_message_id: str | None = None
    created_at: int | None = None
    masks: list[Mask] | None = None
    mask_version: int | None = None  # +1 per mask/unmask: optimistic concurrency
    whisper: bool | None = None  # a note by a supervisor on another agent's live chat (domain/notes.py)
    attachment: Attachment | None = None  # kind `attachment`: a checked file (text stays None)


@dataclass
class Attachment:
    """A checked file of a chat: the type is the one sniffed from its bytes, never the declared one."""

    attachment_id: str
    name: str
    size: int
    content_type: str
    width: int | None = None  # images
    height: int | None = None
    thumbnail: bool = False  # a JPEG thumbnail beside the file (images)


@dataclass
class AttachmentUpload:
    """An upload a sender asked for (`POST /chats/{id}/attachments`), until the checker decides."""

    conversation_id: str
    attachment_id: str
    sender_role: str  # customer | agent (an admin sends as agent)
    sender_id: str
    name: str
    declared_type: str
    declared_size: int
    created_at: int
    status: str = "pending"  # pending | stored | rejected
    seq: int | None = None  # the attachment message, once stored
    reason: str | None = None  # domain/attachments.Rejection, once rejected


@dataclass
class Ticket:
    ticket_id: str
    channel: str  # chat | inquiry
    created_at: int
    inquiry_type: str
    title: str
    content: str
    created_by: str | None = None
    conversation_id: str | None = None
    requester_name: str | None = None
    requester_email: str | None = None
    status: str = "open"  # open | in_progress | on_hold | solved (domain/tickets.py)
    assignee_id: str | None = None  # the staff member working it
    version: int = 0  # +1 per recorded change: PATCH is conditional on it
    updated_at: int | None = None
    updated_by: str | None = None


@dataclass
class SettingsDocument:
    """A settings item: the chat settings or one consent text version, as a JSON document."""

    name: str
    document: str
    updated_at: int = 0
    updated_by: str | None = None
    version: int = 0


@dataclass
class MaskAuditEntry:
    """Who masked or unmasked which span of which message, when. Never the text itself."""

    conversation_id: str
    audit_id: str
    at: int
    action: str  # mask | unmask | auto_mask
    actor_id: str
    actor_role: str
    seq: int
    mask_id: str
    start: int
    end: int


@dataclass
class Page:
    """One page of a paginated listing and the opaque key of the next (None: the last page)."""

    items: list = field(default_factory=list)
    next_key: dict | None = None


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class ExportJob:
    """One Excel export (S-7): who asked, the history filters, and how far the export function got."""

    export_id: str
    created_at: int
    requested_by: str
    requested_role: str  # agent | admin
    filters: str  # JSON: the validated history filters, with from/to fixed at request time
    requested_by_name: str | None = None
    status: str = "queued"  # queued | running | done | failed
    progress: int = 0
    chat_rows: int = 0
    message_rows: int = 0
    attempts: int = 0
    lease_until: int | None = None  # a running attempt owns the job until then
    started_at: int | None = None
    finished_at: int | None = None
    error: str | None = None
    s3_key: str | None = None
    file_name: str | None = None
    size_bytes: int | None = None


@dataclass(frozen=True)
class ExportedMessage:
    """The message fields the export writes, read without building full entities (a million of them)."""

    conversation_id: str
    seq: int
    sender_role: str | None
    sender_name: str | None
    text: str | None  # as stored: masked text where masking applies, never an original
    system_code: str | None
    created_at: int | None
    attachment: ExportedAttachment | None = None  # kind `attachment`: the file's facts, never a URL


@dataclass(frozen=True)
class ExportedAttachment:
    name: str
    content_type: str
    size: int


@dataclass
class CannedEntry:
    """A stored canned response (상용구, chalicelib/domain/canned.py) and how often it was used."""

    response: CannedResponse
    created_at: int
    updated_at: int
    updated_by: str | None = None
    usage_count: int = 0
    last_used_at: int | None = None
