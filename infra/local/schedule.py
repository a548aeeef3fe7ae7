"""EventBridge schedules for the local stack: each `@app.schedule` handler runs on its rate.

`rate(2 minutes)` runs every 2 minutes, as on AWS; LOCAL_SCHEDULE_SECONDS overrides every
interval (tests, demos). Cron expressions are not emulated (none are used); they are skipped
with a warning. The handler gets a Scheduled Event shaped like EventBridge's.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from chalice.app import Rate, ScheduledEventConfig

from infra.local.lambda_context import LambdaContext, resolve_handler

log = logging.getLogger("infra.local.schedule")

_UNIT_SECONDS = {Rate.MINUTES: 60, Rate.HOURS: 3600, Rate.DAYS: 86400}


def schedule_sources(app: Any) -> list[ScheduledEventConfig]:
    return [s for s in app.event_sources if isinstance(s, ScheduledEventConfig) and s.schedule_expression]


def interval_seconds(source: ScheduledEventConfig) -> float | None:
    override = os.environ.get("LOCAL_SCHEDULE_SECONDS")
    if override:
        return float(override)
    expression = source.schedule_expression
    if isinstance(expression, Rate):
        return float(expression.value * _UNIT_SECONDS[expression.unit])
    return None


def scheduled_event(source: ScheduledEventConfig, region: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:123456789012:rule/{source.name}"],
        "detail": {},
    }


class ScheduleRunner:
    def __init__(self, app_module: Any, region: str) -> None:
        self.app = app_module.app
        self.region = region
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> list[str]:
        described = []
        for source in schedule_sources(self.app):
            every = interval_seconds(source)
            if every is None:
                log.warning("schedule %s: only rate() expressions run locally", source.name)
                continue
            handler = resolve_handler(self.app, source)
            thread = threading.Thread(
                target=self._run, args=(source, handler, every), name=f"schedule-{source.name}", daemon=True
            )
            thread.start()
            self.threads.append(thread)
            described.append(f"{source.name} every {every:g} s")
        return described

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=5)

    def _run(self, source: ScheduledEventConfig, handler: Any, every: float) -> None:
        while not self.stop_event.wait(every):
            try:
                handler(scheduled_event(source, self.region), LambdaContext(f"{self.app.app_name}-{source.name}"))
            except Exception:
                log.exception("scheduled handler %s failed", source.name)
