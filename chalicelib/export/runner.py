"""The export function's work: one SQS message names one job; the job becomes an .xlsx in S3.

The chats and their messages are read by `reading` (history partitions oldest first, messages in
batches a few ahead of the writer); rows (`rows`) stream into openpyxl write-only sheets
(temporary files in /tmp, bounded by `max_rows`), and the saved zip streams into an S3 multipart
upload (one part at a time, gathered in /tmp). Progress and the result are stored on the job
before the requester's console hears about them (`progress`).

Reliability: the job is claimed with a conditional write, so a redelivered message for a job
that is done, failed or being run does nothing; a failed attempt goes back to the queue with
its reason and a short visibility, the last attempt marks the job failed (and its message then
lands in the dead-letter queue); the handler reports partial batch failures.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, cast

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import bootstrap, observability
from chalicelib.config import get_config
from chalicelib.domain import model as rules
from chalicelib.domain.entities import ExportJob, JobStatus
from chalicelib.domain.errors import DomainError
from chalicelib.export import files
from chalicelib.export.options import ExportOptions, export_options
from chalicelib.export.progress import ExportFailed, ProgressReporter, push_result
from chalicelib.export.reading import chats_with_messages, export_reader
from chalicelib.export.rows import attachment_row, chat_row, message_row
from chalicelib.export.s3_upload import MultipartUpload
from chalicelib.export.values import export_file_name, zone
from chalicelib.export.workbook import ExportWorkbook
from chalicelib.services.records import history_filter, team_names
from chalicelib.services.views import access_of

log = logging.getLogger("livechat.export")

RETRY_VISIBILITY_SECONDS = 30  # a failed attempt is retried soon, not after the queue's long visibility

__all__ = ["ExportFailed", "Outcome", "handle_batch", "run_job", "write_export"]


@dataclass
class Outcome:
    status: str  # done | failed | skipped | retry
    detail: str = ""
    dead_letter: bool = False  # report the message failed although the job is settled: it goes to the DLQ


# --- one attempt -------------------------------------------------------------------------------


def write_export(
    job: ExportJob,
    attempt: int,
    options: ExportOptions,
    remaining_ms: Callable[[], int] | None = None,
) -> tuple[str, str, int, int, int]:
    """Build the workbook and upload it; return (key, file name, size, chat rows, message rows)."""
    stored = _stored_filters(job)
    if stored.get("kind") == "report":
        return write_report_export(job, attempt, stored, options)
    try:
        query = history_filter(json.loads(job.filters))
    except (ValueError, DomainError) as exc:
        raise ExportFailed("the stored filters are not valid") from exc
    from_ms, to_ms = query.from_ms, query.to_ms
    tz = zone(options.time_zone)
    file_name = export_file_name(from_ms, to_ms, tz)
    key = files.export_object_key(job.export_id, file_name)
    progress = ProgressReporter(job, attempt, options.progress_seconds, from_ms, to_ms)
    progress.report(0, 0, 0, force=True)
    tickets = bootstrap.store().export_jobs.chat_ticket_ids_since(from_ms)
    teams = team_names()  # read once: every row names its team
    book = ExportWorkbook(options.sheet_row_limit)
    reader = export_reader(job)
    try:
        for conv, messages in chats_with_messages(query, options.read_ahead):
            if reader is not None and not rules.may_see_chat(reader, access_of(conv)):
                continue  # an agent's export holds only the chats that agent may see
            book.chats.append(chat_row(conv, tickets.get(conv.conversation_id), tz, teams))
            for message in messages:
                book.messages.append(message_row(message, tz))
                if message.attachment is not None:
                    book.attachments.append(attachment_row(message, tz))
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
        size = _upload(book.save, key, file_name, options)
    finally:
        book.discard()
    return key, file_name, size, book.chats.rows, book.messages.rows


def _stored_filters(job: ExportJob) -> dict[str, Any]:
    try:
        stored = json.loads(job.filters)
    except ValueError as exc:
        raise ExportFailed("the stored filters are not valid") from exc
    if not isinstance(stored, dict):
        raise ExportFailed("the stored filters are not valid")
    return stored


def write_report_export(
    job: ExportJob, attempt: int, stored: dict[str, Any], options: ExportOptions
) -> tuple[str, str, int, int, int]:
    """The `Report` workbook: one sheet per grouping, read from the counters as GET /reports reads
    them (O(hour buckets) items each); the rows count as chat rows, no message rows."""
    from chalicelib.export.report_book import ReportWorkbook
    from chalicelib.services.reports import GROUPINGS, report_of_period

    try:
        from_ms, to_ms, tz_name = int(stored["from"]), int(stored["to"]), str(stored["timeZone"])
        groupings = [g for g in stored["groupings"] if g in GROUPINGS]
        tz = zone(tz_name)
    except (KeyError, TypeError, ValueError) as exc:
        raise ExportFailed("the stored report request is not valid") from exc
    if not groupings:
        raise ExportFailed("the stored report request is not valid")
    file_name = export_file_name(from_ms, to_ms, tz).replace("chat-history_", "report_", 1)
    key = files.export_object_key(job.export_id, file_name)
    progress = ProgressReporter(job, attempt, options.progress_seconds, from_ms, to_ms)
    progress.report(0, 0, 0, force=True)
    teams = team_names() if "team" in groupings else {}
    book = ReportWorkbook()
    for grouping in groupings:
        book.add_grouping(report_of_period(from_ms, to_ms, grouping, tz_name), teams)
    progress.report(90, book.rows, 0, force=True)
    size = _upload(book.save, key, file_name, options)
    return key, file_name, size, book.rows, 0


def _upload(save: Callable[[IO[bytes]], None], key: str, file_name: str, options: ExportOptions) -> int:
    """A workbook saved straight into a multipart upload to the exports bucket; its size."""
    upload = MultipartUpload(files.client("s3"), get_config().exports_bucket, key, options.part_bytes, file_name)
    try:
        save(cast("IO[bytes]", upload))  # a write-only stream: what the zip writer uses of a file
        return upload.complete()
    except BaseException:
        upload.abort()
        raise


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
    jobs = bootstrap.store().export_jobs
    job = jobs.find(export_id)
    if job is None:
        log.warning("export %s: no such job; message dropped", export_id)
        return Outcome("skipped", "no such job")
    now = bootstrap.clock()
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        return Outcome("skipped", f"already {job.status}")  # a redelivery: nothing runs twice
    if job.status == JobStatus.RUNNING and (job.lease_until or 0) >= now:
        return Outcome("skipped", "another attempt is running")
    if int(job.attempts or 0) >= options.max_attempts:
        # Earlier attempts died without a word (time limit, memory): give up with a reason.
        if jobs.fail(export_id, f"the export stopped {int(job.attempts)} times before finishing", now):
            push_result(export_id)
        return Outcome("failed", "attempts exhausted")
    claimed = jobs.claim(export_id, now, options.lease_seconds * 1000)
    if claimed is None:
        return Outcome("skipped", "claimed by another attempt")
    job, attempt = claimed, int(claimed.attempts)
    started = time.monotonic()
    try:
        key, file_name, size, chat_rows, message_rows = write_export(job, attempt, options, remaining_ms)
    except ExportFailed as exc:
        observability.metric("ExportFailures")
        if jobs.fail(export_id, _reason(exc), bootstrap.clock(), attempt):
            push_result(export_id)
        return Outcome("failed", str(exc))
    except Exception as exc:  # noqa: BLE001 - any other failure may pass: retry, then give up with a reason
        log.exception("export %s: attempt %d failed", export_id, attempt)
        observability.failure(exc, expected=False)
        reason = _reason(exc)
        if attempt >= options.max_attempts or receive_count >= options.max_attempts:
            if jobs.fail(export_id, f"{reason}; gave up after {attempt} attempt(s)", bootstrap.clock(), attempt):
                push_result(export_id)
            return Outcome("failed", reason, dead_letter=True)
        jobs.release(export_id, attempt, f"attempt {attempt} failed: {reason}; retrying")
        return Outcome("retry", reason)
    if jobs.finish(
        export_id,
        attempt,
        s3_key=key,
        file_name=file_name,
        size_bytes=size,
        chat_rows=chat_rows,
        message_rows=message_rows,
        now_ms=bootstrap.clock(),
    ):
        push_result(export_id)
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


def _transcript_mail_id(body: str) -> str | None:
    """A transcript mail (services/transcript_mail.py) rides the export queue: `{"transcriptMail": id}`."""
    try:
        value = json.loads(body)
    except ValueError:
        return None
    conversation_id = value.get("transcriptMail") if isinstance(value, dict) else None
    return conversation_id if isinstance(conversation_id, str) and 0 < len(conversation_id) <= 64 else None


def _send_transcript(conversation_id: str, record: dict[str, Any]) -> bool:
    """Send one transcript mail; False (retried by the queue, then its dead-letter queue) on failure."""
    from chalicelib.services.transcript_mail import send_transcript_mail

    try:
        log.info("transcript mail of %s: %s", conversation_id, send_transcript_mail(conversation_id))
        return True
    except DomainError as exc:  # the chat is gone: nothing to send, ever
        log.warning("transcript mail of %s: %s; dropped", conversation_id, exc.message)
        return True
    except Exception:  # noqa: BLE001 - SES or DynamoDB failed: the message comes back
        log.exception("transcript mail of %s: failed", conversation_id)
        _retry_soon(record)
        return False


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
        if (conversation_id := _transcript_mail_id(record.get("body", ""))) is not None:
            if not _send_transcript(conversation_id, record):
                failures.append({"itemIdentifier": message_id})
            continue
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
