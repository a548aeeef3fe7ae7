"""frontend/ served as the S3 bucket behind CloudFront serves it.

`/` and every directory give their index.html; a directory without its slash is redirected to
it (as S3 website hosting does); content types carry a charset for text. The help-centre page's
widget snippet names the WebSocket URL of the default port; like a deployment that writes the
real endpoint into the page it uploads, the local host rewrites it to this server's address.
`/config.json` is the runtime configuration the console and admin pages read (API and WebSocket
URLs, the Cognito pool, client and endpoint); `make publish-frontend` writes the same file to S3.
Every answer carries the headers of infra/security_headers.json (CSP and friends on pages, CORS
on /widget/), as CloudFront's response headers policies add them on AWS.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

from aiohttp import web

DEFAULT_WS_URL = "ws://127.0.0.1:8000/ws"
_TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
SECURITY_HEADERS_FILE = Path(__file__).resolve().parents[1] / "security_headers.json"
WIDGET_PREFIX = "/widget/"

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/json", ".json")
mimetypes.add_type("image/svg+xml", ".svg")


class StaticSite:
    def __init__(self, root: Path, runtime_config: dict[str, Any], ws_path: str = "/ws") -> None:
        self.root = root.resolve()
        self.runtime_config = runtime_config
        self.ws_path = ws_path
        self.page_headers, self.widget_headers = security_headers(runtime_config)

    def headers_for(self, path: str) -> dict[str, str]:
        return dict(self.widget_headers if path.startswith(WIDGET_PREFIX) else self.page_headers)

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_route("GET", "/config.json", self.config)
        router.add_route("GET", "/{path:.*}", self.handle)
        router.add_route("HEAD", "/{path:.*}", self.handle)

    async def config(self, _: web.Request) -> web.Response:
        headers = {**self.headers_for("/config.json"), "Cache-Control": "no-cache"}
        return web.json_response(self.runtime_config, headers=headers)

    def _not_found(self, path: str) -> web.Response:
        return web.Response(
            status=404,
            text="<h1>404 Not Found</h1>",
            content_type="text/html",
            charset="utf-8",
            headers=self.headers_for(path),
        )

    async def handle(self, request: web.Request) -> web.StreamResponse:
        target = (self.root / request.match_info["path"]).resolve()
        if target != self.root and self.root not in target.parents:
            return self._not_found(request.path)
        if target.is_dir():
            if not request.path.endswith("/"):
                raise web.HTTPFound(request.path + "/", headers=self.headers_for(request.path + "/"))
            target = target / "index.html"
        if not target.is_file():
            return self._not_found(request.path)
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        data = target.read_bytes()
        if content_type == "text/html":
            here = f"ws://{request.host}{self.ws_path}"
            data = data.replace(DEFAULT_WS_URL.encode(), here.encode())
        charset = "utf-8" if content_type.startswith(_TEXT_TYPES) else None
        return web.Response(
            body=data,
            content_type=content_type,
            charset=charset,
            headers={**self.headers_for(request.path), "Cache-Control": "no-cache"},
        )


def _origin(url: str | None) -> str:
    if not url or "://" not in url:
        return ""  # a relative URL is this origin: 'self' covers it
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def security_headers(runtime_config: dict[str, Any], *, https: bool = False) -> tuple[dict[str, str], dict[str, str]]:
    """(headers for pages, headers for /widget/) from infra/security_headers.json, placeholders filled."""
    spec = json.loads(SECURITY_HEADERS_FILE.read_text(encoding="utf-8"))
    cognito = runtime_config.get("cognito") or {}
    cognito_origin = _origin(cognito.get("endpoint")) or (
        f"https://cognito-idp.{cognito['region']}.amazonaws.com" if cognito.get("region") else ""
    )
    values = {
        "{api_origin}": _origin(runtime_config.get("api")),
        "{websocket_origin}": _origin(runtime_config.get("websocket")),
        "{cognito_origin}": cognito_origin,
        "{attachments_origin}": _origin(runtime_config.get("attachmentsOrigin")),
    }

    def fill(headers: dict[str, str]) -> dict[str, str]:
        filled = {}
        for name, value in headers.items():
            for placeholder, replacement in values.items():
                value = value.replace(placeholder, replacement)
            filled[name] = " ".join(value.split())  # an empty placeholder leaves no double space
        if https:
            filled.update(spec["httpsOnly"])
        return filled

    return fill(spec["pages"]), fill(spec["widget"])
