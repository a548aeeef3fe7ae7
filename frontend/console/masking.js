// Masking in the console (S-5): renders a message's text with its masks and likely personal data,
// masks the selected text of one message, unmasks a mask after confirmation.
//
// Offsets: the API counts Unicode code points (docs/api.md#masking-s-5); DOM selections count
// UTF-16 units. Each rendered segment carries data-start (code points) and conversions happen
// here only. The server widens spans to whole characters, so a selection ending inside an emoji
// or before a combining accent still masks whole characters.
//
// Hooks for a screen (the live chat screen and the history dialog use the same object):
//   const masking = createMasking({ api, lang, securityService, onUpdated });
//   bubble.append(masking.renderText(message));  // the text; it re-renders itself on every update
//   toolbar.append(masking.createButton());      // a masking icon (hidden while securityService is off)
//   socket.on("message.updated", (f) => masking.updated(f.message)); // other tabs, live
//   masking.setEnabled(settings.securityService); // after a settings change
// `onUpdated(message)` (optional) tells the screen about a changed message, e.g. for its own store.
import { clear, el } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { translator } from "../shared/i18n.js";
import { icon } from "../shared/icons.js";

export const MASKING_STRINGS = {
  ko: {
    maskSelection: "선택한 글자 가리기",
    maskIcon: "개인정보 가리기",
    maskHint: "메시지 하나 안의 글자를 드래그해 선택한 뒤 누르세요.",
    maskedRegion: "가려진 개인정보 (눌러서 원문 보기)",
    unmaskConfirm: "가려진 원문을 복원할까요? 복원 기록이 남습니다.",
    maskPii: "가리기",
    piiLabel: "개인정보로 보이는 내용: {kind}",
    kind_rrn: "주민등록번호",
    kind_phone: "전화번호",
    kind_email: "이메일",
    kind_card: "카드번호",
    maskFailed: "가리기에 실패했습니다: {message}",
    unmaskFailed: "복원에 실패했습니다: {message}",
  },
  en: {
    maskSelection: "Mask the selected characters",
    maskIcon: "Mask personal data",
    maskHint: "Drag-select text inside one message, then press this.",
    maskedRegion: "Masked personal data (press to restore the original)",
    unmaskConfirm: "Restore the masked original? The restore is logged.",
    maskPii: "Mask",
    piiLabel: "Looks like personal data: {kind}",
    kind_rrn: "resident registration number",
    kind_phone: "phone number",
    kind_email: "email",
    kind_card: "card number",
    maskFailed: "Masking failed: {message}",
    unmaskFailed: "Restoring failed: {message}",
  },
};


/** Code points of `text` before UTF-16 offset `units` (half a surrogate pair counts as one). */
export function codePointsBefore(text, units) {
  return Array.from(text.slice(0, units)).length;
}

/** Segments of a message text: plain, masked and pii, in order, by code point offsets. */
export function segmentsOf(message) {
  const chars = Array.from(message.text || "");
  const marks = [
    ...(message.masks || []).map((m) => ({ ...m, type: "mask" })),
    ...(message.pii || []).map((p) => ({ ...p, type: "pii" })),
  ].sort((a, b) => a.start - b.start);
  const segments = [];
  let pos = 0;
  for (const mark of marks) {
    if (mark.start < pos) continue; // the server never overlaps them; be safe anyway
    if (mark.start > pos) segments.push({ type: "text", start: pos, text: chars.slice(pos, mark.start).join("") });
    segments.push({ ...mark, text: chars.slice(mark.start, mark.end).join("") });
    pos = mark.end;
  }
  if (pos < chars.length) segments.push({ type: "text", start: pos, text: chars.slice(pos).join("") });
  return segments;
}

/** Code point offset of a DOM boundary point inside a rendered message, or null. */
function offsetIn(container, node, offset) {
  let segment = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  if (segment === container) {
    // A boundary between segments: the start of the child at `offset`, or the end of the text.
    const child = container.childNodes[offset];
    if (child?.dataset?.start !== undefined) return Number(child.dataset.start);
    return Array.from(container.maskingMessage.text || "").length;
  }
  while (segment && segment.parentElement !== container) segment = segment.parentElement;
  if (!segment || segment.dataset.start === undefined) return null; // e.g. inside a lock (mask) button
  const text = segment.textContent;
  const units = node.nodeType === Node.TEXT_NODE ? offset : offset > 0 ? text.length : 0;
  return Number(segment.dataset.start) + codePointsBefore(text, units);
}

function selectionInOneMessage() {
  const selection = document.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const find = (node) => (node.nodeType === Node.TEXT_NODE ? node.parentElement : node)?.closest(".masking-text");
  const container = find(range.startContainer);
  if (!container || container !== find(range.endContainer)) return null;
  const start = offsetIn(container, range.startContainer, range.startOffset);
  const end = offsetIn(container, range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return null;
  return { container, start, end };
}

/** The nodes of one segment of a message: a mask (button: unmask), personal data (underlined, with a
 * lock button: mask it) or plain text; with masking off, every segment is plain text. */
function segmentNodes(segment, message, masks, t, { mask, unmask }) {
  const data = { start: String(segment.start) };
  if (segment.type === "mask" && masks) {
    return [
      el(
        "button",
        {
          type: "button",
          class: "masked",
          dataset: { ...data, maskId: segment.maskId },
          title: t("maskedRegion"),
          "aria-label": t("maskedRegion"),
          onclick: () => unmask(message, segment.maskId),
        },
        segment.text,
      ),
    ];
  } else if (segment.type === "pii" && masks) {
    const kind = t(`kind_${segment.kind}`);
    return [
      el("span", { class: "pii", dataset: { ...data, kind: segment.kind }, title: t("piiLabel", { kind }) }, segment.text),
      el(
        "button",
        {
          type: "button",
          class: "pii-mask",
          "aria-label": `${t("maskPii")}: ${kind}`,
          title: `${t("maskPii")}: ${kind}`,
          onclick: () => mask(message, [{ start: segment.start, end: segment.end }]),
        },
        icon("lock"),
      ),
    ];
  } else {
    return [el("span", { class: segment.type === "mask" ? "masked-text" : "plain", dataset: data }, segment.text)];
  }
}

export function createMasking({ api, lang = "ko", securityService = false, onUpdated = () => {}, onError }) {
  const t = translator(MASKING_STRINGS, lang);
  const report = onError || ((text) => window.alert(text));
  let enabled = Boolean(securityService);
  let lastSelection = null; // {container, start, end} in code points, inside one message
  const rendered = new Set(); // every container renderText made; pruned once out of the page
  const buttons = new Set();
  const keyOf = (message) => `${message.conversationId}#${message.seq}`;

  // A push and a REST answer for the same change may arrive in either order: never go back.
  const isNewer = (next, shown) => (next.maskVersion || 0) >= (shown?.maskVersion || 0);

  /** Re-render every shown copy of this message (this tab's screens), then tell the screen. */
  function updated(message) {
    for (const container of [...rendered]) {
      if (!container.isConnected) rendered.delete(container);
      else if (container.dataset.key === keyOf(message) && isNewer(message, container.maskingMessage)) {
        fill(container, message);
      }
    }
    onUpdated(message);
  }

  const messagePath = (message) =>
    `/chats/${encodeURIComponent(message.conversationId)}/messages/${encodeURIComponent(message.seq)}/masks`;

  async function mask(message, spans) {
    try {
      const result = await api.post(messagePath(message), { spans, maskVersion: message.maskVersion || 0 });
      updated(result);
      return result;
    } catch (error) {
      report(t("maskFailed", { message: describeError(error, lang) }));
      return null;
    }
  }

  async function unmask(message, maskId) {
    if (!window.confirm(t("unmaskConfirm"))) return null;
    try {
      const result = await api.del(`${messagePath(message)}/${encodeURIComponent(maskId)}`);
      updated(result);
      return result;
    } catch (error) {
      report(t("unmaskFailed", { message: describeError(error, lang) }));
      return null;
    }
  }

  function renderText(message) {
    const container = el("span", { class: "masking-text", dataset: { key: keyOf(message), seq: String(message.seq) } });
    rendered.add(container);
    return fill(container, message);
  }

  function fill(container, message) {
    clear(container);
    container.maskingMessage = message;
    const masks = enabled;
    for (const segment of segmentsOf(message)) container.append(...segmentNodes(segment, message, masks, t, { mask, unmask }));
    return container;
  }

  document.addEventListener("selectionchange", () => {
    const current = selectionInOneMessage();
    if (current) lastSelection = current;
    else if (!document.getSelection()?.isCollapsed) lastSelection = null; // a selection across messages
  });

  function createButton() {
    const button = el(
      "button",
      {
        type: "button",
        class: "masking-icon",
        title: `${t("maskIcon")}: ${t("maskHint")}`,
        "aria-label": t("maskSelection"),
        // Keep the text selection: the button must not take it away on press.
        onmousedown: (event) => event.preventDefault(),
        onclick: async () => {
          const chosen = selectionInOneMessage() || lastSelection;
          if (!chosen || !chosen.container.isConnected) {
            report(t("maskHint"));
            return;
          }
          lastSelection = null;
          document.getSelection()?.removeAllRanges();
          await mask(chosen.container.maskingMessage, [{ start: chosen.start, end: chosen.end }]);
        },
      },
      icon("lock"),
      el("span", { class: "visually-hidden" }, t("maskSelection")),
    );
    button.classList.toggle("hidden", !enabled);
    buttons.add(button);
    return button;
  }

  const button = createButton();

  return {
    button,
    renderText,
    mask,
    unmask,
    get enabled() {
      return enabled;
    },
    createButton,
    setEnabled(value) {
      enabled = Boolean(value);
      for (const node of buttons) node.classList.toggle("hidden", !enabled);
      for (const container of [...rendered]) {
        if (!container.isConnected) rendered.delete(container);
        else fill(container, container.maskingMessage);
      }
    },
    /** A `message.updated` frame (another tab, another screen) or a REST answer: re-render it. */
    updated,
  };
}
