"""Every key format, fixed partition and index name of the tables: nowhere else.

Services and domain code never build or parse a key; the store modules call these.
"""

from __future__ import annotations

# Sparse-index partitions: one fixed value puts every item of a kind under one Query.
QUEUE_PARTITION = "waiting"  # conversations in the queue (queue-index)
TICKET_PARTITION = "tickets"  # every ticket (tickets created-index)
EXPORT_PARTITION = "exports"  # every export job (export-jobs created-index)
LIVE_PARTITION = "live"  # active chats, by the customer's last activity (live-activity-index)
UNACCEPTED_PARTITION = "unaccepted"  # active chats their agent has not opened nor answered (accept-index)
WALLBOARD_PARTITION = "viewers"  # connections subscribed to the wallboard (wallboard-index)

# Index names (the pynamodb index classes and any raw boto3 query use these).
CONNECTIONS_BY_PRINCIPAL = "principal-index"
CONNECTIONS_ON_WALLBOARD = "wallboard-index"
AGENTS_BY_STATUS = "status-index"
CONVERSATIONS_IN_QUEUE = "queue-index"
CONVERSATIONS_LIVE_BY_AGENT = "agent-live-index"
CONVERSATIONS_BY_MONTH = "history-index"
CONVERSATIONS_BY_AGENT = "agent-history-index"
CONVERSATIONS_LIVE_BY_ACTIVITY = "live-activity-index"
CONVERSATIONS_UNACCEPTED = "accept-index"
TICKETS_BY_CREATION = "created-index"
TICKETS_BY_CHANNEL = "channel-index"
TICKETS_BY_STATUS = "status-index"
TICKETS_BY_ASSIGNEE = "assignee-index"
MASK_AUDIT_BY_MONTH = "month-index"
EXPORT_JOBS_BY_CREATION = "created-index"
EXPORT_JOBS_BY_REQUESTER = "requester-index"

# Canned responses: one partition per scope (`shared`, `personal#<agent id>`) holding the responses
# (`r#<id>`), one marker per shortcut (`s#<shortcut key>`, unique per partition) and a counter.
CANNED_SHARED_PARTITION = "shared"
_CANNED_PERSONAL_PREFIX = "personal#"
CANNED_RESPONSE_PREFIX = "r#"
_CANNED_SHORTCUT_PREFIX = "s#"
CANNED_COUNTER = "#count"

# Settings items.
CHAT_SETTINGS = "chat"
ROUTING_SETTINGS = "routing"  # timers, business hours and teams (services/routing_settings.py)
_CONSENT_PREFIX = "consent#"
_MAIL_QUOTA_PREFIX = "mailquota#"

# Message items: messages sort as `m#<seq, 10 digits>`, resend markers as `c#<client id>`.
MESSAGE_PREFIX = "m#"
_MARKER_PREFIX = "c#"
_ATTACHMENT_PREFIX = "a#"  # an upload asked for, in the messages table (store/attachments.py)
MAX_SEQ = 9_999_999_999


def ticket_history_key(version: int, index: int) -> str:
    """A ticket's history entries, oldest first: `<version, 10 digits>#<index in the change, 2 digits>`."""
    return f"{version:010d}#{index:02d}"


def time_key(epoch_ms: int, item_id: str) -> str:
    """`<13-digit ms>#<id>`: sorts by time, unique by id."""
    return f"{epoch_ms:013d}#{item_id}"


def queue_partition(team_id: str | None) -> str:
    """The queue-index partition a waiting chat of this team is in (`waiting` for a chat without a team)."""
    return f"{QUEUE_PARTITION}#{team_id}" if team_id else QUEUE_PARTITION


def agent_principal(agent_id: str) -> str:
    """The connections index partition of a staff member's connections."""
    return f"agent#{agent_id}"


def chat_principal(conversation_id: str) -> str:
    """The connections index partition of a customer's connections to one chat."""
    return f"chat#{conversation_id}"


def message_sort_key(seq: int) -> str:
    return f"{MESSAGE_PREFIX}{seq:010d}"


def client_marker_key(client_message_id: str) -> str:
    return f"{_MARKER_PREFIX}{client_message_id}"


def attachment_upload_key(attachment_id: str) -> str:
    return f"{_ATTACHMENT_PREFIX}{attachment_id}"



def mail_quota_setting(address_key: str, window_start: int) -> str:
    """The settings item counting transcript mails to one (hashed) address in one hour."""
    return f"{_MAIL_QUOTA_PREFIX}{address_key}#{window_start}"


def consent_setting(version: int) -> str:
    """The settings item that keeps consent text version `version`."""
    return f"{_CONSENT_PREFIX}{version}"


def time_key_floor(epoch_ms: int) -> str:
    """Sorts before every time key of that millisecond and after every earlier one."""
    return f"{epoch_ms:013d}#"


def time_key_ceiling(epoch_ms: int) -> str:
    """Sorts after every time key of that millisecond and before every later one."""
    return f"{epoch_ms:013d}#~"


def time_key_id(key: str) -> str:
    """The id part of a `time_key`."""
    return key.split("#", 1)[1]


def canned_partition(scope: str, owner_id: str | None) -> str:
    return CANNED_SHARED_PARTITION if scope == "shared" else f"{_CANNED_PERSONAL_PREFIX}{owner_id}"


def canned_response_key(response_id: str) -> str:
    return f"{CANNED_RESPONSE_PREFIX}{response_id}"


def canned_shortcut_key(shortcut_key: str) -> str:
    """The marker that keeps a shortcut (already `canned.shortcut_key`-folded) unique in its partition."""
    return f"{_CANNED_SHORTCUT_PREFIX}{shortcut_key}"


# Report counters (issue #24, docs/reports.md): one partition per scope kind and UTC month
# (`all#2026-12`, `team#2026-12`, `agent#2026-12`), items `<epoch hour, 8 digits>#<team or agent id>`;
# the applied-marker of a stream record is `applied#<eventID>` with a fixed sort key.
_REPORT_APPLIED_PREFIX = "applied#"
REPORT_MARKER_BUCKET = "-"
REPORT_HOUR_DIGITS = 8


def report_partition(kind: str, month: str) -> str:
    return f"{kind}#{month}"


def report_bucket(hour: int, scope_key: str) -> str:
    return f"{hour:0{REPORT_HOUR_DIGITS}d}#{scope_key}"


def report_bucket_floor(hour: int) -> str:
    """Sorts before every bucket of that hour and after every earlier one."""
    return f"{hour:0{REPORT_HOUR_DIGITS}d}#"


def report_bucket_ceiling(hour: int) -> str:
    """Sorts after every bucket of that hour (no id holds a code point as high as U+10FFFF)."""
    return f"{hour:0{REPORT_HOUR_DIGITS}d}#\U0010ffff"


def report_bucket_parts(bucket: str) -> tuple[int, str]:
    hour, key = bucket.split("#", 1)
    return int(hour), key


def report_marker(event_id: str) -> str:
    return f"{_REPORT_APPLIED_PREFIX}{event_id}"
