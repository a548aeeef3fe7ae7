// What a failed request says to staff, in the page's language: the server's documented error codes
// (docs/protocol.md#error-codes) each get a sentence; the server's English `message` is for logs
// and developers, never for the screen.
import { createI18n } from "./i18n.js";

export const ERROR_STRINGS = {
  ko: {
    network: "서버에 연결할 수 없습니다. 네트워크 연결을 확인한 뒤 다시 시도해 주세요.",
    unauthorized: "로그인이 끝났습니다. 다시 로그인해 주세요.",
    forbidden: "이 작업을 할 권한이 없습니다.",
    not_found: "찾을 수 없습니다. 이미 지워졌거나 바뀌었을 수 있습니다.",
    conflict: "다른 곳에서 먼저 바뀌었습니다. 새로 고친 뒤 다시 시도해 주세요.",
    invalid_field: "입력한 값이 올바르지 않습니다. 확인한 뒤 다시 시도해 주세요.",
    too_long: "내용이 너무 깁니다. 줄여서 다시 시도해 주세요.",
    payload_too_large: "보내는 내용이 너무 큽니다. 줄여서 다시 시도해 주세요.",
    conversation_ended: "이미 끝난 상담입니다.",
    not_assigned: "아직 상담원이 배정되지 않은 채팅입니다.",
    rate_limited: "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
    unavailable: "서비스를 잠시 사용할 수 없습니다. 잠시 후 다시 시도해 주세요.",
    crypto_unavailable: "보안 서비스(암호화)를 잠시 사용할 수 없습니다. 잠시 후 다시 시도해 주세요.",
    internal: "서버에 문제가 생겼습니다. 잠시 후 다시 시도해 주세요.",
    unknown: "요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.",
  },
  en: {
    network: "Cannot reach the server. Check your network connection and try again.",
    unauthorized: "Your session has ended. Please sign in again.",
    forbidden: "You are not allowed to do this.",
    not_found: "Not found. It may have been removed or changed.",
    conflict: "It was changed elsewhere first. Reload and try again.",
    invalid_field: "A value is not valid. Check it and try again.",
    too_long: "This is too long. Shorten it and try again.",
    payload_too_large: "This is too large to send. Shorten it and try again.",
    conversation_ended: "This chat has already ended.",
    not_assigned: "This chat has no agent assigned yet.",
    rate_limited: "Too many requests. Please wait a moment and try again.",
    unavailable: "The service is unavailable right now. Please try again shortly.",
    crypto_unavailable: "The security service (encryption) is unavailable right now. Please try again shortly.",
    internal: "Something went wrong on the server. Please try again shortly.",
    unknown: "The request could not be completed. Please try again shortly.",
  },
};

const BY_STATUS = { 0: "network", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict", 413: "payload_too_large", 429: "rate_limited", 503: "unavailable" };

/** The sentence for a failure: an ApiError, an error frame ({code}) or anything thrown. */
export function describeError(error, lang) {
  const { t } = createI18n(ERROR_STRINGS, lang);
  const code = error?.code;
  if (code && code in ERROR_STRINGS.ko) return t(code);
  if (code === "http" || typeof error?.status === "number") return t(BY_STATUS[error.status] || (error.status >= 500 ? "internal" : "unknown"));
  if (error instanceof TypeError) return t("network"); // fetch without an answer
  return t("unknown");
}
