"""REST responses never share header dicts (Chalice writes each route's CORS headers into them)."""

from __future__ import annotations

from chalicelib.entrypoints.errors import JSON_HEADERS, json_response


def test_each_response_has_its_own_headers():
    staff = json_response({"ok": True})
    staff.headers["Access-Control-Allow-Origin"] = "https://console.example.com"  # what Chalice does
    widget = json_response({"ok": True})
    assert "Access-Control-Allow-Origin" not in widget.headers
    assert "Access-Control-Allow-Origin" not in JSON_HEADERS
    assert widget.headers["Content-Type"] == "application/json; charset=utf-8"
