"""How far an export got, stored on the job and pushed to the requester's console.

Persist first, then push: progress and the result are stored on the job before the requester's
console hears about them; a failed push never fails the export (the console also polls).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from chalicelib import bootstrap
from chalicelib.domain.entities import ExportJob, JobStatus
from chalicelib.services import notify

log = logging.getLogger("livechat.export")


class ExportFailed(Exception):
    """A failure another attempt would repeat: the job is marked failed at once."""


def push(job: ExportJob, frame: dict[str, Any]) -> None:
    """To the requester's open console connections; a failed push never fails the export."""
    try:
        agent = bootstrap.store().agents.get(job.requested_by)
        if agent is not None:
            notify.to_agent(agent, frame)
    except Exception:  # noqa: BLE001 - the job's state is stored; the console also polls GET /exports/{id}
        log.warning("export %s: push of %s failed", job.export_id, frame.get("type"))


def result_frame(job: ExportJob) -> dict[str, Any]:
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


def push_result(export_id: str) -> None:
    """The settled job, read again (strongly), to its requester."""
    job = bootstrap.store().export_jobs.find(export_id)
    if job is not None:
        push(job, result_frame(job))


class ProgressReporter:
    """Stores progress on the job and pushes `export.progress`, at most every `interval` seconds."""

    def __init__(self, job: ExportJob, attempt: int, interval: float, from_ms: int, to_ms: int) -> None:
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
        jobs = bootstrap.store().export_jobs
        if not jobs.record_progress(self.job.export_id, self.attempt, percent, chat_rows, message_rows):
            raise ExportFailed("the job was taken over by another attempt")
        push(
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
