"""The local stack's outbox: what the app sent through SES (moto's backend, in this process).

`/_local/mail` shows every sent message as a page (newest first, reloading itself every 2 s) so a
transcript e-mail can be checked by eye; `/_local/mail.json` answers the same for tests. Dev tooling, never packaged.
"""

from __future__ import annotations

import html
import os
from typing import Any

import boto3
from aiohttp import web

PAGE_HEADERS = {"Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}


def verify_sender(endpoint: str, region: str) -> None:
    """moto's SES, like SES in its sandbox, sends only from a verified identity: verify MAIL_FROM."""
    sender = os.environ.get("MAIL_FROM", "")
    if sender:
        boto3.client("ses", endpoint_url=endpoint, region_name=region).verify_email_identity(EmailAddress=sender)


def sent_messages(region: str) -> list[dict[str, Any]]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    sent = ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages
    return [
        {
            "id": m.id,
            "from": m.source,
            "to": list((m.destinations or {}).get("ToAddresses", [])),
            "subject": getattr(m, "subject", ""),
            "body": getattr(m, "body", ""),
        }
        for m in reversed(list(sent))
    ]


def add_mail_routes(router: web.UrlDispatcher, region: str) -> None:
    async def as_json(_: web.Request) -> web.Response:
        return web.json_response({"messages": sent_messages(region)}, headers={"Cache-Control": "no-store"})

    async def as_page(_: web.Request) -> web.Response:
        items = []
        for m in sent_messages(region):
            items.append(
                "<article><h2>{subject}</h2><p>From {sender} · to {to}</p><pre>{body}</pre></article>".format(
                    subject=html.escape(m["subject"]),
                    sender=html.escape(m["from"]),
                    to=html.escape(", ".join(m["to"])),
                    body=html.escape(m["body"]),
                )
            )
        page = (
            '<!doctype html><html lang="ko"><head><meta charset="utf-8">'
            # Reloads itself: the export function sends a moment after the request (the SQS poller).
            '<meta http-equiv="refresh" content="2"><title>Local outbox (SES)</title>'
            "<style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}"
            "article{border:1px solid #ccc;border-radius:8px;padding:0 1rem;margin:1rem 0}"
            "pre{white-space:pre-wrap;overflow-wrap:anywhere}</style></head><body>"
            f"<h1>Local outbox (SES): {len(items)}</h1>{''.join(items) or '<p>No mail sent yet.</p>'}</body></html>"
        )
        return web.Response(text=page, content_type="text/html", headers=PAGE_HEADERS)

    router.add_get("/_local/mail.json", as_json)
    router.add_get("/_local/mail", as_page)
