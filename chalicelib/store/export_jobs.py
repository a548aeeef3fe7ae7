"""Export jobs and the export's bulk reads: GetItem and Query only, like repository.py.

Job state changes are conditional: a job is claimed once per attempt (`queued`, or `running`
with a lapsed lease), and only the attempt that claimed it may report progress or finish it,
so an SQS redelivery can neither run a finished job again nor overwrite a newer attempt.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition

from chalicelib.domain.errors import NotFound
from chalicelib.domain.model import TicketChannel, time_key
from chalicelib.store.models import (
    EXPORT_PARTITION,
    BaseMeta,
    ConversationModel,
    ExportJobModel,
    MessageModel,
    TicketModel,
)

JOB_RECORD_DAYS = 90  # the job item (who exported what, when) outlives its file


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def _condition_failed(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


# --- jobs ------------------------------------------------------------------------------------


def new_job(
    export_id: str, *, requested_by: str, requested_by_name: str | None, role: str, filters: str, now_ms: int
) -> ExportJobModel:
    return ExportJobModel(
        export_id,
        list_partition=EXPORT_PARTITION,
        created_key=time_key(now_ms, export_id),
        created_at=now_ms,
        requested_by=requested_by,
        requested_by_name=requested_by_name,
        requested_role=role,
        filters=filters,
        status=JobStatus.QUEUED,
        progress=0,
        expires_at=timedelta(days=JOB_RECORD_DAYS),
    )


def create_job(job: ExportJobModel) -> None:
    job.save(condition=ExportJobModel.export_id.does_not_exist())


def get_job(export_id: str) -> ExportJobModel:
    try:
        return ExportJobModel.get(export_id, consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound("no such export") from exc


def find_job(export_id: str) -> ExportJobModel | None:
    try:
        return ExportJobModel.get(export_id, consistent_read=True)
    except DoesNotExist:
        return None


def recent_jobs(limit: int, start_key: dict[str, Any] | None) -> tuple[list[ExportJobModel], Any]:
    result = ExportJobModel.by_creation.query(
        EXPORT_PARTITION, scan_index_forward=False, limit=limit, last_evaluated_key=start_key
    )
    return list(result), result.last_evaluated_key


def jobs_of(requested_by: str, limit: int, start_key: dict[str, Any] | None) -> tuple[list[ExportJobModel], Any]:
    result = ExportJobModel.by_requester.query(
        requested_by, scan_index_forward=False, limit=limit, last_evaluated_key=start_key
    )
    return list(result), result.last_evaluated_key


def claim_job(job: ExportJobModel, now_ms: int, lease_ms: int) -> bool:
    """Start an attempt: only a queued job, or a running one whose attempt died (lease lapsed)."""
    claimable = (ExportJobModel.status == JobStatus.QUEUED) | (
        (ExportJobModel.status == JobStatus.RUNNING) & (ExportJobModel.lease_until < now_ms)
    )
    try:
        job.update(
            actions=[
                ExportJobModel.status.set(JobStatus.RUNNING),
                ExportJobModel.attempts.add(1),
                ExportJobModel.lease_until.set(now_ms + lease_ms),
                ExportJobModel.started_at.set(now_ms),
                ExportJobModel.progress.set(0),
            ],
            condition=claimable,
        )
    except UpdateError as exc:
        if _condition_failed(exc):
            return False
        raise
    return True


def _owned_by(attempt: int) -> Condition:
    return (ExportJobModel.status == JobStatus.RUNNING) & (ExportJobModel.attempts == attempt)


def _update_owned(job: ExportJobModel, attempt: int, actions: list[Any]) -> bool:
    try:
        job.update(actions=actions, condition=_owned_by(attempt))
    except UpdateError as exc:
        if _condition_failed(exc):
            return False
        raise
    return True


def record_progress(job: ExportJobModel, attempt: int, progress: int, chat_rows: int, message_rows: int) -> bool:
    return _update_owned(
        job,
        attempt,
        [
            ExportJobModel.progress.set(progress),
            ExportJobModel.chat_rows.set(chat_rows),
            ExportJobModel.message_rows.set(message_rows),
        ],
    )


def finish_job(
    job: ExportJobModel,
    attempt: int,
    *,
    s3_key: str,
    file_name: str,
    size_bytes: int,
    chat_rows: int,
    message_rows: int,
    now_ms: int,
) -> bool:
    return _update_owned(
        job,
        attempt,
        [
            ExportJobModel.status.set(JobStatus.DONE),
            ExportJobModel.progress.set(100),
            ExportJobModel.s3_key.set(s3_key),
            ExportJobModel.file_name.set(file_name),
            ExportJobModel.size_bytes.set(size_bytes),
            ExportJobModel.chat_rows.set(chat_rows),
            ExportJobModel.message_rows.set(message_rows),
            ExportJobModel.finished_at.set(now_ms),
            ExportJobModel.error.remove(),
            ExportJobModel.lease_until.remove(),
        ],
    )


def fail_job(job: ExportJobModel, reason: str, now_ms: int, attempt: int | None = None) -> bool:
    """Mark failed for good. With `attempt`, only if that attempt still owns the job."""
    actions = [
        ExportJobModel.status.set(JobStatus.FAILED),
        ExportJobModel.error.set(reason),
        ExportJobModel.finished_at.set(now_ms),
        ExportJobModel.lease_until.remove(),
    ]
    if attempt is not None:
        return _update_owned(job, attempt, actions)
    try:
        job.update(actions=actions, condition=ExportJobModel.status.is_in(JobStatus.QUEUED, JobStatus.RUNNING))
    except UpdateError as exc:
        if _condition_failed(exc):
            return False
        raise
    return True


def release_job(job: ExportJobModel, attempt: int, reason: str) -> bool:
    """Give a failed attempt back to the queue (SQS redelivers it); the reason stays visible."""
    return _update_owned(
        job,
        attempt,
        [
            ExportJobModel.status.set(JobStatus.QUEUED),
            ExportJobModel.error.set(reason),
            ExportJobModel.lease_until.remove(),
        ],
    )


# --- the export's reads ---------------------------------------------------------------------


def history_chats(
    index: Any, partition: str, key_range: Condition, condition: Condition | None
) -> Iterator[ConversationModel]:
    """One history partition (a month, or an agent), oldest first, every page."""
    return index.query(partition, key_range, filter_condition=condition, scan_index_forward=True)


@dataclass(frozen=True)
class ExportedMessage:
    """The message fields the export writes, read without building pynamodb models (a million of them)."""

    conversation_id: str
    seq: int
    sender_role: str | None
    sender_name: str | None
    text: str | None  # as stored: masked text where masking applies, never an original
    system_code: str | None
    created_at: int | None


_MESSAGE_PROJECTION = "seq, sender_role, sender_name, #text, system_code, created_at"
_client_lock = threading.Lock()
_clients: list[Any] = []


def _dynamodb() -> Any:
    with _client_lock:
        if not _clients:
            _clients.append(
                boto3.session.Session().client(
                    "dynamodb",
                    region_name=BaseMeta.region,
                    config=BotoConfig(
                        connect_timeout=BaseMeta.connect_timeout_seconds,
                        read_timeout=BaseMeta.read_timeout_seconds,
                        retries={"mode": "standard", "max_attempts": BaseMeta.max_retry_attempts},
                        max_pool_connections=32,
                    ),
                )
            )
        return _clients[0]


def _s(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    return value.get("S") if value else None


def _n(item: dict[str, Any], name: str) -> int | None:
    value = item.get(name)
    return int(value["N"]) if value and "N" in value else None


def chat_messages(conversation_id: str) -> list[ExportedMessage]:
    """A chat's messages in order (not the resend markers); ended chats need no strong read."""
    messages: list[ExportedMessage] = []
    request: dict[str, Any] = {
        "TableName": MessageModel.Meta.table_name,
        "KeyConditionExpression": "conversation_id = :c AND begins_with(sort_key, :m)",
        "ExpressionAttributeValues": {":c": {"S": conversation_id}, ":m": {"S": "m#"}},
        "ExpressionAttributeNames": {"#text": "text"},
        "ProjectionExpression": _MESSAGE_PROJECTION,
    }
    while True:
        page = _dynamodb().query(**request)
        for item in page.get("Items", []):
            messages.append(
                ExportedMessage(
                    conversation_id,
                    _n(item, "seq") or 0,
                    _s(item, "sender_role"),
                    _s(item, "sender_name"),
                    _s(item, "text"),
                    _s(item, "system_code"),
                    _n(item, "created_at"),
                )
            )
        if "LastEvaluatedKey" not in page:
            return messages
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def chat_ticket_ids_since(from_ms: int) -> dict[str, list[str]]:
    """Ticket ids by conversation for chat tickets created at or after from_ms (tickets follow chats)."""
    tickets: dict[str, list[str]] = {}
    query = TicketModel.by_channel.query(
        TicketChannel.CHAT.value,
        TicketModel.created_key >= f"{from_ms:013d}#",
        scan_index_forward=True,
        attributes_to_get=["ticket_id", "conversation_id", "channel", "created_key"],
    )
    for ticket in query:
        if ticket.conversation_id:
            tickets.setdefault(ticket.conversation_id, []).append(ticket.ticket_id)
    return tickets
