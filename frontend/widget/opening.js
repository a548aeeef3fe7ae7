// When chat opens next, as the out-of-hours view shows it: the instant in the customer's zone and in
// the service's, each labelled with its place ("베를린 시간", "Seoul time") and UTC offset. Pure: the
// same rows for the same input, so tests/frontend checks it without a browser.

// Korean names of the places customers most often write from (Intl has no exemplar-city names);
// any other zone is labelled with the browser's own localized name for it.
const KO_CITIES = {
  "Asia/Seoul": "서울", "Asia/Tokyo": "도쿄", "Asia/Shanghai": "상하이", "Asia/Hong_Kong": "홍콩",
  "Asia/Taipei": "타이베이", "Asia/Singapore": "싱가포르", "Asia/Bangkok": "방콕", "Asia/Ho_Chi_Minh": "호찌민",
  "Asia/Manila": "마닐라", "Asia/Jakarta": "자카르타", "Asia/Kolkata": "콜카타", "Asia/Dubai": "두바이",
  "Europe/London": "런던", "Europe/Paris": "파리", "Europe/Berlin": "베를린", "Europe/Madrid": "마드리드",
  "Europe/Rome": "로마", "Europe/Amsterdam": "암스테르담", "Europe/Moscow": "모스크바",
  "America/New_York": "뉴욕", "America/Chicago": "시카고", "America/Denver": "덴버",
  "America/Los_Angeles": "로스앤젤레스", "America/Toronto": "토론토", "America/Vancouver": "밴쿠버",
  "America/Sao_Paulo": "상파울루", "Australia/Sydney": "시드니", "Australia/Melbourne": "멜버른",
  "Pacific/Auckland": "오클랜드", "Pacific/Honolulu": "호놀룰루", "UTC": "UTC", "Etc/UTC": "UTC",
};

function localeOf(lang) {
  return lang === "ko" ? "ko-KR" : "en-GB";
}

function zonePart(epochMs, timeZone, lang, style) {
  const parts = new Intl.DateTimeFormat(localeOf(lang), { timeZone, timeZoneName: style }).formatToParts(new Date(epochMs));
  return parts.find((p) => p.type === "timeZoneName")?.value || "";
}

/** "서울 시간" / "Seoul time": the zone's place; a zone without one (Etc/GMT+3) by its localized name. */
export function zoneLabel(timeZone, lang, epochMs = Date.now()) {
  const city = timeZone.includes("/") && !timeZone.startsWith("Etc/") ? timeZone.split("/").pop().replaceAll("_", " ") : null;
  if (lang === "ko") {
    const name = KO_CITIES[timeZone];
    return name ? `${name} 시간` : zonePart(epochMs, timeZone, lang, "longGeneric") || timeZone;
  }
  return city ? `${city} time` : zonePart(epochMs, timeZone, lang, "longGeneric") || timeZone;
}

/** The date and time at `epochMs` in `timeZone`: "3월 29일 (일) 오전 10:30" / "Sun 29 March, 10:30";
 * the year only when it is not the current one there. */
export function formatOpening(epochMs, timeZone, lang, nowMs = Date.now()) {
  const year = (ms) => new Intl.DateTimeFormat("en", { timeZone, year: "numeric" }).format(new Date(ms));
  const options = { timeZone, weekday: "short", month: "long", day: "numeric", minute: "2-digit" };
  // Korean readers expect 오전/오후; English (en-GB, as the widget's message times) the 24-hour clock.
  Object.assign(options, lang === "ko" ? { hour: "numeric" } : { hour: "2-digit", hourCycle: "h23" });
  if (year(epochMs) !== year(nowMs)) options.year = "numeric";
  return new Intl.DateTimeFormat(localeOf(lang), options).format(new Date(epochMs));
}

/**
 * The rows of the out-of-hours view for a `nextOpening` ({at, serviceTimeZone, customerTimeZone}):
 * the customer's own zone first, then the service's; one row when they are the same zone.
 * Each row: {zone, label, offset ("GMT+9"), time, whose: "customer" | "service" | "both"}.
 */
export function openingRows(nextOpening, lang, nowMs = Date.now()) {
  if (!nextOpening || typeof nextOpening.at !== "number") return [];
  const { at, serviceTimeZone } = nextOpening;
  const customerTimeZone = nextOpening.customerTimeZone || serviceTimeZone;
  const row = (zone, whose) => ({
    zone,
    whose,
    label: zoneLabel(zone, lang, at),
    offset: zonePart(at, zone, lang, "shortOffset"),
    time: formatOpening(at, zone, lang, nowMs),
  });
  if (customerTimeZone === serviceTimeZone) return [row(serviceTimeZone, "both")];
  return [row(customerTimeZone, "customer"), row(serviceTimeZone, "service")];
}

/** The browser's zone for `?timeZone=` and `customerTimeZone` (undefined when it cannot say). */
export function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}
