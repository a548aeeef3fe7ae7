"""frontend/ served as the S3 bucket behind CloudFront serves it.

`/` and every directory give their index.html; a directory without its slash is redirected to
it (as S3 website hosting does); content types carry a charset for text. The help-centre page's
widget snippet names the WebSocket URL of the default port; like a deployment that writes the
real endpoint into the page it uploads, the local host rewrites it to this server's address.
`/config.json` is the runtime configuration the console and admin pages read (API and WebSocket
URLs, the Cognito pool, client and endpoint); `make publish-frontend` writes the same file to S3.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from aiohttp import web

DEFAULT_WS_URL = "ws://127.0.0.1:8000/ws"
_TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/json", ".json")
mimetypes.add_type("image/svg+xml", ".svg")


class StaticSite:
    def __init__(self, root: Path, runtime_config: dict[str, Any], ws_path: str = "/ws") -> None:
        self.root = root.resolve()
        self.runtime_config = runtime_config
        self.ws_path = ws_path

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_route("GET", "/config.json", self.config)
        router.add_route("GET", "/{path:.*}", self.handle)
        router.add_route("HEAD", "/{path:.*}", self.handle)

    async def config(self, _: web.Request) -> web.Response:
        return web.json_response(self.runtime_config, headers={"Cache-Control": "no-cache"})

    def _not_found(self) -> web.Response:
        return web.Response(
            status=404, text="<h1>404 Not Found</h1>", content_type="text/html", charset="utf-8"
        )

    async def handle(self, request: web.Request) -> web.StreamResponse:
        target = (self.root / request.match_info["path"]).resolve()
        if target != self.root and self.root not in target.parents:
            return self._not_found()
        if target.is_dir():
            if not request.path.endswith("/"):
                raise web.HTTPFound(request.path + "/")
            target = target / "index.html"
        if not target.is_file():
            return self._not_found()
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        data = target.read_bytes()
        if content_type == "text/html":
            here = f"ws://{request.host}{self.ws_path}"
            data = data.replace(DEFAULT_WS_URL.encode(), here.encode())
        charset = "utf-8" if content_type.startswith(_TEXT_TYPES) else None
        return web.Response(
            body=data, content_type=content_type, charset=charset, headers={"Cache-Control": "no-cache"}
        )
