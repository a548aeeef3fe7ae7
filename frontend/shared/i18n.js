// The one i18n of every front end (console, admin, widget): each UI keeps its own string tables
// ({ko: {...}, en: {...}}) and translates them here. Korean first, English second.
// This module imports nothing and touches the page only in the functions that pick a language,
// so the widget can load it too (frontend/widget/i18n.js is a link to this file: the widget's files
// must all live under /widget/, the one path other sites may load) and node --test can import it.
export const LANGUAGES = ["ko", "en"];
const STORAGE_KEY = "livechat.lang";

/** "{n} / {max}" with vars filled in; a placeholder without a value becomes empty. */
export function format(template, vars = {}) {
  return String(template).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** t(key, vars) over one catalogue in `lang`: the Korean text when `lang` lacks the key, else the key. */
export function translator(catalogue, lang) {
  const strings = catalogue[lang] || catalogue.ko || {};
  const korean = catalogue.ko || {};
  return (key, vars = {}) => format(strings[key] ?? korean[key] ?? key, vars);
}

const isKorean = (tag) => String(tag || "").toLowerCase().startsWith("ko");

/**
 * The staff pages' language: the user's stored choice, else Korean when the page or the browser is
 * Korean, else English. `env` is for tests; pages pass nothing.
 */
export function pickLanguage(env = browserEnv()) {
  const stored = env.stored;
  if (stored === "ko" || stored === "en") return stored;
  if (isKorean(env.pageLang)) return "ko";
  return isKorean(env.browserLanguage || "ko") ? "ko" : "en";
}

/**
 * The widget's language: Korean or English when asked for (the customer's switch, else the embed's
 * data-lang), else Korean when the page or any of the browser's languages is Korean; English otherwise.
 */
export function pickWidgetLanguage(requested, env = browserEnv()) {
  const wanted = String(requested || "").toLowerCase();
  if (wanted === "ko" || wanted === "en") return wanted;
  if (isKorean(env.pageLang)) return "ko";
  const browser = env.browserLanguages?.length ? env.browserLanguages : [""];
  return browser.some(isKorean) ? "ko" : "en";
}

function storedLanguage() {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null; // storage refused (privacy settings): no stored choice
  }
}

function browserEnv() {
  const nav = globalThis.navigator || {};
  return {
    stored: storedLanguage(),
    pageLang: globalThis.document?.documentElement?.lang || "",
    browserLanguage: nav.language || "",
    browserLanguages: nav.languages?.length ? [...nav.languages] : [nav.language || ""],
  };
}

/**
 * A text the staff wrote for customers ({ko, en}, or a plain Korean string from an older server) in
 * `lang`: {text, lang}, where lang is the language the text is really in. When there is no version in
 * `lang` the other one is shown, and its lang tells the screen reader so (WCAG 3.1.2).
 */
export function localized(texts, lang) {
  const versions = typeof texts === "string" ? { ko: texts } : texts || {};
  if (versions[lang]) return { text: versions[lang], lang };
  const other = LANGUAGES.find((code) => code !== lang && versions[code]);
  return other ? { text: versions[other], lang: other } : { text: "", lang };
}

/** A staff page's i18n: {lang, t, setLanguage(next)} (the choice is stored, then the page reloads). */
export function createI18n(catalogue, lang = pickLanguage()) {
  return {
    lang,
    t: translator(catalogue, lang),
    setLanguage(next) {
      localStorage.setItem(STORAGE_KEY, next);
      location.reload();
    },
  };
}
