// The widget's chat: the log (messages by seq, pending ones by clientMessageId), the composer with
// its counter and refusals, typing, queue and state lines, the session's events. Methods of the
// Widget (app.js mixes them in: `this` is the widget).
import { h } from "./dom.js";
import { COUNTER_FROM, LIMITS, codePoints } from "./limits.js";
import { Session } from "./session.js";
import { readMarkSeq } from "./read-receipts.js";
import { systemLineParts } from "./system-lines.js";

const TYPING_HIDE_MS = 8000;
const TYPING_IDLE_MS = 3000;

export class ChatSteps {
  // --- the chat ---------------------------------------------------------------------------------

  beginChat(started) {
    const saved = {
      conversationId: started.conversationId,
      token: started.token,
      greeting: started.greetings || started.greeting || "", // {ko, en} (a string from an older server)
      open: !this.panel.hidden,
      outbox: [],
    };
    this.store(saved);
    this.resume(saved);
  }

  resume(saved) {
    const session = new Session({
      request: this.request,
      wsUrl: this.options.ws,
      saved,
      persist: (value) => this.store(value),
      emit: (type, detail) => this.onSession(type, detail),
    });
    this.session = session;
    this.showChat(saved.greeting);
    session.open().catch((failure) => {
      if (this.session !== session) return;
      if ([401, 403, 404].includes(failure.status)) this.onSession("lost");
      else this.showError(() => this.resume(saved));
    });
  }

  showChat(greeting) {
    const t = this.t;
    const inputId = this.id("input");
    const chat = {
      queue: h("p", { class: "queue", role: "status", hidden: true }),
      // The list stays a list ("list, N items", message by message); the live region wraps it.
      log: h("ol", { class: "log", tabindex: "0" }),
      typing: h("p", { class: "typing", hidden: true }, t("typing")),
      ended: h("div", { class: "ended", hidden: true }),
      // No maxlength: it would cut a long paste silently. The counter and the refusal say why instead.
      input: h("textarea", {
        id: inputId,
        rows: "2",
        "data-autofocus": true,
        placeholder: t("message"),
        "aria-describedby": `${inputId}-count ${inputId}-note`,
      }),
      counter: h("p", { id: `${inputId}-count`, class: "counter", hidden: true }),
      note: h("p", { id: `${inputId}-note`, class: "composer-note", role: "alert" }),
      send: h("button", { type: "submit", class: "primary" }, t("send")),
      items: new Map(),
      typingSent: false,
    };
    const shownGreeting = this.pick(greeting);
    if (shownGreeting.text) {
      chat.log.append(h("li", { class: "msg greeting" }, h("p", { class: "bubble", lang: shownGreeting.lang }, shownGreeting.text)));
    }
    const area = h("div", { class: "chat" });
    const composer = h(
      "form",
      { class: "composer" },
      h("label", { for: inputId, class: "sr-only" }, t("message")),
      this.attachControls(chat, area),
      chat.input,
      chat.send,
      h("div", { class: "composer-status" }, chat.note, chat.counter),
    );
    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendTyped();
    });
    chat.input.addEventListener("keydown", (event) => {
      // Enter sends, Shift+Enter breaks the line; never while an IME (Korean) is composing.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.sendTyped();
      }
    });
    chat.input.addEventListener("input", () => {
      this.noteTyping();
      this.countTyped();
    });
    this.chat = chat;
    const live = h("div", { class: "log-region", role: "log", "aria-live": "polite", "aria-label": t("log") }, chat.log);
    area.append(chat.queue, live, chat.uploads, chat.typing, chat.ended, composer);
    this.show("chat", area);
  }

  /** The counter near the limit; over it, the box is marked and says by how much. */
  countTyped() {
    const { input, counter, note } = this.chat;
    const count = codePoints(input.value.trim());
    const over = count > LIMITS.message;
    counter.hidden = count < COUNTER_FROM;
    counter.textContent = this.t("counter", { n: this.num(count), max: this.num(LIMITS.message) });
    counter.classList.toggle("over", over);
    input.setAttribute("aria-invalid", String(over));
    // A reason shown for a refused send goes once the text is fixed.
    if ((!over && note.dataset.reason === "messageTooLong") || (count && note.dataset.reason === "blank")) this.setNote("");
  }

  setNote(reason, vars) {
    const { note } = this.chat;
    note.dataset.reason = reason;
    note.textContent = reason ? this.t(reason, vars) : "";
  }

  sendTyped() {
    const { input } = this.chat;
    if (!this.session || this.session.state === "ended") return;
    const text = input.value.trim();
    if (!text) {
      // Only spaces or line breaks: nothing to send; empty the box and say so.
      input.value = "";
      this.countTyped();
      this.setNote("blank");
      input.focus();
      return;
    }
    const count = codePoints(text);
    if (count > LIMITS.message) {
      // Refused whole, never cut: the customer decides what to shorten.
      this.setNote("messageTooLong", { max: this.num(LIMITS.message), over: this.num(count - LIMITS.message) });
      input.focus();
      return;
    }
    input.value = "";
    this.setNote("");
    this.countTyped();
    this.stopTyping();
    this.session.send(text);
  }

  noteTyping() {
    const chat = this.chat;
    if (!chat.typingSent) {
      chat.typingSent = true;
      this.session?.typing(true);
    }
    clearTimeout(chat.typingTimer);
    chat.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping() {
    const chat = this.chat;
    clearTimeout(chat.typingTimer);
    if (chat.typingSent) {
      chat.typingSent = false;
      this.session?.typing(false);
    }
  }

  onSession(type, detail) {
    const chat = this.chat;
    if (type === "lost") {
      this.session?.close();
      this.session = null;
      this.chat = null;
      this.store(null);
      this.linkStatus.textContent = "";
      if (!this.panel.hidden) this.startFlow();
      else this.body.replaceChildren();
      return;
    }
    if (!chat) return;
    switch (type) {
      case "message":
        this.showMessage(detail);
        break;
      case "updated":
        this.showText(chat.items.get(`s:${detail.seq}`), detail.text);
        break;
      case "pending":
        this.placeItem(`p:${detail.clientMessageId}`, this.messageItem({ ...detail, role: "customer" }, "sending"));
        break;
      case "failed":
        this.setItemState(chat.items.get(`p:${detail.clientMessageId}`), "failed", detail.code);
        break;
      case "state":
        this.showState(detail);
        break;
      case "typing":
        chat.typing.hidden = !detail;
        clearTimeout(chat.typingHide);
        if (detail) chat.typingHide = setTimeout(() => (chat.typing.hidden = true), TYPING_HIDE_MS);
        break;
      case "rating":
        this.showRatingRequest(detail);
        break;
      case "agentChanged":
        this.showNewAgent(detail);
        break;
      case "attachmentRejected":
        this.uploadSettled(detail.attachmentId, detail);
        break;
      case "agentRead":
        this.showReadMark();
        break;
      case "link":
        this.linkStatus.textContent = detail ? "" : this.t("offline");
        this.linkStatus.classList.toggle("down", !detail);
        break;
      default:
    }
  }

  showState({ state, position }) {
    const { queue, ended, input, send } = this.chat;
    queue.hidden = state !== "waiting";
    queue.textContent = position > 0 ? this.t("queue", { n: position }) : this.t("queueWaiting");
    if (state === "ended" && ended.hidden) {
      const hadFocus = this.root.activeElement === input;
      const again = h("button", { type: "button", class: "primary", "data-autofocus": true, onclick: () => this.newChat() }, this.t("newChat"));
      ended.replaceChildren(h("p", {}, this.t("ended")), again);
      // Closed at closing time while waiting (waitingAtClosing = close): the line points to 문의하기.
      const unserved = this.session.endReason === "closed";
      if (unserved) ended.append(h("button", { type: "button", onclick: () => this.leaveInquiry() }, this.t("inquire")));
      else if (!this.session.rating) ended.append(h("button", { type: "button", onclick: () => this.openRating() }, this.t("rateNow")));
      ended.hidden = false;
      this.offerTranscript(); // the transcript by e-mail, without having to rate
      input.disabled = true;
      send.disabled = true;
      if (this.chat.attach) this.chat.attach.disabled = true;
      if (hadFocus || this.root.activeElement === null) again.focus();
    }
    this.updateHeader();
  }

  newChat() {
    this.session?.close();
    this.session = null;
    this.chat = null;
    this.store(null);
    this.linkStatus.textContent = "";
    this.startFlow();
  }

  messageItem(message, state) {
    const t = this.t;
    const mine = message.role === "customer";
    if (message.kind === "system") {
      const newAgent = message.systemCode === "agent_changed" ? this.chat.newAgent : null;
      if (newAgent) this.chat.newAgent = null;
      const attrs = { class: "msg system", "data-seq": message.seq, "data-code": message.systemCode, "data-named": newAgent ? "true" : undefined };
      return h("li", attrs, h("p", {}, this.systemText(message, newAgent)));
    }
    const time = new Intl.DateTimeFormat(this.lang === "ko" ? "ko-KR" : "en-GB", { hour: "2-digit", minute: "2-digit" }).format(
      new Date(message.createdAt || Date.now()),
    );
    const who = mine ? t("you") : message.senderName || t("agent");
    const li = h(
      "li",
      { class: `msg ${mine ? "mine" : "agent"}` },
      mine ? h("span", { class: "sr-only" }, `${who}: `) : h("p", { class: "who" }, who),
      message.kind === "attachment" ? this.attachmentBubble(message) : h("p", { class: "bubble" }, message.text),
      h("p", { class: "meta" }, h("span", {}, time), mine ? h("span", { class: "state" }) : null),
    );
    if (message.seq) li.dataset.seq = message.seq;
    if (mine) this.setItemState(li, state);
    return li;
  }

  setItemState(li, state, code) {
    if (!li) return;
    li.dataset.state = state;
    const label = li.querySelector(".state");
    // The server's reason, translated: a message over the limit says so rather than just "not sent".
    const key = state === "failed" && code === "too_long" ? "notSentTooLong" : { sending: "sending", sent: "sent", read: "read", failed: "notSent" }[state];
    if (label) label.textContent = this.t(key, { max: this.num(LIMITS.message) });
  }

  // The line's text: the server's Korean one, or ours in English (system-lines.js); a name goes in a
  // <bdi> of its own (a person's name is in no one language: WCAG 3.1.2 leaves proper names alone).
  systemText(message, newAgent) {
    const parts = systemLineParts(message, this.lang, this.t, newAgent);
    return parts.map((part) => (typeof part === "string" ? part : h("bdi", { class: "name" }, part.name)));
  }

  /** A live transfer (`chat.transferred`): its `agent_changed` line names the new agent, if they have a display name. */
  showNewAgent(name) {
    const line = [...this.chat.log.querySelectorAll('.msg.system[data-code="agent_changed"]')].pop();
    if (!name || !line || line.dataset.named) {
      this.chat.newAgent = name; // the line is still to come (or the agent has no display name)
      return;
    }
    line.dataset.named = "true";
    line.firstChild.replaceChildren(...this.systemText({ systemCode: "agent_changed" }, name));
  }

  showMessage(message) {
    const { items } = this.chat;
    const pendingKey = `p:${message.clientMessageId}`;
    let li = message.role === "customer" && items.get(pendingKey);
    if (li) {
      items.delete(pendingKey);
      li.dataset.seq = message.seq;
      this.setItemState(li, "sent");
      this.showText(li, message.text); // as stored: autoMaskPii may have masked what was typed
    } else {
      li = this.messageItem(message, "sent");
      const seen = this.session.saved.seen || 0;
      if (!this.panel.hidden) this.markSeen(message.seq);
      else if (message.role === "agent" && message.seq > seen) this.setUnread(this.unread + 1);
    }
    this.placeItem(`s:${message.seq}`, li, message.seq);
    if (message.role === "customer") this.showReadMark();
    else if (message.role === "agent") this.reportSeen();
  }

  /** The customer can see the chat now: the dialog is open, the tab shown and the window focused. */
  chatVisible() {
    return !!this.chat && !this.panel.hidden && document.visibilityState === "visible" && document.hasFocus();
  }

  /** Tell the server what the customer has read, but only what they could see (the agent's 읽음). */
  reportSeen() {
    if (this.session && this.chatVisible()) this.session.seen();
  }

  /** 읽음 on the customer's last message the agent has read; the others say 전송됨. */
  showReadMark() {
    if (!this.chat || !this.session) return;
    const mine = [...this.chat.log.querySelectorAll(".msg.mine[data-seq]")];
    const mark = readMarkSeq(mine.map((li) => Number(li.dataset.seq)), this.session.agentRead);
    for (const li of mine) {
      const state = Number(li.dataset.seq) === mark ? "read" : "sent";
      if (li.dataset.state !== state && ["sent", "read"].includes(li.dataset.state)) this.setItemState(li, state);
    }
  }

  showText(li, text) {
    const bubble = li?.querySelector(".bubble");
    if (bubble && bubble.textContent !== text) bubble.textContent = text;
  }

  /** Stored messages in seq order; unsent ones after them; everything else where it happened. */
  placeItem(key, li, seq) {
    const { log, items } = this.chat;
    const previous = items.get(key);
    if (previous && previous !== li) previous.remove(); // one element per message, whatever happens
    items.set(key, li);
    let before = null;
    for (const node of log.children) {
      if (node === li) continue;
      if (seq !== undefined && node.dataset.seq && Number(node.dataset.seq) > seq) {
        before = node;
        break;
      }
      if (seq !== undefined && node.dataset.state === "sending" && !node.dataset.seq) {
        before = node;
        break;
      }
    }
    if (before) log.insertBefore(li, before);
    else if (li.parentNode !== log || li.nextSibling) log.append(li);
    log.scrollTop = log.scrollHeight;
  }
}
