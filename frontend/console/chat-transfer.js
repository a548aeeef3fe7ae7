// 전환 (issue #21): a modal dialog from the open live chat. It lists the agents (status, chats held
// against their limit) and the team queues (waiting count) from GET /chats/{id}/transfer-targets; a
// target the server would refuse (offline or on break, full, without chat permission, oneself) is
// disabled with the reason. An optional internal note goes to the receiver only. POST
// /chats/{id}/transfer; a refusal (the list was a snapshot) is said in words and the list is re-read.
import { ApiError } from "../shared/api.js";
import { el, keepTabInside } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";

const NOTE_MAX = 2000; // characters (code points), as the server counts
const TRANSFER_ERRORS = new Set([
  "transfer_to_self", "agent_unavailable", "agent_full", "agent_no_chat_permission", "not_found", "conflict", "too_long",
]);

/** The sentence for a failed transfer: the transfer's own codes, else the shared error sentences. */
export function transferErrorText(t, err, lang) {
  const code = err?.code;
  if (code && TRANSFER_ERRORS.has(code)) return t(`transferError_${code}`);
  if (code === "invalid_field" && err?.field === "note") return t("transferNoteTooLong");
  return describeError(err, lang);
}

export function createTransferDialog({ ctx, nextId, teamName, onTransferred }) {
  const { t, lang } = ctx;
  const titleId = nextId("transfer-title");
  const intro = el("p", { class: "transfer-intro" });
  const agentList = el("ul", { class: "transfer-targets transfer-agents" });
  const teamList = el("ul", { class: "transfer-targets transfer-teams" });
  const teamSet = el("fieldset", { class: "transfer-team-set" }, el("legend", {}, t("transferTeams")), teamList);
  const noteInput = el("textarea", { name: "note", id: nextId("transfer-note"), rows: 3, autocomplete: "off" });
  const error = el("p", { class: "field-error", role: "alert" });
  const submit = el("button", { type: "submit", class: "primary" }, t("transferSubmit"));
  const dialog = keepTabInside(el("dialog", { class: "transfer-dialog", "aria-labelledby": titleId }));
  const form = el(
    "form",
    { class: "transfer-form", novalidate: true },
    el("h2", { id: titleId }, t("transferTitle")),
    intro,
    el("fieldset", { class: "transfer-agent-set" }, el("legend", {}, t("transferAgents")), agentList),
    teamSet,
    el("label", { for: noteInput.id }, t("transferNote")),
    noteInput,
    error,
    el("div", { class: "form-actions" }, submit, el("button", { type: "button", onclick: () => dialog.close() }, t("cancel"))),
  );
  dialog.append(form);
  let conversationId = null;
  let targets = null; // the last answer of transfer-targets

  const radioName = nextId("transfer-target");

  function option(value, label, details, refusal) {
    const id = nextId("transfer-option");
    const input = el("input", { type: "radio", name: radioName, id, value, disabled: Boolean(refusal) });
    const reason = refusal ? el("span", { class: "transfer-refusal" }, t(`refusal_${refusal}`)) : null;
    return el(
      "li",
      { class: refusal ? "transfer-target refused" : "transfer-target" },
      input,
      el("label", { for: id }, el("span", { class: "transfer-target-name" }, label),
        el("span", { class: "transfer-target-details" }, details.join(" · ")), reason),
    );
  }

  function render() {
    const agents = targets?.agents || [];
    agentList.replaceChildren(
      ...(agents.length
        ? agents.map((a) =>
            option(`agent:${a.agentId}`, a.displayName, [
              t(`status_${a.status}`),
              t("transferLoad", { active: a.activeChats, max: a.maxChats }),
              ...(a.teamIds || []).map((id) => teamName(id)).filter(Boolean),
            ], a.refusal))
        : [el("li", { class: "transfer-empty" }, targets ? t("transferNoAgents") : t("transferLoading"))]),
    );
    const teams = targets?.teams || [];
    teamSet.classList.toggle("hidden", !teams.length);
    teamList.replaceChildren(...teams.map((team) => option(`team:${team.teamId}`, team.name, [t("transferWaiting", { count: team.waiting })], null)));
  }

  async function reload() {
    try {
      targets = await ctx.api.get(`/chats/${encodeURIComponent(conversationId)}/transfer-targets`);
      render();
    } catch (err) {
      targets = { agents: [], teams: [] };
      render();
      error.textContent = t("transferLoadFailed", { message: transferErrorText(t, err, lang) });
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = form.querySelector(`input[name="${radioName}"]:checked`);
    error.textContent = "";
    if (!chosen) {
      error.textContent = t("transferChoose");
      agentList.querySelector("input:not(:disabled)")?.focus();
      return;
    }
    const note = noteInput.value.trim();
    if ([...note].length > NOTE_MAX) {
      error.textContent = t("transferNoteTooLong");
      noteInput.setAttribute("aria-invalid", "true");
      noteInput.focus();
      return;
    }
    noteInput.setAttribute("aria-invalid", "false");
    const [kind, ...rest] = chosen.value.split(":");
    const targetId = rest.join(":");
    const body = kind === "agent" ? { agentId: targetId } : { teamId: targetId };
    if (note) body.note = note;
    const target = kind === "agent"
      ? targets.agents.find((a) => a.agentId === targetId)?.displayName
      : targets.teams.find((team) => team.teamId === targetId)?.name;
    submit.disabled = true;
    try {
      await ctx.api.post(`/chats/${encodeURIComponent(conversationId)}/transfer`, body);
      dialog.close();
      onTransferred(conversationId, target || targetId);
    } catch (err) {
      error.textContent = t("transferFailed", { message: transferErrorText(t, err, lang) });
      // The list was a snapshot: show what is true now (e.g. the agent who just went offline, greyed).
      if (err instanceof ApiError && err.status !== 0 && err.code !== "conversation_ended") await reload();
    } finally {
      submit.disabled = false;
    }
  });

  return {
    dialog,
    async open(conv, customer) {
      conversationId = conv.conversationId;
      targets = null;
      intro.textContent = t("transferIntro", { name: customer });
      noteInput.value = "";
      noteInput.setAttribute("aria-invalid", "false");
      error.textContent = "";
      render();
      dialog.showModal();
      await reload();
      (agentList.querySelector("input:not(:disabled)") || teamList.querySelector("input") || noteInput).focus();
    },
  };
}
