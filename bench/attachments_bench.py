"""Attachments (issue #23): the time from an upload landing in S3 to `message.new` on the other
side, and the checking function's peak memory for a 10 MB image.

    .venv/bin/python -m bench.attachments_bench [--quick]

In process on moto (the integration harness): the customer asks for the form, POSTs the file, and
the clock runs from the POST's answer through S3's notification (moto's SQS), the checking
function (sniff, Pillow, thumbnail, the message's transaction, the push) to the agent's frame.
Peak memory: a fresh interpreter imports the checker and inspects one image of ~10 MB; its
`ru_maxrss` (the Lambda's "Max Memory Used" counterpart), with the interpreter's own as baseline.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench._support import ROOT, moto_harness, quick, set_environment

_CHILD = """
import resource, sys, time
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from chalicelib.attachments.inspect import inspect_file
from chalicelib.domain.attachments import AttachmentLimits, MIB
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
result = inspect_file(data, AttachmentLimits(max_bytes=20 * MIB))
took = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{base} {peak} {took} {type(result).__name__} {getattr(result, 'width', 0)}")
"""


def _noisy_png(target_bytes: int) -> bytes:
    """A PNG of random pixels (incompressible), about `target_bytes` long."""
    from PIL import Image

    side = int((target_bytes / 3) ** 0.5)
    rng = random.Random(7)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def peak_memory(size_bytes: int) -> dict[str, Any]:
    path = Path(os.environ.get("TMPDIR", "/tmp")) / "bench-attachment.png"
    path.write_bytes(_noisy_png(size_bytes))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", _CHILD, str(path)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    base_kb, peak_kb, took, outcome, width = int(out[0]), int(out[1]), float(out[2]), out[3], int(out[4])
    return {
        "image_bytes": path.stat().st_size,
        "image_side_px": width,
        "outcome": outcome,
        "baseline_rss_mb": round(base_kb / 1024, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "inspect_ms": round(took * 1000, 1),
    }


def upload_to_message(runs: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "tests" / "integration"))
    from attachment_support import AttachmentRig, jpeg

    timings = []
    with moto_harness() as h:
        rig = AttachmentRig(h)
        _, agent_conn = h.agent_online("agent1@example.com", name="김상담")
        for _ in range(runs):
            chat = h.start_chat("홍길동")
            h.frames(agent_conn)
            status, answer = rig.ask(chat["token"], chat["conversationId"], "a.jpg", jpeg(1600, 1200), "image/jpeg")
            assert status == 201, answer
            assert rig.post(answer["upload"], jpeg(1600, 1200)).status_code in (200, 204)
            started = time.perf_counter()
            rig.run_queue()
            frames = h.frames_of_type(agent_conn, "message.new")
            timings.append(time.perf_counter() - started)
            assert [f["message"]["kind"] for f in frames] == ["attachment"], frames
            assert h.rest("POST", f"/chats/{chat['conversationId']}/end", token=chat["token"])[0] == 200
    timings.sort()
    return {"runs": runs, "median_ms": round(timings[len(timings) // 2] * 1000, 1),
            "max_ms": round(timings[-1] * 1000, 1)}


def main() -> dict[str, Any]:
    set_environment()
    size = 2 * 1024 * 1024 if quick() else 10 * 1024 * 1024
    memory = peak_memory(size)
    latency = upload_to_message(3 if quick() else 10)
    return {
        "summary": {
            "upload landed → message.new (moto, median ms)": latency["median_ms"],
            f"checker peak RSS, {round(memory['image_bytes'] / (1024 * 1024))} MB image (MB)": memory["peak_rss_mb"],
        },
        "aims": {"checker peak RSS, 10 MB image (MB)": "< 1,024 MB (the function's memory)"},
        "latency": latency,
        "memory": memory,
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, ensure_ascii=False))
