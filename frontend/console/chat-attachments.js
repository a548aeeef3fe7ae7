// The console's attachments (issue #23): the paperclip beside the message box, paste and drop, the
// rows of files being sent (progress, cancel, retry, the checker's refusal), and the lightbox for a
// full image. The upload code and its strings (../shared/attachments.js) load on first use.
import { el, keepTabInside } from "../shared/dom.js";

let attachmentsModule = null;
export const loadAttachments = () => (attachmentsModule ??= import("../shared/attachments.js"));

/** view: the chat view's state; composer: createComposer's parts. */
export function createAttachments(view, composer) {
  const { ctx } = view;
  const picker = el("input", { type: "file", class: "visually-hidden", tabIndex: -1, "aria-hidden": "true" });
  const button = el("button", { type: "button", class: "attach", "aria-label": attachLabel(ctx.lang), title: attachLabel(ctx.lang) });
  loadAttachments().then((lib) => button.append(lib.svgIcon(lib.PAPERCLIP)));
  const uploads = el("div", { class: "uploads", "aria-live": "polite" });
  const pending = new Map(); // attachmentId → row
  button.addEventListener("click", () => picker.click());
  picker.addEventListener("change", () => {
    sendFiles([...picker.files]);
    picker.value = "";
  });
  composer.input.addEventListener("paste", (event) => {
    if (event.clipboardData?.files?.length) {
      event.preventDefault();
      sendFiles([...event.clipboardData.files]);
    }
  });
  composer.composer.addEventListener("dragover", (event) => event.preventDefault());
  composer.composer.addEventListener("drop", (event) => {
    event.preventDefault();
    sendFiles([...(event.dataTransfer?.files || [])]);
  });
  composer.composer.insertBefore(button, composer.input);
  composer.composer.before(uploads);
  composer.composer.append(picker);

  async function sendFiles(files) {
    const conversationId = view.selectedId;
    if (!files.length || !conversationId) return;
    const lib = await loadAttachments();
    for (const file of lib.filesOf({ files })) sendFile(lib, file, conversationId);
  }

  function sendFile(lib, file, conversationId) {
    const t = lib.attachmentTranslator(ctx.lang);
    let upload = null;
    const start = () => {
      row.node.classList.remove("failed");
      upload = lib.startUpload({ request: ctx.api.request, conversationId, file, onProgress: (p) => row.progress(p) });
      upload.done.then(({ attachmentId }) => {
        row.checking();
        pending.set(attachmentId, row);
      }, (failure) => {
        if (failure?.code === "canceled") return row.failed(t("canceled", { name: file.name }), false);
        row.failed(t("rejected", { name: file.name, reason: lib.reasonText(t, failure, { maxBytes: maxBytes(ctx), lang: ctx.lang }) }), failure?.code === "network");
      });
    };
    const row = lib.uploadRow(file, t, { onCancel: () => upload?.cancel(), onRetry: start });
    uploads.append(row.node);
    start();
  }

  ctx.socket.on("message.new", ({ message }) => {
    const row = message?.attachment && pending.get(message.attachment.attachmentId);
    if (row) {
      pending.delete(message.attachment.attachmentId);
      row.node.remove();
    }
  });
  ctx.socket.on("attachment.rejected", async (frame) => {
    const row = pending.get(frame.attachmentId);
    if (!row) return;
    pending.delete(frame.attachmentId);
    const lib = await loadAttachments();
    const t = lib.attachmentTranslator(ctx.lang);
    row.failed(t("rejected", { name: frame.name, reason: lib.reasonText(t, frame, { maxBytes: maxBytes(ctx), lang: ctx.lang }) }), false);
  });
  return { button, uploads };
}

const maxBytes = (ctx) => (ctx.settings?.attachmentMaxMb || 10) * 1024 * 1024;

function attachLabel(lang) {
  return lang === "en" ? "Attach a file" : "파일 첨부";
}

/** The full image over the page; Esc or 닫기 closes it and focus returns to the thumbnail. */
function showImage(url, name, lang, t) {
  const close = el("button", { type: "button", class: "lightbox-close" }, t("close"));
  const dialog = el("dialog", { class: "lightbox", "aria-label": name },
    el("img", { src: url, alt: t("imageAlt", { name }) }), close);
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  keepTabInside(dialog);
  dialog.showModal();
  close.focus();
}

/** An attachment message's body: drawn once the module is loaded (messages.js calls it). */
export function attachmentBody(message, ctx) {
  const holder = el("span", { class: "msg-text msg-attachment" });
  const id = message.conversationId;
  loadAttachments().then((lib) => {
    const t = lib.attachmentTranslator(ctx.lang);
    const view = (attachmentId, thumbnail) =>
      ctx.api.get(`/chats/${encodeURIComponent(id)}/attachments/${encodeURIComponent(attachmentId)}${thumbnail ? "?thumbnail=1" : ""}`);
    holder.replaceChildren(lib.attachmentCard(message.attachment, { t, lang: ctx.lang, view, showImage: (url, name) => showImage(url, name, ctx.lang, t) }));
  });
  return holder;
}
