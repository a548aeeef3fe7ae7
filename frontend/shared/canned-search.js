// The composer's "/" search over canned responses: shortcut, title and text, Korean matched as typed
// (see hangul.js), Latin without case. Pure: no DOM.
//
// Ranking, best first (a response appears once, at its best tier):
//   0 the shortcut is the query          3 the title has a word starting with it
//   1 the shortcut starts with it        4 the title has it (from any character)
//   2 the title starts with it           5 the shortcut has it      6 the text has it
// Within a tier: the earlier match, then the shorter field (a closer match), then the order given
// (the admin's order; the caller puts personal responses first if it wants them first).
// A leading "/" in the query is ignored and runs of spaces count as one.
import { findMatch, searchIndex, toJamo } from "./hangul.js";

export const DEFAULT_LIMIT = 20;

export const TIER = Object.freeze({
  SHORTCUT_EXACT: 0,
  SHORTCUT_PREFIX: 1,
  TITLE_PREFIX: 2,
  TITLE_WORD: 3,
  TITLE_ANYWHERE: 4,
  SHORTCUT_ANYWHERE: 5,
  TEXT: 6,
});

export function normaliseQuery(query) {
  return String(query ?? "").replace(/^\s*\//, "").replace(/\s+/g, " ").trim();
}

// Build once per list (2,000 shared + 200 personal): each keystroke then only compares strings.
export function buildCannedIndex(responses) {
  return responses.map((response, order) => ({
    response,
    order,
    shortcut: searchIndex(response.shortcut ?? ""),
    title: searchIndex(response.title ?? ""),
    text: searchIndex(String(response.text ?? "").replace(/\s+/g, " ")),
  }));
}

function bestMatch(entry, keys) {
  const shortcut = findMatch(keys, entry.shortcut);
  if (shortcut && shortcut.start === 0) {
    const exact = entry.shortcut.keys === keys;
    return { tier: exact ? TIER.SHORTCUT_EXACT : TIER.SHORTCUT_PREFIX, field: "shortcut", ...shortcut };
  }
  const title = findMatch(keys, entry.title);
  if (title) {
    if (title.start === 0) return { tier: TIER.TITLE_PREFIX, field: "title", ...title };
    const word = findMatch(keys, entry.title, { wordStart: true });
    if (word) return { tier: TIER.TITLE_WORD, field: "title", ...word };
    return { tier: TIER.TITLE_ANYWHERE, field: "title", ...title };
  }
  if (shortcut) return { tier: TIER.SHORTCUT_ANYWHERE, field: "shortcut", ...shortcut };
  const text = findMatch(keys, entry.text);
  if (text) return { tier: TIER.TEXT, field: "text", ...text };
  return null;
}

// Matching responses in a built index, best first: [{response, tier, field, fieldText, start,
// end}]. start/end is the matched range in fieldText (the field as given; for text, with runs of
// whitespace as one space) for highlighting. An empty query lists every response in the order given.
export function searchCanned(index, query, { limit = DEFAULT_LIMIT } = {}) {
  const keys = toJamo(normaliseQuery(query));
  if (!keys) {
    return index
      .slice(0, limit)
      .map((entry) => ({ response: entry.response, tier: null, field: null, fieldText: "", start: 0, end: 0 }));
  }
  const hits = [];
  for (const entry of index) {
    const match = bestMatch(entry, keys);
    if (match) hits.push({ entry, match });
  }
  hits.sort(
    (a, b) =>
      a.match.tier - b.match.tier ||
      a.match.start - b.match.start ||
      a.entry[a.match.field].source.length - b.entry[b.match.field].source.length ||
      a.entry.order - b.entry.order,
  );
  return hits
    .slice(0, limit)
    .map(({ entry, match }) => ({ response: entry.response, fieldText: entry[match.field].source, ...match }));
}

// One-off search over plain responses (tests, small lists); the composer keeps the built index.
export function rankCanned(responses, query, options) {
  return searchCanned(buildCannedIndex(responses), query, options);
}
