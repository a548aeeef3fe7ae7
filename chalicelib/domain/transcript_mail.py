"""The transcript by e-mail (issue #22): the customer's request and the mail itself. Pure Python.

After a chat has ended its customer may ask once for its transcript by e-mail. The request is
bounded: one per chat (stored with a conditional write), a validated address, and at most
MAX_MAILS_PER_ADDRESS_PER_HOUR requests to one address in a clock hour, over every chat (so a
script holding many chat tokens cannot mail-bomb someone). The mail holds the masked text of
the customer-visible messages only (never a note: domain/notes.py), in the customer's language.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain import notes
from chalicelib.domain.entities import Conversation, Message
from chalicelib.domain.errors import InvalidField

MAX_EMAIL_CHARS = 254  # RFC 5321's path limit
MAX_MAILS_PER_ADDRESS_PER_HOUR = 3
HOUR_SECONDS = 3600
LANGUAGES = ("ko", "en")
# One address: a plain local part, a domain of dot-separated labels with a TLD of letters. No
# display names, comments or quoted parts: the address goes into SES's Destination as it is.
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


@dataclass(frozen=True)
class TranscriptRequest:
    email: str
    lang: str


def validate_email(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidField("'email' is required", field="email")
    email = unicodedata.normalize("NFC", value).strip()
    if len(email) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(email) or len(email.split("@")[0]) > 64:
        raise InvalidField("'email' is not a valid e-mail address", field="email")
    return email


def parse_transcript_request(body: Mapping[str, Any]) -> TranscriptRequest:
    """`{email, lang?}`; nothing else. `lang` defaults to Korean."""
    unknown = sorted(set(body) - {"email", "lang"})
    if unknown:
        raise InvalidField(f"unknown field(s): {', '.join(unknown)}", field=unknown[0])
    lang = body.get("lang") or "ko"
    if lang not in LANGUAGES:
        raise InvalidField("'lang' must be ko or en", field="lang")
    return TranscriptRequest(validate_email(body.get("email")), lang)


def address_key(email: str) -> str:
    """What the rate limit counts by: the address without regard to case, hashed (no address at rest)."""
    return hashlib.sha256(email.casefold().encode("utf-8")).hexdigest()[:32]


def hour_window(now_ms: int) -> int:
    """The start (epoch s) of the clock hour the request falls in."""
    return (now_ms // 1000) // HOUR_SECONDS * HOUR_SECONDS


# --- the mail ---------------------------------------------------------------------------------

_TEXTS = {
    "ko": {
        "subject": "상담 내용 ({date})",
        "intro": "요청하신 채팅 상담 내용입니다. 개인정보는 가려진 채로 보내 드립니다.",
        "customer": "고객",
        "agent": "상담원",
        "system": "안내",
        "attachment": "[첨부 파일] {name}",
        "footer": "이 메일은 발신 전용입니다.",
    },
    "en": {
        "subject": "Your chat transcript ({date})",
        "intro": "Here is the chat you asked for. Personal data stays masked.",
        "customer": "You",
        "agent": "Agent",
        "system": "Notice",
        "attachment": "[Attachment] {name}",
        "footer": "This mailbox is not monitored.",
    },
}


@dataclass(frozen=True)
class TranscriptMail:
    subject: str
    body: str  # plain text


def _speaker(message: Message, texts: Mapping[str, str]) -> str:
    if message.sender_role == "customer":
        return texts["customer"]
    if message.sender_role == "agent":
        return message.sender_name or texts["agent"]
    return texts["system"]


def compose_transcript(conv: Conversation, messages: Iterable[Message], *, lang: str, time_zone: str) -> TranscriptMail:
    """The mail: one line per customer-visible message with its time, in `lang`. Notes are left out
    here whatever the caller passed; each message's `text` is already its masked text."""
    texts = _TEXTS[lang if lang in _TEXTS else "ko"]
    zone = ZoneInfo(time_zone)

    def local(ms: int | None) -> datetime:
        return datetime.fromtimestamp((ms or 0) / 1000, tz=UTC).astimezone(zone)

    lines = [texts["intro"], ""]
    for message in messages:
        # A file is named, never linked: a signed URL would expire, and the mail leaves our control.
        shown = texts["attachment"].format(name=message.attachment.name) if message.attachment else message.text
        if notes.is_note(message) or not shown:
            continue
        when = local(message.created_at).strftime("%Y-%m-%d %H:%M")
        lines.append(f"[{when}] {_speaker(message, texts)}: {shown}")
    lines += ["", texts["footer"]]
    subject = texts["subject"].format(date=local(conv.inbound_at).strftime("%Y-%m-%d"))
    return TranscriptMail(subject, "\n".join(lines))
