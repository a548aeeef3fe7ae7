"""The transcript by e-mail (issue #22): the customer's request, and the mail sent from the async path.

`request_transcript_mail` (REST, customer token) validates, counts the address's hourly quota,
records the request on the chat with a conditional write (once per chat, ended chats only), then
queues it on the export queue: the export function (chalicelib/export/runner.py) hands such a
message to `send_transcript_mail`, which sends the masked, customer-visible lines through Amazon
SES and marks the chat's request sent (conditionally: a redelivered message sends nothing more).
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import bootstrap
from chalicelib.config import get_config
from chalicelib.domain import model as rules
from chalicelib.domain import notes
from chalicelib.domain import transcript_mail as mail_rules
from chalicelib.domain.errors import Conflict, DomainError, Forbidden, RateLimited
from chalicelib.domain.model import Principal, Role
from chalicelib.export import files

log = logging.getLogger("livechat.transcript_mail")

QUOTA_KEEP_SECONDS = 2 * mail_rules.HOUR_SECONDS  # a quota item outlives its hour, then TTL removes it
DEFAULT_MAIL_FROM = "no-reply@livechat.local"


class MailQueueUnavailable(DomainError):
    code = "unavailable"
    http_status = 503


def mail_from() -> str:
    """The sender: an address or domain verified in SES (docs/deploy.md)."""
    return os.environ.get("MAIL_FROM") or DEFAULT_MAIL_FROM


def request_transcript_mail(principal: Principal, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """`{email, lang?}` from the chat's customer after the end: 202 `{requested: true, email}`."""
    if principal.role is not Role.CUSTOMER:
        raise Forbidden("only the chat's customer asks for its transcript by e-mail")
    request = mail_rules.parse_transcript_request(body)  # a bad address: 400, nothing written
    store = bootstrap.store()
    conv = store.conversations.get(conversation_id)
    rules.check_can_read(principal, conv.access)
    if not conv.is_ended:
        raise Conflict("the transcript can be mailed once the chat has ended")
    if conv.transcript_requested_at is not None:
        raise Conflict("the transcript of this chat has been asked for already", field="email")
    now = bootstrap.clock()
    window = mail_rules.hour_window(now)
    if not store.settings.count_mail(
        mail_rules.address_key(request.email),
        window,
        mail_rules.MAX_MAILS_PER_ADDRESS_PER_HOUR,
        window + QUOTA_KEEP_SECONDS,
    ):
        raise RateLimited(
            f"at most {mail_rules.MAX_MAILS_PER_ADDRESS_PER_HOUR} transcripts an hour to one address; try later"
        )
    if not store.conversations.record_transcript_request(conv, request.email, request.lang, now):
        # Asked at the same moment (a double submit, two tabs): the chat's one request is the other's,
        # so this one does not use up the address's hour either.
        store.settings.uncount_mail(mail_rules.address_key(request.email), window)
        raise Conflict("the transcript of this chat has been asked for already", field="email")
    try:  # recorded first: the queued message only names the chat
        files.client("sqs").send_message(
            QueueUrl=get_config().export_queue_url,
            MessageBody=json.dumps({"transcriptMail": conversation_id}),
        )
    except (BotoCoreError, ClientError) as exc:
        log.exception("transcript mail of %s: could not queue", conversation_id)
        raise MailQueueUnavailable("the mail could not be queued; it is recorded and will not be asked again") from exc
    return {"conversationId": conversation_id, "requested": True, "email": request.email}


def send_transcript_mail(conversation_id: str) -> str:
    """The async half (export function): send the mail once. Answers what happened (for the log)."""
    from chalicelib.export.options import export_options  # the service time zone of exports

    store = bootstrap.store()
    conv = store.conversations.get(conversation_id)
    if conv.transcript_requested_at is None or not conv.transcript_email:
        return "not requested"
    if conv.transcript_sent_at is not None:
        return "sent already"
    messages = [m for m in store.messages.transcript(conversation_id) if not notes.is_note(m)]
    mail = mail_rules.compose_transcript(
        conv, messages, lang=conv.transcript_lang or "ko", time_zone=export_options().time_zone
    )
    files.client("ses").send_email(
        Source=mail_from(),
        Destination={"ToAddresses": [conv.transcript_email]},
        Message={
            "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": mail.body, "Charset": "UTF-8"}},
        },
    )
    store.conversations.mark_transcript_sent(conversation_id, bootstrap.clock())
    return "sent"
