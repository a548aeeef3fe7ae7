// The wallboard's pure helpers (node --test: tests/frontend/wallboard-rules.test.js): waits as text,
// the CSAT share, and GET /admin/presence (the fallback while the socket is down) in the snapshot's shape.

/** A wait of `ms` as the strings say it: seconds, minutes and seconds, or hours and minutes. */
export function waitText(ms, t) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return t("waitHours", { h, m });
  if (m) return t("waitMinutes", { m, s });
  return t("waitSeconds", { s });
}

/** How long the oldest chat has waited at `now`, as text; the no-value mark when nobody waits. */
export function longestWaitText(since, now, t) {
  return since === null || since === undefined ? t("noValue") : waitText(now - since, t);
}

/** Today's CSAT: "83% (5/6)", or the no-value mark before the first rating. */
export function csatText(today, t) {
  const rated = (today?.satisfied || 0) + (today?.dissatisfied || 0);
  if (!rated) return t("noValue");
  return t("csatValue", { share: Math.round((today.satisfied / rated) * 100), satisfied: today.satisfied, rated });
}

/** GET /admin/presence as a snapshot without what only the push carries (longest waits: undefined, today: null). */
export function snapshotOfPresence(data) {
  const teams = Object.entries(data.queue?.teams || {}).map(([teamId, waiting]) => ({
    teamId,
    name: data.queue?.teamNames?.[teamId] || null,
    waiting,
    longestWaitSince: undefined,
  }));
  const online = (data.agents || []).filter((a) => a.status === "online" && a.chatPermission);
  return {
    at: data.at,
    counts: data.counts,
    activeChats: data.activeChats,
    capacity: online.reduce((sum, a) => sum + a.maxChats, 0),
    queue: { waiting: data.queue?.waiting || 0, longestWaitSince: undefined, teams },
    agents: data.agents || [],
    today: null,
  };
}
