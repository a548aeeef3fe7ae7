// One string catalogue per page: {ko: {...}, en: {...}}. Korean unless the user chose English
// (stored) or neither the page nor the browser is Korean.
const STORAGE_KEY = "livechat.lang";

export function pickLanguage() {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === "ko" || stored === "en") return stored;
  const page = (document.documentElement.lang || "").toLowerCase();
  if (page.startsWith("ko")) return "ko";
  return (navigator.language || "ko").toLowerCase().startsWith("ko") ? "ko" : "en";
}

export function createI18n(catalogue, lang = pickLanguage()) {
  const strings = catalogue[lang] || catalogue.ko;
  const t = (key, vars = {}) => {
    const template = strings[key] ?? catalogue.ko[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
  };
  return {
    lang,
    t,
    setLanguage(next) {
      localStorage.setItem(STORAGE_KEY, next);
      location.reload();
    },
  };
}
