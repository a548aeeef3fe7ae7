// The chat screen (S-1, S-3, S-4, S-6): the agent's live chats with counts and unread marks, the
// queue, one conversation (history, live messages, sending, the customer's typing), customer and
// counsel info with validation, 티켓 만들기 with the transcript, 평가, 대화 종료.
//
// Consistency: every tab of the agent receives the same pushes; messages are kept by `seq` (a
// message already shown is dropped), and after any reconnect or a gap in `seq` the conversation is
// re-read from the last contiguous seq (GET /chats/{id}/messages?afterSeq=N), so nothing is lost or
// shown twice. The agent's own messages show at once as pending and are matched by clientMessageId.
import { ApiError, query } from "../shared/api.js";
import { el, formatTime, keepTabInside } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { renderMessages } from "./messages.js";

const TYPING_SHOWN_MS = 6000;
const TYPING_SEND_EVERY_MS = 3000;
const TYPING_IDLE_MS = 4000;
const PAGE = 500;
const MESSAGE_MAX = 2000; // the server's limit (docs/protocol.md: too_long)
const COUNTER_FROM = 1800; // the counter shows from here on
const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/;
const PHONE = /^\+?[0-9][0-9\- ]{5,19}$/;

let idCounter = 0;
const nextId = (prefix) => `${prefix}-${++idCounter}`;

export function mount(container, ctx) {
  const { api, socket, t, lang, bus } = ctx;
  const chats = new Map(); // conversationId → conversation summary (GET /agent/chats, pushes)
  const threads = new Map(); // conversationId → {messages: Map<seq, message>, pending: Map, contiguous, loaded, syncing}
  let selectedId = null;
  let waiting = 0;
  let visible = false;
  let listLoaded = false; // until GET /agent/chats answered once, chats.size is not the seat count
  const seenKey = `livechat.seen.${ctx.me.agentId}`;
  let seen = JSON.parse(localStorage.getItem(seenKey) || "{}");

  // --- layout ---
  const countWaiting = el("span", { class: "count count-waiting" });
  const countActive = el("span", { class: "count count-active" });
  const countUnread = el("span", { class: "count count-unread" });
  const counts = el("div", { class: "chat-counts", role: "status", "aria-live": "polite" }, countWaiting, countActive, countUnread);
  const permissionNotice = el("p", { class: "notice hidden" }, t("noPermission"));
  const list = el("ul", { class: "chat-list", "aria-label": t("chatList") });
  const queueSummary = el("summary", {}, t("queue")); // the count follows once the queue is read
  const queueList = el("ol", { class: "queue-list" });
  const side = el(
    "aside",
    { class: "chat-side" },
    counts,
    permissionNotice,
    el("h2", {}, t("chatList")),
    list,
    el("details", { class: "queue", open: true }, queueSummary, queueList),
  );

  const title = el("h2", { class: "conv-title", id: nextId("conv-title") });
  const meta = el("p", { class: "conv-meta" });
  const rateButton = el("button", { type: "button", class: "rate", onclick: () => requestRating() }, t("rate"));
  const ticketButton = el("button", { type: "button", class: "create-ticket", onclick: () => openTicketForm() }, t("createTicket"));
  const endButton = el("button", { type: "button", class: "danger end-chat", onclick: () => endChat() }, t("endChat"));
  const actions = el("div", { class: "conv-actions" }, ctx.masking.button, rateButton, ticketButton, endButton);
  const messageList = el("ol", { class: "messages", "aria-live": "polite", "aria-labelledby": title.id, tabindex: "0" });
  const typingLine = el("p", { class: "typing hidden", "aria-live": "polite" }, t("typing"));
  // No maxLength: it would cut a long paste silently; the counter and the refusal say why instead.
  const input = el("textarea", { class: "message-input", id: nextId("message-input"), rows: 3, placeholder: t("messagePlaceholder") });
  const counter = el("span", { class: "message-counter hidden", id: `${input.id}-count` });
  const composerNote = el("span", { class: "composer-note", id: `${input.id}-note`, role: "alert" });
  input.setAttribute("aria-describedby", `${counter.id} ${composerNote.id}`);
  const sendButton = el("button", { type: "submit", class: "primary send" }, t("send"));
  const composer = el(
    "form",
    { class: "composer" },
    el("label", { for: input.id, class: "visually-hidden" }, t("messageInput")),
    input,
    sendButton,
    el("div", { class: "composer-status" }, composerNote, counter),
  );
  const notice = el("p", { class: "conv-notice notice hidden", role: "status" });
  const empty = el("p", { class: "conv-empty" }, t("selectChat"));
  const conversationPane = el(
    "section",
    { class: "conversation hidden", "aria-labelledby": title.id },
    el("header", { class: "conv-header" }, el("div", {}, title, meta), actions),
    messageList,
    typingLine,
    composer,
  );
  const center = el("div", { class: "conv-column" }, notice, empty, conversationPane);

  // Customer info and counsel info forms.
  const customerForm = infoForm("customer", t("customerInfo"), [
    ["name", t("name"), el("input", { name: "name", maxLength: 100, autocomplete: "off" })],
    ["email", t("email"), el("input", { name: "email", type: "text", inputMode: "email", maxLength: 254, autocomplete: "off" })],
    ["phone", t("phone"), el("input", { name: "phone", type: "tel", maxLength: 20, autocomplete: "off" })],
    ["memo", t("memo"), el("textarea", { name: "memo", rows: 3, maxLength: 2000 })],
  ]);
  const inquirySelect = el("select", { name: "inquiryType" });
  const processingSelect = el("select", { name: "processingType" });
  const counselForm = infoForm("counsel", t("counselInfo"), [
    ["inquiryType", t("inquiryType"), inquirySelect],
    ["processingType", t("processingType"), processingSelect],
    ["note", t("note"), el("textarea", { name: "note", rows: 4, maxLength: 2000 })],
  ]);
  const ratingBox = el("div", { class: "rating-box", role: "status" });
  const infoPane = el(
    "aside",
    { class: "chat-info hidden" },
    customerForm.form,
    counselForm.form,
    el("section", { class: "rating-section" }, el("h3", {}, t("rating")), ratingBox),
  );
  const ticketDialog = buildTicketDialog();
  container.append(el("div", { class: "chat-screen" }, side, center, infoPane), ticketDialog.dialog);

  // --- helpers ---
  const customerName = (conv) => conv?.customer?.name || t("customerFallback");
  const thread = (id) => {
    if (!threads.has(id)) threads.set(id, { messages: new Map(), pending: new Map(), contiguous: 0, loaded: false, syncing: null, again: false });
    return threads.get(id);
  };
  const sortedChats = () => [...chats.values()].sort((a, b) => (a.inboundAt || 0) - (b.inboundAt || 0));
  const isUnread = (conv) => (conv.lastSeq || 0) > (seen[conv.conversationId] || 0);

  function markSeen(id) {
    const conv = chats.get(id);
    if (!conv || !visible || document.hidden) return;
    const last = Math.max(conv.lastSeq || 0, thread(id).contiguous);
    if ((seen[id] || 0) >= last) return;
    seen = { ...JSON.parse(localStorage.getItem(seenKey) || "{}"), [id]: last };
    localStorage.setItem(seenKey, JSON.stringify(seen));
    renderList();
  }
  // Another tab read a chat: its marks go here too.
  window.addEventListener("storage", (event) => {
    if (event.key !== seenKey) return;
    seen = JSON.parse(event.newValue || "{}");
    renderList();
  });

  function renderCounts() {
    const unread = [...chats.values()].filter(isUnread).length;
    countWaiting.textContent = `${t("countWaiting")} ${waiting}`;
    countActive.textContent = `${t("countActive")} ${chats.size}`;
    countUnread.textContent = `${t("countUnread")} ${unread}`;
    countWaiting.dataset.count = String(waiting);
    countActive.dataset.count = String(chats.size);
    countUnread.dataset.count = String(unread);
    ctx.emit("unread", { count: unread });
    // The seats in the top bar follow the chats held here (assigned, ended, back to the queue), so
    // they are live without an agent.status push; GET /me after a resync answers the same number.
    if (listLoaded) ctx.emit("active-chats", { count: chats.size });
  }

  function renderList() {
    const items = sortedChats().map((conv) => {
      const unread = isUnread(conv);
      const button = el(
        "button",
        {
          type: "button",
          class: "chat-item",
          dataset: { conversationId: conv.conversationId },
          "aria-current": conv.conversationId === selectedId ? "true" : null,
          onclick: () => select(conv.conversationId),
        },
        el("span", { class: "chat-item-name" }, customerName(conv)),
        el("span", { class: "chat-item-time" }, formatTime(conv.lastMessageAt || conv.inboundAt, lang)),
        unread ? el("span", { class: "unread-mark", title: t("unread") }, el("span", { class: "visually-hidden" }, t("unread"))) : null,
      );
      return el("li", { class: unread ? "unread" : "" }, button);
    });
    list.replaceChildren(...(items.length ? items : [el("li", { class: "chat-empty" }, t("noChats"))]));
    renderCounts();
  }

  async function refreshQueue() {
    try {
      const data = await api.get("/queue");
      waiting = data.waiting;
      queueSummary.textContent = `${t("queue")} (${data.waiting})`;
      queueList.replaceChildren(
        ...(data.chats.length
          ? data.chats.map((c) =>
              el("li", { class: "queue-item", dataset: { conversationId: c.conversationId } },
                t("queueItem", { position: c.position, name: customerName(c), time: formatTime(c.inboundAt, lang) })))
          : [el("li", { class: "queue-empty" }, t("queueEmpty"))]),
      );
      renderCounts();
    } catch {
      /* the next queue.changed or reconnect retries */
    }
  }
  let queueTimer = null;
  const refreshQueueSoon = () => {
    clearTimeout(queueTimer);
    queueTimer = setTimeout(refreshQueue, 200);
  };

  async function refreshChats() {
    const data = await api.get("/agent/chats");
    const live = new Set(data.chats.map((c) => c.conversationId));
    for (const id of [...chats.keys()]) if (!live.has(id)) forget(id, null);
    for (const conv of data.chats) chats.set(conv.conversationId, conv);
    waiting = data.counts.waiting;
    listLoaded = true;
    renderList();
    // Resync every conversation read so far: the socket may have missed pushes while down.
    for (const id of threads.keys()) if (chats.has(id) && thread(id).loaded) sync(id);
    if (selectedId && chats.has(selectedId)) showConversation();
  }

  // --- messages ---
  function addMessage(message) {
    const th = thread(message.conversationId);
    if (message.clientMessageId) th.pending.delete(message.clientMessageId);
    th.messages.set(message.seq, message);
    while (th.messages.has(th.contiguous + 1)) th.contiguous += 1;
    const conv = chats.get(message.conversationId);
    if (conv && message.seq > (conv.lastSeq || 0)) {
      conv.lastSeq = message.seq;
      conv.lastMessageAt = message.createdAt;
    }
  }

  /** Read everything after the last contiguous seq (again, if asked while already reading). */
  function sync(id) {
    const th = thread(id);
    if (th.syncing) {
      th.again = true;
      return th.syncing;
    }
    th.syncing = (async () => {
      try {
        do {
          th.again = false;
          let more = true;
          while (more) {
            const data = await api.get(`/chats/${encodeURIComponent(id)}/messages${query({ afterSeq: th.contiguous, limit: PAGE })}`);
            data.messages.forEach(addMessage);
            more = data.hasMore && data.messages.length > 0;
          }
        } while (th.again);
        th.loaded = true;
      } catch (err) {
        if (!(err instanceof ApiError) || err.status >= 500 || err.status === 0) throw err;
      } finally {
        th.syncing = null;
      }
      if (id === selectedId) drawMessages();
      renderList();
    })();
    return th.syncing;
  }

  function drawMessages() {
    if (!selectedId) return;
    const th = thread(selectedId);
    const nearBottom = messageList.scrollHeight - messageList.scrollTop - messageList.clientHeight < 80;
    const ordered = [...th.messages.values()].sort((a, b) => a.seq - b.seq);
    renderMessages(messageList, [...ordered, ...th.pending.values()], ctx, selectedId);
    if (nearBottom || th.scrollToEnd) messageList.scrollTop = messageList.scrollHeight;
    th.scrollToEnd = false;
    markSeen(selectedId);
  }

  function send(text) {
    const conv = chats.get(selectedId);
    if (!conv) return;
    const clientMessageId = `a-${crypto.randomUUID()}`;
    const th = thread(conv.conversationId);
    th.pending.set(clientMessageId, {
      conversationId: conv.conversationId,
      clientMessageId,
      text,
      role: "agent",
      kind: "text",
      senderName: ctx.me.displayName || ctx.user.name,
      createdAt: Date.now(),
      pending: true,
    });
    th.scrollToEnd = true;
    drawMessages();
    socket.send("message.send", { conversationId: conv.conversationId, clientMessageId, text });
    stopTyping();
  }

  // Typing: "true" at most every few seconds while keys are pressed, "false" after a pause or a send.
  let typingSentAt = 0;
  let typingIdle = null;
  function typingActivity() {
    if (!selectedId) return;
    const now = Date.now();
    if (now - typingSentAt > TYPING_SEND_EVERY_MS) {
      typingSentAt = now;
      socket.send("typing", { conversationId: selectedId, isTyping: true });
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  }
  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingSentAt && selectedId) socket.send("typing", { conversationId: selectedId, isTyping: false });
    typingSentAt = 0;
  }
  let typingHide = null;
  function showTyping(on) {
    typingLine.classList.toggle("hidden", !on);
    clearTimeout(typingHide);
    if (on) typingHide = setTimeout(() => typingLine.classList.add("hidden"), TYPING_SHOWN_MS);
  }

  // The server counts Unicode code points of the trimmed text (docs/protocol.md): so does the counter.
  const textLength = (text) => [...text.trim()].length;
  const numberLocale = ctx.lang === "en" ? "en-US" : "ko-KR";
  function countTyped() {
    const count = textLength(input.value);
    const over = count > MESSAGE_MAX;
    counter.textContent = t("messageCounter", { n: count.toLocaleString(numberLocale), max: MESSAGE_MAX.toLocaleString(numberLocale) });
    counter.classList.toggle("hidden", count < COUNTER_FROM);
    counter.classList.toggle("over", over);
    input.setAttribute("aria-invalid", String(over));
    if ((!over && composerNote.dataset.reason === "long") || (count && composerNote.dataset.reason === "blank")) setComposerNote("");
  }
  function setComposerNote(reason, text = "") {
    composerNote.dataset.reason = reason;
    composerNote.textContent = text;
  }
  input.addEventListener("input", typingActivity);
  input.addEventListener("input", countTyped);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      // Only spaces or line breaks: nothing is sent; the box is emptied and says why.
      input.value = "";
      countTyped();
      setComposerNote("blank", t("messageBlank"));
      return input.focus();
    }
    const count = textLength(text);
    if (count > MESSAGE_MAX) {
      // Refused whole, never cut: the agent decides what to shorten.
      setComposerNote("long", t("messageTooLong", { max: MESSAGE_MAX.toLocaleString(numberLocale), over: (count - MESSAGE_MAX).toLocaleString(numberLocale) }));
      return input.focus();
    }
    input.value = "";
    setComposerNote("");
    countTyped();
    send(text);
  });

  // --- selecting a chat ---
  function select(id) {
    if (!chats.has(id)) return;
    if (selectedId !== id) stopTyping();
    selectedId = id;
    notice.classList.add("hidden");
    showTyping(false);
    showConversation(true);
    renderList();
    const th = thread(id);
    th.scrollToEnd = true;
    drawMessages();
    if (!th.loaded) sync(id);
  }

  function showConversation(reset = false) {
    const conv = chats.get(selectedId);
    empty.classList.toggle("hidden", Boolean(conv));
    conversationPane.classList.toggle("hidden", !conv);
    infoPane.classList.toggle("hidden", !conv);
    if (!conv) return;
    title.textContent = customerName(conv);
    meta.textContent = [t("inboundAt", { time: formatTime(conv.inboundAt, lang, true) }), conv.customer?.email].filter(Boolean).join(" · ");
    customerForm.fill(conv.customer || {}, reset);
    fillTypeOptions(conv);
    counselForm.fill(conv.counsel || {}, reset);
    renderRating(conv);
  }

  function clearSelection(message) {
    stopTyping();
    selectedId = null;
    showConversation();
    if (message) {
      notice.textContent = message;
      notice.classList.remove("hidden");
    }
  }

  function forget(id, message) {
    chats.delete(id);
    threads.delete(id);
    if (selectedId === id) clearSelection(message);
    renderList();
  }

  function move(step) {
    const ordered = sortedChats();
    if (!ordered.length) return;
    const at = ordered.findIndex((c) => c.conversationId === selectedId);
    const next = at < 0 ? (step > 0 ? 0 : ordered.length - 1) : (at + step + ordered.length) % ordered.length;
    select(ordered[next].conversationId);
    list.querySelector(`[data-conversation-id="${CSS.escape(ordered[next].conversationId)}"]`)?.focus();
  }

  // --- info forms ---
  function infoForm(kind, heading, fields) {
    const status = el("p", { class: "form-status", role: "status", "aria-live": "polite" });
    const errors = {};
    const controls = {};
    const rows = fields.map(([name, label, control]) => {
      control.id = nextId(`${kind}-${name}`);
      const error = el("p", { class: "field-error", id: `${control.id}-error` });
      control.setAttribute("aria-describedby", error.id);
      errors[name] = error;
      controls[name] = control;
      return el("div", { class: "form-row" }, el("label", { for: control.id }, label), control, error);
    });
    const button = el("button", { type: "submit", class: "primary" }, t("save"));
    const form = el("form", { class: `info-form ${kind}-form`, novalidate: true, "aria-label": heading }, el("h3", {}, heading), rows, el("div", { class: "form-actions" }, button, status));
    let dirty = false;
    form.addEventListener("input", () => {
      dirty = true;
      status.textContent = t("unsaved");
      status.dataset.state = "dirty";
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const id = selectedId;
      const values = Object.fromEntries(Object.entries(controls).map(([name, c]) => [name, c.value.trim()]));
      const problems = validate(kind, values);
      for (const [name, error] of Object.entries(errors)) {
        error.textContent = problems[name] || "";
        controls[name].setAttribute("aria-invalid", String(Boolean(problems[name])));
      }
      if (Object.keys(problems).length) {
        controls[Object.keys(problems)[0]].focus();
        status.textContent = "";
        return;
      }
      button.disabled = true;
      status.textContent = t("saving");
      try {
        const saved = await api.put(`/chats/${encodeURIComponent(id)}/${kind}`, values);
        dirty = false;
        if (chats.has(id)) chats.set(id, { ...chats.get(id), ...saved });
        status.textContent = t("saved", { time: formatTime(Date.now(), lang) });
        status.dataset.state = "saved";
        if (id === selectedId) showConversation();
        renderList();
      } catch (err) {
        status.textContent = t("saveFailed", { message: describeError(err, lang) });
        status.dataset.state = "error";
      } finally {
        button.disabled = false;
      }
    });
    return {
      form,
      /** Show the stored values; keeps what the agent is typing unless another chat was chosen. */
      fill(values, reset) {
        if (dirty && !reset) return;
        dirty = false;
        for (const [name, control] of Object.entries(controls)) {
          control.value = values[name] || "";
          control.removeAttribute("aria-invalid");
          errors[name].textContent = "";
        }
        if (reset) {
          status.textContent = "";
          delete status.dataset.state;
        }
      },
    };
  }

  function validate(kind, values) {
    const problems = {};
    const max = { name: 100, email: 254, phone: 20, memo: 2000, note: 2000 };
    for (const [name, value] of Object.entries(values)) {
      if (max[name] && value.length > max[name]) problems[name] = t("tooLong", { max: max[name] });
    }
    if (kind === "customer") {
      if (values.email && !EMAIL.test(values.email)) problems.email = t("invalidEmail");
      if (values.phone && !PHONE.test(values.phone)) problems.phone = t("invalidPhone");
    }
    return problems;
  }

  function options(select, names, current) {
    const all = [...names];
    if (current && !all.includes(current)) all.push(current); // a retired type already on the chat
    select.replaceChildren(el("option", { value: "" }, t("none")), ...all.map((name) => el("option", { value: name, lang: "ko" }, name))); // type names are Korean (3.1.2)
  }
  function fillTypeOptions(conv) {
    options(inquirySelect, ctx.settings.inquiryTypes || [], conv.counsel?.inquiryType);
    options(processingSelect, ctx.settings.processingTypes || [], conv.counsel?.processingType);
  }

  function renderRating(conv) {
    if (conv.rating) {
      ratingBox.replaceChildren(el("p", { class: `rating-value rating-${conv.rating}` }, t(`rating_${conv.rating}`)));
      if (conv.ratingComment) ratingBox.append(el("p", { class: "rating-comment" }, t("ratingComment", { comment: conv.ratingComment })));
    } else if (conv.ratingRequestedAt) {
      ratingBox.replaceChildren(el("p", { class: "rating-requested" }, t("rateRequested", { time: formatTime(conv.ratingRequestedAt, lang) })));
    } else {
      ratingBox.replaceChildren(el("p", { class: "rating-none" }, t("ratingNone")));
    }
    rateButton.disabled = Boolean(conv.rating);
  }

  // --- actions ---
  async function requestRating() {
    const id = selectedId;
    try {
      const conv = await api.post(`/chats/${encodeURIComponent(id)}/rating-request`);
      if (chats.has(id)) chats.set(id, { ...chats.get(id), ...conv });
      if (id === selectedId) renderRating(chats.get(id));
    } catch (err) {
      ctx.toast(t("rateFailed", { message: describeError(err, lang) }));
    }
  }

  async function endChat() {
    const id = selectedId;
    if (!id || !window.confirm(t("endConfirm"))) return;
    try {
      await api.post(`/chats/${encodeURIComponent(id)}/end`);
      forget(id, t("ended"));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) forget(id, t("ended"));
      else ctx.toast(t("endFailed", { message: describeError(err, lang) }));
    }
  }

  function buildTicketDialog() {
    const typeSelect = el("select", { name: "inquiryType", id: nextId("ticket-type"), required: true });
    const titleInput = el("input", { name: "title", id: nextId("ticket-title"), maxLength: 200, required: true, autocomplete: "off" });
    const contentInput = el("textarea", { name: "content", id: nextId("ticket-content"), rows: 6, maxLength: 10000, required: true });
    const error = el("p", { class: "field-error", role: "alert" });
    const transcript = el("ol", { class: "messages transcript", "aria-label": t("transcript") });
    const submit = el("button", { type: "submit", class: "primary" }, t("submit"));
    const dialog = keepTabInside(el("dialog", { class: "ticket-dialog", "aria-labelledby": "ticket-dialog-title" }));
    const form = el(
      "form",
      { class: "ticket-form", novalidate: true },
      el("h2", { id: "ticket-dialog-title" }, t("ticketFormTitle")),
      el("label", { for: typeSelect.id }, t("inquiryType")),
      typeSelect,
      el("label", { for: titleInput.id }, t("ticketTitle")),
      titleInput,
      el("label", { for: contentInput.id }, t("ticketContent")),
      contentInput,
      error,
      el("div", { class: "form-actions" }, submit, el("button", { type: "button", onclick: () => dialog.close() }, t("cancel"))),
      el("h3", {}, t("transcript")),
      transcript,
    );
    dialog.append(form);
    let conversationId = null;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { inquiryType: typeSelect.value, title: titleInput.value.trim(), content: contentInput.value.trim() };
      const missing = Object.entries({ inquiryType: typeSelect, title: titleInput, content: contentInput }).filter(([name]) => !body[name]);
      for (const control of [typeSelect, titleInput, contentInput]) control.setAttribute("aria-invalid", "false");
      if (missing.length) {
        for (const [, control] of missing) control.setAttribute("aria-invalid", "true");
        error.textContent = t("required");
        missing[0][1].focus();
        return;
      }
      submit.disabled = true;
      try {
        const ticket = await api.post(`/chats/${encodeURIComponent(conversationId)}/tickets`, body);
        dialog.close();
        ctx.toast(t("ticketCreated"));
        ctx.emit("ticket-created", ticket);
        notice.replaceChildren(t("ticketCreated"), " ", el("a", { href: `#/tickets/${encodeURIComponent(ticket.ticketId)}`, class: "ticket-link" }, t("openTicket")));
        notice.classList.remove("hidden");
      } catch (err) {
        error.textContent = t("ticketFailed", { message: describeError(err, lang) });
      } finally {
        submit.disabled = false;
      }
    });
    return {
      dialog,
      open(conv) {
        conversationId = conv.conversationId;
        options(typeSelect, ctx.settings.inquiryTypes || [], null);
        typeSelect.value = conv.counsel?.inquiryType && (ctx.settings.inquiryTypes || []).includes(conv.counsel.inquiryType) ? conv.counsel.inquiryType : "";
        titleInput.value = "";
        contentInput.value = conv.counsel?.note || "";
        error.textContent = "";
        const th = thread(conversationId);
        renderMessages(transcript, [...th.messages.values()].sort((a, b) => a.seq - b.seq), ctx, conversationId);
        dialog.showModal();
        typeSelect.focus();
      },
    };
  }

  async function openTicketForm() {
    const conv = chats.get(selectedId);
    if (!conv) return;
    await sync(conv.conversationId);
    ticketDialog.open(conv);
  }

  // --- pushes ---
  socket.on("chat.assigned", ({ conversation }) => {
    chats.set(conversation.conversationId, conversation);
    renderList();
    ctx.emit("assigned", conversation);
    refreshQueueSoon();
  });
  socket.on("chat.updated", ({ conversation }) => {
    if (!chats.has(conversation.conversationId)) return;
    chats.set(conversation.conversationId, { ...chats.get(conversation.conversationId), ...conversation });
    if (conversation.conversationId === selectedId) showConversation();
    renderList();
  });
  socket.on("chat.unassigned", ({ conversationId }) => {
    forget(conversationId, t("unassigned"));
    refreshQueueSoon();
  });
  socket.on("chat.ended", ({ conversationId, endedBy }) => {
    if (!chats.has(conversationId)) return;
    forget(conversationId, t(endedBy === "customer" ? "endedByCustomer" : "ended"));
  });
  socket.on("message.new", ({ message }) => {
    if (!chats.has(message.conversationId)) return;
    const th = thread(message.conversationId);
    const gap = th.loaded && message.seq > th.contiguous + 1;
    addMessage(message);
    if (message.role === "customer" && message.conversationId === selectedId) showTyping(false);
    if (gap) sync(message.conversationId);
    if (message.conversationId === selectedId) drawMessages();
    renderList();
  });
  socket.on("message.ack", ({ message }) => {
    if (!message || !chats.has(message.conversationId)) return;
    addMessage(message);
    if (message.conversationId === selectedId) drawMessages();
    renderList();
  });
  socket.on("error", (frame) => {
    if (!frame.clientMessageId) return;
    for (const th of threads.values()) {
      const pending = th.pending.get(frame.clientMessageId);
      if (pending) {
        pending.failed = true;
        // The server's reason in the console's language (too_long with the limit), else the translated error.
        ctx.toast(frame.code === "too_long" ? t("sendTooLong", { max: MESSAGE_MAX.toLocaleString(numberLocale) }) : t("sendFailed", { message: describeError(frame, lang) }));
      }
    }
    drawMessages();
  });
  socket.on("typing", ({ conversationId, role, isTyping }) => {
    if (role === "customer" && conversationId === selectedId) showTyping(isTyping);
  });
  socket.on("rating.submitted", ({ conversationId, rating, comment }) => {
    const conv = chats.get(conversationId);
    if (!conv) return;
    chats.set(conversationId, { ...conv, rating, ratingComment: comment });
    if (conversationId === selectedId) renderRating(chats.get(conversationId));
    ctx.toast(t("ratingArrived", { rating: t(`rating_${rating}`) }));
  });
  socket.on("queue.changed", ({ waiting: count }) => {
    waiting = count;
    renderCounts();
    refreshQueueSoon();
  });
  socket.on("open", () => {
    // A frame written into a dying connection is lost without an error: send every message still
    // waiting for its ack again. The same clientMessageId makes the server return the stored one.
    for (const th of threads.values()) {
      for (const m of th.pending.values()) {
        if (!m.failed) socket.send("message.send", { conversationId: m.conversationId, clientMessageId: m.clientMessageId, text: m.text });
      }
    }
    refreshChats().catch(() => {});
    refreshQueue();
  });

  bus.addEventListener("me", (event) => {
    permissionNotice.classList.toggle("hidden", event.detail.chatPermission !== false);
    refreshQueueSoon();
  });
  bus.addEventListener("settings", () => {
    if (selectedId) {
      fillTypeOptions(chats.get(selectedId));
      counselForm.fill(chats.get(selectedId).counsel || {}, false);
    }
    drawMessages();
  });
  bus.addEventListener("message-updated", ({ detail: message }) => {
    const th = threads.get(message.conversationId);
    if (!th || !th.messages.has(message.seq)) return;
    th.messages.set(message.seq, message);
    if (message.conversationId === selectedId) drawMessages();
  });
  bus.addEventListener("shortcut", ({ detail }) => {
    if (detail === "next") move(1);
    else if (detail === "previous") move(-1);
    else if (detail === "focus-input" && selectedId) input.focus();
  });
  bus.addEventListener("open-first-unread", () => {
    const first = sortedChats().find(isUnread) || sortedChats()[0];
    if (first) select(first.conversationId);
  });
  document.addEventListener("visibilitychange", () => {
    if (selectedId) markSeen(selectedId);
  });

  permissionNotice.classList.toggle("hidden", ctx.me.chatPermission !== false);
  renderList();
  refreshChats().catch(() => {});
  refreshQueue();

  return {
    show() {
      visible = true;
      if (selectedId) markSeen(selectedId);
      else {
        const first = sortedChats().find(isUnread);
        if (first) select(first.conversationId);
      }
    },
    hide() {
      visible = false;
    },
  };
}
