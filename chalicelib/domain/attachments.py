"""Attachments (issue #23): what may be uploaded, how big, and what the checker decides.

Pure rules: the upload request's validation, the allow-list by type *sniffed from the bytes*,
the image limits that stop decompression bombs, and how a file is offered for download. The S3
and Pillow work is in chalicelib/attachments/; the use cases in chalicelib/services/attachments.py.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import InvalidField

MIB = 1024 * 1024
DEFAULT_MAX_MB = 10
HARD_MAX_MB = 20  # the setting cannot go above it (Amazon Connect's limit too)
MAX_FILES_PER_CHAT = 20
UPLOAD_URL_SECONDS = 300  # the presigned POST: minutes, not hours
VIEW_URL_SECONDS = 300  # the presigned GET of a stored file
MAX_NAME_CHARS = 200
# Images: a 10 MB PNG can unpack to gigabytes. Pillow refuses anything above this many pixels
# before decoding (Image.MAX_IMAGE_PIXELS), and each side is limited as well.
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 12_000
THUMBNAIL_SIDE = 320

# The allow-list's names (the setting `attachmentTypes`) and the one MIME type each stands for.
# SVG and HTML are absent on purpose and cannot be added: a script in them would run if the file
# were ever opened from a page's origin (docs/security.md#attachments).
TYPES: dict[str, str] = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "text": "text/plain",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
DEFAULT_TYPES = tuple(TYPES)
_MIME_TO_NAME = {mime: name for name, mime in TYPES.items()}


class Rejection(StrEnum):
    """Why the checker refused a file: `attachment.rejected`'s `reason` (the clients translate it)."""

    TYPE_NOT_ALLOWED = "type_not_allowed"
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    IMAGE_TOO_LARGE = "image_too_large"  # dimensions, or a decompression bomb
    IMAGE_UNREADABLE = "image_unreadable"
    CONVERSATION_ENDED = "conversation_ended"
    NOT_ALLOWED = "not_allowed"  # the key does not belong to an upload this chat asked for
    MALWARE = "malware"  # GuardDuty Malware Protection found a threat


@dataclass(frozen=True)
class AttachmentLimits:
    """The chat settings' part that applies to uploads."""

    max_bytes: int = DEFAULT_MAX_MB * MIB
    types: tuple[str, ...] = DEFAULT_TYPES  # names of TYPES
    max_files: int = MAX_FILES_PER_CHAT

    @property
    def mime_types(self) -> frozenset[str]:
        return frozenset(TYPES[name] for name in self.types)

    def to_api(self) -> dict[str, Any]:
        return {"maxBytes": self.max_bytes, "maxFiles": self.max_files, "types": sorted(self.mime_types)}


@dataclass(frozen=True)
class UploadRequest:
    name: str
    size: int
    content_type: str


def clean_name(raw: Any) -> str:
    """A file name fit to show and to put in a header: no path, no control characters."""
    if not isinstance(raw, str):
        raise InvalidField("name must be a string", field="name")
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not name:
        raise InvalidField("name must not be empty", field="name")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidField(f"name must be at most {MAX_NAME_CHARS} characters", field="name")
    return name


def validate_request(body: dict[str, Any], limits: AttachmentLimits) -> UploadRequest:
    """The sender's `{name, size, type}`: each wrong field a 400 naming it, before anything is stored."""
    unknown = sorted(set(body) - {"name", "size", "type"})
    if unknown:
        raise InvalidField(f"unknown field: {unknown[0]}", field=unknown[0])
    name = clean_name(body.get("name"))
    size = body.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise InvalidField("size must be a positive integer (bytes)", field="size")
    if size > limits.max_bytes:
        raise InvalidField(f"the file is larger than {limits.max_bytes // MIB} MB", field="size")
    content_type = body.get("type")
    if not isinstance(content_type, str) or content_type.lower() not in limits.mime_types:
        raise InvalidField("this type of file cannot be sent", field="type")
    return UploadRequest(name, size, content_type.lower())


# Markup in a "text" file: a browser sniffing it could run it as HTML or SVG.
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta|link|style)\b", re.I)


def looks_like_plain_text(head: bytes) -> bool:
    """UTF-8 text without NULs or markup (no magic number exists for plain text)."""
    if not head or b"\x00" in head or _MARKUP.search(head):
        return False
    try:
        # An incremental decoder accepts a character the head cuts in two at its end.
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text)


def decide_type(sniffed: str | None, head: bytes, limits: AttachmentLimits) -> str | Rejection:
    """The file's type from its bytes (`sniffed`: the sniffer's answer), if the allow-list has it."""
    mime = sniffed if sniffed is not None else ("text/plain" if looks_like_plain_text(head) else None)
    if mime is None or mime not in limits.mime_types:
        return Rejection.TYPE_NOT_ALLOWED
    return mime


def decide_size(size: int, limits: AttachmentLimits) -> Rejection | None:
    if size <= 0:
        return Rejection.EMPTY
    if size > limits.max_bytes:
        return Rejection.TOO_LARGE
    return None


def decide_dimensions(width: int, height: int) -> Rejection | None:
    if width <= 0 or height <= 0:
        return Rejection.IMAGE_UNREADABLE
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        return Rejection.IMAGE_TOO_LARGE
    return None


def is_image(content_type: str) -> bool:
    return content_type in IMAGE_TYPES


def content_disposition(name: str, content_type: str) -> str:
    """`inline` only for a checked image (shown in an <img>); everything else downloads."""
    kind = "inline" if is_image(content_type) else "attachment"
    # The plain `filename` for old clients: ASCII only (a Korean name keeps its extension).
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "").strip()
    if not ascii_name or ascii_name.startswith("."):
        ascii_name = "attachment" + ascii_name
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"


def type_names(raw: Any, field: str = "attachmentTypes") -> list[str]:
    """The setting's list: known names only, at least one, no repeats."""
    if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
        raise InvalidField(f"{field} must be a non-empty list of type names", field=field)
    unknown = sorted(set(raw) - set(TYPES))
    if unknown:
        raise InvalidField(f"unknown attachment type: {unknown[0]} (allowed: {', '.join(TYPES)})", field=field)
    return [name for name in TYPES if name in raw]


def type_name_of(mime: str) -> str | None:
    return _MIME_TO_NAME.get(mime)
