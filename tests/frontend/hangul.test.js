// node --test tests/frontend/hangul.test.js: Korean search as you type (issue 22).
import assert from "node:assert/strict";
import { test } from "node:test";

import { charKeys, findMatch, isHangulSyllable, searchIndex, startsWithJamo, toJamo } from "../../frontend/shared/hangul.js";

test("syllables decompose to compatibility jamo", () => {
  assert.equal(toJamo("가"), "ㄱㅏ");
  assert.equal(toJamo("강"), "ㄱㅏㅇ");
  assert.equal(toJamo("힣"), "ㅎㅣㅎ");
  assert.equal(toJamo("까"), "ㄲㅏ"); // a double consonant is one key (Shift)
  assert.equal(toJamo("있"), "ㅇㅣㅆ");
});

test("compound medials and finals split into the keys that type them", () => {
  const cases = {
    과: "ㄱㅗㅏ", 괘: "ㄱㅗㅐ", 괴: "ㄱㅗㅣ", 궈: "ㄱㅜㅓ", 궤: "ㄱㅜㅔ", 귀: "ㄱㅜㅣ", 긔: "ㄱㅡㅣ",
    닭: "ㄷㅏㄹㄱ", 앉: "ㅇㅏㄴㅈ", 않: "ㅇㅏㄴㅎ", 삶: "ㅅㅏㄹㅁ", 밟: "ㅂㅏㄹㅂ", 곬: "ㄱㅗㄹㅅ",
    핥: "ㅎㅏㄹㅌ", 읊: "ㅇㅡㄹㅍ", 싫: "ㅅㅣㄹㅎ", 없: "ㅇㅓㅂㅅ", 몫: "ㅁㅗㄱㅅ",
    // standalone compound jamo, as some IMEs leave them
    ㄳ: "ㄱㅅ", ㅘ: "ㅗㅏ", ㅢ: "ㅡㅣ",
  };
  for (const [text, keys] of Object.entries(cases)) assert.equal(toJamo(text), keys, text);
});

test("every one of the 11,172 syllables decomposes to 2-5 jamo keys", () => {
  for (let code = 0xac00; code <= 0xd7a3; code += 1) {
    const char = String.fromCodePoint(code);
    assert.ok(isHangulSyllable(char));
    const keys = charKeys(char);
    assert.ok(keys.length >= 2 && keys.length <= 5, char);
    assert.match(keys, /^[\u3131-\u3163]+$/u, char);
  }
  assert.equal(isHangulSyllable("ㄱ"), false);
  assert.equal(isHangulSyllable("a"), false);
});

test("decomposed (NFD) text reads like composed text", () => {
  assert.equal(toJamo("강남".normalize("NFD")), toJamo("강남"));
  assert.equal(toJamo("\u1100"), "ㄱ"); // a lone conjoining initial
  assert.equal(toJamo("\u1100\u1161\u11B0"), "ㄱㅏㄹㄱ"); // 갈ㄱ composed by NFC to 갉
});

test("Latin compares without case; other characters pass through", () => {
  assert.equal(toJamo("Hello, World 1!"), "hello, world 1!");
  assert.equal(toJamo(""), "");
  assert.equal(toJamo(null), "");
});

test("every state of the IME on the way to a word is a prefix of it", () => {
  // What the input shows, keystroke by keystroke, on the way to each word (2-beolsik).
  const typing = {
    강남: ["ㄱ", "가", "강", "강나", "강남"],
    과자: ["ㄱ", "고", "과", "괒", "과자"],
    달걀: ["ㄷ", "다", "달", "닭", "달갸", "달걀"],
    앉아: ["ㅇ", "아", "안", "앉", "앉아"],
    안자: ["ㅇ", "아", "안", "앉", "안자"],
    의사: ["ㅇ", "으", "의", "읫", "의사"],
    배송지연: ["ㅂ", "배", "뱃", "배소", "배송", "배송ㅈ", "배송지", "배송지여", "배송지연"],
  };
  for (const [word, states] of Object.entries(typing)) {
    for (const state of states) assert.ok(startsWithJamo(word, state), `${state} -> ${word}`);
  }
});

test("prefix matching still tells different words apart", () => {
  assert.equal(startsWithJamo("강남", "간"), false);
  assert.equal(startsWithJamo("과자", "괴"), false);
  assert.equal(startsWithJamo("가나", "각"), false);
  assert.equal(startsWithJamo("까치", "ㄱ"), false); // ㄲ is its own key
});

test("a match starts on a character and covers the characters it touches", () => {
  const index = searchIndex("서울 강남역 안내");
  assert.deepEqual(findMatch(toJamo("가"), index), { start: 3, end: 4 });
  assert.deepEqual(findMatch(toJamo("강남ㅇ"), index), { start: 3, end: 6 });
  // "ㄱ" must not match the final ㄱ of "악": only where a character begins.
  assert.equal(findMatch(toJamo("ㄱ"), searchIndex("악")), null);
  assert.deepEqual(findMatch(toJamo("ㄱ"), searchIndex("악기")), { start: 1, end: 2 });
  assert.equal(findMatch("", index), null);
});

test("word-start matching skips matches inside a word", () => {
  const index = searchIndex("환불안내 안내문");
  assert.deepEqual(findMatch(toJamo("안내"), index), { start: 2, end: 4 });
  assert.deepEqual(findMatch(toJamo("안내"), index, { wordStart: true }), { start: 5, end: 7 });
  assert.equal(findMatch(toJamo("불"), searchIndex("환불"), { wordStart: true }), null);
});

test("offsets are UTF-16 indices of the original, emoji included", () => {
  const index = searchIndex("😀 Refund 환불");
  const latin = findMatch(toJamo("ref"), index);
  assert.equal(index.source.slice(latin.start, latin.end), "Ref");
  const korean = findMatch(toJamo("환부"), index); // 환불 on the way: 화, 환, 환부, 환불
  assert.equal(index.source.slice(korean.start, korean.end), "환불");
});
