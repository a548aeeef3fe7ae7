"""Export requests (S-7 데이터 추출): create the job, queue it, show it, sign its download.

The workbook itself is built by the export function (chalicelib/export/runner.py), never here:
this module is imported by the REST handlers and must stay light (no openpyxl).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from ulid import ULID

from chalicelib import bootstrap
from chalicelib.domain.entities import ExportJob, JobStatus
from chalicelib.domain.errors import DomainError, Forbidden, InvalidField
from chalicelib.domain.model import Principal, Role
from chalicelib.domain.validation import decode_cursor, encode_cursor, int_field
from chalicelib.export import files
from chalicelib.export.options import export_options
from chalicelib.services.records import history_filter
from chalicelib.services.settings import load_settings

_store = bootstrap.store

log = logging.getLogger("livechat.exports")

FILTER_FIELDS = ("from", "to", "inquiryType", "processingType", "status", "agentId", "userName", "rating", "state")
IGNORED_FIELDS = ("limit", "cursor")  # history paging: meaningless for an export of every match
DAY_MS = 24 * 3600 * 1000
LIST_MAX = 100


class QueueUnavailable(DomainError):
    code = "unavailable"
    http_status = 503


def check_may_export(principal: Principal) -> None:
    """Admins always; agents and supervisors only while the setting `agentsMayExport` is on."""
    if principal.role is Role.ADMIN:
        return
    if principal.role in (Role.AGENT, Role.SUPERVISOR) and load_settings().agents_may_export:
        return
    raise Forbidden("only admins may export chat history" if principal.is_staff else "agents and admins only")


def export_filters(body: dict[str, Any], now: int) -> dict[str, Any]:
    """The history filters, validated like GET /history, with the period fixed now."""
    unknown = sorted(set(body) - set(FILTER_FIELDS) - set(IGNORED_FIELDS))
    if unknown:
        raise InvalidField(f"unknown filter(s): {', '.join(unknown)}", field=unknown[0])
    params = {k: body[k] for k in FILTER_FIELDS if body.get(k) not in (None, "")}
    for name in ("inquiryType", "processingType", "status", "agentId", "userName", "rating", "state"):
        if name in params and not isinstance(params[name], str):
            raise InvalidField(f"'{name}' must be a string", field=name)
    params["to"] = int_field(params, "to", minimum=0, maximum=2**53, default=now)
    params["from"] = int_field(params, "from", minimum=0, maximum=2**53, default=params["to"] - 30 * DAY_MS)
    history_filter(params)  # the same checks and messages as GET /history
    return params


REPORT_KIND = "report"
REPORT_FIELDS = ("kind", "from", "to", "groupings")


def report_filters(body: dict[str, Any]) -> dict[str, Any]:
    """The `Report` workbook's request: GET /reports' period rules (from/to as epoch ms or local dates,
    at most 366 days, the service time zone) and the groupings, one sheet each (default: all four)."""
    from chalicelib.services.reports import GROUPINGS, report_request

    unknown = sorted(set(body) - set(REPORT_FIELDS))
    if unknown:
        raise InvalidField(f"unknown field(s): {', '.join(unknown)}", field=unknown[0])
    groupings = body.get("groupings", list(GROUPINGS))
    if (
        not isinstance(groupings, list)
        or not groupings
        or any(g not in GROUPINGS for g in groupings)
        or len(set(groupings)) != len(groupings)
    ):
        raise InvalidField(f"'groupings' must be a list of distinct: {', '.join(GROUPINGS)}", field="groupings")
    params: dict[str, Any] = {
        k: str(body[k]) if isinstance(body[k], int) else body[k] for k in ("from", "to") if k in body
    }
    from_ms, to_ms, _, tz_name = report_request(params)
    ordered = [g for g in GROUPINGS if g in groupings]
    return {"kind": REPORT_KIND, "from": from_ms, "to": to_ms, "timeZone": tz_name, "groupings": ordered}


def request_export(principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    now = bootstrap.clock()
    if body.get("kind") == REPORT_KIND:
        if principal.role is not Role.ADMIN:
            raise Forbidden("reports are for admins")
        filters = report_filters(body)
    else:
        check_may_export(principal)
        if body.get("kind") not in (None, "history"):
            raise InvalidField("'kind' must be history or report", field="kind")
        filters = export_filters({k: v for k, v in body.items() if k != "kind"}, now)
    job = ExportJob(
        export_id=str(ULID()),
        created_at=now,
        requested_by=principal.user_id,
        requested_by_name=principal.display_name or principal.email or None,
        requested_role=principal.role.value,
        filters=json.dumps(filters, ensure_ascii=False, sort_keys=True),
    )
    _store().export_jobs.create(job)  # persist first: the message only names the job
    try:
        files.queue_export(job.export_id)
    except (BotoCoreError, ClientError) as exc:
        _store().export_jobs.fail(job.export_id, "the export could not be queued; try again", bootstrap.clock())
        raise QueueUnavailable("the export could not be queued; try again") from exc
    return {"exportId": job.export_id, "status": JobStatus.QUEUED}


def _can_see(principal: Principal, job: ExportJob) -> bool:
    if principal.role is Role.ADMIN:
        return True
    return principal.user_id == job.requested_by


def job_view(job: ExportJob, *, with_url: bool) -> dict[str, Any]:
    options = export_options()
    file_expires_at = (
        job.finished_at + options.retention_days * DAY_MS if job.status == JobStatus.DONE and job.finished_at else None
    )
    view: dict[str, Any] = {
        "exportId": job.export_id,
        "status": job.status,
        "progress": int(job.progress or 0),
        "chatRows": int(job.chat_rows or 0),
        "messageRows": int(job.message_rows or 0),
        "rows": int((job.chat_rows or 0) + (job.message_rows or 0)),
        "error": job.error,
        "fileName": job.file_name,
        "size": int(job.size_bytes) if job.size_bytes is not None else None,
        "requestedBy": job.requested_by,
        "requestedByName": job.requested_by_name,
        "filters": json.loads(job.filters),
        "createdAt": job.created_at,
        "startedAt": job.started_at,
        "finishedAt": job.finished_at,
        "attempts": int(job.attempts or 0),
        "fileExpiresAt": file_expires_at,
    }
    expired = file_expires_at is not None and file_expires_at <= bootstrap.clock()
    view["fileExpired"] = expired
    if with_url and job.status == JobStatus.DONE and job.s3_key and job.file_name and not expired:
        # A fresh URL on every read: none is stored, and each lives only url_seconds.
        view["downloadUrl"] = files.download_url(job.s3_key, job.file_name, options.url_seconds)
        view["downloadUrlExpiresAt"] = bootstrap.clock() + options.url_seconds * 1000
    return view


def get_export(principal: Principal, export_id: str) -> dict[str, Any]:
    check_may_export(principal)
    job = _store().export_jobs.get(export_id)
    if not _can_see(principal, job):
        raise Forbidden("this export is not yours")
    return job_view(job, with_url=True)


def list_exports(principal: Principal, params: dict[str, Any]) -> dict[str, Any]:
    """Admins: every recent export, newest first. Agents allowed to export: their own."""
    check_may_export(principal)
    limit = int_field(params, "limit", minimum=1, maximum=LIST_MAX, default=20)
    cursor = decode_cursor(params.get("cursor"))
    jobs = _store().export_jobs
    # A cursor from another listing is refused by the store (InvalidField).
    if principal.role is Role.ADMIN:
        page = jobs.recent(limit, cursor)
    else:
        page = jobs.of_requester(principal.user_id, limit, cursor)
    return {"exports": [job_view(j, with_url=False) for j in page.items], "nextCursor": encode_cursor(page.next_key)}
