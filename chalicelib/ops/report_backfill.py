"""Rebuild the report counters of a period from the conversations (issue #24, docs/reports.md).

    python -m chalicelib.ops.report_backfill --from 2026-11-01 --to 2026-11-30 [--write]

The one full read of a period: the chats that came in during it, by the history index (one Query
per UTC month, never a Scan), each chat's contributions (chalicelib/domain/metrics.py) summed, and
compared with the stored counters of the same hours. Without --write it only reports the
differences (exit 1 if any); with --write each differing item is replaced, conditional on no stream
record having been applied to it since it was read (else it is counted as `conflicts`: run again).
The period is widened to whole UTC hours (the buckets). Dates are local days of the service time
zone; epoch milliseconds are taken too. Ids and numbers only in the output.

Run it for periods whose stream records have all been applied (the stream function is not behind),
for chats that no longer change: a change the stream has not applied yet when the chats are read is
counted by the rebuild and then once more by the stream.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.bootstrap import store
from chalicelib.domain.history import HistoryFilter
from chalicelib.domain.metrics import HOUR_MS, CounterItem, Scope, ScopeKind
from chalicelib.services import reports


@dataclass
class BackfillResult:
    from_ms: int
    to_ms: int
    chats: int = 0
    items_checked: int = 0
    differing: list[Scope] = field(default_factory=list)
    written: int = 0
    conflicts: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "from": self.from_ms,
            "to": self.to_ms,
            "chats": self.chats,
            "itemsChecked": self.items_checked,
            "differing": [f"{s.kind.value}:{s.key}@{s.hour}" for s in self.differing],
            "written": self.written,
            "conflicts": self.conflicts,
        }


def backfill(from_ms: int, to_ms: int, *, write: bool = False) -> BackfillResult:
    from_hour, to_hour = from_ms // HOUR_MS, to_ms // HOUR_MS
    result = BackfillResult(from_hour * HOUR_MS, (to_hour + 1) * HOUR_MS - 1)
    # The stored items first: a record applied after this read moves an item's revision, and the
    # conditional rewrite of that item then refuses (a conflict) instead of losing the record.
    stored: dict[Scope, CounterItem] = {
        item.scope: item for kind in ScopeKind for item in store().reports.counters(kind, from_hour, to_hour)
    }
    chats = list(store().history.chats(HistoryFilter(result.from_ms, result.to_ms)))
    result.chats = len(chats)
    expected = reports.expected_counters(chats)
    for scope in sorted(set(stored) | set(expected)):
        result.items_checked += 1
        have = stored.get(scope)
        want = expected.get(scope, {})
        if (have.values if have is not None else {}) == want:
            continue
        result.differing.append(scope)
        if write:
            if store().reports.rebuild(scope, want, have.revision if have is not None else None):
                result.written += 1
            else:
                result.conflicts += 1
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.ops.report_backfill", description=__doc__)
    parser.add_argument("--from", dest="from_", required=True, help="YYYY-MM-DD (service time zone) or epoch ms")
    parser.add_argument("--to", required=True, help="YYYY-MM-DD (inclusive) or epoch ms")
    parser.add_argument("--write", action="store_true", help="replace the differing items (default: report only)")
    args = parser.parse_args(argv)
    tz = ZoneInfo(reports.service_time_zone())
    try:
        from_ms, to_ms = reports.report_period({"from": args.from_, "to": args.to}, tz)
    except Exception as exc:  # noqa: BLE001 - a bad period is a usage error, said plainly
        parser.error(str(exc))
    result = backfill(from_ms, to_ms, write=args.write)
    json.dump(result.summary(), sys.stdout)
    sys.stdout.write("\n")
    unresolved = result.conflicts if args.write else len(result.differing)
    return 1 if unresolved else 0


if __name__ == "__main__":
    sys.exit(main())
