"""Export jobs and the export's bulk reads: GetItem and Query only, like the other store modules.

Job state changes are conditional: a job is claimed once per attempt (`queued`, or `running`
with a lapsed lease), and only the attempt that claimed it may report progress or finish it,
so an SQS redelivery can neither run a finished job again nor overwrite a newer attempt.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from pynamodb.exceptions import DoesNotExist, PutError, QueryError, UpdateError
from pynamodb.expressions.condition import Condition

from chalicelib.domain.entities import ExportedAttachment, ExportedMessage, ExportJob, JobStatus, Page
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.model import TicketChannel
from chalicelib.store import keys
from chalicelib.store.convert import attribute_values, to_entity
from chalicelib.store.dynamo import is_condition_failure
from chalicelib.store.failures import foreign_start_key
from chalicelib.store.models import BaseMeta, MessageModel
from chalicelib.store.record_models import ExportJobModel, TicketModel

JOB_RECORD_DAYS = 90  # the job item (who exported what, when) outlives its file


# --- jobs ------------------------------------------------------------------------------------


def _entity(item: ExportJobModel) -> ExportJob:
    job = to_entity(item, ExportJob)
    for name in ("progress", "chat_rows", "message_rows", "attempts"):
        setattr(job, name, int(getattr(job, name) or 0))
    return job


def create(job: ExportJob) -> None:
    """Store a new job (its record expires JOB_RECORD_DAYS from now); Conflict if the id is taken."""
    item = ExportJobModel(
        job.export_id,
        list_partition=keys.EXPORT_PARTITION,
        created_key=keys.time_key(job.created_at, job.export_id),
        expires_at=timedelta(days=JOB_RECORD_DAYS),
        **attribute_values(job, ExportJobModel, skip=("export_id",)),
    )
    try:
        item.save(condition=ExportJobModel.export_id.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            raise Conflict("an export with this id exists") from exc
        raise


def find(export_id: str) -> ExportJob | None:
    try:
        return _entity(ExportJobModel.get(export_id, consistent_read=True))
    except DoesNotExist:
        return None


def get(export_id: str) -> ExportJob:
    job = find(export_id)
    if job is None:
        raise NotFound("no such export")
    return job


def _page(result: Any) -> Page:
    try:
        jobs = [_entity(item) for item in result]
    except QueryError as exc:  # a cursor from another listing: DynamoDB refuses the start key
        raise foreign_start_key() from exc
    return Page(jobs, result.last_evaluated_key)


def recent(limit: int, start_key: dict[str, Any] | None) -> Page:
    """Every requester's jobs, newest first."""
    return _page(
        ExportJobModel.by_creation.query(
            keys.EXPORT_PARTITION, scan_index_forward=False, limit=limit, last_evaluated_key=start_key
        )
    )


def of_requester(requested_by: str, limit: int, start_key: dict[str, Any] | None) -> Page:
    """One requester's jobs, newest first."""
    return _page(
        ExportJobModel.by_requester.query(
            requested_by, scan_index_forward=False, limit=limit, last_evaluated_key=start_key
        )
    )


def _update(export_id: str, actions: list[Any], condition: Condition) -> ExportJobModel | None:
    """The job as updated (UpdateItem answers with it), or None when the condition refused."""
    item = ExportJobModel(export_id)
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return None
        raise
    return item


def claim(export_id: str, now_ms: int, lease_ms: int) -> ExportJob | None:
    """Start an attempt: only a queued job, or a running one whose attempt died (lease lapsed).
    Returns the job as claimed (its `attempts` numbers this attempt), None if refused."""
    claimable = (ExportJobModel.status == JobStatus.QUEUED) | (
        (ExportJobModel.status == JobStatus.RUNNING) & (ExportJobModel.lease_until < now_ms)
    )
    item = _update(
        export_id,
        [
            ExportJobModel.status.set(JobStatus.RUNNING),
            ExportJobModel.attempts.add(1),
            ExportJobModel.lease_until.set(now_ms + lease_ms),
            ExportJobModel.started_at.set(now_ms),
            ExportJobModel.progress.set(0),
        ],
        claimable,
    )
    return _entity(item) if item is not None else None


def _owned_by(attempt: int) -> Condition:
    return (ExportJobModel.status == JobStatus.RUNNING) & (ExportJobModel.attempts == attempt)


def record_progress(export_id: str, attempt: int, progress: int, chat_rows: int, message_rows: int) -> bool:
    """False if the attempt no longer owns the job."""
    actions = [
        ExportJobModel.progress.set(progress),
        ExportJobModel.chat_rows.set(chat_rows),
        ExportJobModel.message_rows.set(message_rows),
    ]
    return _update(export_id, actions, _owned_by(attempt)) is not None


def finish(
    export_id: str,
    attempt: int,
    *,
    s3_key: str,
    file_name: str,
    size_bytes: int,
    chat_rows: int,
    message_rows: int,
    now_ms: int,
) -> bool:
    """Done, with its file; False if the attempt no longer owns the job."""
    actions = [
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
    ]
    return _update(export_id, actions, _owned_by(attempt)) is not None


def fail(export_id: str, reason: str, now_ms: int, attempt: int | None = None) -> bool:
    """Mark failed for good: a queued or running job; with `attempt`, only if that attempt owns it."""
    actions = [
        ExportJobModel.status.set(JobStatus.FAILED),
        ExportJobModel.error.set(reason),
        ExportJobModel.finished_at.set(now_ms),
        ExportJobModel.lease_until.remove(),
    ]
    condition = (
        _owned_by(attempt) if attempt is not None else ExportJobModel.status.is_in(JobStatus.QUEUED, JobStatus.RUNNING)
    )
    return _update(export_id, actions, condition) is not None


def release(export_id: str, attempt: int, reason: str) -> bool:
    """Give a failed attempt back to the queue (SQS redelivers it); the reason stays visible."""
    actions = [
        ExportJobModel.status.set(JobStatus.QUEUED),
        ExportJobModel.error.set(reason),
        ExportJobModel.lease_until.remove(),
    ]
    return _update(export_id, actions, _owned_by(attempt)) is not None


# --- the export's reads ---------------------------------------------------------------------


_MESSAGE_PROJECTION = "conversation_id, seq, sender_role, sender_name, #text, system_code, created_at, attachment"
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
        _attachment(item),
    )


def _attachment(item: dict[str, Any]) -> ExportedAttachment | None:
    stored = (item.get("attachment") or {}).get("M")
    if not stored:
        return None
    return ExportedAttachment(_s(stored, "name") or "", _s(stored, "content_type") or "", _n(stored, "size") or 0)


def chat_messages(conversation_id: str) -> list[ExportedMessage]:
    """A chat's messages in order (not the resend markers); ended chats need no strong read."""
    messages: list[ExportedMessage] = []
    request: dict[str, Any] = {
        "TableName": MessageModel.Meta.table_name,
        "KeyConditionExpression": "conversation_id = :c AND begins_with(sort_key, :m)",
        "ExpressionAttributeValues": {":c": {"S": conversation_id}, ":m": {"S": keys.MESSAGE_PREFIX}},
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
    batch: list[dict[str, Any]] = []
    fetched: list[ExportedMessage] = []
    for chat_id, last_seq in chats:
        by_chat[chat_id] = []
        if last_seq > MESSAGES_PER_BATCH:
            by_chat[chat_id] = chat_messages(chat_id)
            continue
        for seq in range(1, last_seq + 1):
            batch.append({"conversation_id": {"S": chat_id}, "sort_key": {"S": keys.message_sort_key(seq)}})
            if len(batch) == MESSAGES_PER_BATCH:
                fetched.extend(_messages_by_key(batch))
                batch = []
    if batch:
        fetched.extend(_messages_by_key(batch))
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
        TicketModel.created_key >= keys.time_key_floor(from_ms),
        scan_index_forward=True,
        attributes_to_get=["ticket_id", "conversation_id", "channel", "created_key"],
    )
    for ticket in query:
        if ticket.conversation_id:
            tickets.setdefault(ticket.conversation_id, []).append(ticket.ticket_id)
    return tickets
