"""CORS for the REST API, from configuration (read once, when the routes are defined).

API Gateway answers preflight requests itself (Chalice generates a mock integration per route), so
each route has one fixed `Access-Control-Allow-Origin`:
- staff routes (console, admin): `CORS_ALLOW_ORIGIN`, the origin the console and admin pages are
  served from (e.g. `https://d123.cloudfront.net`); `*` only when unset (development);
- routes the widget calls (public intake and the customer's own chat): `WIDGET_CORS_ALLOW_ORIGIN`,
  default `*` because the widget is embedded on customers' own sites.
Tokens travel in the Authorization header, never in cookies, so no route allows credentials.
"""

from __future__ import annotations

import os

from chalice import CORSConfig

_HEADERS = ["Authorization", "Content-Type"]


def staff_cors() -> CORSConfig:
    return CORSConfig(allow_origin=os.environ.get("CORS_ALLOW_ORIGIN") or "*", allow_headers=_HEADERS, max_age=600)


def widget_cors() -> CORSConfig:
    origin = os.environ.get("WIDGET_CORS_ALLOW_ORIGIN") or "*"
    return CORSConfig(allow_origin=origin, allow_headers=_HEADERS, max_age=600)
