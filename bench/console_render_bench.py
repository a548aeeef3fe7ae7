"""How long the console takes to draw a conversation, in Debian's Chromium (frontend/console/messages.js).

    .venv/bin/python bench/console_render_bench.py [messages]   # default 500 (100 with --quick)

Serves frontend/ from a local HTTP server, imports messages.js in a page and times, as medians of
several runs: the first draw of N messages (script alone, and with layout), a redraw after one new
message arrives (unchanged elements are kept), and a full redraw from scratch (every element new).
Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

MEASURE = """async (count) => {
  const { renderMessages } = await import('/console/messages.js');
  const ctx = { t: (k) => k, lang: 'ko', masking: null };
  const message = (seq) => ({ conversationId: 'c', seq, role: seq % 2 ? 'customer' : 'agent', kind: 'text',
    senderName: seq % 2 ? '고객' : '상담원', text: `메시지 ${seq}: 배송이 언제 되나요? 주문번호 ${1000 + seq}`,
    createdAt: 1764038400000 + seq * 1000, masks: [], pii: [], maskVersion: 0 });
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const runs = { firstScript: [], first: [], oneNew: [], full: [] };
  for (let run = 0; run < 7; run++) {
    const list = document.createElement('ol');
    document.body.replaceChildren(list);
    const messages = Array.from({ length: count }, (_, i) => message(i + 1));
    let t0 = performance.now();
    renderMessages(list, messages, ctx, 'c');
    runs.firstScript.push(performance.now() - t0);
    list.getBoundingClientRect();
    runs.first.push(performance.now() - t0);
    messages.push(message(count + 1));
    t0 = performance.now();
    renderMessages(list, messages, ctx, 'c');
    list.getBoundingClientRect();
    runs.oneNew.push(performance.now() - t0);
    const fresh = document.createElement('ol');
    document.body.replaceChildren(fresh);
    t0 = performance.now();
    renderMessages(fresh, messages, ctx, 'c');
    fresh.getBoundingClientRect();
    runs.full.push(performance.now() - t0);
  }
  return {
    firstScript: median(runs.firstScript),
    first: median(runs.first),
    oneNew: median(runs.oneNew),
    full: median(runs.full),
  };
}"""


DEFAULT_MESSAGES = 500
QUICK_MESSAGES = 100


def main(count: int | None = None) -> dict:
    if count is None:
        quick = os.environ.get("BENCH_QUICK", "") not in ("", "0") or "--quick" in sys.argv[1:]
        count = QUICK_MESSAGES if quick else DEFAULT_MESSAGES
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(FRONTEND))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
            figures = page.evaluate(MEASURE, count)
            browser.close()
    finally:
        server.shutdown()
    result = {"messages": count, **{f"{k}_ms": round(v, 2) for k, v in figures.items()}}
    print(json.dumps(result, indent=2))
    print(
        f"{count} messages: first draw {result['first_ms']:.1f} ms ({result['firstScript_ms']:.1f} ms script, "
        f"the rest layout), one new message {result['oneNew_ms']:.1f} ms "
        f"(elements kept), full redraw {result['full_ms']:.1f} ms (median of 7, Chromium)"
    )
    return result


if __name__ == "__main__":
    counts = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(counts[0]) if counts else None)
