// 운영시간 · 팀: one team's card (name, members chosen from the agents, maxChatsPerAgent, the inquiry
// types it handles, its own hours or the service's). routing.js holds the list and the save.
import { el } from "/shared/dom.js";
import { field, t } from "./page.js";
import { hoursEditor } from "./hours-editor.js";
import { MAX_CHATS_LIMIT, withoutPastDates } from "./routing-rules.js";

export function teamState(team) {
  return { ...team, memberAgentIds: [...(team.memberAgentIds || [])], inquiryTypes: [...(team.inquiryTypes || [])], editor: null };
}

function checkboxGroup(rt, groupId, legend, items, chosen, path, help) {
  const error = el("p", { class: "field-error", id: `${groupId}-error`, "aria-live": "polite" });
  const boxes = items.map(([value, label, lang], i) => {
    const box = el("input", { type: "checkbox", id: `${groupId}-${i}`, value, checked: chosen.includes(value) });
    box.addEventListener("change", () => {
      const at = chosen.indexOf(value);
      if (box.checked && at < 0) chosen.push(value);
      if (!box.checked && at >= 0) chosen.splice(at, 1);
      rt.refresh();
    });
    return el("div", { class: "check" }, box, el("label", { for: box.id, lang }, label));
  });
  rt.fields.set(path, { control: boxes[0]?.querySelector("input") || null, error });
  return el(
    "fieldset",
    { class: "choice-group", id: groupId, "aria-describedby": [help ? `${groupId}-help` : "", `${groupId}-error`].join(" ").trim() },
    el("legend", {}, legend),
    help ? el("p", { class: "help", id: `${groupId}-help` }, help) : null,
    boxes.length ? el("div", { class: "choices" }, boxes) : el("p", { class: "help" }, t("nothingToChoose")),
    error,
  );
}

/** One team's fieldset. rt: {fields, refresh, agents, catalog, lang, serviceHours, teams, renderTeams}. */
export function teamCard(rt, team, index) {
  const base = `routing-team-${index}`;
  const path = `teams[${index}]`;
  const title = () => team.name.trim() || t("newTeam");
  const legend = el("legend", {}, title());
  const name = field(`${base}-name`, t("teamName"), el("input", { type: "text", maxlength: "100", value: team.name }), t("teamIdHelp", { id: team.id }));
  name.control.addEventListener("input", () => {
    team.name = name.control.value;
    legend.textContent = title();
    rt.refresh();
  });
  rt.fields.set(`${path}.name`, name);
  rt.fields.set(`${path}.id`, name);
  rt.fields.set(path, name);
  const max = field(
    `${base}-max`,
    t("teamMaxChats"),
    el("input", { type: "number", min: "1", max: String(MAX_CHATS_LIMIT), step: "1", inputmode: "numeric", value: team.maxChatsPerAgent ?? "" }),
    t("teamMaxChatsHelp"),
  );
  max.control.addEventListener("input", () => {
    const raw = max.control.value.trim();
    team.maxChatsPerAgent = raw === "" ? null : Number(raw);
    rt.refresh();
  });
  rt.fields.set(`${path}.maxChatsPerAgent`, max);
  const agentItems = rt.agents.map((a) => [a.agentId, a.displayName ? `${a.displayName} (${a.email || a.agentId})` : a.email || a.agentId]);
  for (const id of team.memberAgentIds) if (!rt.agents.some((a) => a.agentId === id)) agentItems.push([id, id]);
  const members = checkboxGroup(rt, `${base}-members`, t("teamMembers"), agentItems, team.memberAgentIds, `${path}.memberAgentIds`);
  const typeItems = rt.catalog
    .filter((type) => !type.retired || team.inquiryTypes.includes(type.id))
    .map((type) => [type.id, rt.lang === "en" && type.nameEn ? type.nameEn : type.name, rt.lang === "en" && type.nameEn ? "en" : "ko"]);
  const types = checkboxGroup(rt, `${base}-types`, t("teamInquiryTypes"), typeItems, team.inquiryTypes, `${path}.inquiryTypes`, t("teamTypesHelp"));
  // Own hours or the service's.
  const ownHours = el(
    "select",
    { id: `${base}-hours-mode` },
    el("option", { value: "service", selected: !team.hours }, t("teamHoursService")),
    el("option", { value: "own", selected: !!team.hours }, t("teamHoursOwn")),
  );
  const hoursHolder = el("div", { class: "team-hours" });
  const showHours = () => {
    if (team.hours || ownHours.value === "own") {
      if (!team.editor) {
        team.editor = hoursEditor({ id: `${base}-hours`, path: `${path}.hours`, fields: rt.fields, withMessage: false, onchange: rt.refresh });
        team.editor.set(withoutPastDates(team.hours));
      }
      hoursHolder.replaceChildren(team.editor.node);
    } else {
      team.editor?.forget();
      team.editor = null;
      hoursHolder.replaceChildren();
    }
  };
  ownHours.addEventListener("change", () => {
    if (ownHours.value === "service") team.hours = null;
    else team.hours = team.hours || { timeZone: rt.serviceHours.value().timeZone, weekly: {} }; // starts in the service's zone
    showHours();
    rt.refresh();
  });
  const hoursField = field(`${base}-hours-mode`, t("teamHours"), ownHours);
  rt.fields.set(`${path}.hours`, hoursField);
  const remove = el(
    "button",
    {
      type: "button",
      class: "danger",
      "aria-label": t("removeTeamLabel", { name: title() }),
      onclick: () => {
        rt.teams.splice(index, 1);
        rt.renderTeams("routing-add-team");
        rt.refresh();
      },
    },
    t("removeTeam"),
  );
  const card = el(
    "fieldset",
    { class: "team-card", id: base, dataset: { teamId: team.id } },
    legend,
    el("div", { class: "team-grid" }, name.node, max.node),
    members,
    types,
    hoursField.node,
    hoursHolder,
    el("div", { class: "actions" }, remove),
  );
  showHours();
  return card;
}

