// 운영시간 · 팀 (issue #21; GET/PUT /settings/routing, docs/api.md#routing-settings): the service's
// business hours (hours-editor.js), what happens to waiting chats at closing time, the accept window
// and idle warning/close timers, and the teams (name, members chosen from the agents, their own hours
// or the service's, maxChatsPerAgent, the inquiry types they handle). One document with its own
// version: a save sends the version it read; 409 reloads and says so; a 400's `field` is shown
// next to the control it names, in the page's language.
import { el } from "/shared/dom.js";
import { errorText, field, t } from "./page.js";
import { hoursEditor } from "./hours-editor.js";
import { MAX_CHATS_LIMIT, TIMER_LIMITS, errorKeyFor, fieldCandidates, newTeamId, withoutPastDates } from "./routing-rules.js";
import { teamCard, teamState } from "./routing-teams.js";

/** 운영시간 on/off and the service's schedule editor. */
function hoursPart(fields, refresh) {
  // --- the service's hours ------------------------------------------------------------------
  const hoursOn = el("input", { id: "routing-hours-on", type: "checkbox" });
  const serviceHours = hoursEditor({ id: "routing-hours", path: "hours", fields, withMessage: true, onchange: refresh });
  const hoursBody = el("div", { id: "routing-hours-body" }, serviceHours.node);
  hoursOn.addEventListener("change", () => {
    hoursBody.hidden = !hoursOn.checked;
    refresh();
  });
  const hoursError = el("p", { class: "field-error", id: "routing-hours-error", "aria-live": "polite" });
  fields.set("hours", { control: hoursOn, error: hoursError });
  const node = el(
    "fieldset",
    { class: "routing-part", id: "routing-hours-part" },
    el("legend", {}, t("businessHours")),
    el("div", { class: "check" }, hoursOn, el("label", { for: "routing-hours-on" }, t("hoursOn"))),
    el("p", { class: "help" }, t("hoursOnHelp")),
    hoursError,
    hoursBody,
  );
  return { node, hoursOn, hoursBody, serviceHours };
}

/** What happens to chats still waiting at closing time. */
function closingPart(fields) {
  // --- waiting chats at closing time --------------------------------------------------------
  const closingRadios = ["keep", "close"].map((value) =>
    el("input", { type: "radio", name: "routing-closing", id: `routing-closing-${value}`, value }),
  );
  const closingError = el("p", { class: "field-error", id: "routing-closing-error", "aria-live": "polite" });
  fields.set("waitingAtClosing", { control: closingRadios[0], error: closingError });
  const node = el(
    "fieldset",
    { class: "routing-part", "aria-describedby": "routing-closing-error" },
    el("legend", {}, t("waitingAtClosing")),
    closingRadios.map((radio) =>
      el("div", { class: "check" }, radio, el("label", { for: radio.id }, t(`waitingAtClosing_${radio.value}`))),
    ),
    closingError,
  );
  return { node, closingRadios };
}

/** The accept window and the idle warning/close minutes. */
function timersPart(fields) {
  // --- timers ---------------------------------------------------------------------------------
  const timers = Object.fromEntries(
    Object.entries(TIMER_LIMITS).map(([name, [min, max]]) => {
      const made = field(
        `routing-${name}`,
        t(name),
        el("input", { type: "number", min: String(min), max: String(max), step: "1", inputmode: "numeric" }),
        t(`${name}Help`),
      );
      fields.set(name, made);
      return [name, made];
    }),
  );
  const node = el(
    "fieldset",
    { class: "routing-part" },
    el("legend", {}, t("chatTimers")),
    el("div", { class: "timer-grid" }, Object.values(timers).map((f) => f.node)),
  );
  return { node, timers };
}

/** The team list, its add button and its error line; `renderTeams` redraws the cards. */
function teamsPart(rt) {
  const { fields } = rt;
  const teamList = el("div", { class: "team-list", id: "routing-teams" });
  const addTeam = el("button", { type: "button", id: "routing-add-team" }, t("addTeam"));
  const teamsError = el("p", { class: "field-error", id: "routing-teams-error", "aria-live": "polite" });
  function renderTeams(focusId) {
    for (const key of [...fields.keys()]) if (key.startsWith("teams[")) fields.delete(key);
    for (const team of rt.teams) {
      if (team.editor) team.hours = team.editor.value(); // keep edits made before this re-render
      team.editor = null;
    }
    teamList.replaceChildren(...(rt.teams.length ? rt.teams.map((team, i) => teamCard(rt, team, i)) : [el("p", { class: "help" }, t("noTeams"))]));
    fields.set("teams", { control: addTeam, error: teamsError });
    if (focusId) document.getElementById(focusId)?.focus();
  }
  addTeam.addEventListener("click", () => {
    rt.teams.push(teamState({ id: newTeamId(rt.teams.map((x) => x.id)), name: "", memberAgentIds: [], inquiryTypes: [], maxChatsPerAgent: null, hours: null }));
    renderTeams(`routing-team-${rt.teams.length - 1}-name`);
    rt.refresh();
  });
  const node = el(
    "fieldset",
    { class: "routing-part", "aria-describedby": "routing-teams-help routing-teams-error" },
    el("legend", {}, t("teams")),
    el("p", { class: "help", id: "routing-teams-help" }, t("teamsHelp")),
    teamList,
    addTeam,
    teamsError,
  );
  return { node, renderTeams };
}

function clearErrors(fields) {
  for (const entry of new Set(fields.values())) {
    if (!entry) continue;
    entry.error.textContent = "";
    entry.control?.setAttribute?.("aria-invalid", "false");
  }
}

/** Show `message` at the control of `path` (or the nearest enclosing one); return what to focus. */
function markField(fields, path, message, fallback) {
  for (const candidate of fieldCandidates(path)) {
    const entry = fields.get(candidate);
    if (!entry) continue;
    entry.error.textContent = message;
    if (entry.control && !entry.group) entry.control.setAttribute("aria-invalid", "true");
    return entry.control || fallback;
  }
  return null;
}

/** A 400's message in the page's language: what kind of problem, else the shared text. */
function translated(failure) {
  const key = failure.code === "invalid_field" ? errorKeyFor(failure.message) : "";
  return key ? t(key) : errorText(failure);
}

export function mountRouting(container, ctx) {
  const fields = new Map(); // server path → {control, error}
  const status = el("p", { id: "routing-status", class: "status", role: "status", "aria-live": "polite" });
  let saved = null; // the document as read (with its version)
  let baseline = ""; // the body the form showed when filled: the dirty check
  // What the team cards share (routing-teams.js); agents, catalog and teams are replaced on each load.
  const rt = { fields, refresh, agents: [], catalog: [], lang: ctx.lang, serviceHours: null, teams: [], renderTeams: null };

  const { node: hoursNode, hoursOn, hoursBody, serviceHours } = hoursPart(fields, refresh);
  rt.serviceHours = serviceHours;
  const { node: closingNode, closingRadios } = closingPart(fields);
  const { node: timersNode, timers } = timersPart(fields);
  const { node: teamsNode, renderTeams } = teamsPart(rt);
  rt.renderTeams = renderTeams;
  const mark = (path, message) => markField(fields, path, message, saveButton);

  // --- the form -------------------------------------------------------------------------------
  const saveButton = el("button", { type: "submit", class: "primary", id: "routing-save" }, t("save"));
  const resetButton = el("button", { type: "button", id: "routing-reset", onclick: () => load() }, t("reset"));
  const form = el(
    "form",
    { id: "routing-form", novalidate: true, "aria-label": t("routingTitle") },
    hoursNode,
    closingNode,
    timersNode,
    teamsNode,
    el("div", { class: "actions" }, saveButton, resetButton, status),
  );
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);

  function body() {
    const out = {
      hours: hoursOn.checked ? serviceHours.value() : null,
      waitingAtClosing: closingRadios.find((r) => r.checked)?.value || "keep",
      teams: rt.teams.map((team) => ({
        id: team.id,
        name: team.name.trim(),
        memberAgentIds: [...team.memberAgentIds],
        inquiryTypes: [...team.inquiryTypes],
        maxChatsPerAgent: team.maxChatsPerAgent,
        hours: team.editor ? team.editor.value() : null,
      })),
    };
    for (const name of Object.keys(TIMER_LIMITS)) {
      const raw = timers[name].control.value.trim();
      out[name] = /^\d+$/.test(raw) ? Number(raw) : raw;
    }
    return out;
  }

  function fill(doc) {
    saved = doc;
    hoursOn.checked = !!doc.hours;
    hoursBody.hidden = !doc.hours;
    serviceHours.set(withoutPastDates(doc.hours));
    for (const radio of closingRadios) radio.checked = radio.value === (doc.waitingAtClosing || "keep");
    for (const name of Object.keys(TIMER_LIMITS)) timers[name].control.value = String(doc[name] ?? "");
    rt.teams = (doc.teams || []).map(teamState);
    renderTeams();
    clearErrors(fields);
    baseline = JSON.stringify(body());
  }

  function validate() {
    clearErrors(fields);
    let first = null;
    for (const [name, [min, max]] of Object.entries(TIMER_LIMITS)) {
      const raw = timers[name].control.value.trim();
      if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) first ||= mark(name, t("range", { min, max }));
    }
    if (hoursOn.checked) first = serviceHours.validate(mark) || first;
    rt.teams.forEach((team, i) => {
      if (!team.name.trim()) first ||= mark(`teams[${i}].name`, t("required"));
      const m = team.maxChatsPerAgent;
      if (m !== null && !(Number.isInteger(m) && m >= 1 && m <= MAX_CHATS_LIMIT)) first ||= mark(`teams[${i}].maxChatsPerAgent`, t("range", { min: 1, max: MAX_CHATS_LIMIT }));
      if (team.editor) first = team.editor.validate(mark) || first;
    });
    return first;
  }

  function isDirty() {
    return saved !== null && JSON.stringify(body()) !== baseline;
  }

  function refresh() {
    if (!saved) return;
    const dirty = isDirty();
    status.className = dirty ? "status dirty" : "status saved";
    status.textContent = dirty ? t("unsaved") : t("saved", { version: saved.version });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const invalid = validate();
    if (invalid) {
      status.className = "status error";
      status.textContent = t("fixErrors");
      invalid.focus();
      return;
    }
    saveButton.disabled = true;
    status.className = "status";
    status.textContent = t("saving");
    try {
      fill(await ctx.api.put("/settings/routing", { ...body(), version: saved.version }));
      refresh();
    } catch (failure) {
      if (failure.code === "conflict") {
        await load();
        status.className = "status error";
        status.textContent = t("routingConflict");
        return;
      }
      const message = translated(failure);
      const control = failure.field ? mark(failure.field, message) : null;
      status.className = "status error";
      status.textContent = t("saveFailed", { message });
      control?.focus();
    } finally {
      saveButton.disabled = false;
    }
  });

  async function load() {
    status.className = "status";
    status.textContent = t("loading");
    try {
      const [doc, accounts, settings] = await Promise.all([
        ctx.api.get("/settings/routing"),
        ctx.api.get("/admin/agents"),
        ctx.api.get("/settings"),
      ]);
      rt.agents = (accounts.accounts || []).filter((a) => a.role);
      rt.catalog = settings.inquiryTypeCatalog || [];
      fill(doc);
      refresh();
    } catch (failure) {
      status.className = "status error";
      status.textContent = t("loadFailed", { message: errorText(failure) });
    }
  }

  container.append(el("p", { class: "help" }, t("routingIntro")), form);
  load();
}
