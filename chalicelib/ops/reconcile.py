"""Counters that always reconcile: each agent's `active_chats` against the chats actually assigned.

    python -m chalicelib.ops.reconcile [--fix]

Reads the tables named by TABLE_PREFIX in the AWS account and region of the environment
(AWS_PROFILE / AWS_REGION, or the local stack's AWS_ENDPOINT_URL), so the same command checks a
deployment. Prints one JSON object; exits 1 when a mismatch remains. Only Queries: agents by
status (three partitions), each agent's live chats on the agent-live index.
A mismatch is reported as ids and numbers only (no names, no message text).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from typing import Any

from chalicelib.bootstrap import store
from chalicelib.domain.model import AgentStatus, ConversationState


@dataclass(frozen=True)
class Mismatch:
    agent_id: str
    recorded: int  # active_chats on the agent item
    actual: int  # active chats whose live agent is this agent
    ended_but_live: list[str]  # ended chats still on the agent-live index (should be none)
    fixed: bool = False


def check(*, fix: bool = False) -> list[Mismatch]:
    mismatches: list[Mismatch] = []
    for status in AgentStatus:
        for agent in store().agents.with_status(status):
            live = store().queues.live_of(agent.agent_id)
            actual = sum(1 for c in live if c.state == ConversationState.ACTIVE.value)
            ended = sorted(c.conversation_id for c in live if c.state == ConversationState.ENDED.value)
            recorded = int(agent.active_chats or 0)
            if recorded == actual and not ended:
                continue
            fixed = fix and recorded != actual and store().agents.repair_active_chats(agent.agent_id, recorded, actual)
            mismatches.append(Mismatch(agent.agent_id, recorded, actual, ended, bool(fixed)))
    return mismatches


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.ops.reconcile", description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="set each wrong counter to the actual count")
    args = parser.parse_args(argv)
    mismatches = check(fix=args.fix)
    return {"ok": not mismatches, "mismatches": [asdict(m) for m in mismatches]}


if __name__ == "__main__":
    report = main()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    unresolved = [m for m in report["mismatches"] if not m["fixed"]]
    sys.exit(1 if unresolved else 0)
