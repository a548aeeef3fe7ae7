// ESLint for the static front ends (frontend/, plain ES modules served as they are) and their
// node tests (tests/frontend/). `make lint-js` runs it; `make test` too.
import js from "@eslint/js";
import globals from "globals";

// Text from people is inserted as text, never parsed as HTML (../shared/DESIGN.md): no HTML sinks.
const HTML_SINK = "is an HTML sink: build nodes with el()/h() and insert text as text.";
const noHtmlSinks = {
  "no-restricted-properties": [
    "error",
    { property: "innerHTML", message: `innerHTML ${HTML_SINK}` },
    { property: "outerHTML", message: `outerHTML ${HTML_SINK}` },
    { property: "insertAdjacentHTML", message: `insertAdjacentHTML ${HTML_SINK}` },
    { property: "createContextualFragment", message: `createContextualFragment ${HTML_SINK}` },
    { object: "document", property: "write", message: `document.write ${HTML_SINK}` },
    { object: "document", property: "writeln", message: `document.writeln ${HTML_SINK}` },
  ],
  "no-restricted-syntax": [
    "error",
    // Also as a computed or destructured name (el["innerHTML"] = …, {innerHTML} = el).
    { selector: "MemberExpression[computed=true][property.value=/^(innerHTML|outerHTML|insertAdjacentHTML)$/]", message: HTML_SINK },
    { selector: "Property[key.name=/^(innerHTML|outerHTML)$/]", message: `innerHTML/outerHTML as an attribute ${HTML_SINK}` },
    { selector: "CallExpression[callee.name='eval']", message: "no eval (script-src 'self')." },
    { selector: "NewExpression[callee.name='Function']", message: "no new Function (script-src 'self')." },
  ],
};

export default [
  { ignores: ["node_modules/", ".venv/", "build/", "tests/browser/vendor/", "frontend/vendor/", "tests/artifacts/", "frontend/widget/i18n.js" /* a link to shared/i18n.js */, "frontend/widget/attachments.js" /* a link to shared/attachments.js */] },
  js.configs.recommended,
  {
    files: ["frontend/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.browser } },
    rules: {
      ...noHtmlSinks,
      "no-implied-eval": "error",
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "smart"],
      "no-var": "error",
      "prefer-const": "error",
      // The sizes issue #20 asks for: no function over ~150 lines, no module much over ~350.
      "max-lines-per-function": ["error", { max: 150 }],
      "max-lines": ["error", { max: 400 }],
    },
  },
  {
    // The embed snippet is a classic script (the host page needs no type="module").
    files: ["frontend/widget/widget.js"],
    languageOptions: { sourceType: "script" },
    rules: { "no-var": "off" },
  },
  {
    // Node: the unit tests, the config itself, the benchmarks' scripts.
    files: ["tests/frontend/**/*.{js,mjs}", "bench/**/*.{js,mjs}", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
    rules: noHtmlSinks,
  },
];
