"""Checks every staff screen must pass (issue 17 items 4, 6, 8, 9), run in the page by Playwright.

- `layout_problems`: element boxes that overlap (neither inside the other), what sticks out of the
  viewport, labels cut off or wrapped (a short button label on two lines), the page wider than the
  window. Only what is visible counts: boxes are clipped by scrolling ancestors and the viewport;
  with a modal dialog open, only the dialog.
- `language_problems`: text (and aria-label / title / placeholder) of the wrong language, raw enum
  values and codes (`open`, `not_found`), English server sentences on a Korean screen, Hangul on an
  English one, emoji glyphs, and dates not in the one staff format. `data` lists what people typed
  (names, types, messages): those are shown as they are.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page

LAYOUT_JS = r"""
(clip) => {
  const modal = [...document.querySelectorAll("dialog[open]")].pop();
  const overlay = [...document.querySelectorAll(".help-overlay:not(.hidden)")].pop();
  const scope = modal || overlay || document.body;
  const selector = [
    "button", "a", "input", "select", "textarea", "label", "h1", "h2", "h3", "h4", "legend", "th", "td",
    "dt", "dd", "p", "summary", "code", "progress", ".count", ".msg", ".seats", ".connection", ".user-name",
    ".chat-item-name", ".chat-item-time", ".msg-sender", ".msg-time", ".history-sender", ".queue-item",
  ].join(",");
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  const describe = (e) => {
    const text = (e.innerText || e.value || e.getAttribute("aria-label") || "").trim();
    const classes = e.classList.length ? "." + [...e.classList].join(".") : "";
    return `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${classes}「${text.replace(/\s+/g, " ").slice(0, 30)}」`;
  };
  function box(e) {
    const r = e.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return null;
    let b = { l: r.left, t: r.top, r: r.right, b: r.bottom };
    if (getComputedStyle(e).visibility === "hidden") return null;
    for (let a = e; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      const gone = s.display === "none" || parseFloat(s.opacity) === 0;
      if (gone || a.classList.contains("visually-hidden")) return null;
      if (a !== e && (s.overflowX !== "visible" || s.overflowY !== "visible")) {
        const c = a.getBoundingClientRect();
        b = { l: Math.max(b.l, c.left), t: Math.max(b.t, c.top),
              r: Math.min(b.r, c.right), b: Math.min(b.b, c.bottom) };
      }
    }
    if (clip) b = { l: Math.max(b.l, 0), t: Math.max(b.t, 0), r: Math.min(b.r, vw), b: Math.min(b.b, vh) };
    return b.r - b.l >= 2 && b.b - b.t >= 2 ? b : null;
  }
  const items = [...scope.querySelectorAll(selector)].map((e) => ({ e, b: box(e) })).filter((x) => x.b);
  const problems = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], c = items[j];
      if (a.e.contains(c.e) || c.e.contains(a.e)) continue;
      const w = Math.min(a.b.r, c.b.r) - Math.max(a.b.l, c.b.l);
      const h = Math.min(a.b.b, c.b.b) - Math.max(a.b.t, c.b.t);
      if (w > 1 && h > 1) problems.push(`overlap: ${describe(a.e)} × ${describe(c.e)}`);
    }
  }
  for (const { e } of items) {
    const r = e.getBoundingClientRect();
    if (clip && (r.left < -1 || r.right > vw + 1) && !e.closest(".history-results, .tickets-table")) {
      problems.push(`outside the window: ${describe(e)} (${Math.round(r.left)}–${Math.round(r.right)}, ${vw})`);
    }
    const clips = getComputedStyle(e).overflowX !== "visible";
    if (/^(BUTTON|LABEL|A|TH|LEGEND|SUMMARY)$/.test(e.tagName) && clips && e.scrollWidth > e.clientWidth + 1) {
      problems.push(`cut off: ${describe(e)}`);
    }
    // A short label (a button, a preset, a column head) broken over two lines: `오/늘`, `30/일`.
    const text = (e.innerText || "").trim();
    if (/^(BUTTON|A|TH|LABEL)$/.test(e.tagName) && text && text.length <= 14 && !text.includes("\n")) {
      // Lines of the label's text (text nodes only: an icon or a dot sits at its own height).
      const tops = [];
      const texts = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
      for (let n = texts.nextNode(); n; n = texts.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const q of range.getClientRects()) if (q.width > 0) tops.push(q.top);
      }
      const half = parseFloat(getComputedStyle(e).fontSize) / 2;
      if (tops.length && Math.max(...tops) - Math.min(...tops) > half) problems.push(`label wrapped: ${describe(e)}`);
    }
  }
  // Nothing needs a sideways scroll at this size (a table cut at the right edge of its box).
  for (const e of scope.querySelectorAll("*")) {
    const s = getComputedStyle(e);
    if (!/(auto|scroll|hidden)/.test(s.overflowX) || !e.getClientRects().length) continue;
    if (e.closest(".hidden, .visually-hidden")) continue;
    if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0) problems.push(`scrolls sideways: ${describe(e)}`);
  }
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > vw + 1) problems.push(`page wider than the window: ${pageWidth} > ${vw}`);
  return problems;
}
"""

TEXTS_JS = r"""
() => {
  const modal = [...document.querySelectorAll("dialog[open]")].pop();
  const scope = modal || document.body;
  const out = [];
  // A part marked in another language (the language switch: lang="en" on a Korean page) is that language.
  const langOf = (e) => (e.closest("[lang]")?.getAttribute("lang") || "").slice(0, 2);
  const visible = (e) => e && e.getClientRects().length > 0 && !e.closest(".hidden, [hidden]");
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || /^(SCRIPT|STYLE|TEXTAREA)$/.test(parent.tagName)) continue;
    if (parent.tagName !== "OPTION" && !visible(parent)) continue;
    if (parent.tagName === "OPTION" && !visible(parent.closest("select"))) continue;
    const text = n.textContent.trim();
    if (text) out.push([text, langOf(parent)]);
  }
  for (const e of scope.querySelectorAll("[aria-label], [title], [placeholder]")) {
    if (!visible(e)) continue;
    for (const name of ["aria-label", "title", "placeholder"]) {
      if (e.getAttribute(name)) out.push([e.getAttribute(name).trim(), langOf(e)]);
    }
  }
  return out;
}
"""

# Words that stay as they are in both languages.
NEUTRAL = {
    "ID",
    "Excel",
    "CSV",
    "UTF",
    "BOM",
    "otpauth",
    "GMT",
    "UTC",
    "KB",
    "MB",
    "GB",
    "B",
    "Alt",
    "Esc",
    "Enter",
    "Shift",
    "English",
    "TOTP",
    # File formats' names (the attachments' allow-list, issue #23): the same in every language.
    "JPEG",
    "PNG",
    "GIF",
    "WebP",
    "PDF",
    "txt",
    "docx",
    "xlsx",
    "pptx",
}
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
EMAIL = re.compile(r"[^\s@()<>]+@[^\s@()<>]+\.[A-Za-z]{2,}")
# Raw values: an enum value alone (`open`, `handled`), snake_case codes, server error words.
RAW_VALUES = set(
    "open pending closed online offline break handled unhandled satisfied dissatisfied waiting active ended "
    "queued running done failed agent admin admins agents customer system chat inquiry mask unmask rrn phone "
    "card text true false null undefined none".split()
)
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
SERVER_WORDS = re.compile(r"\b(?:must|invalid|not found|forbidden|unexpected|exception|error)\b", re.I)
EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]")
# The old formats: `26. 12. 2. 오전 6:43:19`, `2026. 12. 02. 오전 06:43`, `02/12/2026, 06:43`, AM/PM.
OTHER_DATES = re.compile(r"\d{1,4}\. \d{1,2}\. \d{1,2}\.|오전|오후|\b[AP]M\b|\d{2}/\d{2}/\d{4}")
ONE_FORMAT = re.compile(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?\b|\b\d{2}:\d{2}\b")


def layout_problems(page: Page, clip: bool = True) -> list[str]:
    return page.evaluate(LAYOUT_JS, clip)


def language_problems(page: Page, lang: str, data: set[str]) -> list[str]:
    problems = []
    for text, marked in page.evaluate(TEXTS_JS):
        if any(text in value for value in data):
            continue  # a piece of what someone typed (masking splits a message into segments)
        rest = text
        for value in sorted(data, key=len, reverse=True):
            if value:
                rest = rest.replace(value, " ")
        rest = EMAIL.sub(" ", rest)
        if EMOJI.search(text):
            problems.append(f"emoji: {text[:60]!r}")
        if OTHER_DATES.search(rest):
            problems.append(f"date not in the one format: {text[:60]!r}")
        stripped = rest.strip(" ·:()[]/,.-–—…")
        if stripped in RAW_VALUES:
            problems.append(f"raw value: {text[:60]!r}")
        if SNAKE.search(rest):
            problems.append(f"code: {text[:60]!r}")
        if marked and marked != lang:
            continue  # marked as the other language on purpose (its own lang attribute)
        if lang == "ko":
            words = [w for w in LATIN_WORD.findall(rest) if w not in NEUTRAL]
            if words or SERVER_WORDS.search(rest):
                problems.append(f"English on a Korean screen: {text[:60]!r}")
        elif HANGUL.search(rest.replace("한국어", "")):
            problems.append(f"Korean on an English screen: {text[:60]!r}")
    return problems


def assert_screen(page: Page, lang: str, data: set[str], name: str, clip: bool = True) -> list[str]:
    """Both checks; returns the problems prefixed with the screen's name (the caller asserts)."""
    return [f"{name}: {p}" for p in layout_problems(page, clip) + language_problems(page, lang, data)]


def values_of(document: Any) -> set[str]:
    """Every string inside a JSON document (settings, accounts): data, shown as typed."""
    found: set[str] = set()
    if isinstance(document, str):
        found.add(document)
    elif isinstance(document, dict):
        for value in document.values():
            found |= values_of(value)
    elif isinstance(document, list):
        for value in document:
            found |= values_of(value)
    return found
