"""What watching a chat (issue #24) costs the message path: requests, capacity units and pushes per
customer message when nobody watches, when one supervisor tab watches and when three do.

Watchers are cached on the conversation item (`watcher_connections`) that the message path reads
anyway, so the requests per message must not move; each watching tab adds one PostToConnection (to
the sender's ack and the agent's tab), and each cached id adds ~30 bytes to the item (the
conversation's UpdateItem is billed by item size).

    .venv/bin/python -m bench.supervision_cost [--quick]
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from bench._support import METER, moto_harness, quick

MESSAGES = 20
QUICK_MESSAGES = 5
WATCHERS = (0, 1, 3)


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def main() -> dict[str, Any]:
    messages = QUICK_MESSAGES if quick() else MESSAGES
    runs: dict[int, dict[str, float]] = {}
    with moto_harness() as h:
        _, agent_tab = h.agent_online("bench-agent@example.com")
        chat = h.start_chat(name="고객")
        cid = chat["conversationId"]
        customer = h.connected(chat["token"])
        tabs: list[str] = []
        for n in range(max(WATCHERS)):
            token = h.staff_token(f"supervisor{n}@example.com", "supervisors")
            tabs.append(h.connected(token))

        def send() -> None:
            frame = {"action": "message.send", "conversationId": cid, "clientMessageId": uuid.uuid4().hex}
            h.send(customer, {**frame, "text": "안녕하세요, 주문 건으로 문의드립니다."})

        send()  # warm: the first use of each client and table
        watching: set[str] = set()
        for watchers in WATCHERS:
            for tab in tabs[:watchers]:  # outside the measured windows
                if tab not in watching:
                    h.send(tab, {"action": "chat.watch", "conversationId": cid})
                    assert h.frames_of_type(tab, "chat.watching"), "the watch was refused"
                    watching.add(tab)
            windows = []
            for _ in range(messages):
                with METER.window() as w:
                    send()
                windows.append(w)
            for tab in tabs[:watchers]:
                assert h.frames_of_type(tab, "message.new"), "a watcher heard nothing"
            h.frames(agent_tab)
            runs[watchers] = {
                "requests_mean": _mean([w.requests for w in windows]),
                "capacity_units_mean": _mean([w.read_units + w.write_units for w in windows]),
                "pushes_mean": _mean([w.other.get("apigatewaymanagementapi.PostToConnection", 0) for w in windows]),
            }
    at = "@" + "·".join(str(n) for n in WATCHERS) + " watchers"
    summary = {
        f"customer message: requests {at}": [runs[n]["requests_mean"] for n in WATCHERS],
        f"customer message: capacity units {at}": [runs[n]["capacity_units_mean"] for n in WATCHERS],
        f"customer message: pushes {at}": [runs[n]["pushes_mean"] for n in WATCHERS],
    }
    # Pushes: the sender's ack, the agent's tab, one per watching tab.
    aims = {f"customer message: requests {at}": "equal", f"customer message: pushes {at}": "2 + watchers"}
    return {"summary": summary, "aims": aims, "runs": runs}


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False, indent=2))
