"""axe-core in the browser tests: WCAG 2.1 A and AA rules on a page, zero violations of any impact.

The vendored axe (tests/browser/vendor/axe-core, pinned, its bytes checked) is injected with
Playwright's add_script_tag from a same-origin URL that the test routes to the file, so the page's
strict CSP (script-src 'self') stays on while axe runs. The widget's open shadow root is checked too.

Exceptions are written down in EXCEPTIONS with the reason; anything else fails the test with the
rule, its help text and the offending elements.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page

AXE_DIR = Path(__file__).resolve().parent / "vendor" / "axe-core"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_PATH = "/__test-only__/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# rule id → why it does not apply to us. Each exception is checked by hand (docs/accessibility.md).
EXCEPTIONS: dict[str, str] = {}


def axe_source() -> bytes:
    """The vendored axe-core, refused if its bytes are not the pinned release's."""
    body = (AXE_DIR / "axe.min.js").read_bytes()
    digest = hashlib.sha256(body).hexdigest()
    assert digest == AXE_SHA256, f"tests/browser/vendor/axe-core/axe.min.js is not axe-core {AXE_VERSION}"
    return body


def _inject(page: Page) -> None:
    if page.evaluate("typeof window.axe === 'object'"):
        return
    parts = urlsplit(page.url)
    url = f"{parts.scheme}://{parts.netloc}{AXE_PATH}"
    source = axe_source()
    page.route(url, lambda route: route.fulfill(body=source, content_type="text/javascript"))
    page.add_script_tag(url=url)
    version = page.evaluate("window.axe.version")
    assert version == AXE_VERSION, version


def axe_violations(page: Page, exceptions: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """WCAG 2.1 A/AA violations on the page as it is now, minus the written-down exceptions."""
    _inject(page)
    allowed = {**EXCEPTIONS, **(exceptions or {})}
    result = page.evaluate(
        """async (tags) => {
             // Every rule with a WCAG 2.1 A/AA tag, the experimental ones too (label-content-name-mismatch
             // for 2.5.3 is one): axe runs those only when named.
             const rules = axe.getRules(tags).map((rule) => rule.ruleId);
             const options = { runOnly: { type: "rule", values: rules }, resultTypes: ["violations"] };
             const r = await axe.run(document, options);
             return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })) }));
           }""",
        WCAG_TAGS,
    )
    return [v for v in result if v["id"] not in allowed]


def tables_without_data(page: Page) -> list[str]:
    """Shown tables with header cells but no data cell (axe reports those only as "incomplete")."""
    return page.evaluate(
        """() => [...document.querySelectorAll("table")]
             .filter((table) => table.getClientRects().length)
             .filter((table) => table.querySelector("th") && !table.querySelector("td"))
             .map((table) => table.id || table.className || table.outerHTML.slice(0, 80))"""
    )


def assert_accessible(page: Page, state: str, exceptions: dict[str, str] | None = None) -> None:
    """Fail with a readable report when axe finds any violation (of any impact) in this state."""
    found = axe_violations(page, exceptions)
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {json.dumps(n['target'], ensure_ascii=False)}: {n['summary']}" for n in v["nodes"])
        for v in found
    )
    empty_tables = tables_without_data(page)
    if empty_tables:
        report += f"\n- tables with header cells and no data cells (1.3.1): {empty_tables}"
    assert not found and not empty_tables, f"axe-core {AXE_VERSION}, {state}: {len(found)} rule(s) violated\n{report}"
