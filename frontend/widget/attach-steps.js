// The widget's attachments: the paperclip, paste and drop, and the attachment messages. The upload
// code and its strings (attachments.js) load on first use: the widget's first load does not pay for
// them. Methods of the Widget (app.js mixes them in: `this` is the widget).
import { h, icon } from "./dom.js";

const PAPERCLIP =
  "M16.5 6.5v9.25a4.5 4.5 0 0 1-9 0V5.5a3 3 0 0 1 6 0v9.75a1.5 1.5 0 0 1-3 0V6.5H9v8.75a3 3 0 0 0 6 0V5.5a4.5 4.5 0 0 0-9 0v10.25a6 6 0 0 0 12 0V6.5z";
let attachmentsModule = null;
const loadAttachments = () => (attachmentsModule ??= import("./attachments.js"));

export class AttachSteps {
  /** The paperclip and its hidden file input; paste and drop on the chat send files too. */
  attachControls(chat, area) {
    const picker = h("input", { type: "file", class: "sr-only", tabindex: "-1", "aria-hidden": "true" });
    picker.addEventListener("change", () => {
      this.sendFiles([...picker.files]);
      picker.value = "";
    });
    const button = h("button", { type: "button", class: "attach", "aria-label": this.t("attach"), title: this.t("attach"), onclick: () => picker.click() }, icon(PAPERCLIP));
    chat.input.addEventListener("paste", (event) => {
      if (event.clipboardData?.files?.length) {
        event.preventDefault();
        this.sendFiles([...event.clipboardData.files]);
      }
    });
    area.addEventListener("dragover", (event) => event.preventDefault());
    area.addEventListener("drop", (event) => {
      event.preventDefault();
      this.sendFiles([...(event.dataTransfer?.files || [])]);
    });
    chat.attach = button;
    chat.uploads = h("div", { class: "uploads" });
    return [picker, button];
  }

  async sendFiles(files) {
    if (!files.length || !this.session || this.session.state === "ended") return;
    const lib = await loadAttachments();
    for (const file of lib.filesOf({ files })) this.sendFile(lib, file);
  }

  sendFile(lib, file) {
    const t = lib.attachmentTranslator(this.lang);
    const limits = this.availability?.attachments || {};
    let upload = null;
    const start = () => {
      row.node.classList.remove("failed");
      upload = lib.startUpload({ request: (m, p, b) => this.session.call(m, p, b), conversationId: this.session.id, file, onProgress: (p) => row.progress(p) });
      upload.done.then(({ attachmentId }) => {
        row.checking();
        this.chat.pendingUploads.set(attachmentId, row);
      }, (failure) => {
        if (failure?.code === "canceled") return row.failed(t("canceled", { name: file.name }), false);
        row.failed(t("rejected", { name: file.name, reason: lib.reasonText(t, failure, { maxBytes: limits.maxBytes, lang: this.lang }) }), failure?.code === "network");
      });
    };
    const row = lib.uploadRow(file, t, { onCancel: () => upload?.cancel(), onRetry: start });
    this.chat.pendingUploads ??= new Map();
    this.chat.uploads.append(row.node);
    start();
  }

  /** The checked file arrived as a message: its row goes; a refusal says why. */
  uploadSettled(attachmentId, rejected) {
    const row = this.chat?.pendingUploads?.get(attachmentId);
    if (!row) return;
    this.chat.pendingUploads.delete(attachmentId);
    if (!rejected) return row.node.remove();
    loadAttachments().then((lib) => {
      const t = lib.attachmentTranslator(this.lang);
      const limits = this.availability?.attachments || {};
      row.failed(t("rejected", { name: rejected.name, reason: lib.reasonText(t, rejected, { maxBytes: limits.maxBytes, lang: this.lang }) }), false);
    });
  }

  /** The body of an attachment message: filled once the module is loaded. */
  attachmentBubble(message) {
    const holder = h("div", { class: "bubble attachment-bubble" });
    loadAttachments().then((lib) => {
      const view = (id, thumbnail) => this.session.call("GET", `/chats/${encodeURIComponent(this.session.id)}/attachments/${encodeURIComponent(id)}${thumbnail ? "?thumbnail=1" : ""}`);
      holder.replaceChildren(lib.attachmentCard(message.attachment, { t: lib.attachmentTranslator(this.lang), lang: this.lang, view }));
    });
    if (message.attachment) this.uploadSettled(message.attachment.attachmentId, null);
    return holder;
  }
}
