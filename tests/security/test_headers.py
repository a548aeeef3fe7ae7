"""Security headers on the served pages (infra/security_headers.json) and CORS on the REST API."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from infra.local.static import SECURITY_HEADERS_FILE, StaticSite, security_headers

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_CONFIG = {
    "api": "http://127.0.0.1:8123/api",
    "websocket": "ws://127.0.0.1:8123/ws",
    "cognito": {"region": "ap-northeast-2", "userPoolId": "p", "clientId": "c", "endpoint": "http://127.0.0.1:5111"},
}


def _fetch(paths: list[str]) -> dict[str, tuple[int, Any]]:
    async def run() -> dict[str, tuple[int, Any]]:
        app = web.Application()
        StaticSite(ROOT / "frontend", RUNTIME_CONFIG).add_routes(app.router)
        async with TestClient(TestServer(app)) as client:
            answers = {}
            for path in paths:
                response = await client.get(path, allow_redirects=False)
                answers[path] = (response.status, response.headers)
            return answers

    return asyncio.run(run())


def _csp(value: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in value.split(";")) if d}


def test_pages_carry_a_strict_csp_and_the_security_headers() -> None:
    answers = _fetch(["/", "/console/", "/admin/", "/config.json", "/no-such-page", "/console"])
    for path, (status, headers) in answers.items():
        assert status in (200, 302, 404), path
        csp = _csp(headers["Content-Security-Policy"])
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"], "no inline or eval script"
        assert csp["style-src"] == ["'self'"], "no inline style"
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        # The console talks to the API, the WebSocket and Cognito (moto locally), nothing else.
        assert set(csp["connect-src"]) == {
            "'self'", "ws:", "wss:", "http://127.0.0.1:8123", "ws://127.0.0.1:8123", "http://127.0.0.1:5111"
        }
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Access-Control-Allow-Origin" not in headers, f"{path}: pages are not for other origins"
        # HSTS over plain HTTP would be ignored by browsers and pin 127.0.0.1: HTTPS (CloudFront) only.
        assert "Strict-Transport-Security" not in headers


def test_widget_files_stay_loadable_from_other_sites() -> None:
    status, headers = _fetch(["/widget/widget.js"])["/widget/widget.js"]
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Frame-Options" not in headers


def test_served_html_has_no_inline_script_or_style() -> None:
    """What the CSP would block: inline <script>/<style> blocks, style= attributes, on* handlers."""
    import re

    for page in (ROOT / "frontend").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text, re.I), f"{page}: inline <script>"
        assert not re.search(r"<style[\s>]", text, re.I), f"{page}: inline <style>"
        assert not re.search(r"\sstyle\s*=", text, re.I), f"{page}: style= attribute"
        assert not re.search(r"\son[a-z]+\s*=", text, re.I), f"{page}: inline event handler"


def test_the_header_file_is_what_cloudfront_can_take() -> None:
    spec = json.loads(SECURITY_HEADERS_FILE.read_text(encoding="utf-8"))
    assert set(spec) >= {"pages", "widget", "httpsOnly"}
    assert spec["httpsOnly"]["Strict-Transport-Security"].startswith("max-age=")
    pages, _ = security_headers(RUNTIME_CONFIG, https=True)
    assert "Strict-Transport-Security" in pages
    pages, _ = security_headers({"api": "/api", "cognito": {"region": "ap-northeast-2"}})
    connect = _csp(pages["Content-Security-Policy"])["connect-src"]
    assert connect == ["'self'", "ws:", "wss:", "https://cognito-idp.ap-northeast-2.amazonaws.com"]


WIDGET_ROUTES = {
    ("/widget/availability", "GET"),
    ("/chats", "POST"),
    ("/inquiries", "POST"),
    ("/chats/{conversation_id}", "GET"),
    ("/chats/{conversation_id}/messages", "GET"),
    ("/chats/{conversation_id}/rating", "POST"),
    ("/chats/{conversation_id}/end", "POST"),
    ("/chats/{conversation_id}/session", "POST"),
    ("/chats/{conversation_id}/transcript-mail", "POST"),
    ("/chats/{conversation_id}/attachments", "POST"),  # the widget's uploads (and the console's)
    ("/chats/{conversation_id}/attachments/{attachment_id}", "GET"),
}


def test_rest_cors_answers_only_the_configured_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    import app as app_module
    import chalicelib.entrypoints.cors as cors
    import chalicelib.entrypoints.rest as rest

    monkeypatch.setenv("CORS_ALLOW_ORIGIN", "https://console.example.com")
    monkeypatch.setenv("WIDGET_CORS_ALLOW_ORIGIN", "https://shop.example.com")
    for config, origin in ((cors.staff_cors(), "https://console.example.com"),
                           (cors.widget_cors(), "https://shop.example.com")):
        headers = config.get_access_control_headers()
        assert headers["Access-Control-Allow-Origin"] == origin
        assert "Access-Control-Allow-Credentials" not in headers
    # Routes the widget calls answer the widget's origins; every other route only the console's.
    for resource, views in app_module.app.routes.items():
        for method, entry in views.items():
            if entry.cors is None:
                continue
            if (resource, method) in WIDGET_ROUTES:
                assert entry.cors is rest.WIDGET_CORS, f"{method} {resource}: the widget calls it; use WIDGET_CORS"
            else:
                assert entry.cors is not rest.WIDGET_CORS, f"{method} {resource}: staff only; use CORS"
                assert entry.cors.allow_origin == rest.CORS.allow_origin, f"{method} {resource}: use CORS"


def test_attachments_come_from_s3_never_from_our_origin() -> None:
    """The CSP lets the bucket's host serve images and take the upload POST, nothing else (issue #23)."""
    origin = "https://livechat-dev-attachments-123456789012.s3.ap-northeast-2.amazonaws.com"
    pages, _ = security_headers({"api": "/api", "attachmentsOrigin": origin + "/chats/x"})
    csp = _csp(pages["Content-Security-Policy"])
    assert origin in csp["img-src"] and origin in csp["connect-src"]
    assert origin not in csp["script-src"] + csp["default-src"] + csp.get("frame-src", []) + csp["object-src"]
