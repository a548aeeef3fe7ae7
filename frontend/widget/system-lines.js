// The widget's system lines in the customer's language. Lines are stored in Korean (what a Korean
// customer sees) with a `systemCode`: an English widget says the known ones in English, taking the
// agent's name and the idle minutes from the Korean text itself (so an older line keeps the name it
// was written with, across transfers). A line with an unknown code stays as stored.
const CODES = {
  agent_joined: "agentJoined",
  chat_ended: "ended",
  returned_to_queue: "returnedToQueue",
  agent_changed: "agentChanged",
  idle_warning: "idleWarning",
  idle_closed: "idleClosed",
  closed_waiting: "closedWaiting",
};
const JOINED_KO = /^상담원 (.+)님이 상담을 시작했습니다\.?$/;
const MINUTES_KO = /(\d+)분/;

/**
 * The parts of a system line: strings and `{name}` (a person's name, in no one language: the view
 * puts it in a <bdi>). `newAgent`: the display name of the agent a live transfer handed the chat to,
 * shown after its `agent_changed` line (in Korean too: the stored line names nobody).
 */
export function systemLineParts(message, lang, t, newAgent = null) {
  const text = message.text || "";
  if (message.systemCode === "agent_changed" && newAgent) return fill(t("agentChangedTo", { name: "\u0000" }), newAgent);
  const key = CODES[message.systemCode];
  if (lang === "ko" || !key) return [text];
  if (key === "agentJoined") {
    const name = JOINED_KO.exec(text)?.[1]?.trim();
    return name ? fill(t("agentJoined", { name: "\u0000" }), name) : [t("agentJoinedUnnamed")];
  }
  if (key === "idleWarning") {
    const minutes = MINUTES_KO.exec(text)?.[1];
    return [minutes ? t("idleWarning", { n: minutes }) : t("idleWarningNoClose")];
  }
  return [t(key)];
}

function fill(template, name) {
  const [before, after = ""] = template.split("\u0000");
  return [before, { name }, after].filter((part) => part !== "");
}
