"""moto's threaded server, plus the one thing its HTTP routing misses: Cognito's public JWKS URL.

moto decides which emulated service a request is for from its signature; the
`/<pool id>/.well-known/jwks.json` route is unsigned on AWS, so moto 5.1 cannot place it and
answers 500. A WSGI wrapper marks such requests as Cognito's, so COGNITO_JWKS_URL can point
at moto exactly as it points at cognito-idp.<region>.amazonaws.com on AWS.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from infra.local.moto_dynamodb import DYNAMODB_LOCK


class _CognitoJwksRouting:
    def __init__(self, app: Callable[..., Iterable[bytes]], region: str) -> None:
        self.app = app
        self.region = region

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.endswith("/.well-known/jwks.json") and "HTTP_AUTHORIZATION" not in environ:
            environ["HTTP_AUTHORIZATION"] = (
                f"AWS4-HMAC-SHA256 Credential=unsigned/20200101/{self.region}/cognito-idp/aws4_request"
            )
        return self.app(environ, start_response)


class _OneRequestAtATime:
    """DynamoDB applies each request atomically; moto's backend does not lock, so two threads could
    interleave inside one request (seen as "dictionary changed size during iteration" 500s and
    half-applied transactions under load). Serialising requests restores per-request atomicity;
    our code still races between requests, as it must on AWS. The integration harness does the same.
    The lock is shared with DynamoDB requests answered in process (infra/local/moto_dynamodb.py)."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self._lock = DYNAMODB_LOCK

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        # DynamoDB only: other services hold requests open on purpose (SQS long polling waits up to
        # 20 s inside the request) and their backends are not where the races showed.
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return self.app(environ, start_response)
        with self._lock:
            return list(self.app(environ, start_response))


class _S3ResponseOverrides:
    """S3 answers a presigned GET with the `response-content-type` / `-disposition` it was signed
    with (attachments are downloaded, not shown, unless they are checked images); moto ignores them."""

    _HEADERS = {"response-content-type": "Content-Type", "response-content-disposition": "Content-Disposition"}

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        wanted = {header: query[name][0] for name, header in self._HEADERS.items() if name in query}
        if environ.get("REQUEST_METHOD") != "GET" or "X-Amz-Signature" not in query or not wanted:
            return self.app(environ, start_response)

        def overriding(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            replaced = {name.lower() for name in wanted}
            kept = [(k, v) for k, v in headers if k.lower() not in replaced]
            return start_response(status, kept + list(wanted.items()), *args)

        return self.app(environ, overriding)


class LocalMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer on 127.0.0.1; port 0 picks a free port (see `port`)."""

    def __init__(self, region: str, port: int = 0) -> None:
        super().__init__(ip_address="127.0.0.1", port=port, verbose=False)
        self._region = region

    def _server_entry(self) -> None:
        dispatcher = DomainDispatcherApplication(create_backend_app)
        app = _OneRequestAtATime(_S3ResponseOverrides(_CognitoJwksRouting(dispatcher, self._region)))
        self._server = make_server(self._ip_address, self._port, app, threaded=True)
        self._server_ready_event.set()
        self._server.serve_forever()

    @property
    def port(self) -> int:
        return self.get_host_and_port()[1]
