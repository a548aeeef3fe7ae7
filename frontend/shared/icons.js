// Inline SVG icons of the staff pages (console, admin), as the widget draws its own: no emoji glyph
// (an empty box on a machine without an emoji font). Built as SVG elements, never parsed markup.
// An icon is decoration (aria-hidden): the control that holds it carries the accessible name,
// e.g. el("button", {"aria-label": t("widgetLabel")}, icon("chat")).
const SVG = "http://www.w3.org/2000/svg";

// 24×24 paths, filled with currentColor.
const PATHS = {
  chat: "M5 3h14a3 3 0 0 1 3 3v9a3 3 0 0 1-3 3h-8l-5 4v-4H5a3 3 0 0 1-3-3V6a3 3 0 0 1 3-3zm2 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z",
  bell: "M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6v-5a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z",
  lock: "M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1h1zm2 0h6V7a3 3 0 0 0-6 0v3zm3 4a1.5 1.5 0 0 0-1 2.6V19h2v-2.4a1.5 1.5 0 0 0-1-2.6z",
};

export const ICON_NAMES = Object.keys(PATHS);

/** An <svg class="icon icon-{name}"> (decorative: name the control that holds it). */
export function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", `icon icon-${name}`);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const shape = document.createElementNS(SVG, "path");
  shape.setAttribute("d", PATHS[name]);
  shape.setAttribute("fill-rule", "evenodd");
  svg.append(shape);
  return svg;
}
