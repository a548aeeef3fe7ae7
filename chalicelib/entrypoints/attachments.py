"""Attachments' entrypoints: the two REST routes, and the S3 events the checking function gets.

S3 sends its ObjectCreated notifications to an SQS queue (`chalice package` cannot package
`@app.on_s3_event`, and the queue gives retries and a dead-letter queue as the export's does);
each SQS record's body is S3's own event document, parsed here into (bucket, key) pairs.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.parse
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.config import table_name
from chalicelib.domain.access import Audience
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import id_field, parse_json_object
from chalicelib.entrypoints.edge import edge
from chalicelib.entrypoints.errors import json_response
from chalicelib.entrypoints.rest import WIDGET_CORS
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import attachments as service
else:
    service = lazy_module("chalicelib.services.attachments")  # S3 client and upload store: these routes only

log = logging.getLogger(__name__)

attachment_routes = Blueprint(__name__)


def attachment_queue_name() -> str:
    """The queue S3 notifies: the template's `${AWS::StackName}-attachments` (as export_queue_name)."""
    return os.environ.get("ATTACHMENT_QUEUE_NAME") or table_name("attachments")


def _ids(conversation_id: str, attachment_id: str | None = None) -> tuple[str, str | None]:
    conv = id_field({"conversationId": conversation_id}, "conversationId")
    return conv, id_field({"attachmentId": attachment_id}, "attachmentId") if attachment_id is not None else None


# The customer's widget and the console both call these: the widget's CORS (any site by default).
@attachment_routes.route("/chats/{conversation_id}/attachments", methods=["POST"], cors=WIDGET_CORS)
@edge(attachment_routes, Audience.SIGNED_IN)
def request_upload(caller: Principal, conversation_id: str) -> Any:
    body = parse_json_object(attachment_routes.current_request.raw_body)
    return json_response(service.request_upload(caller, _ids(conversation_id)[0], body), 201)


@attachment_routes.route("/chats/{conversation_id}/attachments/{attachment_id}", methods=["GET"], cors=WIDGET_CORS)
@edge(attachment_routes, Audience.SIGNED_IN)
def view_attachment(caller: Principal, conversation_id: str, attachment_id: str) -> dict[str, Any]:
    conv, attachment = _ids(conversation_id, attachment_id)
    params = dict(attachment_routes.current_request.query_params or {})
    return service.view_url(caller, conv, str(attachment), params)


def s3_objects(body: str) -> Iterable[tuple[str, str]]:
    """(bucket, key) of each ObjectCreated record in one S3 notification (S3's test event has none)."""
    document = json.loads(body)
    for record in document.get("Records") or []:
        if record.get("eventSource") != "aws:s3" or not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record["s3"]
        # S3 sends keys URL-encoded, spaces as '+'.
        yield s3["bucket"]["name"], urllib.parse.unquote_plus(s3["object"]["key"])


def check_batch(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Each SQS record's uploads checked; a record that failed is named, so SQS redelivers it alone."""
    failures = []
    for record in records:
        try:
            for bucket, key in s3_objects(record["body"]):
                service.check_uploaded(bucket, key)
        except service.ScanPending as pending:
            log.info("attachment not scanned yet; retried after the visibility timeout: %s", pending)
            failures.append({"itemIdentifier": record["messageId"]})
        except Exception:  # noqa: BLE001 - one bad record must not fail the batch; retried, then dead-lettered
            log.exception("attachment check failed; the message is retried")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
