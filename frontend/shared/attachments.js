// Attachments in the widget and the console (issue #23), loaded on first use. The file goes straight
// to S3 with the presigned form the API answers (never through our origin); what the other side sees
// is the checked message the server pushes after the content check. Viewing asks the API for a
// short-lived signed URL each time (URLs are never stored). Everything is built as DOM nodes, text
// as text. The widget links this file as widget/attachments.js (as it links i18n.js).
import { format } from "./i18n.js";

export const ATTACHMENT_STRINGS = {
  ko: {
    attach: "파일 첨부",
    uploading: "{name} 올리는 중 {percent}%",
    checking: "{name} 확인 중…",
    cancel: "취소",
    retry: "다시 시도",
    uploadFailed: "{name}을(를) 보내지 못했습니다.",
    canceled: "{name} 전송을 취소했습니다.",
    open: "{name} 열기",
    download: "{name} 내려받기",
    downloadHint: "내려받기",
    imageAlt: "{name} 미리보기",
    close: "닫기",
    deleted: "삭제된 파일",
    "reason.type_not_allowed": "보낼 수 없는 형식의 파일입니다. (이미지, PDF, 텍스트, 오피스 문서만 가능)",
    "reason.too_large": "파일이 너무 큽니다. ({max}까지 가능)",
    "reason.empty": "빈 파일은 보낼 수 없습니다.",
    "reason.image_too_large": "이미지의 크기(가로·세로)가 너무 큽니다.",
    "reason.image_unreadable": "이미지 파일이 손상되어 열 수 없습니다.",
    "reason.conversation_ended": "상담이 종료되어 파일을 보낼 수 없습니다.",
    "reason.not_allowed": "허용되지 않은 업로드입니다.",
    "reason.malware": "악성 코드가 발견되어 파일을 삭제했습니다.",
    "reason.limit": "이 상담에서는 파일을 더 보낼 수 없습니다.",
    "reason.network": "네트워크 오류로 올리지 못했습니다.",
    rejected: "{name}: {reason}",
  },
  en: {
    attach: "Attach a file",
    uploading: "Uploading {name}: {percent}%",
    checking: "Checking {name}…",
    cancel: "Cancel",
    retry: "Retry",
    uploadFailed: "{name} could not be sent.",
    canceled: "Sending {name} was canceled.",
    open: "Open {name}",
    download: "Download {name}",
    downloadHint: "download",
    imageAlt: "Preview of {name}",
    close: "Close",
    deleted: "Deleted file",
    "reason.type_not_allowed": "This type of file cannot be sent (images, PDF, text and Office documents only).",
    "reason.too_large": "The file is too large (up to {max}).",
    "reason.empty": "An empty file cannot be sent.",
    "reason.image_too_large": "The image's dimensions are too large.",
    "reason.image_unreadable": "The image is damaged and cannot be opened.",
    "reason.conversation_ended": "The chat has ended, so the file cannot be sent.",
    "reason.not_allowed": "This upload was not allowed.",
    "reason.malware": "Malware was found, so the file was deleted.",
    "reason.limit": "No more files can be sent in this chat.",
    "reason.network": "The upload failed (network error).",
    rejected: "{name}: {reason}",
  },
};

const SVG = "http://www.w3.org/2000/svg";
export const PAPERCLIP =
  "M16.5 6.5v9.25a4.5 4.5 0 0 1-9 0V5.5a3 3 0 0 1 6 0v9.75a1.5 1.5 0 0 1-3 0V6.5H9v8.75a3 3 0 0 0 6 0V5.5a4.5 4.5 0 0 0-9 0v10.25a6 6 0 0 0 12 0V6.5z";
const FILE_ICON = "M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm7 1.5V9h5.5zM8 13h8v1.5H8zm0 3.5h8V18H8z";

export function make(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function svgIcon(path) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  const shape = document.createElementNS(SVG, "path");
  shape.setAttribute("d", path);
  svg.append(shape);
  return svg;
}

export function attachmentTranslator(lang) {
  const strings = ATTACHMENT_STRINGS[lang] || ATTACHMENT_STRINGS.ko;
  return (key, vars = {}) => format(strings[key] ?? ATTACHMENT_STRINGS.ko[key] ?? key, vars);
}

export function sizeText(bytes, lang) {
  const locale = lang === "en" ? "en-US" : "ko-KR";
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toLocaleString(locale, { maximumFractionDigits: 1 })} MB`;
  return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString(locale)} KB`;
}

/** Why a file was refused, translated: a checker's reason, or an API refusal of the request. */
export function reasonText(t, failure, { maxBytes = 10 * 1024 * 1024, lang = "ko" } = {}) {
  let code = failure?.reason || failure?.code || "network";
  if (code === "invalid_field") code = failure.field === "size" ? "too_large" : "type_not_allowed";
  if (code === "conflict") code = "limit";
  const key = `reason.${code}`;
  return key in ATTACHMENT_STRINGS.ko ? t(key, { max: sizeText(maxBytes, lang) }) : t("reason.network");
}

/**
 * Ask for the form, then POST the file to S3 with progress. request(method, path, body) → JSON.
 * Returns {done: Promise<{attachmentId}>, cancel()}; a refusal rejects with {code} (the API's or `network`).
 */
export function startUpload({ request, conversationId, file, onProgress }) {
  let xhr = null;
  let canceled = false;
  const done = (async () => {
    const type = file.type || "application/octet-stream";
    const asked = await request("POST", `/chats/${encodeURIComponent(conversationId)}/attachments`, {
      name: file.name || "image.png",
      size: file.size,
      type,
    });
    if (canceled) throw { code: "canceled" };
    const form = new FormData();
    for (const [name, value] of Object.entries(asked.upload.fields)) form.append(name, value);
    form.append("file", file); // last: S3 ignores every field after the file
    await new Promise((resolve, reject) => {
      xhr = new XMLHttpRequest();
      xhr.open("POST", asked.upload.url);
      xhr.upload.onprogress = (event) => event.lengthComputable && onProgress?.(Math.round((event.loaded / event.total) * 100));
      xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject({ code: "network" }));
      xhr.onerror = () => reject({ code: "network" });
      xhr.onabort = () => reject({ code: "canceled" });
      xhr.send(form);
    });
    return { attachmentId: asked.attachmentId };
  })();
  return {
    done,
    cancel() {
      canceled = true;
      xhr?.abort();
    },
  };
}

/**
 * The row of a file being sent: progress, then "checking" until the checked message arrives;
 * cancel while it uploads, retry after a failure. Returns {node, progress(p), checking(), failed(text)}.
 */
export function uploadRow(file, t, { onCancel, onRetry }) {
  const name = file.name || "image.png";
  const label = make("span", { class: "upload-label" }, t("uploading", { name, percent: 0 }));
  const bar = make("progress", { max: "100", value: "0", "aria-label": name });
  const cancel = make("button", { type: "button", class: "upload-cancel", onclick: onCancel }, t("cancel"));
  const retry = make("button", { type: "button", class: "upload-retry", hidden: true, onclick: onRetry }, t("retry"));
  const node = make("div", { class: "upload-row", role: "status" }, label, bar, cancel, retry);
  return {
    node,
    progress(percent) {
      bar.value = percent;
      label.textContent = t("uploading", { name, percent });
    },
    checking() {
      bar.removeAttribute("value");
      cancel.hidden = true;
      label.textContent = t("checking", { name });
    },
    failed(text, canRetry = true) {
      node.classList.add("failed");
      bar.hidden = true;
      cancel.hidden = true;
      retry.hidden = !canRetry;
      label.textContent = text;
    },
  };
}

/**
 * A checked file in the transcript: the thumbnail (a button opening the full image) of an image,
 * else a card with the name, size and a download button. view(id, thumbnail) → Promise<{url}>;
 * showImage(url, name) opens the full image (the console's lightbox), else a new tab.
 */
export function attachmentCard(attachment, { t, lang, view, showImage }) {
  const name = attachment.name;
  const open = async (thumbnail) => (await view(attachment.attachmentId, thumbnail)).url;
  if (attachment.thumbnail) {
    const img = make("img", { class: "attachment-thumb", alt: t("imageAlt", { name }), width: "160", height: "120" });
    const ratio = attachment.width && attachment.height ? attachment.height / attachment.width : 0.75;
    img.height = Math.round(160 * Math.min(ratio, 1.5));
    open(true).then((url) => (img.src = url), () => img.classList.add("broken"));
    const button = make("button", { type: "button", class: "attachment-image", "aria-label": t("open", { name }) }, img);
    button.addEventListener("click", async () => {
      const url = await open(false);
      if (showImage) showImage(url, name);
      else window.open(url, "_blank", "noopener");
    });
    return make("figure", { class: "attachment" }, button, make("figcaption", {}, make("bdi", {}, name)));
  }
  // The name is the visible text and so the accessible name (WCAG 2.5.3); what the button does is said after it.
  const download = make("button", { type: "button", class: "attachment-download", title: t("download", { name }) },
    svgIcon(FILE_ICON), make("span", { class: "attachment-name" }, make("bdi", {}, name)),
    make("span", { class: "attachment-size" }, sizeText(attachment.size, lang)),
    make("span", { class: "sr-only visually-hidden" }, ` ${t("downloadHint")}`));
  download.addEventListener("click", async () => {
    // Content-Disposition: attachment (signed into the URL): the browser saves it, never renders it here.
    const url = await open(false);
    const link = make("a", { href: url, rel: "noopener", download: name });
    document.body.append(link);
    link.click();
    link.remove();
  });
  return make("div", { class: "attachment attachment-file" }, download);
}

/** The files of a paste or a drop (a pasted screenshot has no name: it gets one). */
export function filesOf(transfer) {
  const files = [...(transfer?.files || [])];
  return files.map((file) => (file.name ? file : new File([file], "screenshot.png", { type: file.type })));
}
