// The widget's limits and checks (the server's: docs/protocol.md, docs/api.md). Pure, no DOM.
export const LIMITS = { name: 100, email: 254, title: 200, content: 10000, message: 2000 };
// The counter shows from here on; the server counts Unicode code points of the trimmed text, so do we.
export const COUNTER_FROM = 1800;
export const codePoints = (text) => [...text].length;
export const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/;
