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

function syllableKeys(code) {
  const offset = code - SYLLABLE_FIRST;
  const initial = INITIALS[Math.floor(offset / 588)];
  const medial = MEDIALS[Math.floor((offset % 588) / 28)];
  const final = FINALS[offset % 28];
  return initial + splitCompound(medial) + splitCompound(final);
}

// All 11,172 syllables' keys, computed on first use: indexing 2,000 long responses then costs a
// table look-up per character.
let syllableTable = null;

// One character as its search keys: a syllable as its jamo, a jamo split into its keys, Latin
// lowercased. Always at least one key, so every character has a position in the key string.
export function charKeys(char) {
  const code = char.codePointAt(0);
  if (code >= SYLLABLE_FIRST && code <= SYLLABLE_LAST) {
    if (!syllableTable) {
      syllableTable = Array.from({ length: SYLLABLE_LAST - SYLLABLE_FIRST + 1 }, (_, i) => syllableKeys(SYLLABLE_FIRST + i));
    }
    return syllableTable[code - SYLLABLE_FIRST];
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
  return char.toLowerCase() || char;
}

// The whole text as search keys (what `startsWithJamo` and `searchIndex` compare).
export function toJamo(text) {
  const pieces = [];
  for (const char of String(text ?? "").normalize("NFC")) pieces.push(charKeys(char));
  return pieces.join("");
}

// A text prepared for repeated searching: its keys, and how many keys each of its characters
// (code points) gave, so a match can be mapped back to the original and highlighted. One byte per
// character, not an array per key: 2,200 responses of 2,000 characters stay a few MB.
export function searchIndex(text) {
  const source = String(text ?? "").normalize("NFC");
  const pieces = [];
  const keyLengths = new Uint8Array(source.length); // at most one per UTF-16 unit; trailing zeros unused
  let char = 0;
  for (const piece of source) {
    const keys = charKeys(piece);
    pieces.push(keys);
    keyLengths[char] = keys.length;
    char += 1;
  }
  return { source, keys: pieces.join(""), keyLengths };
}

function isWordChar(char) {
  return /[\p{L}\p{N}]/u.test(char);
}

function widthAt(source, unit) {
  return source.codePointAt(unit) > 0xffff ? 2 : 1;
}

// The first place `queryKeys` (from `toJamo`) occurs in an indexed text, starting on a character
// (so "ㄱ" never matches the final ㄱ of "악"), or null. With `wordStart`, only where a word begins.
// The range is in the indexed text's UTF-16 indices and covers every character the match touches:
// "가" typed against "강남" highlights "강". One walk along the text, however many candidates.
export function findMatch(queryKeys, index, { wordStart = false } = {}) {
  if (!queryKeys) return null;
  const { source, keys, keyLengths } = index;
  let key = 0; // the walker: the key offset, UTF-16 offset and number of character `char`
  let unit = 0;
  let char = 0;
  for (let at = keys.indexOf(queryKeys); at >= 0; at = keys.indexOf(queryKeys, at + 1)) {
    while (key + keyLengths[char] <= at) {
      key += keyLengths[char];
      unit += widthAt(source, unit);
      char += 1;
    }
    if (key !== at) continue; // inside a character
    if (wordStart && unit > 0 && isWordChar(source[unit - 1])) continue;
    const endKey = at + queryKeys.length;
    let lastKey = key;
    let lastUnit = unit;
    let lastChar = char;
    while (lastKey + keyLengths[lastChar] < endKey) {
      lastKey += keyLengths[lastChar];
      lastUnit += widthAt(source, lastUnit);
      lastChar += 1;
    }
    return { start: unit, end: lastUnit + widthAt(source, lastUnit) };
  }
  return null;
}

// Whether `text` begins with what `query` would become as typing goes on.
export function startsWithJamo(text, query) {
  return toJamo(text).startsWith(toJamo(query));
}
