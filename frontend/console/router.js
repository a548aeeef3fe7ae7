// The console's hash routing: `#/<view>/<params…>`; a view is mounted once, on its first visit, and
// kept (its DOM, state and socket listeners survive navigation); unknown routes show the chat view.
import { el } from "../shared/dom.js";

export function createRouter({ ctx, views, host, navLinks, onChat }) {
  const mounted = new Map();
  async function mountView(name) {
    if (!mounted.has(name)) {
      const section = el("section", { class: `view view-${name} hidden`, dataset: { view: name }, "aria-label": ctx.t(views[name].label) });
      host.append(section);
      const entry = { section, handle: null, ready: null };
      mounted.set(name, entry);
      entry.ready = views[name].load().then((mount) => mount(section, ctx)).then((handle) => (entry.handle = handle || {}));
    }
    const entry = mounted.get(name);
    await entry.ready;
    return entry;
  }
  let current = null;
  async function route() {
    const [name, ...params] = location.hash.replace(/^#\/?/, "").split("/");
    const target = views[name] ? name : "chat";
    for (const link of navLinks) link.toggleAttribute("aria-current", link.dataset.view === target);
    if (current && current !== target) {
      const previous = mounted.get(current);
      previous.section.classList.add("hidden");
      previous.handle?.hide?.();
    }
    current = target;
    const entry = await mountView(target);
    if (current !== target) return;
    entry.section.classList.remove("hidden");
    entry.handle?.show?.(params.map(decodeURIComponent));
    if (target === "chat") onChat();
  }
  window.addEventListener("hashchange", route);
  return { mountView, route };
}
