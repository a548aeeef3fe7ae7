"""The attachment rules without AWS: the request's validation, the allow-list by sniffed type, the
size and image limits, how a file is offered for download, and the setting's values."""

from __future__ import annotations

import pytest

from chalicelib.domain import attachments as rules
from chalicelib.domain.attachments import MIB, AttachmentLimits, Rejection
from chalicelib.domain.errors import InvalidField

LIMITS = AttachmentLimits()


def test_defaults_are_ten_megabytes_twenty_files_and_no_svg_or_html():
    assert LIMITS.max_bytes == 10 * MIB and LIMITS.max_files == 20
    assert "image/svg+xml" not in LIMITS.mime_types and "text/html" not in LIMITS.mime_types
    assert not {"svg", "html"} & set(rules.TYPES)


def test_a_request_within_the_limits():
    wanted = rules.validate_request({"name": "C:\\Users\\me\\화면.PNG", "size": 5, "type": "Image/PNG"}, LIMITS)
    assert wanted == rules.UploadRequest("화면.PNG", 5, "image/png")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "a", "size": 10 * MIB + 1, "type": "image/png"}, "size"),
        ({"name": "a", "size": True, "type": "image/png"}, "size"),
        ({"name": "a", "size": "5", "type": "image/png"}, "size"),
        ({"name": "a", "size": 5, "type": "image/svg+xml"}, "type"),
        ({"name": "a", "size": 5, "type": "application/x-msdownload"}, "type"),
        ({"name": "a", "size": 5}, "type"),
        ({"name": "\u0000\u200e", "size": 5, "type": "image/png"}, "name"),
        ({"name": "x" * 201, "size": 5, "type": "image/png"}, "name"),
        ({"size": 5, "type": "image/png"}, "name"),
        ({"name": "a", "size": 5, "type": "image/png", "key": "chats/other/1"}, "key"),
    ],
)
def test_a_bad_request_names_its_field(body, field):
    with pytest.raises(InvalidField) as refused:
        rules.validate_request(body, LIMITS)
    assert refused.value.field == field


def test_the_type_is_the_sniffed_one_and_must_be_on_the_list():
    assert rules.decide_type("image/png", b"", LIMITS) == "image/png"
    assert rules.decide_type("application/x-msdownload", b"MZ", LIMITS) is Rejection.TYPE_NOT_ALLOWED
    only_images = AttachmentLimits(types=("png", "jpeg"))
    assert rules.decide_type("application/pdf", b"%PDF", only_images) is Rejection.TYPE_NOT_ALLOWED


@pytest.mark.parametrize(
    ("head", "text"),
    [
        ("안녕하세요\n주문번호 123".encode(), True),
        ("가나다".encode()[:-1], True),  # cut inside the last character by the head's length
        (b"<!DOCTYPE html><p>hi", False),
        (b'  <svg onload="alert(1)">', False),
        (b"<?xml version='1.0'?><svg/>", False),
        (b"a\x00b", False),
        (b"\xff\xfe\xfa", False),
        (b"bell\x07", False),
        (b"", False),
    ],
)
def test_plain_text_has_no_markup_and_no_binary(head, text):
    assert rules.looks_like_plain_text(head) is text
    assert (rules.decide_type(None, head, LIMITS) == "text/plain") is text


def test_size_and_image_limits():
    assert rules.decide_size(0, LIMITS) is Rejection.EMPTY
    assert rules.decide_size(10 * MIB, LIMITS) is None
    assert rules.decide_size(10 * MIB + 1, LIMITS) is Rejection.TOO_LARGE
    assert rules.decide_dimensions(4000, 3000) is None
    assert rules.decide_dimensions(30_000, 30_000) is Rejection.IMAGE_TOO_LARGE
    assert rules.decide_dimensions(12_001, 10) is Rejection.IMAGE_TOO_LARGE
    assert rules.decide_dimensions(0, 10) is Rejection.IMAGE_UNREADABLE


def test_only_a_checked_image_is_inline():
    assert rules.content_disposition("a.png", "image/png").startswith("inline;")
    assert rules.content_disposition("a.pdf", "application/pdf").startswith("attachment;")
    assert rules.content_disposition("메모.txt", "text/plain") == (
        "attachment; filename=\"attachment.txt\"; filename*=UTF-8''%EB%A9%94%EB%AA%A8.txt"
    )
    assert rules.content_disposition('a".pdf', "application/pdf").startswith('attachment; filename="a.pdf";')


def test_the_setting_lists_known_types_only():
    assert rules.type_names(["pdf", "png"]) == ["png", "pdf"]
    for bad in (["svg"], [], "png", [1]):
        with pytest.raises(InvalidField):
            rules.type_names(bad)


def test_the_transcript_mail_names_a_file_and_links_nothing():
    from chalicelib.domain.entities import Attachment, Conversation, Message
    from chalicelib.domain.transcript_mail import compose_transcript

    conv = Conversation("c1", "ended", "cust", 1_704_067_200_000, 1, 1_704_067_200_000)
    sent = Message("c1", 1, sender_role="customer", created_at=1_704_067_200_000,
                   attachment=Attachment("a1", "영수증.pdf", 10, "application/pdf"))
    for lang, line in (("ko", "고객: [첨부 파일] 영수증.pdf"), ("en", "You: [Attachment] 영수증.pdf")):
        body = compose_transcript(conv, [sent], lang=lang, time_zone="Asia/Seoul").body
        assert line in body and "http" not in body
