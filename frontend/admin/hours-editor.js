// One schedule (운영시간) editor: the time zone, a weekly schedule (several intervals a day, added
// and removed per day), dated holidays and one-off exceptions (closed all day or special hours), and,
// for the service's own hours, the out-of-hours message in Korean and English. The JSON shape is
// docs/hours-and-routing.md's; the server validates it again. Used by routing.js for the service
// and for each team that keeps its own hours.
//
// Every control registers under its server path (`hours.weekly.mon[0].start`, `teams[1].hours.holidays`)
// in `fields`, so a 400's `field` is shown next to the control it names.
import { el } from "/shared/dom.js";
import { t } from "./page.js";
import { DEFAULT_TIME_ZONE, MAX_INTERVALS_PER_DAY, WEEKDAYS, timeProblem } from "./routing-rules.js";

let zones = null;
function timeZones() {
  if (!zones) {
    try {
      zones = Intl.supportedValuesOf("timeZone");
    } catch {
      zones = [DEFAULT_TIME_ZONE, "UTC"];
    }
  }
  return zones;
}

/** A field's error line, registered under `path`. */
function errorLine(fields, path, id, control) {
  const error = el("p", { class: "field-error", id: `${id}-error`, "aria-live": "polite" });
  const described = control.getAttribute("aria-describedby");
  control.setAttribute("aria-describedby", [described, `${id}-error`].filter(Boolean).join(" "));
  fields.set(path, { control, error });
  return error;
}

function timeInput(id, value, label) {
  return el("input", {
    id,
    type: "text",
    class: "time-input",
    inputmode: "numeric",
    maxlength: "5",
    placeholder: "09:00",
    autocomplete: "off",
    "aria-label": label,
    value: value || "",
  });
}

function zoneField(ed) {
  const controlId = `${ed.id}-tz`;
  const options = timeZones().includes(ed.state.timeZone) ? timeZones() : [ed.state.timeZone, ...timeZones()];
  const select = el(
    "select",
    { id: controlId, onchange: (e) => ((ed.state.timeZone = e.target.value), ed.changed()) },
    options.map((zone) => el("option", { value: zone, selected: zone === ed.state.timeZone }, zone)),
  );
  const error = errorLine(ed.fields, `${ed.path}.timeZone`, controlId, select);
  return el("div", { class: "field tz-field" }, el("label", { for: controlId }, t(ed.withMessage ? "timeZone" : "teamTimeZone")), select, error);
}

function intervalRow(ed, intervals, index, basePath, baseId, what) {
  const labelOf = (i) => t("intervalOf", { what, n: i + 1 });
  const interval = intervals[index];
  const rowId = `${baseId}-${index}`;
  const start = timeInput(`${rowId}-start`, interval.start, t("intervalStart", { what: labelOf(index) }));
  const end = timeInput(`${rowId}-end`, interval.end, t("intervalEnd", { what: labelOf(index) }));
  start.addEventListener("input", () => ((interval.start = start.value.trim()), ed.changed()));
  end.addEventListener("input", () => ((interval.end = end.value.trim()), ed.changed()));
  const remove = el(
    "button",
    {
      type: "button",
      class: "small",
      "aria-label": t("removeIntervalLabel", { what: labelOf(index) }),
      onclick: () => {
        intervals.splice(index, 1);
        ed.changed();
        ed.render(`${baseId}-add`);
      },
    },
    t("remove"),
  );
  const row = el(
    "li",
    { class: "interval" },
    start,
    el("span", { "aria-hidden": "true" }, "–"),
    end,
    remove,
    errorLine(ed.fields, `${basePath}[${index}].start`, `${rowId}-start`, start),
    errorLine(ed.fields, `${basePath}[${index}].end`, `${rowId}-end`, end),
  );
  // An error on the interval as a whole (end == start) shows under its start.
  ed.fields.set(`${basePath}[${index}]`, ed.fields.get(`${basePath}[${index}].start`));
  return row;
}

function intervalList(ed, intervals, basePath, baseId, what) {
  const list = el("ol", { class: "intervals" }, intervals.map((_, i) => intervalRow(ed, intervals, i, basePath, baseId, what)));
  const add = el(
    "button",
    {
      type: "button",
      id: `${baseId}-add`,
      class: "small",
      disabled: intervals.length >= MAX_INTERVALS_PER_DAY,
      "aria-label": t("addIntervalLabel", { what }),
      onclick: () => {
        const last = intervals[intervals.length - 1];
        intervals.push(last ? { start: "", end: "" } : { start: "09:00", end: "18:00" });
        ed.changed();
        ed.render(`${baseId}-${intervals.length - 1}-start`);
      },
    },
    t("addInterval"),
  );
  return { list, add };
}

function weeklyPart(ed) {
  const days = WEEKDAYS.map((day) => {
    ed.state.weekly[day] ||= [];
    const intervals = ed.state.weekly[day];
    const baseId = `${ed.id}-${day}`;
    const dayName = t(`day_${day}`);
    const { list, add } = intervalList(ed, intervals, `${ed.path}.weekly.${day}`, baseId, dayName);
    const error = el("p", { class: "field-error", id: `${baseId}-error`, "aria-live": "polite" });
    // An overlap names the day: the day's first time field (or its add button) takes the focus.
    ed.fields.set(`${ed.path}.weekly.${day}`, { control: list.querySelector("input") || add, error, group: true });
    return el(
      "fieldset",
      { class: "day", "aria-describedby": `${baseId}-error` },
      el("legend", {}, dayName),
      intervals.length ? list : el("p", { class: "help" }, t("closedDay")),
      add,
      error,
    );
  });
  const error = el("p", { class: "field-error", id: `${ed.id}-weekly-error`, "aria-live": "polite" });
  ed.fields.set(`${ed.path}.weekly`, { control: ed.node, error, group: true });
  return el("fieldset", { class: "weekly" }, el("legend", {}, t("weeklySchedule")), el("p", { class: "help" }, t("weeklyHelp")), el("div", { class: "days" }, days), error);
}

function datedPart(ed, kind, rows, addRow) {
  const listId = `${ed.id}-${kind}`;
  const error = el("p", { class: "field-error", id: `${listId}-error`, "aria-live": "polite" });
  const add = el("button", { type: "button", id: `${listId}-add`, class: "small", onclick: addRow }, t(kind === "holidays" ? "addHoliday" : "addException"));
  ed.fields.set(`${ed.path}.${kind}`, { control: add, error, group: true });
  return el(
    "fieldset",
    { class: `dated ${kind}`, "aria-describedby": `${listId}-error` },
    el("legend", {}, t(kind === "holidays" ? "holidays" : "exceptions")),
    rows.length ? el("ol", { class: "dated-list" }, rows) : el("p", { class: "help" }, t(kind === "holidays" ? "noHolidays" : "noExceptions")),
    add,
    error,
  );
}

function dateInput(controlId, value, label) {
  return el("input", { id: controlId, type: "date", value: value || "", "aria-label": label });
}

function holidaysPart(ed) {
  const rows = ed.state.holidays.map((holiday, index) => {
    const rowId = `${ed.id}-holiday-${index}`;
    const n = index + 1;
    const date = dateInput(`${rowId}-date`, holiday.date, t("holidayDate", { n }));
    date.addEventListener("input", () => ((holiday.date = date.value), ed.changed()));
    const name = el("input", { id: `${rowId}-name`, type: "text", maxlength: "100", value: holiday.name || "", "aria-label": t("holidayName", { n }), placeholder: t("holidayNamePlaceholder") });
    name.addEventListener("input", () => ((holiday.name = name.value), ed.changed()));
    const remove = el(
      "button",
      { type: "button", class: "small", "aria-label": t("removeHolidayLabel", { n }), onclick: () => (ed.state.holidays.splice(index, 1), ed.changed(), ed.render(`${ed.id}-holidays-add`)) },
      t("remove"),
    );
    const dateError = errorLine(ed.fields, `${ed.path}.holidays[${index}].date`, `${rowId}-date`, date);
    const nameError = errorLine(ed.fields, `${ed.path}.holidays[${index}].name`, `${rowId}-name`, name);
    return el("li", { class: "dated-row" }, date, name, remove, dateError, nameError);
  });
  return datedPart(ed, "holidays", rows, () => {
    ed.state.holidays.push({ date: "", name: "" });
    ed.changed();
    ed.render(`${ed.id}-holiday-${ed.state.holidays.length - 1}-date`);
  });
}

function exceptionsPart(ed) {
  const rows = ed.state.exceptions.map((exception, index) => {
    const rowId = `${ed.id}-exception-${index}`;
    const n = index + 1;
    const date = dateInput(`${rowId}-date`, exception.date, t("exceptionDate", { n }));
    date.addEventListener("input", () => ((exception.date = date.value), ed.changed()));
    const open = exception.intervals.length > 0 || exception.special;
    const kind = el(
      "select",
      {
        id: `${rowId}-kind`,
        "aria-label": t("exceptionKind", { n }),
        onchange: (e) => {
          exception.special = e.target.value === "special";
          exception.intervals = exception.special ? [{ start: "09:00", end: "18:00" }] : [];
          ed.changed();
          ed.render(`${rowId}-kind`);
        },
      },
      el("option", { value: "closed", selected: !open }, t("closedAllDay")),
      el("option", { value: "special", selected: !!open }, t("specialHours")),
    );
    const remove = el(
      "button",
      { type: "button", class: "small", "aria-label": t("removeExceptionLabel", { n }), onclick: () => (ed.state.exceptions.splice(index, 1), ed.changed(), ed.render(`${ed.id}-exceptions-add`)) },
      t("remove"),
    );
    const dateError = errorLine(ed.fields, `${ed.path}.exceptions[${index}].date`, `${rowId}-date`, date);
    const parts = [el("div", { class: "dated-head" }, date, kind, remove), dateError];
    if (open) {
      const basePath = `${ed.path}.exceptions[${index}].intervals`;
      const { list, add } = intervalList(ed, exception.intervals, basePath, `${rowId}-iv`, t("exceptionN", { n }));
      const error = el("p", { class: "field-error", id: `${rowId}-iv-error`, "aria-live": "polite" });
      ed.fields.set(basePath, { control: list.querySelector("input") || add, error, group: true });
      parts.push(list, add, error);
    }
    return el("li", { class: "dated-row exception" }, ...parts);
  });
  return datedPart(ed, "exceptions", rows, () => {
    ed.state.exceptions.push({ date: "", intervals: [], special: false });
    ed.changed();
    ed.render(`${ed.id}-exception-${ed.state.exceptions.length - 1}-date`);
  });
}

function messagePart(ed) {
  const area = (lang) => {
    const controlId = `${ed.id}-closed-${lang}`;
    const control = el("textarea", { id: controlId, rows: 2, lang, maxlength: "1000" });
    control.value = ed.state.closedMessage[lang] || "";
    control.addEventListener("input", () => ((ed.state.closedMessage[lang] = control.value), ed.changed()));
    const label = t(lang === "ko" ? "closedMessageKo" : "closedMessageEn");
    const help = lang === "en" ? el("p", { class: "help", id: `${controlId}-help` }, t("englishHelp")) : null;
    if (help) control.setAttribute("aria-describedby", `${controlId}-help`);
    const error = errorLine(ed.fields, `${ed.path}.closedMessage.${lang}`, controlId, control);
    return el("div", { class: "field" }, el("label", { for: controlId }, label), control, help, error);
  };
  const error = el("p", { class: "field-error", id: `${ed.id}-closed-error`, "aria-live": "polite" });
  ed.fields.set(`${ed.path}.closedMessage`, { control: null, error, group: true });
  return el("div", { class: "bilingual" }, area("ko"), area("en"), error);
}

/** The schedule as the server takes it (empty days left out; `special` is the editor's own). */
function scheduleValue(state, withMessage) {
  const weekly = {};
  for (const day of WEEKDAYS) if (state.weekly[day]?.length) weekly[day] = state.weekly[day].map(({ start, end }) => ({ start, end }));
  const out = {
    timeZone: state.timeZone,
    weekly,
    holidays: state.holidays.map(({ date, name }) => (name?.trim() ? { date, name: name.trim() } : { date })),
    exceptions: state.exceptions.map(({ date, intervals }) => ({ date, intervals: intervals.map(({ start, end }) => ({ start, end })) })),
  };
  if (withMessage) out.closedMessage = { ko: state.closedMessage.ko || "", en: state.closedMessage.en || "" };
  return out;
}

/** Format checks in the page (overlaps and past dates are the server's to judge): marks and
 * returns the first bad control, or null. */
function validateSchedule(state, path, mark) {
  let first = null;
  const check = (intervals, basePath) =>
    intervals.forEach((interval, i) => {
      for (const side of ["start", "end"]) {
        const problem = timeProblem(interval[side], side === "end");
        if (problem) first ||= mark(`${basePath}[${i}].${side}`, t(problem));
      }
      if (!timeProblem(interval.start, false) && interval.start === interval.end) first ||= mark(`${basePath}[${i}].start`, t("errSameTime"));
    });
  for (const day of WEEKDAYS) check(state.weekly[day] || [], `${path}.weekly.${day}`);
  state.holidays.forEach((h, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(h.date || "")) first ||= mark(`${path}.holidays[${i}].date`, t("errDate"));
  });
  state.exceptions.forEach((e, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(e.date || "")) first ||= mark(`${path}.exceptions[${i}].date`, t("errDate"));
    check(e.intervals, `${path}.exceptions[${i}].intervals`);
  });
  return first;
}

/**
 * opts: {id: DOM id prefix, path: server path ("hours", "teams[0].hours"), fields: Map, withMessage,
 * onchange}. Returns {node, set(hours), value(), validate(mark) → first bad control or null, forget()}.
 */
export function hoursEditor(opts) {
  const { id, path, fields, withMessage, onchange } = opts;
  const node = el("div", { class: "hours-editor" });
  const ed = { id, path, fields, node, withMessage, state: null, changed: () => onchange?.(), render };

  function set(hours) {
    const state = structuredClone(hours || { timeZone: DEFAULT_TIME_ZONE, weekly: {}, holidays: [], exceptions: [] });
    state.timeZone ||= DEFAULT_TIME_ZONE;
    state.weekly ||= {};
    state.holidays ||= [];
    state.exceptions ||= [];
    state.closedMessage ||= { ko: "", en: "" };
    ed.state = state;
    render();
  }

  function forget() {
    // The editor's own paths; `path` itself belongs to whoever holds the editor.
    for (const key of [...fields.keys()]) if (key.startsWith(`${path}.`)) fields.delete(key);
  }

  function render(focusId) {
    forget();
    node.replaceChildren(zoneField(ed), weeklyPart(ed), holidaysPart(ed), exceptionsPart(ed), withMessage ? messagePart(ed) : "");
    if (focusId) document.getElementById(focusId)?.focus();
  }

  return {
    node,
    set,
    forget,
    value: () => scheduleValue(ed.state, withMessage),
    validate: (mark) => validateSchedule(ed.state, path, mark),
  };
}
