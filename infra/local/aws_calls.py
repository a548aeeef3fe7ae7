"""Record every AWS call each Lambda function makes, as IAM sees it (tests only; never packaged).

moto answers every call whatever the role may do, so a handler that starts calling something its
policy (infra/aws/iam.py) does not grant passes every test and fails on AWS. With a recorder
installed, each call a handler makes is noted as `{function, action, resource}`: the function from
the handler being run (Chalice middleware), the IAM action from the operation, the resource as the
template names it (`${ConnectionsTable.Arn}`, `${ExportsBucket.Arn}/<key>`), found from the ids the
function's environment gives it (the template's `function_environment`). tests/infra compares them
with the packaged policies.

Installed in-process by tests/aws_calls_plugin.py, and in the local stack (`python -m infra.local`,
the e2e tests) when LIVECHAT_AWS_CALL_LOG names a file to append JSON lines to.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import json
import os
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

import botocore.session

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("aws_call_function", default=None)

WEBSOCKET_FUNCTIONS = {"$connect": "websocket_connect", "$disconnect": "websocket_disconnect"}
S3_ACTIONS = {
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "PutObject": "s3:PutObject",
    "HeadObject": "s3:GetObject",
    "GetObject": "s3:GetObject",
    "ListParts": "s3:ListMultipartUploadParts",
    # botocore builds a presigned POST on CreateBucket's operation model (its URL serialises as a POST
    # form needs): what the form lets the browser do is PutObject. The app never creates a bucket.
    "CreateBucket": "s3:PutObject",
}
CONNECTION_METHODS = {"PostToConnection": "POST", "GetConnection": "GET", "DeleteConnection": "DELETE"}
TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def table_suffixes() -> tuple[str, ...]:
    from chalicelib.store.tables import ALL_MODELS

    prefix = os.environ.get("TABLE_PREFIX", "")
    return tuple(m.Meta.table_name.removeprefix(prefix) for m in ALL_MODELS)


def _table(name: str, index: str | None = None) -> str:
    prefix = os.environ.get("TABLE_PREFIX", "")
    suffix = name.removeprefix(prefix) if name.startswith(prefix) else None
    if suffix not in table_suffixes():
        return f"?table:{name}"
    logical_id = "".join(p.capitalize() for p in suffix.replace("_", "-").split("-")) + "Table"
    return f"${{{logical_id}.Arn}}" + (f"/index/{index}" if index else "")


def _by_environment(variable: str, value: str, resource: str) -> str:
    """The template resource whose id the function's environment holds in `variable`, else unknown."""
    return resource if value and value == os.environ.get(variable) else f"?{variable}:{value}"


def describe(signing_name: str, operation: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """(IAM action, resource as the template names it) for one API call."""
    if signing_name == "dynamodb":
        if operation in ("TransactWriteItems", "TransactGetItems"):
            items = params.get("TransactItems", [])
            pairs = []
            for item in items:
                ((kind, body),) = item.items()
                action = "GetItem" if kind == "Get" else TRANSACT_ACTIONS[kind]
                pairs.append((f"dynamodb:{action}", _table(body["TableName"])))
            return pairs
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [(f"dynamodb:{operation}", _table(name)) for name in params.get("RequestItems", {})]
        return [(f"dynamodb:{operation}", _table(params.get("TableName", "?"), params.get("IndexName")))]
    if signing_name == "s3":
        bucket = _by_environment("EXPORTS_BUCKET", params.get("Bucket", ""), "${ExportsBucket.Arn}")
        if params.get("Bucket") and params.get("Bucket") == os.environ.get("ATTACHMENTS_BUCKET"):
            bucket = "${AttachmentsBucket.Arn}"
        action = S3_ACTIONS.get(operation, f"s3:{operation}")
        if operation == "CreateBucket":  # a presigned POST (see S3_ACTIONS): on the key the form pins
            return [(action, f"{bucket}/presigned-form-key")]
        return [(action, f"{bucket}/{params['Key']}" if "Key" in params else bucket)]
    if signing_name == "sqs":
        url = params.get("QueueUrl", "")
        queue = (
            "${WallboardQueue.Arn}"
            if url and url == os.environ.get("WALLBOARD_QUEUE_URL")
            else _by_environment("EXPORT_QUEUE_URL", url, "${ExportQueue.Arn}")
        )
        return [(f"sqs:{operation}", queue)]
    if signing_name == "kms":
        # Decrypt names no key: the ciphertext does, and the only key the app wraps with is the masking key.
        key = params.get("KeyId") or os.environ.get("MASKING_KEY_ID", "")
        return [(f"kms:{operation}", _by_environment("MASKING_KEY_ID", key, "${MaskingKey.Arn}"))]
    if signing_name == "cognito-idp":
        pool = params.get("UserPoolId", "")
        return [(f"cognito-idp:{operation}", _by_environment("COGNITO_USER_POOL_ID", pool, "${UserPool.Arn}"))]
    if signing_name == "secretsmanager":
        secret = _by_environment("CUSTOMER_TOKEN_SECRET_ARN", params.get("SecretId", ""), "${CustomerTokenSecret}")
        return [(f"secretsmanager:{operation}", secret)]
    if signing_name == "ses":  # SendEmail as MAIL_FROM, from the identity the template names MailIdentity
        sender = _by_environment("MAIL_FROM", params.get("Source", ""), "MailIdentity")
        identity = "${MailIdentity}" if sender == "MailIdentity" else sender
        return [
            (
                f"ses:{operation}",
                f"arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:identity/{identity}",
            )
        ]
    if signing_name == "events":  # PutEvents: every entry on the bus EVENT_BUS_NAME names
        buses = {entry.get("EventBusName", "default") for entry in params.get("Entries", [])} or {"default"}
        return [(f"events:{operation}", _by_environment("EVENT_BUS_NAME", bus, "${ChatEventBus.Arn}")) for bus in buses]
    if signing_name == "execute-api":
        method = CONNECTION_METHODS.get(operation, operation)
        connection = urllib.parse.quote(str(params.get("ConnectionId", "")), safe="")
        return [
            (
                "execute-api:ManageConnections",
                f"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:"
                f"${{WebsocketAPI}}/STAGE/{method}/@connections/{connection}",
            )
        ]
    return [(f"{signing_name}:{operation}", "?")]


def function_of(app: Any, event: Any) -> str:
    """The Lambda function (Chalice's name) that is handling `event`."""
    from chalice.app import CloudWatchEvent, DynamoDBEvent, Request, SQSEvent, WebsocketEvent

    if isinstance(event, Request):
        return "api_handler"
    if isinstance(event, WebsocketEvent):
        route = event.to_dict()["requestContext"].get("routeKey", "$default")
        return WEBSOCKET_FUNCTIONS.get(route, "websocket_message")
    kind = {
        SQSEvent: "SQSEventConfig",
        CloudWatchEvent: "ScheduledEventConfig",
        DynamoDBEvent: "DynamoDBEventConfig",
    }.get(type(event), "")
    names = [s.name for s in app.event_sources if type(s).__name__ in (kind, "CloudWatchEventConfig")]
    context_name = str(getattr(getattr(event, "context", None), "function_name", ""))
    named = [n for n in names if context_name.endswith(n)]
    if len(named) == 1:
        return named[0]
    if isinstance(event, DynamoDBEvent) and len(names) > 1:
        named = _stream_function(app, event)
    return names[0] if len(names) == 1 else named[0] if len(named) == 1 else f"?{type(event).__name__}"


def _stream_function(app: Any, event: Any) -> list[str]:
    """Without a context (a test invoking the handler), the stream the records come from names the function."""
    from chalice.app import DynamoDBEventConfig

    from infra.local.streams import streamed_table

    records = event.to_dict().get("Records") or [{}]
    table = streamed_table(str(records[0].get("eventSourceARN", "")))
    sources = [s for s in app.event_sources if isinstance(s, DynamoDBEventConfig)]
    return [s.name for s in sources if table is not None and streamed_table(s.stream_arn) == table]


class CallRecorder:
    def __init__(self, sink: Callable[[dict[str, str]], None]) -> None:
        self._sink = sink
        self._lock = threading.Lock()
        self._apps: list[Any] = []

    def install(self, app: Any) -> None:
        """Record the calls of `app`'s handlers from now on (idempotent)."""
        with self._lock:
            if any(a is app for a in self._apps):
                return
            self._apps.append(app)
            if len(self._apps) == 1:
                _patch_clients(self._on_call)
                _patch_threads()

        def middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
            token = _current.set(function_of(app, event))
            try:
                return get_response(event)
            finally:
                _current.reset(token)

        app.register_middleware(middleware, "all")

    def install_on_new_apps(self) -> None:
        """Install on every Chalice app created from now on (tests: before any test imports app.py)."""
        from chalice.app import Chalice

        original = Chalice.__init__
        recorder = self

        def __init__(app: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807 - replaces Chalice.__init__
            original(app, *args, **kwargs)
            recorder.install(app)

        Chalice.__init__ = __init__  # type: ignore[method-assign]

    def _on_call(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        function = _current.get()
        if function is None:
            return  # the test or the local stack itself, not a handler
        signing_name = model.service_model.signing_name
        for action, resource in describe(signing_name, model.name, params):
            self._sink({"function": function, "action": action, "resource": resource})


_installed_hooks: list[Callable[..., None]] = []


def _patch_clients(hook: Callable[..., None]) -> None:
    """Every botocore client created from now on (boto3's, pynamodb's, ours) reports its calls."""
    _installed_hooks.append(hook)
    if len(_installed_hooks) > 1:
        return
    original = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        for installed in _installed_hooks:
            # The API parameters as given (before-call sees the serialized request); presigning a
            # URL emits it too, rightly: the URL works with the signer's permissions.
            client.meta.events.register("before-parameter-build", installed)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]


def _patch_threads() -> None:
    """Work a handler hands to a thread pool still counts as that handler's (as in one Lambda process)."""
    executor = concurrent.futures.ThreadPoolExecutor
    if getattr(executor.submit, "_copies_context", False):
        return
    original = executor.submit

    def submit(self: Any, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return original(self, contextvars.copy_context().run, fn, *args, **kwargs)

    submit._copies_context = True  # type: ignore[attr-defined]
    executor.submit = submit  # type: ignore[method-assign]


def install_from_environment(app: Any) -> None:
    """The local stack's hook: append JSON lines to LIVECHAT_AWS_CALL_LOG, if set."""
    path = os.environ.get("LIVECHAT_AWS_CALL_LOG")
    if not path:
        return
    lock = threading.Lock()

    def sink(entry: dict[str, str]) -> None:
        with lock, open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")

    CallRecorder(sink).install(app)
