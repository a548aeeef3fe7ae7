// The canned-response editor's rules that need no page (node --test imports them), for the admin
// page's shared responses and the console's own ones alike: the server's limits, the variables, the
// server's refusal reasons in the page's language, the filter's categories and the ↑/↓ reorder.
// The server's limits (chalicelib/domain/canned.py); the server checks them again.
export const CANNED_LIMITS = { title: 100, shortcut: 30, category: 50, text: 2000 };
export const CANNED_FIELDS = ["title", "shortcut", "category", "text"];
export const VARIABLES = ["{{customer.name}}", "{{agent.displayName}}", "{{chat.inquiryType}}", "{{today}}"];

/**
 * The server's English reason for a refused field (domain/canned.py, canned_csv.py) as a sentence in
 * the page's language; the code's generic sentence when the reason is not one we know.
 */
export function cannedReason(error, tr, fallback) {
  const message = String(error?.message || "");
  const unknown = message.match(/unknown variable (\{\{.*?\}\})/);
  if (unknown) {
    const suggestion = message.match(/did you mean (\{\{[^}]*\}\})/);
    return (
      tr("cannedUnknownVariable", { name: unknown[1] }) +
      (suggestion ? " " + tr("cannedDidYouMean", { name: suggestion[1] }) : "") +
      " " +
      tr("cannedVariablesAre", { list: VARIABLES.join(", ") })
    );
  }
  if (/opens no variable|closes no variable|stray brace/.test(message)) return tr("cannedStrayBrace", { example: "{{customer.name}}" });
  if (/has the same shortcut/.test(message)) return tr("cannedDuplicateInFile", { row: message.match(/row (\d+)/)?.[1] || "" });
  if (error?.code === "conflict" && error?.field === "shortcut") return tr("cannedShortcutTaken");
  if (/may hold only letters/.test(message)) return tr("cannedShortcutRule");
  const longer = message.match(/longer than ([\d,]+) characters/);
  if (longer || error?.code === "too_long") return tr("tooLong", { max: longer ? longer[1] : "" });
  if (/is required|must not be empty/.test(message)) return tr("required");
  if (/single line/.test(message)) return tr("cannedOneLine");
  if (/control characters/.test(message)) return tr("cannedControl");
  if (/unknown column/.test(message)) return tr("cannedUnknownColumn", { name: message.match(/'([^']*)'/)?.[1] || "" });
  if (/is missing/.test(message)) return tr("cannedMissingColumn", { name: message.match(/'([^']*)'/)?.[1] || "" });
  if (/cells, but the header/.test(message)) return tr("cannedCellCount");
  if (/neither UTF-8 nor CP949|not a readable CSV|file is empty/.test(message)) return tr("cannedBadFile");
  if (/at most [\d,]+ shared/.test(message)) return tr("cannedLimitReached_shared");
  if (/at most [\d,]+ personal/.test(message)) return tr("cannedLimitReached_personal");
  return fallback(error);
}

/** Distinct categories in their first order (empty ones left out). */
export function categoriesOf(responses) {
  return [...new Set(responses.map((r) => r.category).filter(Boolean))];
}

/** The ids after moving `id` by `delta` past its nearest neighbour that `visible` keeps. */
export function movedIds(ids, id, delta, visible = () => true) {
  const order = [...ids];
  const from = order.indexOf(id);
  let to = from + delta;
  while (to >= 0 && to < order.length && !visible(order[to])) to += delta;
  if (from < 0 || to < 0 || to >= order.length) return order;
  [order[from], order[to]] = [order[to], order[from]];
  return order;
}

