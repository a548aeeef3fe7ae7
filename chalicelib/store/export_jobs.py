"""Export jobs and the export's bulk reads: GetItem and Query only, like repository.py.

Job state changes are conditional: a job is claimed once per attempt (`queued`, or `running`
with a lapsed lease), and only the attempt that claimed it may report progress or finish it,
so an SQS redelivery can neither run a finished job again nor overwrite a newer attempt.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition

from chalicelib.domain.errors import NotFound
from chalicelib.domain.model import TicketChannel, time_key
from chalicelib.store.keys import EXPORT_PARTITION
from chalicelib.store.models import (
    BaseMeta,
    ConversationModel,
    ExportJobModel,
    MessageModel,
    TicketModel,
)
from chalicelib.store.repository import message_sort_key

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


_MESSAGE_PROJECTION = "conversation_id, seq, sender_role, sender_name, #text, system_code, created_at"
MESSAGES_PER_BATCH = 100  # BatchGetItem's limit of keys per request
BATCH_RETRIES = 8  # rounds of UnprocessedKeys (throttling) before the attempt fails and SQS retries it
_client_lock = threading.Lock()
_clients: list[Any] = []


def _keep_wire_json(response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any) -> None:
    """Hand botocore's caller DynamoDB's JSON as it came: for the S and N attributes read here the wire
    shape is the parsed shape, and botocore's shape-walking parser costs ~40 µs per item (40 s for a
    million messages). Errors still go through botocore's parser (and its retry rules)."""
    if response_dict.get("status_code", 500) < 300 and response_dict.get("body"):
        customized_response_dict.update(json.loads(response_dict["body"]))
        response_dict["body"] = b"{}"


def _dynamodb() -> Any:
    """The export's own low-level client: a million message reads without pynamodb models."""
    with _client_lock:
        if not _clients:
            client = boto3.session.Session().client(
                "dynamodb",
                region_name=BaseMeta.region,
                config=BotoConfig(
                    connect_timeout=BaseMeta.connect_timeout_seconds,
                    read_timeout=BaseMeta.read_timeout_seconds,
                    retries={"mode": "standard", "max_attempts": BaseMeta.max_retry_attempts},
                    max_pool_connections=32,
                    parameter_validation=False,  # requests are built here, not from user input
                ),
            )
            for operation in ("Query", "BatchGetItem"):
                client.meta.events.register(f"before-parse.dynamodb.{operation}", _keep_wire_json)
            _clients.append(client)
        return _clients[0]


def _s(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    return value.get("S") if value else None


def _n(item: dict[str, Any], name: str) -> int | None:
    value = item.get(name)
    return int(value["N"]) if value and "N" in value else None


def _exported(item: dict[str, Any]) -> ExportedMessage:
    return ExportedMessage(
        _s(item, "conversation_id") or "",
        _n(item, "seq") or 0,
        _s(item, "sender_role"),
        _s(item, "sender_name"),
        _s(item, "text"),
        _s(item, "system_code"),
        _n(item, "created_at"),
    )


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
        messages.extend(_exported(item) for item in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return messages
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _messages_by_key(keys: list[dict[str, Any]]) -> list[ExportedMessage]:
    """One BatchGetItem (at most MESSAGES_PER_BATCH keys), asking again for what DynamoDB left unprocessed."""
    table = MessageModel.Meta.table_name
    projection = {"ProjectionExpression": _MESSAGE_PROJECTION, "ExpressionAttributeNames": {"#text": "text"}}
    request: dict[str, Any] = {table: {"Keys": keys, **projection}}
    messages: list[ExportedMessage] = []
    for retry in range(BATCH_RETRIES + 1):
        if retry:
            time.sleep(min(2.0, 0.05 * 2**retry))  # unprocessed keys mean throttling: back off
        answer = _dynamodb().batch_get_item(RequestItems=request)
        messages.extend(_exported(item) for item in answer.get("Responses", {}).get(table, []))
        request = answer.get("UnprocessedKeys") or {}
        if not request:
            return messages
    left = len(request[table]["Keys"])
    raise RuntimeError(f"DynamoDB left {left} message keys unprocessed after {BATCH_RETRIES} retries")


def messages_of_chats(chats: Iterable[tuple[str, int]]) -> dict[str, list[ExportedMessage]]:
    """The messages of several chats, given (chat id, last seq), each chat's in seq order.

    A chat's messages are m#1 … m#last_seq: append_message writes seq n only over last_seq n-1 and
    messages are never deleted, so the keys are known and 100 messages of many short chats cost one
    BatchGetItem instead of one Query per chat. A chat longer than a batch is queried on its own.
    """
    by_chat: dict[str, list[ExportedMessage]] = {}
    keys: list[dict[str, Any]] = []
    fetched: list[ExportedMessage] = []
    for chat_id, last_seq in chats:
        by_chat[chat_id] = []
        if last_seq > MESSAGES_PER_BATCH:
            by_chat[chat_id] = chat_messages(chat_id)
            continue
        for seq in range(1, last_seq + 1):
            keys.append({"conversation_id": {"S": chat_id}, "sort_key": {"S": message_sort_key(seq)}})
            if len(keys) == MESSAGES_PER_BATCH:
                fetched.extend(_messages_by_key(keys))
                keys = []
    if keys:
        fetched.extend(_messages_by_key(keys))
    for message in fetched:
        by_chat[message.conversation_id].append(message)
    for messages in by_chat.values():
        messages.sort(key=lambda message: message.seq)  # BatchGetItem answers in no particular order
    return by_chat


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
