// The admin page's inquiry / processing type catalogue editor: a Korean and an English name per
// type, rename in place, ↑/↓ to reorder, retire/restore, add (Enter); ids kept.
import { clear, el } from "/shared/dom.js";
import { NAME_MAX, t } from "./page.js";

/** ↑ / ↓ / 폐지·복원 of one type (move(delta) makes the handler that swaps it with a neighbour). */
function typeActions(item, index, count, name, move, toggleRetired) {
  return el(
    "span",
    { class: "type-actions" },
    el(
      "button",
      {
        type: "button",
        "aria-label": t("moveUpLabel", { name }),
        disabled: index === 0,
        dataset: { move: "-1", index: String(index) },
        onclick: move(-1),
      },
      t("moveUp"),
    ),
    el(
      "button",
      {
        type: "button",
        "aria-label": t("moveDownLabel", { name }),
        disabled: index === count - 1,
        dataset: { move: "1", index: String(index) },
        onclick: move(1),
      },
      t("moveDown"),
    ),
    el(
      "button",
      {
        type: "button",
        "aria-label": t(item.retired ? "restoreLabel" : "retireLabel", { name }),
        dataset: { retire: String(index) },
        onclick: toggleRetired,
      },
      t(item.retired ? "restore" : "retire"),
    ),
  );
}

export function typeEditor(kind, legend) {
  let items = [];
  const list = el("ol", { class: "types" });
  const error = el("p", { class: "field-error", id: `types-${kind}-error`, "aria-live": "polite" });
  const addInput = el("input", { id: `types-${kind}-new`, maxlength: String(NAME_MAX) });
  const editor = { onchange: () => {} };

  function render(focusSelector) {
    clear(list);
    items.forEach((item, index) => {
      const name = item.name || "…";
      const input = el("input", {
        value: item.name,
        lang: "ko",
        maxlength: String(NAME_MAX),
        "aria-label": t("typeName", { kind: legend, n: index + 1 }),
        dataset: { index: String(index) },
        oninput: (event) => {
          item.name = event.target.value;
          editor.onchange();
        },
      });
      const inputEn = el("input", {
        class: "type-name-en",
        value: item.nameEn || "",
        lang: "en",
        maxlength: String(NAME_MAX),
        "aria-label": t("typeNameEn", { kind: legend, n: index + 1 }),
        dataset: { indexEn: String(index) },
        oninput: (event) => {
          item.nameEn = event.target.value;
          editor.onchange();
        },
      });
      const move = (delta) => () => {
        const target = index + delta;
        if (target < 0 || target >= items.length) return;
        [items[index], items[target]] = [items[target], items[index]];
        render(`[data-move="${delta}"][data-index="${target}"]`);
        editor.onchange();
      };
      list.append(
        el(
          "li",
          { class: item.retired ? "retired" : "" },
          input,
          inputEn,
          item.retired ? el("span", { class: "badge" }, t("retired")) : null,
          item.formerNames?.length
            ? el("span", { class: "former" }, t("formerNames", { names: item.formerNames.join(", ") }))
            : null,
          typeActions(item, index, items.length, name, move, () => {
            item.retired = !item.retired;
            render(`[data-retire="${index}"]`);
            editor.onchange();
          }),
        ),
      );
    });
    if (focusSelector) list.querySelector(focusSelector)?.focus();
  }

  function add() {
    const name = addInput.value.trim();
    if (!name) return;
    items.push({ name, retired: false, formerNames: [] });
    addInput.value = "";
    render();
    editor.onchange();
    addInput.focus();
  }
  addInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      add();
    }
  });

  editor.node = el(
    "fieldset",
    { class: "type-editor", "aria-describedby": `types-${kind}-error` },
    el("legend", {}, legend),
    list,
    el(
      "div",
      { class: "add-type" },
      el("label", { for: `types-${kind}-new` }, t("newType", { kind: legend })),
      addInput,
      el("button", { type: "button", id: `types-${kind}-add`, onclick: add }, t("addType")),
    ),
    error,
  );
  editor.set = (catalog) => {
    items = catalog.map((entry) => ({ ...entry, formerNames: [...(entry.formerNames || [])] }));
    render();
  };
  editor.value = () =>
    items.map(({ id, name, nameEn, retired }) => {
      const entry = { name: name.trim(), nameEn: (nameEn || "").trim(), retired };
      return id ? { id, ...entry } : entry;
    });
  editor.validate = () => {
    const names = items.map((item) => item.name.trim());
    let message = "";
    if (names.some((n) => !n)) message = t("required");
    else if (names.some((n) => n.length > NAME_MAX)) message = t("tooLong", { max: NAME_MAX });
    else if (new Set(names).size !== names.length) message = t("duplicateType");
    else if (!items.some((item) => !item.retired)) message = t("noActiveType");
    error.textContent = message;
    for (const input of list.querySelectorAll("input")) {
      const name = input.value.trim();
      const bad = message && (!name || name.length > NAME_MAX || names.filter((n) => n === name).length > 1);
      input.setAttribute("aria-invalid", bad ? "true" : "false");
    }
    return message ? list.querySelector('[aria-invalid="true"]') || addInput : null;
  };
  editor.clearError = () => {
    error.textContent = "";
  };
  return editor;
}

