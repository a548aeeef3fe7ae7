"""pynamodb models of the records: tickets and their history, canned responses, export jobs.

None of them is on a chat handler's path: the store modules that use them (tickets, canned,
export_jobs) are imported on first use (chalicelib/store/facade.py), and so is this module.
Table names, region and timeouts come from chalicelib/store/models.py (BaseMeta, _meta).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.store import keys
from chalicelib.store.models import _meta

# --- tickets -----------------------------------------------------------------------------


class TicketsByCreation(GlobalSecondaryIndex["TicketModel"]):
    class Meta:
        index_name = keys.TICKETS_BY_CREATION
        projection = AllProjection()

    list_partition = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class TicketsByChannel(GlobalSecondaryIndex["TicketModel"]):
    class Meta:
        index_name = keys.TICKETS_BY_CHANNEL
        projection = AllProjection()

    channel = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class TicketsByStatus(GlobalSecondaryIndex["TicketModel"]):
    class Meta:
        index_name = keys.TICKETS_BY_STATUS
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class TicketsByAssignee(GlobalSecondaryIndex["TicketModel"]):
    """Sparse: only assigned tickets carry assignee_id."""

    class Meta:
        index_name = keys.TICKETS_BY_ASSIGNEE
        projection = AllProjection()

    assignee_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


# The tickets' change stream feeds the ticket and inquiry events (app.py ticket_events, docs/events.md).
TICKETS_STREAM_VIEW = "NEW_AND_OLD_IMAGES"


class TicketModel(Model):
    Meta = _meta("tickets", stream_view_type=TICKETS_STREAM_VIEW)

    ticket_id = UnicodeAttribute(hash_key=True)
    channel = UnicodeAttribute()  # chat | inquiry
    list_partition = UnicodeAttribute(default=keys.TICKET_PARTITION)
    created_key = UnicodeAttribute()
    created_at = NumberAttribute()
    created_by = UnicodeAttribute(null=True)
    conversation_id = UnicodeAttribute(null=True)
    inquiry_type = UnicodeAttribute()
    title = UnicodeAttribute()
    content = UnicodeAttribute()
    requester_name = UnicodeAttribute(null=True)
    requester_email = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="open")  # open | in_progress | on_hold | solved
    assignee_id = UnicodeAttribute(null=True)
    version = NumberAttribute(default=0)  # +1 per recorded change; changes are conditional on it
    updated_at = NumberAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)

    by_creation = TicketsByCreation()
    by_channel = TicketsByChannel()
    by_status = TicketsByStatus()
    by_assignee = TicketsByAssignee()


class TicketHistoryModel(Model):
    """A ticket's changes and staff comments, oldest first (sort key `<version>#<index>`)."""

    Meta = _meta("ticket-history")

    ticket_id = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)
    version = NumberAttribute()
    index = NumberAttribute()
    at = NumberAttribute()
    actor_id = UnicodeAttribute()
    field = UnicodeAttribute()  # status | assignee | comment
    from_value = UnicodeAttribute(null=True)
    to_value = UnicodeAttribute(null=True)


# --- canned responses --------------------------------------------------------------------


class CannedResponseModel(Model):
    """Partition `shared` or `personal#<agent>`: responses `r#<id>`, shortcut markers `s#<key>`, the
    counter `#count` (responses in the partition, for the limit)."""

    Meta = _meta("canned-responses")

    owner_key = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)
    response_id = UnicodeAttribute(null=True)  # responses and markers
    scope = UnicodeAttribute(null=True)  # shared | personal
    owner_id = UnicodeAttribute(null=True)
    title = UnicodeAttribute(null=True)
    shortcut = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    position = NumberAttribute(null=True)
    usage_count = NumberAttribute(null=True)
    last_used_at = NumberAttribute(null=True)
    created_at = NumberAttribute(null=True)
    updated_at = NumberAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
    response_count = NumberAttribute(null=True)  # the counter item only


# --- export jobs -------------------------------------------------------------------------


class ExportJobsByCreation(GlobalSecondaryIndex["ExportJobModel"]):
    """Every job under one partition, newest last: the admin's recent-exports list."""

    class Meta:
        index_name = keys.EXPORT_JOBS_BY_CREATION
        projection = AllProjection()

    list_partition = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class ExportJobsByRequester(GlobalSecondaryIndex["ExportJobModel"]):
    class Meta:
        index_name = keys.EXPORT_JOBS_BY_REQUESTER
        projection = AllProjection()

    requested_by = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class ExportJobModel(Model):
    """One Excel export (S-7): who asked, the history filters, and how far the export function got."""

    Meta = _meta("export-jobs")

    export_id = UnicodeAttribute(hash_key=True)  # ULID
    list_partition = UnicodeAttribute(default=keys.EXPORT_PARTITION)
    created_key = UnicodeAttribute()  # "<created ms, 13 digits>#<id>"
    created_at = NumberAttribute()
    requested_by = UnicodeAttribute()  # agent id (Cognito username)
    requested_by_name = UnicodeAttribute(null=True)
    requested_role = UnicodeAttribute()  # agent | admin
    filters = UnicodeAttribute()  # JSON: the validated history filters, with from/to fixed at request time
    status = UnicodeAttribute(default="queued")  # queued | running | done | failed
    progress = NumberAttribute(default=0)  # percent, 0-100
    chat_rows = NumberAttribute(default=0)
    message_rows = NumberAttribute(default=0)
    attempts = NumberAttribute(default=0)
    lease_until = NumberAttribute(null=True)  # a running attempt owns the job until then
    started_at = NumberAttribute(null=True)
    finished_at = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    s3_key = UnicodeAttribute(null=True)
    file_name = UnicodeAttribute(null=True)
    size_bytes = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)  # the job record outlives its file for a while, then goes

    by_creation = ExportJobsByCreation()
    by_requester = ExportJobsByRequester()
