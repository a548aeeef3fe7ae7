// What every section of the admin page shares: the page's i18n (strings.js through
// /shared/i18n.js), the settings' limits, labelled fields with an error line, and the checks more
// than one section makes.
import { describeError } from "/shared/errors.js";
import { createI18n } from "/shared/i18n.js";
import { el } from "/shared/dom.js";
import { strings } from "./strings.js";

export const i18n = createI18n(strings);
export const { t } = i18n;
export const NAME_MAX = 100;
export const TEXT_LIMITS = { consentText: 5000, absenceMessage: 1000, greeting: 1000, ratingRequestText: 500 };
// Customer-facing texts: Korean (required) and English (`…En`, optional: empty shows the Korean one).
export const ENGLISH = Object.fromEntries(Object.entries(TEXT_LIMITS).map(([name, limit]) => [`${name}En`, limit]));
export const ALL_TEXTS = { ...TEXT_LIMITS, ...ENGLISH };
export const BOOLEANS = ["chatEnabled", "securityService", "autoMaskPii", "agentsMayExport"];
export const TYPE_KINDS = [
  { key: "inquiry", names: "inquiryTypes", catalog: "inquiryTypeCatalog" },
  { key: "processing", names: "processingTypes", catalog: "processingTypeCatalog" },
];

// Server codes and Cognito failures in the page's language (shared/errors.js); never the server's English.
export function errorText(error) {
  return describeError(error, i18n.lang);
}

export function languageSwitch() {
  const select = el(
    "select",
    { id: "language", onchange: (event) => i18n.setLanguage(event.target.value) },
    el("option", { value: "ko", selected: i18n.lang === "ko" }, "한국어"),
    el("option", { value: "en", selected: i18n.lang === "en" }, "English"),
  );
  return el("div", { class: "language" }, el("label", { for: "language" }, t("language")), select);
}

export function field(id, labelText, control, help) {
  const error = el("p", { class: "field-error", id: `${id}-error`, "aria-live": "polite" });
  control.id = id;
  control.setAttribute("aria-describedby", [help ? `${id}-help` : "", `${id}-error`].join(" ").trim());
  return {
    node: el(
      "div",
      { class: "field" },
      el("label", { for: id }, labelText),
      control,
      help ? el("p", { class: "help", id: `${id}-help` }, help) : null,
      error,
    ),
    control,
    error,
  };
}

// What customers see: never an e-mail address, at most 100 characters (the server refuses the same).
export function displayNameProblem(value) {
  if ([...value].length > NAME_MAX) return t("tooLong", { max: NAME_MAX });
  if (/[^@\s]@[^@\s]/.test(value)) return t("displayNameEmail");
  return "";
}

export function checkbox(id, labelText) {
  const control = el("input", { id, type: "checkbox" });
  return { node: el("div", { class: "check" }, control, el("label", { for: id }, labelText)), control };
}
