"""Customer-facing texts of the settings, each in Korean and English (WCAG 3.1.2 Language of Parts).

Korean is the product's first language and always present; English may be empty, meaning "no English
version": the widget then shows the Korean text marked lang="ko". Stored settings written before
English versions existed have none, so their customers keep seeing exactly what the admin wrote.
"""

from __future__ import annotations

import json
from typing import Any

LANGUAGES = ("ko", "en")
FIRST_LANGUAGE = "ko"

# setting attribute (the Korean text) → the attribute of its English version
ENGLISH_OF = {
    "consent_text": "consent_text_en",
    "absence_message": "absence_message_en",
    "greeting": "greeting_en",
    "rating_request_text": "rating_request_text_en",
}

DEFAULTS: dict[str, dict[str, str]] = {
    "consent_text": {
        "ko": (
            "고객센터 채팅 상담을 위해 아래와 같이 개인정보를 수집·이용합니다.\n"
            "수집 항목: 이름, 이메일, 상담 내용\n이용 목적: 상담 및 문의 처리\n보유 기간: 상담 종료 후 3년\n"
            "동의를 거부할 수 있으며, 거부 시 채팅 상담을 이용하실 수 없습니다."
        ),
        "en": (
            "To provide chat support we collect and use the following personal information.\n"
            "Items: name, email, the content of the chat\nPurpose: answering your questions and inquiries\n"
            "Kept for: 3 years after the chat ends\n"
            "You may refuse; without your consent the chat cannot start."
        ),
    },
    "absence_message": {
        "ko": "지금은 상담원이 부재중입니다. 문의하기를 남겨 주시면 확인 후 답변드리겠습니다.",
        "en": "No agent is available right now. Leave an inquiry and we will answer you.",
    },
    "greeting": {
        "ko": "안녕하세요, 고객센터입니다. 무엇을 도와드릴까요?",
        "en": "Hello, this is the help centre. How can we help you?",
    },
    "rating_request_text": {
        "ko": "상담은 만족스러우셨나요? 평가를 남겨 주세요.",
        "en": "Were you satisfied with this chat? Please rate it.",
    },
}

DEFAULT_TYPE_NAMES_EN = {
    "일반 문의": "General",
    "주문/결제": "Orders and payment",
    "배송": "Delivery",
    "환불/교환": "Refund or exchange",
    "계정": "Account",
    "기타": "Other",
    "상담 완료": "Resolved",
    "추가 확인 필요": "Needs follow-up",
    "담당 부서 이관": "Passed to another team",
    "단순 문의": "Simple question",
}


def bilingual(ko: str, en: str) -> dict[str, str]:
    """{ko, en} as the API shows a text; en is "" when there is no English version."""
    return {"ko": ko, "en": en}


def without_english(document: dict[str, Any]) -> dict[str, Any]:
    """A settings document stored before English versions existed: every English text is empty."""
    return {**{english: "" for english in ENGLISH_OF.values()}, **document}


def consent_document(ko: str, en: str) -> str:
    """How one consent version is kept: the Korean text alone (as before), or both as JSON."""
    return json.dumps(bilingual(ko, en), ensure_ascii=False) if en else ko


def parse_consent_document(document: str) -> dict[str, str]:
    """The {ko, en} of a stored consent version (older versions hold the Korean text alone)."""
    if document.startswith("{"):
        try:
            value = json.loads(document)
        except ValueError:
            value = None
        if isinstance(value, dict) and isinstance(value.get("ko"), str) and isinstance(value.get("en"), str):
            return bilingual(value["ko"], value["en"])
    return bilingual(document, "")
