"""The content check of an uploaded file: its type from its bytes, image limits, a thumbnail.

Only the checking function imports this module (Pillow costs tens of ms at import: chat
handlers never load it; tests/unit/test_cold_start.py). Decisions are domain/attachments.py's.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import filetype
from PIL import Image, ImageOps

from chalicelib.domain import attachments as rules
from chalicelib.domain.attachments import AttachmentLimits, Rejection

# Pillow refuses to decode past this (DecompressionBombError at twice it, a warning above it,
# which we make an error): a small file claiming huge dimensions never reaches memory.
Image.MAX_IMAGE_PIXELS = rules.MAX_IMAGE_PIXELS
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
_HEAD_BYTES = 8192


@dataclass(frozen=True)
class Inspection:
    content_type: str
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None  # JPEG, images only


def inspect_file(data: bytes, limits: AttachmentLimits) -> Inspection | Rejection:
    """What the file really is, or why it is refused."""
    refused = rules.decide_size(len(data), limits)
    if refused is not None:
        return refused
    head = data[:_HEAD_BYTES]
    decided = rules.decide_type(filetype.guess_mime(head), head, limits)
    if isinstance(decided, Rejection):
        return decided
    if not rules.is_image(decided):
        return Inspection(decided)
    return _inspect_image(data, decided)


def _inspect_image(data: bytes, content_type: str) -> Inspection | Rejection:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[content_type]]) as probe:
                # Dimensions come from the header: checked before a single pixel is decoded.
                refused = rules.decide_dimensions(*probe.size)
                if refused is not None:
                    return refused
                probe.verify()  # the structure (chunks, CRCs) is sound
            with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[content_type]]) as image:
                width, height = image.size
                return Inspection(content_type, width, height, _thumbnail(image))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return Rejection.IMAGE_TOO_LARGE
        except (OSError, SyntaxError, ValueError, Image.UnidentifiedImageError):
            return Rejection.IMAGE_UNREADABLE


def _thumbnail(image: Image.Image) -> bytes:
    image.seek(0)  # the first frame of a GIF or WebP animation
    image.draft("RGB", (rules.THUMBNAIL_SIDE, rules.THUMBNAIL_SIDE))  # JPEG: decode at a smaller scale
    small = ImageOps.exif_transpose(image.convert("RGBA" if image.mode in ("P", "LA", "RGBA") else "RGB"))
    small.thumbnail((rules.THUMBNAIL_SIDE, rules.THUMBNAIL_SIDE))
    if small.mode != "RGB":
        flat = Image.new("RGB", small.size, (255, 255, 255))  # transparency on white: JPEG has no alpha
        flat.paste(small, mask=small.getchannel("A"))
        small = flat
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()
