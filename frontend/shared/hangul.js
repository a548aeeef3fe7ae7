// Hangul search as you type: text and query compared as compatibility jamo, so a half-typed query
// matches. While a Korean IME composes "강", the input holds "ㄱ", then "가", then "강"; each must
// already match "강남". Decomposed, "가" is ㄱㅏ and "강남" is ㄱㅏㅇㄴㅏㅁ: a prefix. Compound medials
// and finals are split into the keys that type them (ㅘ = ㅗㅏ, ㄺ = ㄹㄱ), because the IME shows "닭"
// on the way to "달걀" and "고" on the way to "과". Double consonants (ㄲ ㄸ ㅃ ㅆ ㅉ) are one key
// (Shift) and stay whole. Latin is compared case-insensitively. Pure: no DOM.

const SYLLABLE_FIRST = 0xac00;
const SYLLABLE_LAST = 0xd7a3;
const INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ";
const MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ";
const FINALS = ["", ..."ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"];

// Compound jamo as the two keys typed for them.
const COMPOUNDS = {
  ㅘ: "ㅗㅏ", ㅙ: "ㅗㅐ", ㅚ: "ㅗㅣ", ㅝ: "ㅜㅓ", ㅞ: "ㅜㅔ", ㅟ: "ㅜㅣ", ㅢ: "ㅡㅣ",
  ㄳ: "ㄱㅅ", ㄵ: "ㄴㅈ", ㄶ: "ㄴㅎ", ㄺ: "ㄹㄱ", ㄻ: "ㄹㅁ", ㄼ: "ㄹㅂ", ㄽ: "ㄹㅅ", ㄾ: "ㄹㅌ", ㄿ: "ㄹㅍ", ㅀ: "ㄹㅎ",
  ㅄ: "ㅂㅅ",
};

// Conjoining jamo (U+1100 block) that NFC leaves alone (an incomplete syllable from a decomposed
// source) read as the compatibility jamo a keyboard types.
const CONJOINING_INITIAL_FIRST = 0x1100; // ᄀ .. ᄒ, in INITIALS order
const CONJOINING_MEDIAL_FIRST = 0x1161; // ᅡ .. ᅵ, in MEDIALS order
const CONJOINING_FINAL_FIRST = 0x11a8; // ᆨ .. ᇂ, in FINALS order from index 1

function splitCompound(jamo) {
  return COMPOUNDS[jamo] || jamo;
}

export function isHangulSyllable(char) {
  const code = char.codePointAt(0);
  return code >= SYLLABLE_FIRST && code <= SYLLABLE_LAST;
}

// One character as its search keys: a syllable as its jamo, a jamo split into its keys, Latin
// lowercased. Always at least one key, so every character has a position in the key string.
export function charKeys(char) {
  const code = char.codePointAt(0);
  if (code >= SYLLABLE_FIRST && code <= SYLLABLE_LAST) {
    const offset = code - SYLLABLE_FIRST;
    const initial = INITIALS[Math.floor(offset / 588)];
    const medial = MEDIALS[Math.floor((offset % 588) / 28)];
    const final = FINALS[offset % 28];
    return initial + splitCompound(medial) + splitCompound(final);
  }
  if (code >= CONJOINING_INITIAL_FIRST && code < CONJOINING_INITIAL_FIRST + INITIALS.length) {
    return INITIALS[code - CONJOINING_INITIAL_FIRST];
  }
  if (code >= CONJOINING_MEDIAL_FIRST && code < CONJOINING_MEDIAL_FIRST + MEDIALS.length) {
    return splitCompound(MEDIALS[code - CONJOINING_MEDIAL_FIRST]);
  }
  if (code >= CONJOINING_FINAL_FIRST && code < CONJOINING_FINAL_FIRST + FINALS.length - 1) {
    return splitCompound(FINALS[code - CONJOINING_FINAL_FIRST + 1]);
  }
  if (COMPOUNDS[char]) return COMPOUNDS[char];
  const lower = char.toLowerCase();
  return lower || char;
}

// The whole text as search keys (what `startsWithJamo` and `searchIndex` compare).
export function toJamo(text) {
  let keys = "";
  for (const char of String(text ?? "").normalize("NFC")) keys += charKeys(char);
  return keys;
}

// A text prepared for repeated searching: its keys, and for each key position the character
// (UTF-16 range in the NFC text) it came from, so a match can be highlighted in the original.
export function searchIndex(text) {
  const source = String(text ?? "").normalize("NFC");
  let keys = "";
  const charStart = []; // per key position: index in `source` of its character
  const charEnd = [];
  const isCharStart = []; // per key position: the first key of its character
  let at = 0;
  for (const char of source) {
    const piece = charKeys(char);
    for (let i = 0; i < piece.length; i += 1) {
      charStart.push(at);
      charEnd.push(at + char.length);
      isCharStart.push(i === 0);
    }
    keys += piece;
    at += char.length;
  }
  return { source, keys, charStart, charEnd, isCharStart };
}

function isWordChar(char) {
  return /[\p{L}\p{N}]/u.test(char);
}

// The first place `queryKeys` (from `toJamo`) occurs in an indexed text, starting on a character
// (so "ㄱ" never matches the final ㄱ of "악"), or null. With `wordStart`, only where a word begins.
// The range is in the indexed text's UTF-16 indices and covers every character the match touches:
// "가" typed against "강남" highlights "강".
export function findMatch(queryKeys, index, { wordStart = false } = {}) {
  if (!queryKeys) return null;
  let from = 0;
  for (;;) {
    const at = index.keys.indexOf(queryKeys, from);
    if (at < 0) return null;
    if (index.isCharStart[at]) {
      const start = index.charStart[at];
      if (!wordStart || start === 0 || !isWordChar(index.source[start - 1])) {
        return { start, end: index.charEnd[at + queryKeys.length - 1] };
      }
    }
    from = at + 1;
  }
}

// Whether `text` begins with what `query` would become as typing goes on.
export function startsWithJamo(text, query) {
  return toJamo(text).startsWith(toJamo(query));
}
