// The composer's "/" search over the largest list an agent can have (2,000 shared + 200 personal
// canned responses): time to build the index once, and per keystroke while typing Korean.
//
//     node bench/canned_search.mjs
//
// Needs the root package.json ("type": "module") so node reads frontend/*.js as ES modules.
// Prints figures only; never an assertion. The first round warms the JIT (and builds the syllable table).
import { buildCannedIndex, searchCanned } from "../frontend/shared/canned-search.js";

let seed = 22;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const syllable = () => String.fromCodePoint(0xac00 + Math.floor(random() * 11172));
const words = (chars) => Array.from({ length: chars }, (_, i) => (i % 5 === 4 ? " " : syllable())).join("");

function responses(textChars) {
  return Array.from({ length: 2200 }, (_, i) => ({ shortcut: `s${i}`, title: words(20), text: words(textChars) }));
}

const typing = ["ㅂ", "배", "뱃", "배소", "배송", "배송 ", "배송 ㅈ", "배송 지", "배송 지여", "배송 지연"];
const results = {};
for (const [name, chars] of [["warm-up", 200], ["typical (200-character texts)", 200], ["worst (2,000-character texts)", 2000]]) {
  const list = responses(chars);
  const before = process.memoryUsage().heapUsed;
  let started = performance.now();
  const index = buildCannedIndex(list);
  const buildMs = performance.now() - started;
  const heapMb = (process.memoryUsage().heapUsed - before) / 1e6;
  const perKey = [];
  for (const query of typing) {
    started = performance.now();
    searchCanned(index, query);
    perKey.push(performance.now() - started);
  }
  results[name] = {
    responses: list.length,
    build_ms: Math.round(buildMs),
    index_heap_mb: Math.round(heapMb),
    keystroke_ms_max: Math.round(Math.max(...perKey)),
    keystroke_ms_median: Math.round(perKey.sort((a, b) => a - b)[Math.floor(perKey.length / 2)]),
  };
}
console.log(JSON.stringify(results, null, 2));
