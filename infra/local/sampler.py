"""Where the local stack's time goes: profiles of every thread (dev tooling, off unless asked for).

`LOCAL_PROFILE=<file> python -m infra.local` (py-spy is not available here, and a plain cProfile
sees one thread) writes, on shutdown, to <file>:
- a sampling profile: every thread's stack every 10 ms (LOCAL_PROFILE_INTERVAL, seconds); CPU seconds per
  thread group from /proc/self/task/<tid>/stat; per group, the functions most often on the stack
  (inclusive: wall time, waiting included), most often on top, and on the stack while not blocked
  on a lock, socket or queue (a thread waiting for the GIL still counts as running there);
- <file>.calls: thread CPU time of handler invocations, of each AWS call they make, of moto's
  DynamoDB work, and the wait for the DynamoDB lock (cheap: figures stay undistorted);
- <file>.cpu, with LOCAL_PROFILE_CPROFILE=1: a CPU-time profile (cProfile with `time.thread_time`)
  of the handler invocations (one profiler per handler thread, merged) and of the event loop
  thread, per function (cProfile multiplies moto's CPU several times: read it as proportions).
Groups are the event loop (MainThread), handler threads (lambda_*), moto's request threads
(werkzeug, Thread-N (process_request_thread)) and the rest.
SIGUSR1 closes a phase: what was gathered so far goes to <file>.phase<n> (.calls, .cpu) and
gathering starts afresh; bench/load.py sends it when sending starts and when the tail has arrived.
Profiling costs CPU itself (cProfile roughly doubles a handler's CPU time): compare phases, not runs.
"""

from __future__ import annotations

import collections
import cProfile
import io
import linecache
import os
import pstats
import re
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import FrameType
from typing import Any

_INTERVAL_SECONDS = float(os.environ.get("LOCAL_PROFILE_INTERVAL", "0.01"))  # sampling costs CPU: 0.1 for long runs
_TOP = 30
# A thread whose top frame is one of these is blocked (lock, socket, queue, selector), not running.
_BLOCKED = frozenset(
    {"readinto", "select", "wait", "accept", "_worker", "_wait_for_tstate_lock", "do_poll", "recv_into", "acquire",
     "get"}
)


def _blocked(frame: FrameType) -> bool:
    if frame.f_code.co_name in _BLOCKED:
        return True
    # Waiting for a lock taken with `with …lock:` (the DynamoDB request lock, infra/local/moto_dynamodb.py)
    # shows as the line taking it.
    line = linecache.getline(frame.f_code.co_filename, frame.f_lineno or 0).strip()
    return line.startswith("with ") and "lock" in line.lower()


def _group(name: str) -> str:
    if name == "MainThread":
        return "event loop (MainThread)"
    if name.startswith("lambda"):
        return "handlers (lambda_*)"
    if "process_request_thread" in name:
        return "moto request threads"
    return re.sub(r"[-_ ]?\d+", "", name.split(" (")[0]) or name


def _where(frame: FrameType) -> str:
    code = frame.f_code
    path = code.co_filename
    for marker in ("site-packages/", "/lib/python3", "/work/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{code.co_name} ({path}:{code.co_firstlineno})"


def _cpu_seconds(native_id: int) -> float:
    try:
        fields = Path(f"/proc/self/task/{native_id}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


class Sampler:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.phase = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)
        self._reset()

    def _reset(self) -> None:
        self.samples: collections.Counter[str] = collections.Counter()
        self.inclusive: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.exclusive: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.running: collections.Counter[str] = collections.Counter()  # samples not blocked
        self.running_inclusive: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.cpu: dict[int, tuple[str, float]] = {}  # native id → (group, CPU seconds seen last)
        self.cpu_at_start: dict[int, float] = {}
        self.started = time.monotonic()
        self.process_cpu_at_start = time.process_time()

    def mark(self, *_: object) -> None:
        """SIGUSR1: write what was sampled so far to <file>.phase<n> and start afresh (bench/load.py
        sends it when sending starts and when the tail has arrived, separating setup from load)."""
        with self._lock:
            self.phase += 1
            self.write(self.out.with_name(f"{self.out.name}.phase{self.phase}"))
            cpu_now = {tid: seconds for tid, (_, seconds) in self.cpu.items()}
            self._reset()
            self.cpu_at_start = cpu_now

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        me = threading.get_ident()
        last_cpu_read = 0.0
        while not self._stop.wait(_INTERVAL_SECONDS):
            with self._lock:
                try:
                    last_cpu_read = self._sample(me, last_cpu_read)
                except Exception:  # noqa: BLE001 - a frame vanishing mid-walk must not end the sampling
                    continue

    def _sample(self, me: int, last_cpu_read: float) -> float:
        threads = {t.ident: t for t in threading.enumerate()}
        for ident, frame in sys._current_frames().items():  # noqa: SLF001 - the whole point
            if ident == me:
                continue
            thread = threads.get(ident)
            group = _group(thread.name if thread else "unknown")
            self.samples[group] += 1
            top = _where(frame)
            self.exclusive[group][top] += 1
            seen: set[str] = set()
            current: FrameType | None = frame
            while current is not None:
                seen.add(_where(current))
                current = current.f_back
            self.inclusive[group].update(seen)
            if not _blocked(frame):
                self.running[group] += 1
                self.running_inclusive[group].update(seen)
        now = time.monotonic()
        if now - last_cpu_read > 1.0:  # threads come and go: note their CPU while they live
            last_cpu_read = now
            for thread in threads.values():
                if thread.native_id is not None and thread.ident != me:
                    self.cpu[thread.native_id] = (_group(thread.name), _cpu_seconds(thread.native_id))
        return last_cpu_read

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.write(self.out)

    def write(self, out: Path) -> None:
        cpu_by_group: collections.Counter[str] = collections.Counter()
        for tid, (group, seconds) in self.cpu.items():
            cpu_by_group[group] += seconds - self.cpu_at_start.get(tid, 0.0)
        lines = [
            f"wall {time.monotonic() - self.started:.1f} s, "
            f"process CPU {time.process_time() - self.process_cpu_at_start:.1f} s",
            "",
        ]
        lines.append("CPU seconds by thread group (from /proc, threads alive at some 1 s mark):")
        lines += [f"  {seconds:8.1f}  {group}" for group, seconds in cpu_by_group.most_common()]
        for group, count in self.samples.most_common():
            lines += ["", f"== {group}: {count} samples", "  inclusive (on the stack):"]
            lines += [f"  {100 * n / count:5.1f}%  {where}" for where, n in self.inclusive[group].most_common(_TOP)]
            lines.append("  exclusive (on top):")
            lines += [f"  {100 * n / count:5.1f}%  {where}" for where, n in self.exclusive[group].most_common(15)]
            running = self.running[group]
            lines.append(f"  running (not blocked on a lock, socket or queue): {running} samples; inclusive:")
            lines += [f"  {100 * n / max(running, 1):5.1f}%  {where}"
                      for where, n in self.running_inclusive[group].most_common(_TOP * 2)]
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")


class CpuProfiles:
    """cProfile with a per-thread CPU clock: one profiler per handler thread, on only while it runs
    a handler, plus one on the event loop thread (switched from the signal handler, which runs there)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._local = threading.local()
        self._lock = threading.Lock()
        self._generation = 0
        self._profilers: list[cProfile.Profile] = []
        self._calls = 0
        self._loop_profiler = cProfile.Profile(timer=time.thread_time)
        self._loop_profiler.enable()  # called on the main thread, which becomes the event loop's

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def profiled(*args: Any, **kwargs: Any) -> Any:
            generation, profiler = getattr(self._local, "profiler", (-1, None))
            if generation != self._generation or profiler is None:
                profiler = cProfile.Profile(timer=time.thread_time)
                with self._lock:
                    self._profilers.append(profiler)
                self._local.profiler = (self._generation, profiler)
            self._calls += 1
            profiler.enable()
            try:
                return fn(*args, **kwargs)
            finally:
                profiler.disable()

        return profiled

    def mark(self, out: Path) -> None:
        self._loop_profiler.disable()
        with self._lock:
            profilers, self._profilers = self._profilers, []
            calls, self._calls = self._calls, 0
            self._generation += 1
        lines = [f"handler invocations: {calls}", ""]
        for title, group in (("handlers (lambda_*)", profilers), ("event loop (MainThread)", [self._loop_profiler])):
            stats: pstats.Stats | None = None
            for profiler in group:
                profiler.create_stats()
                if not profiler.stats:  # type: ignore[attr-defined]
                    continue
                if stats is None:
                    stats = pstats.Stats(profiler)
                else:
                    stats.add(profiler)
            if stats is None:
                continue
            lines.append(f"== {title}: {stats.total_tt:.2f} CPU seconds")  # type: ignore[attr-defined]
            for order, count in (("cumulative", 45), ("tottime", 30)):
                text = io.StringIO()
                stats.stream = text  # type: ignore[attr-defined]
                stats.sort_stats(order).print_stats(count)
                lines.append(text.getvalue().split("\n", 6)[-1])
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self._loop_profiler = cProfile.Profile(timer=time.thread_time)
        self._loop_profiler.enable()


class CallMeter:
    """Thread CPU time (`time.thread_time`, so waiting for the GIL, a lock or a socket is left out) of
    handler invocations, of each AWS API call the handlers make (botocore's before-call/after-call
    events, client side, DynamoDB's in-process answer included), and of moto's DynamoDB work inside
    the request lock, with the time spent waiting for that lock. Cheap enough to leave the figures
    undistorted, unlike cProfile."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.started = time.monotonic()
        self.totals: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0])  # n, cpu, wall

    def add(self, name: str, cpu: float, wall: float = 0.0) -> None:
        with self._lock:
            entry = self.totals[name]
            entry[0] += 1
            entry[1] += cpu
            entry[2] += wall

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def metered(*args: Any, **kwargs: Any) -> Any:
            cpu, wall = time.thread_time(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add("handler invocation", time.thread_time() - cpu, time.perf_counter() - wall)

        return metered

    def before_call(self, context: dict[str, Any], **_: Any) -> None:
        context["_meter"] = (time.thread_time(), time.perf_counter())

    def after_call(self, event_name: str, context: dict[str, Any], **_: Any) -> None:
        started = context.pop("_meter", None)
        if started is not None:
            _, service, operation = (event_name.split(".") + ["", ""])[:3]
            self.add(f"AWS call {service}.{operation}", time.thread_time() - started[0],
                     time.perf_counter() - started[1])

    def moto_dynamodb(self, lock_wait: float, cpu: float) -> None:
        self.add("moto DynamoDB work in the lock", cpu)
        self.add("waiting for the DynamoDB lock", 0.0, lock_wait)

    def install(self) -> None:
        from botocore.handlers import BUILTIN_HANDLERS

        from infra.local import moto_dynamodb

        BUILTIN_HANDLERS.append(("before-call", self.before_call))
        BUILTIN_HANDLERS.append(("after-call", self.after_call))
        moto_dynamodb.meter = self.moto_dynamodb

    def mark(self, out: Path) -> None:
        with self._lock:
            totals, wall = dict(self.totals), time.monotonic() - self.started
            self._reset()
        invocations = totals.get("handler invocation", [0, 0.0, 0.0])
        lines = [
            f"wall {wall:.1f} s; thread CPU (ms) and wall (ms) per phase, from time.thread_time/perf_counter",
            f"{'what':58s} {'count':>7s} {'CPU s':>8s} {'CPU ms/each':>11s} {'wall ms/each':>12s}",
        ]
        for name, (count, cpu, spent) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
            lines.append(f"{name:58s} {int(count):7d} {cpu:8.2f} {1000 * cpu / max(count, 1):11.2f} "
                         f"{1000 * spent / max(count, 1):12.2f}")
        if invocations[0]:
            lines.append(f"\nhandler CPU per invocation: {1000 * invocations[1] / invocations[0]:.2f} ms")
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")


class _ProfiledExecutor(ThreadPoolExecutor):
    def __init__(self, wrappers: list[Callable[[Callable[..., Any]], Callable[..., Any]]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._wrappers = wrappers

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        for wrap in self._wrappers:
            fn = wrap(fn)
        return super().submit(fn, *args, **kwargs)


class Profiling:
    def __init__(self, out: Path, *, with_cprofile: bool) -> None:
        self.out = out
        self.sampler = Sampler(out)
        self.meter = CallMeter()
        # cProfile's hooks multiply the CPU of moto's deep call trees several times: only on request.
        self.cpu = CpuProfiles(out) if with_cprofile else None

    def start(self) -> None:
        signal.signal(signal.SIGUSR1, self.mark)
        self.meter.install()
        self.sampler.start()

    def executor(self, **kwargs: Any) -> ThreadPoolExecutor:
        wrappers = [self.cpu.wrap] if self.cpu else []
        return _ProfiledExecutor([*wrappers, self.meter.wrap], **kwargs)

    def mark(self, *_: object) -> None:
        self.sampler.mark()
        phase = self.out.with_name(f"{self.out.name}.phase{self.sampler.phase}")
        self.meter.mark(phase.with_name(phase.name + ".calls"))
        if self.cpu:
            self.cpu.mark(phase.with_name(phase.name + ".cpu"))

    def stop(self) -> None:
        self.sampler.stop()
        self.meter.mark(self.out.with_name(f"{self.out.name}.calls"))
        if self.cpu:
            self.cpu.mark(self.out.with_name(f"{self.out.name}.cpu"))


def start_from_environment() -> Profiling | None:
    target = os.environ.get("LOCAL_PROFILE")
    if not target:
        return None
    profiling = Profiling(Path(target), with_cprofile=os.environ.get("LOCAL_PROFILE_CPROFILE", "") not in ("", "0"))
    profiling.start()
    return profiling
