"""The export function's work: one SQS message names one job; the job becomes an .xlsx in S3.

Reads go through the history indexes (month or agent partitions, oldest first); the messages of
consecutive chats come 100 at a time by BatchGetItem (their keys follow from each chat's last_seq),
a few batches ahead of the writer on a small thread pool. Rows stream into openpyxl
write-only sheets (temporary files in /tmp, bounded by `max_rows`), and the saved zip streams
into an S3 multipart upload (one part at a time, gathered in /tmp). Persist first, then push: progress and the
result are stored on the job before the requester's console hears about them.

Reliability: the job is claimed with a conditional write, so a redelivered message for a job
that is done, failed or being run does nothing; a failed attempt goes back to the queue with
its reason and a short visibility, the last attempt marks the job failed (and its message then
lands in the dead-letter queue); the handler reports partial batch failures.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import observability
from chalicelib.config import get_config
from chalicelib.domain import model as rules
from chalicelib.domain.errors import DomainError
from chalicelib.domain.model import Principal, Role
from chalicelib.export import files
from chalicelib.export.options import ExportOptions, export_options
from chalicelib.export.s3_upload import MultipartUpload
from chalicelib.export.values import duration, export_file_name, local_datetime, zone
from chalicelib.export.workbook import ExportWorkbook
from chalicelib.services import notify
from chalicelib.services.records import history_filter, index_range
from chalicelib.services.views import access_of
from chalicelib.store import export_jobs as store
from chalicelib.store import repository
from chalicelib.store.export_jobs import ExportedMessage, JobStatus
from chalicelib.store.models import ConversationModel, ExportJobModel

log = logging.getLogger("livechat.export")

CHATS_PER_GROUP = 100  # chats read together when they have few or no messages (bounds a group's memory)
RETRY_VISIBILITY_SECONDS = 30  # a failed attempt is retried soon, not after the queue's long visibility

STATUS_LABELS = {True: "처리", False: "미처리"}
RATING_LABELS = {"satisfied": "만족", "dissatisfied": "불만족"}
STATE_LABELS = {"waiting": "대기", "active": "상담중", "ended": "종료"}
ROLE_LABELS = {"customer": "고객", "agent": "상담원", "admin": "관리자", "system": "시스템"}


class ExportFailed(Exception):
    """A failure another attempt would repeat: the job is marked failed at once."""


@dataclass
class Outcome:
    status: str  # done | failed | skipped | retry
    detail: str = ""
    dead_letter: bool = False  # report the message failed although the job is settled: it goes to the DLQ


# --- rows --------------------------------------------------------------------------------------


def chat_row(conv: ConversationModel, ticket_ids: list[str] | None, tz: tzinfo) -> list[Any]:
    first_response = duration(conv.inbound_at, conv.first_response_at)
    return [
        conv.conversation_id,
        local_datetime(conv.inbound_at, tz),
        conv.processing_type,
        STATUS_LABELS[rules.is_handled(conv.first_response_at)],
        conv.agent_name,
        conv.agent_id,
        conv.customer_name,
        RATING_LABELS.get(conv.rating or "", conv.rating),
        first_response,
        STATE_LABELS.get(conv.state, conv.state),
        conv.customer_email,
        conv.customer_phone,
        conv.customer_memo,
        conv.inquiry_type,
        conv.counsel_note,
        local_datetime(conv.assigned_at, tz),
        local_datetime(conv.first_response_at, tz),
        local_datetime(conv.ended_at, tz),
        duration(conv.inbound_at, conv.ended_at),
        ROLE_LABELS.get(conv.ended_by or "", conv.ended_by),
        conv.rating_comment,
        int(conv.last_seq or 0),
        ", ".join(ticket_ids) if ticket_ids else None,
    ]


def message_row(message: ExportedMessage, tz: tzinfo) -> list[Any]:
    # `text` is what the store keeps for everyone: masked where masking applies, never an original.
    text = message.text
    if text is None and message.system_code:
        text = f"[{message.system_code}]"
    return [
        message.conversation_id,
        int(message.seq),
        local_datetime(message.created_at, tz),
        ROLE_LABELS.get(message.sender_role or "", message.sender_role),
        message.sender_name,
        text,
    ]


# --- reading -----------------------------------------------------------------------------------


def history_partitions(from_ms: int, to_ms: int, agent_id: str | None) -> list[tuple[Any, str]]:
    """The index partitions that hold the period, oldest first."""
    if agent_id:
        return [(ConversationModel.by_agent, agent_id)]
    return [(ConversationModel.by_month, month) for month in reversed(rules.months_between(from_ms, to_ms))]


def chats_with_messages(
    filters: dict[str, Any], read_ahead: int
) -> Iterator[tuple[ConversationModel, list[ExportedMessage]]]:
    """Every matching chat, oldest first, with its messages.

    Consecutive chats are grouped so that a group's messages fill one BatchGetItem (a longer chat
    is a group of its own, read by Query); up to `read_ahead` groups are read on a thread pool
    while the writer works through the ones before them.
    """
    from_ms, to_ms, condition, agent_id = history_filter(filters)
    key_range = index_range(from_ms, to_ms)
    pool = ThreadPoolExecutor(max_workers=read_ahead, thread_name_prefix="export-read")
    window: deque[tuple[list[ConversationModel], Future[dict[str, list[ExportedMessage]]]]] = deque()
    group: list[ConversationModel] = []
    group_messages = 0

    def submit() -> None:
        nonlocal group, group_messages
        chats = [(conv.conversation_id, int(conv.last_seq or 0)) for conv in group]
        window.append((group, pool.submit(store.messages_of_chats, chats)))
        group, group_messages = [], 0

    def drain(keep: int) -> Iterator[tuple[ConversationModel, list[ExportedMessage]]]:
        while len(window) > keep:
            convs, pending = window.popleft()
            messages = pending.result()
            for conv in convs:
                yield conv, messages[conv.conversation_id]

    try:
        for index, partition in history_partitions(from_ms, to_ms, agent_id):
            for conv in store.history_chats(index, partition, key_range, condition):
                count = int(conv.last_seq or 0)
                if group and (group_messages + count > store.MESSAGES_PER_BATCH or len(group) >= CHATS_PER_GROUP):
                    submit()
                group.append(conv)
                group_messages += count
                yield from drain(read_ahead)
        if group:
            submit()
        yield from drain(0)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def export_reader(job: ExportJobModel) -> Principal | None:
    """Whose view of the chats the export holds: None for an admin's (every chat)."""
    if job.requested_role == Role.ADMIN.value:
        return None
    agent = repository.get_agent(job.requested_by)
    may_chat = agent is not None and bool(agent.chat_permission) and not agent.disabled
    return Principal(role=Role.AGENT, user_id=job.requested_by, may_chat=may_chat)


# --- pushing -----------------------------------------------------------------------------------


def _push(job: ExportJobModel, frame: dict[str, Any]) -> None:
    """To the requester's open console connections; a failed push never fails the export."""
    try:
        agent = repository.get_agent(job.requested_by)
        if agent is not None:
            notify.to_agent(agent, frame)
    except Exception:  # noqa: BLE001 - the job's state is stored; the console also polls GET /exports/{id}
        log.warning("export %s: push of %s failed", job.export_id, frame.get("type"))


def _result_frame(job: ExportJobModel) -> dict[str, Any]:
    return {
        "type": "export.ready" if job.status == JobStatus.DONE else "export.failed",
        "exportId": job.export_id,
        "status": job.status,
        "rows": int((job.chat_rows or 0) + (job.message_rows or 0)),
        "chatRows": int(job.chat_rows or 0),
        "messageRows": int(job.message_rows or 0),
        "fileName": job.file_name,
        "size": int(job.size_bytes) if job.size_bytes is not None else None,
        "error": job.error,
    }


# --- one attempt -------------------------------------------------------------------------------


class ProgressReporter:
    """Stores progress on the job and pushes `export.progress`, at most every `interval` seconds."""

    def __init__(self, job: ExportJobModel, attempt: int, interval: float, from_ms: int, to_ms: int) -> None:
        self.job = job
        self.attempt = attempt
        self.interval = interval
        self.from_ms = from_ms
        self.span = max(1, to_ms - from_ms)
        self.last_sent = 0.0
        self.last_percent = -1

    def percent_at(self, inbound_at: int) -> int:
        # Reading is most of the work: 0-90 % follows the period; saving the zip takes the rest.
        return max(0, min(90, int(90 * (inbound_at - self.from_ms) / self.span)))

    def report(self, percent: int, chat_rows: int, message_rows: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and (now - self.last_sent < self.interval or percent == self.last_percent):
            return
        self.last_sent, self.last_percent = now, percent
        if not store.record_progress(self.job, self.attempt, percent, chat_rows, message_rows):
            raise ExportFailed("the job was taken over by another attempt")
        _push(
            self.job,
            {
                "type": "export.progress",
                "exportId": self.job.export_id,
                "status": JobStatus.RUNNING,
                "progress": percent,
                "chatRows": chat_rows,
                "messageRows": message_rows,
                "rows": chat_rows + message_rows,
            },
        )


def write_export(
    job: ExportJobModel,
    attempt: int,
    options: ExportOptions,
    remaining_ms: Callable[[], int] | None = None,
) -> tuple[str, str, int, int, int]:
    """Build the workbook and upload it; return (key, file name, size, chat rows, message rows)."""
    try:
        filters = json.loads(job.filters)
        from_ms, to_ms, _, _ = history_filter(filters)
    except (ValueError, DomainError) as exc:
        raise ExportFailed("the stored filters are not valid") from exc
    tz = zone(options.time_zone)
    file_name = export_file_name(from_ms, to_ms, tz)
    key = files.export_object_key(job.export_id, file_name)
    progress = ProgressReporter(job, attempt, options.progress_seconds, from_ms, to_ms)
    progress.report(0, 0, 0, force=True)
    tickets = store.chat_ticket_ids_since(from_ms)
    book = ExportWorkbook(options.sheet_row_limit)
    reader = export_reader(job)
    try:
        for conv, messages in chats_with_messages(filters, options.read_ahead):
            if reader is not None and not rules.may_see_chat(reader, access_of(conv)):
                continue  # an agent's export holds only the chats that agent may see
            book.chats.append(chat_row(conv, tickets.get(conv.conversation_id), tz))
            for message in messages:
                book.messages.append(message_row(message, tz))
            if book.chats.rows + book.messages.rows > options.max_rows:
                raise ExportFailed(
                    f"more than {options.max_rows:,} rows match; export a shorter period or narrower conditions"
                )
            # Stop while there is still time to fail cleanly: saving (zipping the sheets) and
            # uploading the file grow with the rows written, so the reserve does too.
            rows = book.chats.rows + book.messages.rows
            reserve_ms = options.deadline_margin_ms + rows * options.save_ms_per_1000_rows // 1000
            if remaining_ms is not None and remaining_ms() < reserve_ms:
                raise ExportFailed("the export did not finish in the time allowed; export a shorter period")
            progress.report(progress.percent_at(conv.inbound_at), book.chats.rows, book.messages.rows)
        progress.report(90, book.chats.rows, book.messages.rows, force=True)
        upload = MultipartUpload(
            files.client("s3"), get_config().exports_bucket, key, options.part_bytes, file_name
        )
        try:
            book.save(upload)
            size = upload.complete()
        except BaseException:
            upload.abort()
            raise
    finally:
        book.discard()
    return key, file_name, size, book.chats.rows, book.messages.rows


def _reason(exc: BaseException) -> str:
    """A reason the admin may see: never the exception text (it may quote data)."""
    if isinstance(exc, ExportFailed):
        return str(exc)
    if isinstance(exc, ClientError):
        return f"AWS error {exc.response.get('Error', {}).get('Code', 'unknown')}"
    return f"unexpected error ({type(exc).__name__})"


def run_job(
    export_id: str,
    receive_count: int = 1,
    remaining_ms: Callable[[], int] | None = None,
    options: ExportOptions | None = None,
) -> Outcome:
    options = options or export_options()
    observability.annotate(export_id=export_id)
    job = store.find_job(export_id)
    if job is None:
        log.warning("export %s: no such job; message dropped", export_id)
        return Outcome("skipped", "no such job")
    now = rules.now_ms()
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        return Outcome("skipped", f"already {job.status}")  # a redelivery: nothing runs twice
    if job.status == JobStatus.RUNNING and (job.lease_until or 0) >= now:
        return Outcome("skipped", "another attempt is running")
    if int(job.attempts or 0) >= options.max_attempts:
        # Earlier attempts died without a word (time limit, memory): give up with a reason.
        if store.fail_job(job, f"the export stopped {int(job.attempts)} times before finishing", now):
            job.refresh(consistent_read=True)
            _push(job, _result_frame(job))
        return Outcome("failed", "attempts exhausted")
    if not store.claim_job(job, now, options.lease_seconds * 1000):
        return Outcome("skipped", "claimed by another attempt")
    attempt = int(job.attempts)
    started = time.monotonic()
    try:
        key, file_name, size, chat_rows, message_rows = write_export(job, attempt, options, remaining_ms)
    except ExportFailed as exc:
        observability.metric("ExportFailures")
        if store.fail_job(job, _reason(exc), rules.now_ms(), attempt):
            job.refresh(consistent_read=True)
            _push(job, _result_frame(job))
        return Outcome("failed", str(exc))
    except Exception as exc:  # noqa: BLE001 - any other failure may pass: retry, then give up with a reason
        log.exception("export %s: attempt %d failed", export_id, attempt)
        observability.failure(exc, expected=False)
        reason = _reason(exc)
        if attempt >= options.max_attempts or receive_count >= options.max_attempts:
            if store.fail_job(job, f"{reason}; gave up after {attempt} attempt(s)", rules.now_ms(), attempt):
                job.refresh(consistent_read=True)
                _push(job, _result_frame(job))
            return Outcome("failed", reason, dead_letter=True)
        store.release_job(job, attempt, f"attempt {attempt} failed: {reason}; retrying")
        return Outcome("retry", reason)
    if store.finish_job(
        job,
        attempt,
        s3_key=key,
        file_name=file_name,
        size_bytes=size,
        chat_rows=chat_rows,
        message_rows=message_rows,
        now_ms=rules.now_ms(),
    ):
        job.refresh(consistent_read=True)
        _push(job, _result_frame(job))
    observability.metric("ExportDuration", round((time.monotonic() - started) * 1000), "Milliseconds")
    observability.metric("ExportRows", chat_rows + message_rows)
    return Outcome("done")


# --- the SQS batch -----------------------------------------------------------------------------


def _export_id(body: str) -> str | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    export_id = value.get("exportId") if isinstance(value, dict) else None
    return export_id if isinstance(export_id, str) and 0 < len(export_id) <= 64 else None


def _retry_soon(record: dict[str, Any]) -> None:
    """Shorten the failed message's visibility so the retry does not wait the queue's full timeout."""
    try:
        files.client("sqs").change_message_visibility(
            QueueUrl=get_config().export_queue_url,
            ReceiptHandle=record["receiptHandle"],
            VisibilityTimeout=RETRY_VISIBILITY_SECONDS,
        )
    except (BotoCoreError, ClientError, KeyError):
        log.warning("could not shorten the visibility of message %s", record.get("messageId"))


def handle_batch(records: list[dict[str, Any]], context: Any = None) -> dict[str, Any]:
    """Run each message's job; answer Lambda's partial batch response (ReportBatchItemFailures)."""
    remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
    failures: list[dict[str, str]] = []
    for record in records:
        message_id = record.get("messageId", "")
        export_id = _export_id(record.get("body", ""))
        if export_id is None:
            log.warning("export message %s has no export id; dropped", message_id)
            continue
        receive_count = int((record.get("attributes") or {}).get("ApproximateReceiveCount", "1"))
        try:
            outcome = run_job(export_id, receive_count, remaining_ms)
        except Exception:  # noqa: BLE001 - one bad job must not fail the other messages of the batch
            log.exception("export %s: failed outside an attempt", export_id)
            outcome = Outcome("retry", "unexpected")
        log.info("export %s: %s %s", export_id, outcome.status, outcome.detail)
        if outcome.status == "retry":
            _retry_soon(record)
            failures.append({"itemIdentifier": message_id})
        elif outcome.dead_letter:
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}
