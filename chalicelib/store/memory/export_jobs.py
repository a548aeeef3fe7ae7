"""The in-memory twin of chalicelib/store/export_jobs.py: the jobs' conditional state changes and
the export's bulk reads, answering in the same shapes (ExportedMessage, ticket ids by chat)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from chalicelib.domain.entities import ExportedAttachment, ExportedMessage, ExportJob, JobStatus, Page
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.model import TicketChannel
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied
from chalicelib.store.memory.paging import page


def _created_key(job: ExportJob) -> str:
    return keys.time_key(job.created_at, job.export_id)


class MemoryExportJobs:
    MESSAGES_PER_BATCH = 100  # as the DynamoDB module: the export groups its chats by it

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.items: dict[str, ExportJob] = tables.table("export-jobs")

    # --- jobs --------------------------------------------------------------------------------

    def create(self, job: ExportJob) -> None:
        with self.tables.lock:
            if job.export_id in self.items:
                raise Conflict("an export with this id exists")
            self.items[job.export_id] = copied(job)

    def find(self, export_id: str) -> ExportJob | None:
        with self.tables.lock:
            return copied(self.items.get(export_id))

    def get(self, export_id: str) -> ExportJob:
        job = self.find(export_id)
        if job is None:
            raise NotFound("no such export")
        return job

    def recent(self, limit: int, start_key: dict[str, Any] | None) -> Page:
        with self.tables.lock:
            listing = f"exports:{keys.EXPORT_JOBS_BY_CREATION}"
            return page(self.items.values(), _created_key, listing=listing, limit=limit, start_key=start_key)

    def of_requester(self, requested_by: str, limit: int, start_key: dict[str, Any] | None) -> Page:
        with self.tables.lock:
            jobs = [j for j in self.items.values() if j.requested_by == requested_by]
            listing = f"exports:{keys.EXPORT_JOBS_BY_REQUESTER}"
            return page(jobs, _created_key, listing=listing, limit=limit, start_key=start_key)

    def _update(self, export_id: str, allowed: Callable[[ExportJob], bool], **changes: Any) -> ExportJob | None:
        with self.tables.lock:
            job = self.items.get(export_id)
            if job is None or not allowed(job):
                return None
            self.items[export_id] = updated = replace(job, **changes)
            return copied(updated)

    @staticmethod
    def _owned_by(attempt: int) -> Callable[[ExportJob], bool]:
        return lambda job: job.status == JobStatus.RUNNING and job.attempts == attempt

    def claim(self, export_id: str, now_ms: int, lease_ms: int) -> ExportJob | None:
        def claimable(job: ExportJob) -> bool:
            lapsed = job.status == JobStatus.RUNNING and job.lease_until is not None and job.lease_until < now_ms
            return job.status == JobStatus.QUEUED or lapsed

        with self.tables.lock:
            job = self.items.get(export_id)
            attempts = job.attempts + 1 if job else 1
            return self._update(
                export_id,
                claimable,
                status=JobStatus.RUNNING,
                attempts=attempts,
                lease_until=now_ms + lease_ms,
                started_at=now_ms,
                progress=0,
            )

    def record_progress(self, export_id: str, attempt: int, progress: int, chat_rows: int, message_rows: int) -> bool:
        changes = {"progress": progress, "chat_rows": chat_rows, "message_rows": message_rows}
        return self._update(export_id, self._owned_by(attempt), **changes) is not None

    def finish(
        self,
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
        changes = {
            "status": JobStatus.DONE,
            "progress": 100,
            "s3_key": s3_key,
            "file_name": file_name,
            "size_bytes": size_bytes,
            "chat_rows": chat_rows,
            "message_rows": message_rows,
            "finished_at": now_ms,
            "error": None,
            "lease_until": None,
        }
        return self._update(export_id, self._owned_by(attempt), **changes) is not None

    def fail(self, export_id: str, reason: str, now_ms: int, attempt: int | None = None) -> bool:
        def allowed(job: ExportJob) -> bool:
            if attempt is not None:
                return self._owned_by(attempt)(job)
            return job.status in (JobStatus.QUEUED, JobStatus.RUNNING)

        changes = {"status": JobStatus.FAILED, "error": reason, "finished_at": now_ms, "lease_until": None}
        return self._update(export_id, allowed, **changes) is not None

    def release(self, export_id: str, attempt: int, reason: str) -> bool:
        changes = {"status": JobStatus.QUEUED, "error": reason, "lease_until": None}
        return self._update(export_id, self._owned_by(attempt), **changes) is not None

    # --- the export's reads --------------------------------------------------------------------

    def chat_messages(self, conversation_id: str) -> list[ExportedMessage]:
        with self.tables.lock:
            messages = [m for (cid, _), m in self.tables.table("messages").items() if cid == conversation_id]
        return [
            ExportedMessage(
                m.conversation_id, m.seq, m.sender_role, m.sender_name, m.text, m.system_code, m.created_at,
                ExportedAttachment(m.attachment.name, m.attachment.content_type, m.attachment.size)
                if m.attachment else None,
            )
            for m in sorted(messages, key=lambda m: m.seq)
        ]

    def messages_of_chats(self, chats: Iterable[tuple[str, int]]) -> dict[str, list[ExportedMessage]]:
        """Each chat's messages m#1 … m#last_seq, in seq order."""
        return {
            chat_id: [m for m in self.chat_messages(chat_id) if m.seq <= last_seq] for chat_id, last_seq in chats
        }

    def chat_ticket_ids_since(self, from_ms: int) -> dict[str, list[str]]:
        """Ticket ids by conversation of the chat tickets created at or after from_ms, oldest first."""
        with self.tables.lock:
            tickets = [
                t
                for t in self.tables.table("tickets").values()
                if t.channel == TicketChannel.CHAT.value and t.created_at >= from_ms
            ]
        found: dict[str, list[str]] = {}
        for ticket in sorted(tickets, key=lambda t: keys.time_key(t.created_at, t.ticket_id)):
            if ticket.conversation_id:
                found.setdefault(ticket.conversation_id, []).append(ticket.ticket_id)
        return found
