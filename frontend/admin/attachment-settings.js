// The attachments' settings in 채팅 설정 (issue #23): the largest file (1–20 MB) and the types that
// may be sent (the server's allow-list names; SVG and HTML are not among them and cannot be added).
import { el } from "/shared/dom.js";
import { checkbox, field, t } from "./page.js";

export const ATTACHMENT_TYPES = ["jpeg", "png", "gif", "webp", "pdf", "text", "docx", "xlsx", "pptx"];
const MAX_MB = 20;

export function attachmentSettings() {
  const size = field(
    "set-attachmentMaxMb",
    t("attachmentMaxMb"),
    el("input", { type: "number", min: "1", max: String(MAX_MB), step: "1", inputmode: "numeric" }),
  );
  const boxes = Object.fromEntries(ATTACHMENT_TYPES.map((name) => [name, checkbox(`set-attachment-${name}`, t(`attachmentType.${name}`))]));
  const error = el("p", { class: "field-error", id: "set-attachmentTypes-error", "aria-live": "polite" });
  const group = el("fieldset", { class: "attachment-types", "aria-describedby": error.id },
    el("legend", {}, t("attachmentTypes")), ...Object.values(boxes).map((box) => box.node), error);
  const chosen = () => ATTACHMENT_TYPES.filter((name) => boxes[name].control.checked);
  return {
    node: el("div", { class: "attachment-settings" }, size.node, group),
    size,
    fill(settings) {
      size.control.value = String(settings.attachmentMaxMb ?? 10);
      const allowed = settings.attachmentTypes || ATTACHMENT_TYPES;
      for (const name of ATTACHMENT_TYPES) boxes[name].control.checked = allowed.includes(name);
    },
    /** Adds the changed fields to `body`. */
    changes(saved, body) {
      if (size.control.value.trim() !== String(saved.attachmentMaxMb ?? 10)) body.attachmentMaxMb = Number(size.control.value);
      if (JSON.stringify(chosen()) !== JSON.stringify(saved.attachmentTypes || ATTACHMENT_TYPES)) body.attachmentTypes = chosen();
    },
    clear() {
      size.control.setAttribute("aria-invalid", "false");
      size.error.textContent = "";
      error.textContent = "";
    },
    /** The first invalid control, marked, or null. */
    validate() {
      const number = size.control.value.trim();
      if (!/^\d+$/.test(number) || Number(number) < 1 || Number(number) > MAX_MB) {
        size.control.setAttribute("aria-invalid", "true");
        size.error.textContent = t("range", { min: 1, max: MAX_MB });
        return size.control;
      }
      if (!chosen().length) {
        error.textContent = t("attachmentTypesNone");
        return boxes[ATTACHMENT_TYPES[0]].control;
      }
      return null;
    },
  };
}
