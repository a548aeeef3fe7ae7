"""Export benchmark: N messages (N / messages-per-chat chats) exported from moto-backed tables.

    python -m bench.export [--sizes 10000,100000,1000000] [--messages-per-chat 10]

For each size, a host process starts moto's server, loads the chats and messages straight into
moto's DynamoDB backend, and creates the job. A separate child process then runs the export
function's job runner (chalicelib/export/runner.run_job: history-index queries, batched message
reads, openpyxl write-only, S3 multipart upload) against that server over HTTP, and reports its
own wall time and peak RSS (VmHWM of the process doing the export: moto's memory is in the
host) and the peak size of its temporary directory (openpyxl's sheet files). A third process
writes the same rows, already in memory, with plain openpyxl write-only to a local file: the
reference rate; then with the export's own workbook code: its writing side without the reads.
Rows are chat rows + message rows. Figures go to bench/results/export.json.

Reads go to moto over local HTTP, so the rate measures our code plus botocore, pynamodb and moto,
not DynamoDB latency. Nothing here asserts a time; `make bench` calls main().
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "export.json"
REGION = "ap-northeast-2"
PREFIX = "bench-export-"
BUCKET = "bench-exports"
DEFAULT_SIZES = "10000,100000,1000000"
QUICK_SIZES = "2000"
START_MS = int(datetime(2026, 10, 1, tzinfo=UTC).timestamp() * 1000)
SPAN_MS = 28 * 24 * 3600 * 1000
SEOUL = ZoneInfo("Asia/Seoul")

AGENTS = [("agent1@example.com", "김상담"), ("agent2@example.com", "이상담"), ("agent3@example.com", "박상담")]
CUSTOMER_LINES = [
    "안녕하세요, 주문한 상품이 아직 도착하지 않았어요. 주문번호는 {n}입니다.",
    "환불 절차가 어떻게 되나요? 결제는 카드로 했습니다.",
    "=SUM(A1:A9) 이렇게 보이는 문구가 화면에 떠요",
    "배송지 변경이 가능한가요? 서울시 강남구로 바꾸고 싶어요.",
    "감사합니다! 😀 빠른 답변 부탁드려요.",
]
AGENT_LINES = [
    "안녕하세요, 고객님. 확인해 드리겠습니다. 잠시만 기다려 주세요.",
    "주문번호 {n} 건은 내일 도착 예정입니다.",
    "-10% 할인 쿠폰을 발급해 드렸습니다.",
    "추가로 궁금하신 점이 있으시면 말씀해 주세요.",
    "이용해 주셔서 감사합니다. 좋은 하루 보내세요.",
]


# --- the data, one generator for the loaded tables and the in-memory reference -------------------


def chats(size: int, per_chat: int) -> Iterator[dict[str, Any]]:
    count = max(1, size // per_chat)
    step = SPAN_MS // count
    for i in range(count):
        inbound = START_MS + i * step
        agent_id, agent_name = AGENTS[i % len(AGENTS)]
        messages = []
        for seq in range(1, per_chat + 1):
            role = "customer" if seq % 2 else "agent"
            lines = CUSTOMER_LINES if role == "customer" else AGENT_LINES
            messages.append(
                {
                    "seq": seq,
                    "role": role,
                    "name": f"고객{i}" if role == "customer" else agent_name,
                    "text": lines[(i + seq) % len(lines)].format(n=100000 + i),
                    "at": inbound + 30_000 + seq * 20_000,
                }
            )
        yield {
            "id": f"01BENCH{i:019d}",
            "inbound": inbound,
            "assigned": inbound + 10_000,
            "first_response": inbound + 50_000,
            "ended": inbound + 30_000 + (per_chat + 1) * 20_000,
            "agent_id": agent_id,
            "agent_name": agent_name,
            "customer": f"고객{i}",
            "email": f"customer{i}@example.com",
            "phone": f"010-{i % 10000:04d}-{(i * 7) % 10000:04d}",
            "memo": "VIP 고객" if i % 10 == 0 else None,
            "inquiry": "배송",
            "processing": "상담 완료",
            "note": "안내 완료, 추가 확인 필요 없음",
            "rating": "satisfied" if i % 3 else "dissatisfied",
            "comment": "친절했어요" if i % 3 else "답변이 늦었어요",
            "messages": messages,
        }


def chat_entities(chat: dict[str, Any]) -> Iterator[Any]:
    """The ended chat and its messages as the store's entities (chalicelib/store/bulk.py serialises them)."""
    from chalicelib.domain.entities import Conversation, Message

    yield Conversation(
        chat["id"],
        "ended",
        "c-" + chat["id"],
        inbound_at=chat["inbound"],
        consent_version=1,
        consented_at=chat["inbound"],
        agent_id=chat["agent_id"],
        agent_name=chat["agent_name"],
        assigned_at=chat["assigned"],
        first_response_at=chat["first_response"],
        ended_at=chat["ended"],
        ended_by="agent",
        last_seq=len(chat["messages"]),
        customer_name=chat["customer"],
        customer_email=chat["email"],
        customer_phone=chat["phone"],
        customer_memo=chat["memo"],
        inquiry_type=chat["inquiry"],
        processing_type=chat["processing"],
        counsel_note=chat["note"],
        rating=chat["rating"],
        rating_comment=chat["comment"],
    )
    for message in chat["messages"]:
        yield Message(
            chat["id"],
            message["seq"],
            sender_role=message["role"],
            sender_name=message["name"],
            text=message["text"],
            created_at=message["at"],
        )


# --- processes ----------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    """This process's peak resident size: VmHWM. Not getrusage's ru_maxrss: on Linux that also
    carries the parent's high-water mark across fork + exec, so a child of the host (moto with
    all the data) reported the host's size, not its own."""
    return _status_mb("VmHWM:") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_mb(field: str) -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class DirectoryPeak:
    """Samples a directory's total size: the /tmp the export's sheet files take."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            total = 0
            for entry in os.scandir(self.path):
                try:
                    total += entry.stat().st_size
                except OSError:
                    continue
            self.peak = max(self.peak, total)

    def __enter__(self) -> DirectoryPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    """Resident set size now (peak RSS says how high, this says when)."""
    return round(_status_mb("VmRSS:"), 1)


def _time_reads(runner: Any) -> dict[str, Any]:
    """Time the writer spends waiting for the next chat and its messages (reads), apart from the rest;
    sample the resident size every 1,000 chats and just before the workbook is saved. /proc is read
    every 100 chats, not every chat: at 10 chats a millisecond the sampling itself was a quarter of
    the export's time."""
    waited: dict[str, Any] = {"seconds": 0.0, "chats": 0, "rss_mb": []}
    save = runner.ExportWorkbook.save

    def sampled_save(self: Any, stream: Any) -> None:
        waited["rss_before_save_mb"] = _rss_mb()
        waited["peak_before_save_mb"] = round(_peak_rss_mb(), 1)
        save(self, stream)
        waited["rss_after_save_mb"] = _rss_mb()
        waited["peak_after_save_mb"] = round(_peak_rss_mb(), 1)

    runner.ExportWorkbook.save = sampled_save
    reads = runner.chats_with_messages

    def timed_reads(*args: Any, **kwargs: Any) -> Iterator[Any]:
        stream = reads(*args, **kwargs)
        while True:
            started = time.perf_counter()
            try:
                item = next(stream)
            except StopIteration:
                waited["seconds"] += time.perf_counter() - started
                return
            waited["seconds"] += time.perf_counter() - started
            waited["chats"] += 1
            if waited["chats"] % 100 == 0:
                peak = _peak_rss_mb()
                if peak > waited.get("last_peak", 0.0) + 5:  # where the peak grows: [chats read, peak MB]
                    waited["last_peak"] = peak
                    waited.setdefault("peak_growth", []).append([waited["chats"], round(peak, 1)])
            if waited["chats"] % 1000 == 0:
                waited["rss_mb"].append(_rss_mb())
            yield item

    runner.chats_with_messages = timed_reads
    return waited


def child_export(export_id: str) -> dict[str, Any]:
    """Run one export job as the export function would; report this process's figures."""
    from chalicelib import bootstrap
    from chalicelib.export import runner
    from chalicelib.export.runner import run_job
    from chalicelib.store.models import BaseMeta

    # moto answers a history page by walking the whole table: at 100,000 chats, on a shared box, a
    # page can take longer than the 5 s read timeout the models set for AWS. Not what is measured.
    BaseMeta.read_timeout_seconds = 300
    waited = _time_reads(runner)
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    with DirectoryPeak(tempfile.gettempdir()) as tmp:
        if os.environ.get("BENCH_PROFILE"):  # a cProfile dump of the export, for looking into it
            import cProfile

            with cProfile.Profile() as profile:
                outcome = run_job(export_id)
            profile.dump_stats(os.environ["BENCH_PROFILE"])
        else:
            outcome = run_job(export_id)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    job = bootstrap.store().export_jobs.get(export_id)
    if outcome.status != "done":
        raise SystemExit(f"export ended {outcome.status}: {job.error}")
    rows = int(job.chat_rows) + int(job.message_rows)
    return {
        "rows": rows,
        "chatRows": int(job.chat_rows),
        "messageRows": int(job.message_rows),
        "seconds": round(seconds, 2),
        "rowsPerSecond": round(rows / seconds),
        # Where the wall time went: the writer waiting for reads (history pages, message batches,
        # answered by moto in the host process) and everything else (rows, openpyxl, zip, S3).
        "readWaitSeconds": round(waited["seconds"], 2),
        "cpuSeconds": round(cpu, 2),
        "peakRssMb": round(_peak_rss_mb(), 1),
        "rssBeforeSaveMb": waited.get("rss_before_save_mb"),
        "rssAfterSaveMb": waited.get("rss_after_save_mb"),
        "peakRssBeforeSaveMb": waited.get("peak_before_save_mb"),
        "peakRssAfterSaveMb": waited.get("peak_after_save_mb"),
        "peakRssGrowthAtChat": waited.get("peak_growth", []),
        "rssEvery1000ChatsMb": waited["rss_mb"],
        "tmpPeakMb": round(tmp.peak / 1024 / 1024, 1),
        "fileBytes": int(job.size_bytes),
    }


def child_plain(size: int, per_chat: int) -> dict[str, Any]:
    """The reference: plain openpyxl write-only writing the same rows, already in memory."""
    from openpyxl import Workbook

    def local(ms: int) -> datetime:
        return datetime.fromtimestamp(ms / 1000, SEOUL).replace(tzinfo=None)

    chat_rows, message_rows = [], []
    for chat in chats(size, per_chat):
        chat_rows.append(
            [chat["id"], local(chat["inbound"]), chat["processing"], "처리", chat["agent_name"], chat["agent_id"],
             chat["customer"], "만족" if chat["rating"] == "satisfied" else "불만족",
             timedelta(milliseconds=chat["first_response"] - chat["inbound"]), "종료", chat["email"], chat["phone"],
             chat["memo"], chat["inquiry"], chat["note"], local(chat["assigned"]), local(chat["first_response"]),
             local(chat["ended"]), timedelta(milliseconds=chat["ended"] - chat["inbound"]), "상담원",
             chat["comment"], len(chat["messages"]), None]  # fmt: skip
        )
        for m in chat["messages"]:
            role = "고객" if m["role"] == "customer" else "상담원"
            message_rows.append([chat["id"], m["seq"], local(m["at"]), role, m["name"], m["text"]])
    rows = len(chat_rows) + len(message_rows)

    def plain(path: Path) -> None:
        book = Workbook(write_only=True)
        for title, data in (("Chats", chat_rows), ("Messages", message_rows)):
            sheet = book.create_sheet(title)
            sheet.append([f"c{i}" for i in range(len(data[0]))])
            for row in data:
                sheet.append(row)
        book.save(path)

    def ours(path: Path) -> None:
        # The export's workbook (styled header and dates, formula guard, sheet split) on the same
        # rows: the writing side of the export, without its reads.
        from chalicelib.export.workbook import ExportWorkbook

        book = ExportWorkbook(1_048_576)
        for series, data in ((book.chats, chat_rows), (book.messages, message_rows)):
            for row in data:
                series.append(row)
        with path.open("wb") as stream:
            book.save(stream)

    def timed(write: Any) -> dict[str, Any]:
        path = Path(tempfile.mkdtemp()) / "book.xlsx"
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        write(path)
        seconds = time.perf_counter() - started
        figures = {"rows": rows, "seconds": round(seconds, 2), "rowsPerSecond": round(rows / seconds),
                   "cpuSeconds": round(_cpu_seconds() - cpu_before, 2), "fileBytes": path.stat().st_size}  # fmt: skip
        path.unlink()
        return figures

    figures = timed(plain)
    return {**figures, "peakRssMb": round(_peak_rss_mb(), 1), "exportWorkbook": timed(ours)}


def _aws_environment(endpoint: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "TABLE_PREFIX": PREFIX,
        "EXPORTS_BUCKET": BUCKET,
        "EXPORT_TIME_ZONE": "Asia/Seoul",
    }


def _run_child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    tmp = tempfile.mkdtemp(prefix="bench-export-tmp-")
    out = subprocess.run(
        [sys.executable, "-m", "bench.export", *args],
        cwd=ROOT,
        env={**os.environ, **env, "TMPDIR": tmp},
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench child {args} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _partition_queries_for_moto() -> None:
    """moto's Query on a table's own key walks and sorts every item of the table on each call, so
    each query of a chat over 100 messages would cost O(all messages) in the emulator. DynamoDB reads
    just the partition; this narrows moto's walk to it, so the figures measure the export, not moto.
    """
    from moto.dynamodb.models.table import Table

    local = threading.local()
    walk_all = Table.all_items
    query = Table.query

    def all_items(self: Any) -> list[Any]:
        partition = getattr(local, "partition", None)
        if partition is None:
            return walk_all(self)
        return sorted(partition.values(), key=lambda item: item.range_key)

    def partition_query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)  # moto passes it positionally
        if index_name or hash_key is None or not self.range_key_attr:
            return query(self, hash_key, *args, **kwargs)
        local.partition = self.items.get(hash_key, {})
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            local.partition = None

    Table.all_items = all_items  # type: ignore[method-assign]
    Table.query = partition_query  # type: ignore[method-assign]


def _top_level_projection_for_moto() -> None:
    """moto projects an item by turning all of it into plain JSON once per projected name, then
    serialising the result back, and re-measures the whole item as it sets each attribute: most of
    its cost per message read. For top-level names (all the export asks for) this picks the stored
    attributes directly, as DynamoDB does; nested paths still go to moto's own projection.
    """
    from moto.dynamodb.models.dynamo_type import Item, LimitedSizeDict

    project = Item.project

    def top_level(self: Any, projection_expressions: list[list[str]]) -> Any:
        if any(len(path) != 1 or "[" in path[0] for path in projection_expressions):
            return project(self, projection_expressions)
        projected = Item.__new__(Item)
        projected.hash_key, projected.range_key = self.hash_key, self.range_key
        # dict's own constructor: these attributes were measured when the item was written.
        projected.attrs = LimitedSizeDict({name: self.attrs[name] for (name,) in projection_expressions
                                           if name in self.attrs})  # fmt: skip
        return projected

    Item.project = top_level  # type: ignore[method-assign]


def host(size: int, per_chat: int) -> dict[str, Any]:
    """moto for one size: load the data, create the job, run both children, return the figures."""
    from infra.local.moto_server import LocalMotoServer

    _partition_queries_for_moto()
    _top_level_projection_for_moto()
    server = LocalMotoServer(REGION)
    server.start()
    endpoint = f"http://127.0.0.1:{server.port}"
    env = _aws_environment(endpoint)
    os.environ.update(env)
    try:
        import boto3
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        from chalicelib import bootstrap
        from chalicelib.domain.entities import ExportJob
        from chalicelib.store import bulk
        from chalicelib.store.schema import create_tables
        from chalicelib.store.tables import ALL_MODELS

        create_tables(boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION), ALL_MODELS)
        boto3.client("s3", endpoint_url=endpoint, region_name=REGION).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
        started = time.perf_counter()
        for chat in chats(size, per_chat):
            # Straight into moto's backend (same process as its server): loading is not what we measure.
            for table, item in bulk.serialized(chat_entities(chat)):
                backend.put_item(table, item)
        load_seconds = time.perf_counter() - started
        export_id = f"01BENCHJOB{size:016d}"
        filters = {"from": START_MS - 1, "to": START_MS + SPAN_MS}
        bootstrap.store().export_jobs.create(
            ExportJob(
                export_id,
                created_at=int(time.time() * 1000),
                requested_by="admin@example.com",
                requested_by_name="bench",
                requested_role="admin",
                filters=json.dumps(filters),
            )
        )
        moto_cpu_before = _cpu_seconds()
        exported = _run_child(["--child", "export", "--export-id", export_id], env)
        exported["motoCpuSeconds"] = round(_cpu_seconds() - moto_cpu_before, 2)  # this process serves moto
    finally:
        server.stop()
    plain = _run_child(["--child", "plain", "--size", str(size), "--messages-per-chat", str(per_chat)], {})
    return {
        "messages": size,
        "messagesPerChat": per_chat,
        "chats": max(1, size // per_chat),
        "loadSeconds": round(load_seconds, 1),
        "export": exported,
        "plainOpenpyxl": plain,
        "rateRatio": round(exported["rowsPerSecond"] / plain["rowsPerSecond"], 2),
        # The export's rate with the time it waited for reads taken out: its own rows, openpyxl and upload.
        "writeRateRatio": round(
            exported["rows"] / max(0.01, exported["seconds"] - exported.get("readWaitSeconds", 0.0))
            / plain["rowsPerSecond"],
            2,
        ),
    }


def _table(results: list[dict[str, Any]]) -> str:
    lines = [
        f"{'messages':>10} {'rows':>10} {'export rows/s':>14} {'plain rows/s':>13} {'ratio':>6} "
        f"{'peak RSS MB':>12} {'/tmp peak MB':>13} {'file MB':>8} {'seconds':>8}"
    ]
    for r in results:
        e, p = r["export"], r["plainOpenpyxl"]
        lines.append(
            f"{r['messages']:>10,} {e['rows']:>10,} {e['rowsPerSecond']:>14,} {p['rowsPerSecond']:>13,} "
            f"{r['rateRatio']:>6.2f} {e['peakRssMb']:>12.1f} {e['tmpPeakMb']:>13.1f} "
            f"{e['fileBytes'] / 1024 / 1024:>8.1f} {e['seconds']:>8.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help=f"messages per run (default {DEFAULT_SIZES}; {QUICK_SIZES} with --quick)")
    parser.add_argument("--quick", action="store_true", help=f"--sizes {QUICK_SIZES} (also BENCH_QUICK=1)")
    parser.add_argument("--messages-per-chat", type=int, default=10)
    parser.add_argument("--child", choices=["export", "plain", "host"], help=argparse.SUPPRESS)
    parser.add_argument("--export-id", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sizes is None:
        quick = args.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
        args.sizes = QUICK_SIZES if quick else DEFAULT_SIZES
    if args.child == "export":
        print(json.dumps(child_export(args.export_id)))
        return {}
    if args.child == "plain":
        print(json.dumps(child_plain(args.size, args.messages_per_chat)))
        return {}
    if args.child == "host":
        print(json.dumps(host(args.size, args.messages_per_chat)))
        return {}
    results = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        # A fresh host per size: moto's memory from one size never weighs on the next.
        results.append(_run_child(["--child", "host", "--size", str(size), "--messages-per-chat",
                                   str(args.messages_per_chat)], {}))  # fmt: skip
        print(_table(results[-1:]) if len(results) == 1 else _table(results[-1:]).splitlines()[1], flush=True)
    figures = {
        "benchmark": "export",
        "command": "python -m bench.export --sizes " + args.sizes,
        "messagesPerChat": args.messages_per_chat,
        "results": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    by_size = {r["messages"]: r for r in existing.get("results", [])}
    by_size.update({r["messages"]: r for r in results})  # keep figures of sizes not run this time
    RESULTS.write_text(json.dumps({**figures, "results": [by_size[k] for k in sorted(by_size)]}, indent=2) + "\n")
    print(_table(results))
    return {"summary": summary(results), "aims": AIMS, **figures}


AIMS = {"rate vs plain openpyxl": "≥ 0.8", "export peak RSS MB": "< 150 at 1M, flat"}


def _per_row(seconds: float | None, rows: int) -> int | None:
    return None if seconds is None else round(seconds * 1_000_000 / rows)


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The table's headline figures, one value per size."""
    at = "@" + "·".join(f"{r['messages'] // 1000}k" if r["messages"] < 1_000_000 else "1M" for r in results)
    return {
        f"messages exported {at}": [r["messages"] for r in results],
        "export rows/s": [r["export"]["rowsPerSecond"] for r in results],
        "plain openpyxl rows/s": [r["plainOpenpyxl"]["rowsPerSecond"] for r in results],
        "rate vs plain openpyxl": [r["rateRatio"] for r in results],
        "share of export time waiting for reads (moto)": [
            round(r["export"].get("readWaitSeconds", 0.0) / r["export"]["seconds"], 2) for r in results
        ],
        "rate vs plain, read waits excluded": [r.get("writeRateRatio") for r in results],
        # The export's workbook fed the same rows from memory: what its writing side costs alone.
        "export workbook from memory vs plain": [
            round(r["plainOpenpyxl"]["exportWorkbook"]["rowsPerSecond"] / r["plainOpenpyxl"]["rowsPerSecond"], 2)
            if "exportWorkbook" in r["plainOpenpyxl"] else None
            for r in results
        ],
        # CPU per row, µs: the export process, moto answering its reads (on the same cores), plain openpyxl.
        "export CPU µs/row": [_per_row(r["export"]["cpuSeconds"], r["export"]["rows"]) for r in results],
        "moto CPU µs/row": [_per_row(r["export"].get("motoCpuSeconds"), r["export"]["rows"]) for r in results],
        "plain openpyxl CPU µs/row": [_per_row(r["plainOpenpyxl"].get("cpuSeconds"), r["plainOpenpyxl"]["rows"])
                                      for r in results],  # fmt: skip
        "export peak RSS MB": [r["export"]["peakRssMb"] for r in results],
        "/tmp peak MB": [r["export"]["tmpPeakMb"] for r in results],
        "file MB": [round(r["export"]["fileBytes"] / 1024 / 1024, 1) for r in results],
    }


if __name__ == "__main__":
    main()
