"""Masking figures: detector throughput, span arithmetic, and mask/unmask through moto (KMS + DynamoDB).

    .venv/bin/python bench/masking_bench.py

moto runs in-process, so the service figures measure our code plus moto's, not AWS latency;
on AWS each mask adds one GenerateDataKey per new mask (and one Decrypt per merged mask), each
unmask one Decrypt. Prints figures only; asserts nothing about time.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

# Runnable as a script too (bench/masking_bench.py): the repository root makes `bench` importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

# Before chalicelib: importing bench._support sets the benches' AWS environment (moto, bench- tables).
import bench._support  # noqa: E402, F401
from chalicelib.config import get_config  # noqa: E402
from chalicelib.domain import masking as rules  # noqa: E402
from chalicelib.domain import pii  # noqa: E402
from chalicelib.domain.model import Principal, Role  # noqa: E402

SAMPLE = (
    "안녕하세요, 주문 관련 문의드립니다. 제 연락처는 010-1234-5678이고 이메일은 hong.gildong@example.co.kr 입니다. "
    "결제한 카드는 4111 1111 1111 1111, 주민번호는 900101-1234568 입니다. 배송이 2024-01-15에 출발했다고 들었어요 😀"
)


def _per_call(fn, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - start) / rounds


def detectors() -> dict[str, float]:
    rounds = 2000
    seconds = _per_call(lambda: pii.detect_pii(SAMPLE), rounds)
    found = len(pii.detect_pii(SAMPLE))
    print(f"detect_pii: {len(SAMPLE)} code points, {found} matches: {seconds * 1e6:.0f} µs/call")
    figures = {"detect_pii_sample_us": round(seconds * 1e6, 1)}
    long_text = (SAMPLE + " ") * 10  # ~2,000 characters: the maximum message length
    seconds = _per_call(lambda: pii.detect_pii(long_text[:2000]), 200)
    print(f"detect_pii: 2000 code points: {seconds * 1e6:.0f} µs/call")
    figures["detect_pii_2000_chars_us"] = round(seconds * 1e6, 1)
    masks: tuple[rules.Mask, ...] = ()
    text = long_text[:2000]

    def plan_apply() -> None:
        groups = rules.plan_masks(text, masks, pii.pii_spans(text))
        rules.apply_masks(text, masks, groups, {}, iter(str(i) for i in range(10**6)))

    seconds = _per_call(plan_apply, 200)
    print(f"plan+apply masks for every detected span of 2000 code points: {seconds * 1e6:.0f} µs/call")
    figures["plan_apply_2000_chars_us"] = round(seconds * 1e6, 1)
    return figures


def service() -> dict[str, float]:
    with mock_aws():
        from chalicelib import bootstrap
        from chalicelib.domain.entities import Conversation, Message
        from chalicelib.services import masking, settings
        from chalicelib.store.schema import create_tables
        from chalicelib.store.tables import ALL_MODELS

        create_tables(boto3.client("dynamodb"), ALL_MODELS)
        os.environ["MASKING_KEY_ID"] = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]
        get_config.cache_clear()
        admin = Principal(Role.ADMIN, "admin")
        settings.update_settings({"securityService": True}, admin)
        store = bootstrap.store()
        conv = store.conversations.create(
            Conversation("C1", state="waiting", customer_id="c", inbound_at=1, consent_version=1, consented_at=1)
        )
        for seq in range(1, 101):
            message = Message("C1", seq, sender_role="customer", text=SAMPLE)
            store.messages.append(conv, message, agent_reply=False)
        store.lifecycle.end(conv, Role.CUSTOMER, 2)  # masked after the chat, as an admin reviews one
        phone_at = SAMPLE.index("010-")
        mask_ms, unmask_ms = [], []
        for seq in range(1, 101):
            start = time.perf_counter()
            view = masking.mask_message(admin, "C1", seq, {"spans": [{"start": phone_at, "end": phone_at + 13}]})
            mask_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            masking.unmask_message(admin, "C1", seq, view["masks"][0]["maskId"])
            unmask_ms.append((time.perf_counter() - start) * 1000)
        figures = {}
        for name, values in (("mask (1 span)", mask_ms), ("unmask", unmask_ms)):
            print(
                f"{name} through moto: median {statistics.median(values):.1f} ms, "
                f"p95 {statistics.quantiles(values, n=20)[18]:.1f} ms over {len(values)} messages"
            )
            key = name.split(" ")[0]
            figures[f"{key}_on_moto_ms_median"] = round(statistics.median(values), 1)
            figures[f"{key}_on_moto_ms_p95"] = round(statistics.quantiles(values, n=20)[18], 1)
        return figures


def main() -> dict[str, dict[str, float]]:
    summary = {**detectors(), **service()}
    return {"summary": summary}


if __name__ == "__main__":
    main()
