"""Load on the local stack: N customers and M agents over real WebSockets, customer→agent latency.

    .venv/bin/python -m bench.load [--customers 1000] [--agents 50] [--rate 200] [--duration 60] [--quick]

Starts `python -m infra.local` on a free loopback port (nothing leaves 127.0.0.1), signs M agents
in through (moto's) Cognito, starts N chats over REST and opens N + M WebSockets. Then customers
send `--rate` messages per second in total, round-robin, for `--duration` seconds; each agent
console records when each `message.new` arrives. The run is bounded: after sending it waits for
the tail while it keeps arriving (it gives up after `--stall` seconds without a new arrival) and at
most `--drain` seconds, then stops the stack. A stack that cannot keep up with `--rate` queues
the frames (one at a time per connection, as the gateway runs them), so the tail can be long:
throughput is arrivals over the arrival window, latency includes the queueing.

Reports p50/p95/p99 latency (customer send → agent receive, one clock, one process), achieved
throughput, errors, and checks that every message arrived exactly once and in order, both as the
agent console holds it (pushes applied by `seq`, as the console and the widget do: a copy of a push
already held is dropped and counted apart as `transportDuplicatePushes`; a raw count stays in the
results) and as stored (GET /chats/{id}/messages afterwards). The same client then
measures a bare WebSocket echo server on loopback (a separate process, same message rate and
size) as the floor: the ratio says what the product adds over the network and the event loop.
Writes bench/results/load.json; `main()` returns the same dict. BENCH_QUICK=1 or --quick: 40
customers, 4 agents, 20 msg/s for 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import boto3
import websockets

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "load.json"
STACK_LOG = ROOT / "bench" / "results" / "load-stack.log"  # the stack's own log of the last run
PASSWORD = "Bench-Passw0rd!"


@dataclass
class Options:
    customers: int = 1000
    agents: int = 50
    rate: float = 200.0
    duration: float = 60.0
    drain: float = 900.0
    stall: float = 60.0
    echo_duration: float = 10.0
    setup_concurrency: int = 16


def options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int)
    parser.add_argument("--agents", type=int)
    parser.add_argument("--rate", type=float, help="messages per second, all customers together")
    parser.add_argument("--duration", type=float, help="seconds of sending")
    parser.add_argument("--drain", type=float, help="longest wait for the tail after sending, seconds")
    parser.add_argument("--stall", type=float, help="stop waiting for the tail after this long without an arrival")
    parser.add_argument("--quick", action="store_true", help="small sizes (also BENCH_QUICK=1)")
    args, _ = parser.parse_known_args(argv)
    quick = args.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    chosen = Options(customers=40, agents=4, rate=20, duration=10, drain=60, echo_duration=5) if quick else Options()
    for name in ("customers", "agents", "rate", "duration", "drain", "stall"):
        if getattr(args, name) is not None:
            setattr(chosen, name, getattr(args, name))
    # Each agent takes customers/agents chats; the settings cap is 50.
    if chosen.customers > chosen.agents * 50:
        parser.error("at most 50 customers per agent (maxChatsPerAgent is 1-50)")
    return chosen


# --- the local stack -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalStack:
    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.status: dict[str, Any] = {}

    def __enter__(self) -> LocalStack:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_", "TABLE_PREFIX"))}
        env.update({"PORT": str(self.port), "PYTHONUNBUFFERED": "1", "LOCAL_WS_IDLE_SECONDS": "3600"})
        STACK_LOG.parent.mkdir(parents=True, exist_ok=True)
        self.log = STACK_LOG.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", "infra.local"], cwd=ROOT, env=env, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_local/status", timeout=1) as r:  # noqa: S310
                    self.status = json.loads(r.read())
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("the local stack did not start")

    def __exit__(self, *exc: Any) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _cognito(status: dict[str, Any]) -> Any:
    return boto3.client("cognito-idp", region_name=status["region"], endpoint_url=status["awsEndpoint"],
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _sign_in(status: dict[str, Any], username: str, group: str | None) -> str:
    cognito = _cognito(status)
    if group:
        cognito.admin_create_user(UserPoolId=status["userPoolId"], Username=username, MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": username}])
        cognito.admin_set_user_password(UserPoolId=status["userPoolId"], Username=username, Password=PASSWORD,
                                        Permanent=True)
        cognito.admin_add_user_to_group(UserPoolId=status["userPoolId"], Username=username, GroupName=group)
        password = PASSWORD
    else:
        password = next(u["password"] for u in status["demoUsers"] if u["username"] == username)
    auth = cognito.initiate_auth(ClientId=status["clientId"], AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": username, "PASSWORD": password})
    return auth["AuthenticationResult"]["IdToken"]


# --- measuring -----------------------------------------------------------------------------


# How clients apply pushes (docs/protocol.md, "Message object"): messages are kept by `seq`, so a
# `message.new` whose seq is already held is dropped. The transport may deliver a push twice (a
# PostToConnection retried after a read timeout, on the emulator or on API Gateway); the check
# below counts such copies apart and judges the sequence as a client holds it.
APPLIED, TRANSPORT_DUPLICATE, SEQ_CONFLICT = "applied", "transport duplicate", "seq conflict"


@dataclass
class Received:
    """What one agent console got for one conversation."""

    applied: dict[int, int] = field(default_factory=dict)  # seq → message number, in arrival order
    pushes: list[int] = field(default_factory=list)  # message number of every push, copies included
    transport_duplicates: int = 0
    seq_conflicts: int = 0  # the same seq with another message: a server bug, never a transport copy


def apply_push(received: Received, seq: int, number: int) -> str:
    """Apply one `message.new` push as the console and the widget do; say what became of it."""
    received.pushes.append(number)
    if seq not in received.applied:
        received.applied[seq] = number
        return APPLIED
    if received.applied[seq] == number:
        received.transport_duplicates += 1
        return TRANSPORT_DUPLICATE
    received.seq_conflicts += 1
    return SEQ_CONFLICT


def verdict(got: list[int], want: list[int]) -> str:
    """One conversation's message numbers (in the order held) against the numbers sent, in order."""
    if got == want:
        return "complete"
    if len(set(got)) != len(got):
        return "duplicate"  # one message under two seqs, or stored twice
    if got == want[: len(got)]:
        return "late"  # in order, no copy, the rest not (yet) there when the run stopped
    return "out of order or gap"


def applied_verdict(received: Received, want: list[int]) -> str:
    """The verdict on what a client holds after applying the pushes."""
    if received.seq_conflicts:
        return SEQ_CONFLICT
    seqs = list(received.applied)
    if any(later <= earlier for earlier, later in zip(seqs, seqs[1:], strict=False)):
        return "out of order or gap"  # pushed against seq order
    return verdict(list(received.applied.values()), want)


def _counts(verdicts: list[str]) -> dict[str, int]:
    return {v: verdicts.count(v) for v in sorted(set(verdicts))}


def exactly_once(expected: dict[str, list[int]], received: dict[str, Received],
                 stored: dict[str, list[int]]) -> dict[str, Any]:
    """Every conversation: as applied from the pushes (transport copies dropped, counted apart) and as
    stored, complete, each message once, in order. The verdict on the raw pushes is kept alongside."""
    empty = Received()
    applied = [applied_verdict(received.get(cid, empty), want) for cid, want in expected.items()]
    raw = [verdict(received.get(cid, empty).pushes, want) for cid, want in expected.items()]
    stored_verdicts = [verdict(stored.get(cid, []), want) for cid, want in expected.items()]
    copies = {cid: r.transport_duplicates for cid, r in received.items() if r.transport_duplicates}
    applied_ok, stored_ok = applied.count("complete"), stored_verdicts.count("complete")
    return {
        "appliedConversationsOk": applied_ok, "storedConversationsOk": stored_ok, "conversations": len(expected),
        "missingPushes": sum(len(want) for want in expected.values())
        - sum(len(received.get(cid, empty).applied) for cid in expected),
        "applied": _counts(applied),
        "stored": _counts(stored_verdicts),
        # Copies of a push already applied: dropped by every client, shown here so nothing is hidden.
        "transportDuplicatePushes": sum(copies.values()),
        "transportDuplicateConversations": dict(sorted(copies.items())),
        "seqConflicts": sum(r.seq_conflicts for r in received.values()),
        "rawPushes": sum(len(r.pushes) for r in received.values()),
        "rawPushesConversationsOk": raw.count("complete"),
        "rawPushed": _counts(raw),
        # Exactly once and in order: every conversation complete, as applied and as stored.
        "ok": applied_ok == stored_ok == len(expected),
        "noDuplicateNoReorder": all(v in ("complete", "late") for v in applied + stored_verdicts),
    }


@dataclass
class Tally:
    sent_at: dict[str, float] = field(default_factory=dict)  # clientMessageId → send time
    sent_order: dict[str, list[int]] = field(default_factory=dict)  # conversation → n sent
    received: dict[str, Received] = field(default_factory=dict)  # conversation → what the agent got
    latencies: list[float] = field(default_factory=list)  # of applied pushes: a copy is not a delivery
    acks: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    first_receive: float | None = None
    last_receive: float | None = None

    def error(self, code: str) -> None:
        self.errors[code] = self.errors.get(code, 0) + 1


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1] * 1000, 2)}


async def _agent_reader(ws: Any, tally: Tally) -> None:
    async for raw in ws:
        now = time.perf_counter()
        frame = json.loads(raw)
        if frame.get("type") == "error":
            tally.error(frame.get("code", "?"))
        if frame.get("type") != "message.new" or frame["message"].get("role") != "customer":
            continue
        message = frame["message"]
        sent = tally.sent_at.get(message["clientMessageId"])
        if sent is None:
            continue  # not one of this run's messages
        received = tally.received.setdefault(message["conversationId"], Received())
        if apply_push(received, int(message["seq"]), int(message["text"].split(" ", 1)[0])) != APPLIED:
            continue
        tally.latencies.append(now - sent)
        tally.first_receive = tally.first_receive or now
        tally.last_receive = now


async def _customer_reader(ws: Any, tally: Tally) -> None:
    async for raw in ws:
        frame = json.loads(raw)
        if frame.get("type") == "message.ack":
            tally.acks += 1
        elif frame.get("type") == "error":
            tally.error(frame.get("code", "?"))


async def _gather_limited(limit: int, coroutines: list[Any]) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def run(coroutine: Any) -> Any:
        async with gate:
            return await coroutine

    return await asyncio.gather(*(run(c) for c in coroutines))


# Keepalive pings without a timeout: they keep idle agent sockets alive through a long setup (the
# gateway closes a connection after LOCAL_WS_IDLE_SECONDS without client frames), but a pong that
# waits behind a queue of frames (the local gateway answers pings in the connection's frame order;
# API Gateway answers them itself) must not make the client drop a healthy connection.
_CLIENT_OPTIONS: dict[str, Any] = {"max_size": 2**20, "open_timeout": 300, "ping_interval": 20, "ping_timeout": None}
_last_progress_line = 0.0


def _progress(line: str, every: float = 10.0) -> None:
    """A line on stderr at most every `every` seconds, so a long run shows where it is."""
    global _last_progress_line
    now = time.monotonic()
    if now - _last_progress_line >= every:
        _last_progress_line = now
        print(f"[bench.load] {line}", file=sys.stderr, flush=True)


def _process_cpu_seconds(pid: int) -> float | None:
    """user + system CPU seconds of a process so far (Linux), for the stack's CPU per message."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _mark_profile_phase(status: dict[str, Any]) -> None:
    # The stack's sampler (infra/local/sampler.py) writes a report per phase on SIGUSR1.
    if os.environ.get("LOCAL_PROFILE") and status.get("pid"):
        os.kill(int(status["pid"]), signal.SIGUSR1)


async def run_load(status: dict[str, Any], opts: Options) -> dict[str, Any]:
    api, ws_url = status["api"], status["websocket"]
    loop = asyncio.get_running_loop()
    setup_started = time.perf_counter()
    admin = await loop.run_in_executor(None, _sign_in, status, "admin@example.com", None)
    per_agent = -(-opts.customers // opts.agents)
    async with aiohttp.ClientSession() as http:
        async with http.put(f"{api}/settings", json={"maxChatsPerAgent": min(50, per_agent)},
                            headers={"Authorization": f"Bearer {admin}"}) as response:
            assert response.status == 200, await response.text()
        names = [f"bench-agent-{i:03d}@example.com" for i in range(opts.agents)]
        agent_tokens = await _gather_limited(4, [loop.run_in_executor(None, _sign_in, status, n, "agents")
                                                 for n in names])
        tally = Tally()
        agent_sockets = []
        for token in agent_tokens:
            ws = await websockets.connect(f"{ws_url}?token={token}", **_CLIENT_OPTIONS)
            await ws.send(json.dumps({"action": "status.set", "status": "online"}))
            while json.loads(await asyncio.wait_for(ws.recv(), 60)).get("type") != "agent.status":
                pass
            agent_sockets.append(ws)
        readers = [asyncio.create_task(_agent_reader(ws, tally)) for ws in agent_sockets]
        async with http.get(f"{api}/widget/availability") as response:
            consent_version = (await response.json())["consent"]["version"]

        async def start_chat(i: int) -> dict[str, Any]:
            body = {"consent": True, "consentVersion": consent_version, "customerName": f"손님{i}"}
            async with http.post(f"{api}/chats", json=body) as response:
                assert response.status == 201, await response.text()
                _progress(f"setup: chat {i + 1}/{opts.customers} started")
                return await response.json()

        chats = await _gather_limited(opts.setup_concurrency, [start_chat(i) for i in range(opts.customers)])
        not_active = sum(1 for c in chats if c["state"] != "active")

        async def open_customer(chat: dict[str, Any]) -> Any:
            ws = await websockets.connect(f"{ws_url}?token={chat['token']}", **_CLIENT_OPTIONS)
            _progress("setup: opening customer WebSockets")
            return ws

        customer_sockets = await _gather_limited(opts.setup_concurrency, [open_customer(c) for c in chats])
        readers += [asyncio.create_task(_customer_reader(ws, tally)) for ws in customer_sockets]
        setup_seconds = time.perf_counter() - setup_started

        _mark_profile_phase(status)  # LOCAL_PROFILE: setup ends here
        stack_pid = int(status.get("pid") or 0)
        cpu_before = _process_cpu_seconds(stack_pid)
        # Send: one message every 1/rate seconds, round-robin over customers, on a fixed schedule.
        total = int(opts.rate * opts.duration)
        started = time.perf_counter()
        counters = [0] * len(chats)
        for i in range(total):
            due = started + i / opts.rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            index = i % len(chats)
            _progress(f"sending: {i}/{total} sent, {len(tally.latencies)} arrived")
            conversation = chats[index]["conversationId"]
            n = counters[index]
            counters[index] += 1
            client_id = f"b{index}-{n}-{uuid.uuid4().hex[:6]}"
            tally.sent_at[client_id] = time.perf_counter()
            tally.sent_order.setdefault(conversation, []).append(n)
            await customer_sockets[index].send(json.dumps(
                {"action": "message.send", "conversationId": conversation, "clientMessageId": client_id,
                 "text": f"{n} 배송 문의드립니다"}))
        send_seconds = time.perf_counter() - started
        drain_deadline = time.perf_counter() + opts.drain
        last_count, last_progress = -1, time.perf_counter()
        while len(tally.latencies) < total and time.perf_counter() < drain_deadline:
            if len(tally.latencies) != last_count:
                last_count, last_progress = len(tally.latencies), time.perf_counter()
            elif time.perf_counter() - last_progress > opts.stall:
                break
            _progress(f"tail: {len(tally.latencies)}/{total} arrived")
            await asyncio.sleep(0.2)
        drained_after = time.perf_counter() - started - send_seconds
        _mark_profile_phase(status)  # LOCAL_PROFILE: the load phase ends here
        cpu_after = _process_cpu_seconds(stack_pid)
        load_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None

        # Stored: each conversation's customer messages, exactly once and in order.
        async def stored(chat: dict[str, Any]) -> list[int]:
            url = f"{api}/chats/{chat['conversationId']}/messages?afterSeq=0&limit=500"
            async with http.get(url, headers={"Authorization": f"Bearer {chat['token']}"}) as response:
                body = await response.json()
            return [int(m["text"].split(" ", 1)[0]) for m in body["messages"] if m["role"] == "customer"]

        stored_lists = await _gather_limited(opts.setup_concurrency, [stored(c) for c in chats])
        for ws in agent_sockets + customer_sockets:
            await ws.close()
        for task in readers:
            task.cancel()

    expected = {c["conversationId"]: tally.sent_order.get(c["conversationId"], []) for c in chats}
    check = exactly_once(expected, tally.received,
                         {c["conversationId"]: got for c, got in zip(chats, stored_lists, strict=True)})
    received = len(tally.latencies)
    window = (tally.last_receive - tally.first_receive) if tally.first_receive and tally.last_receive else 0
    return {
        "customers": opts.customers, "agents": opts.agents, "targetRate": opts.rate, "durationSeconds": opts.duration,
        "setupSeconds": round(setup_seconds, 1), "chatsNotAssigned": not_active,
        # received: messages applied at the agents (each once); pushesReceived: every frame, copies too.
        "sent": total, "sendSeconds": round(send_seconds, 2), "received": received,
        "pushesReceived": check["rawPushes"], "acks": tally.acks,
        "drainSeconds": round(drained_after, 2),
        # The stack is one Python process (one GIL): CPU per message bounds its rate on one core.
        "stackCpuSeconds": round(load_cpu, 1) if load_cpu is not None else None,
        "stackCpuMsPerMessage": round(1000 * load_cpu / received, 1) if load_cpu and received else None,
        "throughputPerSecond": round(received / window, 1) if window else None,
        "latencyMs": percentiles(tally.latencies),
        "errors": tally.errors,
        "exactlyOnceInOrder": check,
    }


# --- the floor: a bare WebSocket echo on loopback --------------------------------------------

ECHO_SERVER = """
import asyncio, sys, websockets
async def echo(ws):
    async for message in ws:
        await ws.send(message)
async def main():
    async with websockets.serve(echo, "127.0.0.1", int(sys.argv[1]), max_size=2**20):
        await asyncio.Future()
asyncio.run(main())
"""


async def run_echo(opts: Options, connections: int) -> dict[str, Any]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", ECHO_SERVER, str(port)],  # noqa: S603
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(100):
            try:
                probe = await websockets.connect(f"ws://127.0.0.1:{port}")
                await probe.close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        sockets = await _gather_limited(opts.setup_concurrency, [websockets.connect(f"ws://127.0.0.1:{port}")
                                                                 for _ in range(connections)])
        sent_at: dict[str, float] = {}
        latencies: list[float] = []

        async def reader(ws: Any) -> None:
            async for raw in ws:
                latencies.append(time.perf_counter() - sent_at[json.loads(raw)["clientMessageId"]])

        tasks = [asyncio.create_task(reader(ws)) for ws in sockets]
        total = int(opts.rate * opts.echo_duration)
        started = time.perf_counter()
        for i in range(total):
            delay = started + i / opts.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            client_id = f"e{i}"
            sent_at[client_id] = time.perf_counter()
            await sockets[i % len(sockets)].send(json.dumps(
                {"action": "message.send", "conversationId": "01ECHO", "clientMessageId": client_id,
                 "text": f"{i} 배송 문의드립니다"}))
        deadline = time.perf_counter() + 10
        while len(latencies) < total and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        for ws in sockets:
            await ws.close()
        for task in tasks:
            task.cancel()
        return {"connections": connections, "sent": total, "received": len(latencies),
                "latencyMs": percentiles(latencies)}
    finally:
        server.terminate()
        server.wait(timeout=10)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    opts = options(argv if argv is not None else sys.argv[1:])
    with LocalStack() as stack:
        load = asyncio.run(run_load(stack.status, opts))
    echo = asyncio.run(run_echo(opts, connections=opts.customers + opts.agents))
    p50, floor = load["latencyMs"]["p50"], echo["latencyMs"]["p50"]
    result = {
        "load": load,
        "echoFloor": echo,
        "ratioP50": round(p50 / floor, 1) if p50 and floor else None,
        "ratioP99": round(load["latencyMs"]["p99"] / echo["latencyMs"]["p99"], 1)
        if load["latencyMs"]["p99"] and echo["latencyMs"]["p99"] else None,
        "command": "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    result["summary"] = {
        "customers/agents": f"{opts.customers}/{opts.agents}",
        "rate target msg/s": opts.rate,
        "throughput msg/s": load["throughputPerSecond"],
        "p50/p95/p99 ms": f"{load['latencyMs']['p50']}/{load['latencyMs']['p95']}/{load['latencyMs']['p99']}",
        "echo p50/p99 ms": f"{echo['latencyMs']['p50']}/{echo['latencyMs']['p99']}",
        "ratio p50": result["ratioP50"],
        "errors": sum(load["errors"].values()),
        "stack CPU ms/message": load["stackCpuMsPerMessage"],
        "exactly once, in order": load["exactlyOnceInOrder"]["ok"],
        "pushes received (raw)": load["pushesReceived"],
        "transport duplicate pushes": load["exactlyOnceInOrder"]["transportDuplicatePushes"],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    figures = main()
    print(json.dumps(figures["summary"], ensure_ascii=False, indent=2))
    print(f"written to {RESULTS.relative_to(ROOT)}")
