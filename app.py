"""Entrypoints: the WebSocket routes here, REST routes in chalicelib/entrypoints/rest.py."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from chalice import Chalice, Rate, Response
from chalice.app import CloudWatchEvent, DynamoDBEvent, SQSEvent, WebsocketEvent

from chalicelib import observability
from chalicelib.domain.access import Audience, admit
from chalicelib.domain.errors import DomainError, UnknownAction
from chalicelib.domain.model import Principal, now_ms
from chalicelib.domain.validation import MAX_FRAME_BYTES, id_field, parse_json_object
from chalicelib.entrypoints.admin import admin_routes
from chalicelib.entrypoints.attachments import attachment_queue_name, attachment_routes, check_batch
from chalicelib.entrypoints.canned import canned_routes
from chalicelib.entrypoints.errors import error_body
from chalicelib.entrypoints.exports import exports
from chalicelib.entrypoints.masking import masking_routes
from chalicelib.entrypoints.reports import STREAM_ARN_PLACEHOLDER, TICKETS_STREAM_ARN_PLACEHOLDER, report_routes
from chalicelib.entrypoints.rest import rest
from chalicelib.entrypoints.routing import routing_routes
from chalicelib.entrypoints.sessions import sessions
from chalicelib.entrypoints.supervision import supervision_routes
from chalicelib.export.options import export_queue_name
from chalicelib.realtime.push import pusher
from chalicelib.realtime.wallboard_queue import queue_name as wallboard_queue_name
from chalicelib.services import (
    agent_status,
    connections,
    limits,
    live_timers,
    messages,
    notify,
    presence,
    read_receipts,
    supervision,
    transfer,
    wallboard,
)

app = Chalice(app_name="livechat")
app.experimental_feature_flags.update(["WEBSOCKETS"])
app.register_blueprint(rest)
app.register_blueprint(masking_routes)
app.register_blueprint(exports)
app.register_blueprint(admin_routes)
app.register_blueprint(canned_routes)
app.register_blueprint(sessions)
app.register_blueprint(routing_routes)
app.register_blueprint(report_routes)
app.register_blueprint(supervision_routes)
app.register_blueprint(attachment_routes)
# Plain log calls (app.log is the `livechat` logger) as JSON lines without exception messages.
observability.configure_logging(app.log, logging.getLogger("chalicelib"))
# JSON logs with request/connection/conversation ids and EMF metrics, for every handler.
app.register_middleware(observability.middleware, "all")


@app.on_ws_connect()
def ws_connect(event: WebsocketEvent) -> Response:
    pusher.remember_event_endpoint(event.to_dict()["requestContext"])
    token = (event.to_dict().get("queryStringParameters") or {}).get("token")
    try:
        connections.connect(event.connection_id, token)  # the connection keeps its token's expiry (limits.py)
    except Exception as exc:  # noqa: BLE001 - every refusal is a non-2xx answer, never a crash
        status, body = error_body(exc)
        return Response(body=body, status_code=status)
    return Response(body="", status_code=200)


@app.on_ws_disconnect()
def ws_disconnect(event: WebsocketEvent) -> None:
    try:
        connections.disconnect(event.connection_id)
    except Exception:  # noqa: BLE001 - $disconnect is best effort; the sweeper catches leftovers
        app.log.exception("disconnect cleanup failed for %s", event.connection_id)


def _ping(principal: Principal, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"type": "pong", "at": now_ms()}


def _send(principal: Principal, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    message = messages.send_message(principal, connection_id, body)
    return {"type": "message.ack", "clientMessageId": body.get("clientMessageId"), "message": message}


def _sync(principal: Principal, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"type": "messages.batch", **messages.sync_messages(principal, body)}


def _typing(principal: Principal, connection_id: str, body: dict[str, Any]) -> None:
    messages.typing(principal, connection_id, body)


def _read(principal: Principal, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return read_receipts.mark_read(principal, connection_id, body)


def _status(principal: Principal, connection_id: str, body: dict[str, Any]) -> None:
    agent_status.set_status(principal, body)  # the new status reaches every tab, this one included


def _transfer(principal: Principal, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    view = transfer.transfer_chat(principal, id_field(body, "conversationId"), body)
    return {"type": "chat.transfer.ack", "conversation": view}


def _open(principal: Principal, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return live_timers.open_chat(principal, id_field(body, "conversationId"))


def _watch(principal: Principal, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return supervision.watch(principal, connection_id, id_field(body, "conversationId"))


def _unwatch(principal: Principal, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return supervision.unwatch(principal, connection_id, id_field(body, "conversationId"))
def _wallboard_subscribe(principal: Principal, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return wallboard.subscribe(principal, connection_id, body)  # the full snapshot; pushes follow each change


Action = Callable[[Principal, str, dict[str, Any]], dict[str, Any] | None]
# Each action with its audience (chalicelib/domain/access.py), checked before it runs; who may act
# on one chat is the service's rule.
ACTIONS: dict[str, tuple[Audience, Action]] = {
    "ping": (Audience.SIGNED_IN, _ping),
    "message.send": (Audience.SIGNED_IN, _send),
    "messages.sync": (Audience.SIGNED_IN, _sync),
    "typing": (Audience.SIGNED_IN, _typing),
    "read": (Audience.SIGNED_IN, _read),
    "status.set": (Audience.STAFF, _status),
    "chat.open": (Audience.STAFF, _open),
    "chat.transfer": (Audience.STAFF, _transfer),
    "chat.watch": (Audience.SUPERVISORS, _watch),  # issue #24: this tab joins a chat's staff pushes
    "chat.unwatch": (Audience.SUPERVISORS, _unwatch),
    "wallboard.subscribe": (Audience.WALLBOARD, _wallboard_subscribe),
}


def _echoable(value: Any) -> bool:
    # A lone surrogate cannot be encoded as UTF-8: echoing it would make the error frame itself fail.
    if not isinstance(value, str):
        return False
    try:
        value[:64].encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@app.on_ws_message()
def ws_message(event: WebsocketEvent) -> None:
    raw = event.to_dict().get("body")
    connection_id = event.connection_id
    pusher.remember_event_endpoint(event.to_dict()["requestContext"])
    body: dict[str, Any] = {}
    try:
        malformed: DomainError | None = None
        try:
            body = parse_json_object(raw, max_bytes=MAX_FRAME_BYTES)
        except DomainError as exc:
            malformed = exc
        # Every frame counts against the rate limit, a malformed one too: it still costs an answer.
        # A well-formed ping or typing frame is counted without a write (services/limits.py).
        action = body.get("action")
        light = malformed is None and isinstance(action, str) and action in limits.LIGHT_ACTIONS
        principal = limits.admit_frame(connection_id, light=light)
        if malformed is not None:
            raise malformed
        entry = ACTIONS.get(action) if isinstance(action, str) else None
        if entry is None:
            raise UnknownAction(f"unknown action; expected one of: {', '.join(ACTIONS)}")
        audience, handler = entry
        admit(audience, principal)
        reply = handler(principal, connection_id, body)
    except Exception as exc:  # noqa: BLE001 - a client mistake becomes an error frame, never a Lambda error
        observability.failure(exc, expected=isinstance(exc, DomainError))
        _, error = error_body(exc)
        for echoed in ("action", "clientMessageId"):
            if _echoable(body.get(echoed)):
                error[echoed] = body[echoed][:64]
        notify.to_connection(connection_id, error)
        return
    if reply is not None:
        notify.to_connection(connection_id, reply)


@app.on_sqs_message(queue=export_queue_name(), batch_size=1, name="export_jobs")
def export_jobs(event: SQSEvent) -> dict[str, Any]:
    # Imported here: openpyxl loads only in the export function, never in a chat handler's cold start.
    from chalicelib.export.runner import handle_batch

    return handle_batch([record.to_dict() for record in event], event.context)


@app.on_sqs_message(queue=wallboard_queue_name(), batch_size=10, name="wallboard_updates")
def wallboard_updates(event: SQSEvent) -> dict[str, Any]:
    """Signals of changes the wallboard shows, and its delayed catch-ups: the snapshot to its viewers,
    at most once a second each (chalicelib/services/wallboard.py)."""
    return {"batchItemFailures": wallboard.handle_batch(record.to_dict() for record in event)["batchItemFailures"]}
@app.on_sqs_message(queue=attachment_queue_name(), batch_size=10, name="attachment_check")
def attachment_check(event: SQSEvent) -> dict[str, Any]:
    """S3 ObjectCreated notifications (via SQS): each upload's bytes checked, then its message
    stored and pushed, or the file deleted and the sender told (chalicelib/services/attachments.py)."""
    return check_batch(record.to_dict() for record in event)


@app.schedule(Rate(2, unit=Rate.MINUTES), name="presence_sweep")
def presence_sweep(event: CloudWatchEvent) -> dict[str, Any]:
    """Stale connections out, agents without a connection offline (chalicelib/services/presence.py);
    then the live-chat timers: accept window and idle auto-close (chalicelib/services/live_timers.py)."""
    result = presence.sweep()
    try:
        result.update(live_timers.sweep())
    except Exception:  # noqa: BLE001 - one failing part must not hide the other's result; logged
        app.log.exception("live-chat timer sweep failed")
    return result


@app.on_dynamodb_record(
    stream_arn=os.environ.get("CONVERSATIONS_STREAM_ARN") or STREAM_ARN_PLACEHOLDER,
    batch_size=100,
    starting_position="TRIM_HORIZON",
    name="report_counters",
)
def report_counters(event: DynamoDBEvent) -> dict[str, Any]:
    """The conversations' changes into the report counters (chalicelib/services/reports.py), each
    record once; the first failed record is reported, so Lambda retries from it (not the batch)."""
    from chalicelib.services import reports

    records = [record.to_dict() for record in event]
    result = reports.apply_stream_batch(records)
    try:  # one wallboard signal per batch, and none for a batch of messages' last_seq and receipts
        if wallboard.stream_batch_matters(records):
            wallboard.signal("conversations")
    except Exception:  # noqa: BLE001 - the counters are in; a wallboard signal missed shows with the next
        app.log.exception("wallboard signal failed")
    return {"batchItemFailures": result["batchItemFailures"]}


@app.on_dynamodb_record(
    stream_arn=os.environ.get("TICKETS_STREAM_ARN") or TICKETS_STREAM_ARN_PLACEHOLDER,
    batch_size=100,
    starting_position="TRIM_HORIZON",
    name="ticket_events",
)
def ticket_events(event: DynamoDBEvent) -> dict[str, Any]:
    """The tickets' changes out as ticket and inquiry events (chalicelib/services/ticket_events.py,
    docs/events.md); the first failed record is reported, so Lambda retries from it."""
    from chalicelib.services import ticket_events as service

    result = service.apply_stream_batch(record.to_dict() for record in event)
    return {"batchItemFailures": result["batchItemFailures"]}
