// One customer conversation: REST calls, the socket, and the rules that keep the transcript whole.
// - Every message gets a clientMessageId and stays in the outbox (persisted) until the server acks
//   it; the outbox is resent on every (re)connect and the server drops repeats of the same id.
// - Messages are kept by seq; after any (re)connect and on any gap, messages.sync asks for all after
//   the highest seq shown without a hole, so nothing is missing and nothing is shown twice.
import { Link } from "./link.js";
import { ReadReporter } from "./read-receipts.js";

const ACK_TIMEOUT_MS = 12_000;
const FATAL_SEND_ERRORS = new Set(["conversation_ended", "invalid_field", "too_long", "forbidden", "not_found"]);

export class ApiError extends Error {
  constructor(status, code, message, field, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.body = body; // the whole error body (409 closed carries nextOpening)
  }
}

export function createApi(base) {
  return async function request(method, path, body, token) {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(0, "network", String(error?.message || error));
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, data?.code || "http", data?.message || "", data?.field, data);
    return data;
  };
}

function newClientMessageId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return "c-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Session {
  /**
   * saved: {conversationId, token, outbox?}; persist(saved) stores it; emit(type, detail) tells the UI:
   * message (a stored message, in seq order), pending (a new unsent message), sent, failed,
   * state ({state, position, agentName}), typing (bool), rating ({ko, en} texts, a Korean string, or null), link (online bool), lost,
   * agentRead (the highest seq the agent has read).
   */
  constructor({ request, wsUrl, saved, persist, emit }) {
    this.request = request;
    this.wsUrl = wsUrl;
    this.id = saved.conversationId;
    this.token = saved.token;
    this.persistSaved = persist;
    this.emit = emit;
    this.saved = saved;
    this.messages = new Map();
    this.outbox = new Map((saved.outbox || []).map((m) => [m.clientMessageId, m]));
    this.contiguous = 0;
    this.syncing = false;
    this.state = "waiting";
    this.position = 0;
    this.agentName = null;
    this.endReason = null; // `idle`, `closed` (waiting at closing time) or none
    this.rating = null;
    this.ratingAsked = false;
    this.link = null;
    this.ackTimer = null;
    this.agentRead = 0;
    // The customer's receipt: the UI says what was seen (seen()), the reporter when to send it.
    this.reads = new ReadReporter({
      send: (seq) => this.link?.send({ action: "read", conversationId: this.id, seq }) || false,
    });
  }

  persist() {
    this.saved.outbox = [...this.outbox.values()];
    this.persistSaved(this.saved);
  }

  call(method, path, body) {
    return this.request(method, path, body, this.token);
  }

  /** Load the conversation (after a start or a reload) and go live; throws ApiError when it is gone. */
  async open() {
    // Unsent messages from before a reload show at once (and only these: anything typed while the
    // GET below runs is announced by send() itself).
    for (const pending of this.outbox.values()) this.emit("pending", pending);
    const view = await this.call("GET", `/chats/${this.id}`);
    this.applyView(view);
    if (this.state === "ended") {
      await this.loadOverRest();
      for (const id of [...this.outbox.keys()]) this.fail(id);
      return;
    }
    this.link = new Link(this.wsUrl, this.token, {
      onOpen: () => this.onOpen(),
      onFrame: (frame) => this.onFrame(frame),
      onDown: () => this.emit("link", false),
      onRefused: () => this.checkStillThere(),
    });
    this.link.start();
  }

  applyView(view) {
    this.agentName = view.agentName || this.agentName;
    this.endReason = view.endReason || this.endReason;
    this.reads.known(view.reads?.customer || 0);
    this.agentReadUpTo(view.reads?.agent || 0);
    this.customerEmail = view.customerEmail || this.customerEmail || "";
    this.transcriptRequested = !!view.transcriptRequested;
    this.rating = view.rating || null;
    this.setState(view.state, view.position ?? this.position);
    if (view.ratingRequestedAt && !view.rating && view.state !== "waiting") this.ratingRequested(view.ratingRequestTexts || view.ratingRequestText);
  }

  ratingRequested(text) {
    if (this.rating) return;
    this.ratingAsked = true;
    this.emit("rating", text || null); // the UI keeps one request on screen
  }

  agentReadUpTo(seq) {
    if (typeof seq !== "number" || seq <= this.agentRead) return; // a receipt never moves back
    this.agentRead = seq;
    this.emit("agentRead", seq);
  }

  /** The customer has seen the messages shown so far (the UI calls this only while they are visible). */
  seen() {
    let highest = 0;
    for (const message of this.messages.values()) if (message.role === "agent" && message.seq > highest) highest = message.seq;
    if (highest) this.reads.saw(highest);
  }

  setState(state, position = this.position) {
    if (this.state === "ended" && state !== "ended") return; // the end is final
    this.state = state;
    this.position = state === "waiting" ? position : 0;
    this.emit("state", { state: this.state, position: this.position, agentName: this.agentName });
    if (state === "ended") {
      this.link?.stop();
      clearTimeout(this.ackTimer);
      this.emit("typing", false);
    }
  }

  async loadOverRest() {
    for (;;) {
      const batch = await this.call("GET", `/chats/${this.id}/messages?afterSeq=${this.contiguous}&limit=500`);
      for (const message of batch.messages) this.add(message);
      this.coveredThrough(batch.throughSeq);
      if (!batch.hasMore || !batch.messages.length) return;
    }
  }

  async checkStillThere() {
    try {
      await this.call("GET", `/chats/${this.id}`);
    } catch (error) {
      if ([401, 403, 404].includes(error.status)) {
        this.close();
        this.emit("lost", error);
      }
    }
  }

  onOpen() {
    this.emit("link", true);
    this.syncing = false; // a sync asked on the previous socket died with it
    this.sync();
    for (const pending of this.outbox.values()) this.transmit(pending);
    this.reads.reconnected();
    // Pushes while we were away (queue position, rating request) are lost: read the current state.
    this.call("GET", `/chats/${this.id}`).then((view) => this.applyView(view), () => {});
  }

  sync() {
    if (this.syncing) return;
    this.syncing = this.link?.send({ action: "messages.sync", conversationId: this.id, afterSeq: this.contiguous }) || false;
  }

  onFrame(frame) {
    switch (frame.type) {
      case "message.ack":
        this.add(frame.message);
        break;
      case "message.new":
        this.add(frame.message);
        break;
      case "message.updated":
        // An agent masked part of a message: show the stored (masked) text from now on.
        if (frame.message && this.messages.has(frame.message.seq)) {
          this.messages.set(frame.message.seq, frame.message);
          this.emit("updated", frame.message);
        }
        break;
      case "messages.batch":
        this.syncing = false;
        for (const message of frame.messages || []) this.add(message);
        this.coveredThrough(frame.throughSeq);
        if (frame.state) this.setState(frame.state);
        if (frame.hasMore || this.contiguous < (frame.lastSeq || 0)) this.sync();
        break;
      case "chat.queued":
        this.setState("waiting", frame.position);
        break;
      case "chat.started":
        this.agentName = frame.agentName || this.agentName;
        this.setState("active");
        break;
      case "chat.transferred":
        this.agentName = frame.agentName || null; // the new agent's display name, or none
        this.emit("agentChanged", this.agentName);
        break;
      case "chat.ended":
        this.endReason = frame.endReason || null;
        this.setState("ended");
        break;
      case "typing":
        if (frame.role !== "customer") this.emit("typing", !!frame.isTyping);
        break;
      case "read":
        // The agent read up to seq (shown as 읽음), or another tab of this customer did (not sent again).
        if (frame.side === "agent") this.agentReadUpTo(frame.seq);
        else if (frame.side === "customer") this.reads.known(frame.seq);
        break;
      case "read.ack":
        this.reads.acked(frame);
        break;
      case "attachment.rejected":
        this.emit("attachmentRejected", frame); // the checker refused a file this customer sent
        break;
      case "rating.requested":
        this.ratingRequested(frame.texts || frame.text || null); // {ko, en}; the UI picks the language
        break;
      case "error":
        this.onError(frame);
        break;
      default:
    }
  }

  onError(frame) {
    if (frame.action === "messages.sync") {
      this.syncing = false;
      return;
    }
    if (frame.action === "read") {
      this.reads.failed();
      return;
    }
    if (frame.action !== "message.send" || !frame.clientMessageId) return;
    if (frame.code === "conversation_ended") this.setState("ended");
    if (FATAL_SEND_ERRORS.has(frame.code)) this.fail(frame.clientMessageId, frame.code);
    // Anything else (internal, busy): it stays in the outbox and goes again on the next connect.
  }

  add(message) {
    if (!message || typeof message.seq !== "number") return;
    if (message.role === "customer" && this.outbox.has(message.clientMessageId)) {
      this.outbox.delete(message.clientMessageId);
      this.persist();
      if (!this.outbox.size) clearTimeout(this.ackTimer);
    }
    if (this.messages.has(message.seq)) return;
    this.messages.set(message.seq, message);
    while (this.messages.has(this.contiguous + 1)) this.contiguous += 1;
    if (message.kind === "system") this.applySystem(message);
    this.emit("message", message);
    if (message.seq > this.contiguous) this.sync(); // a hole before this one: fetch it
  }

  /** A batch read every seq up to `seq` (staff-only notes are never sent): no hole is left before it. */
  coveredThrough(seq) {
    if (typeof seq !== "number" || seq <= this.contiguous) return;
    this.contiguous = seq;
    while (this.messages.has(this.contiguous + 1)) this.contiguous += 1;
  }

  applySystem(message) {
    if (message.systemCode === "chat_ended") this.setState("ended");
    else if (message.systemCode === "returned_to_queue") this.setState("waiting");
    else if (message.systemCode === "agent_joined" && this.state === "waiting") this.setState("active");
  }

  /** Queue a customer message: shown at once as sending, delivered whenever the socket is up. */
  send(text) {
    const pending = { clientMessageId: newClientMessageId(), text, createdAt: Date.now() };
    this.outbox.set(pending.clientMessageId, pending);
    this.persist();
    this.emit("pending", pending);
    this.transmit(pending);
    return pending;
  }

  transmit(pending) {
    const sent = this.link?.send({
      action: "message.send",
      conversationId: this.id,
      clientMessageId: pending.clientMessageId,
      text: pending.text,
    });
    if (sent && !this.ackTimer) {
      // No ack in time on a socket that looks open: it is half dead; reconnect (which resends).
      this.ackTimer = setTimeout(() => {
        this.ackTimer = null;
        if (this.outbox.size && this.state !== "ended") this.link?.restart();
      }, ACK_TIMEOUT_MS);
    }
  }

  fail(clientMessageId, code) {
    if (!this.outbox.delete(clientMessageId)) return;
    this.persist();
    this.emit("failed", { clientMessageId, code });
  }

  typing(isTyping) {
    if (this.state !== "active") return;
    this.link?.send({ action: "typing", conversationId: this.id, isTyping });
  }

  async end() {
    const view = await this.call("POST", `/chats/${this.id}/end`);
    this.setState("ended");
    return view;
  }

  /** The chat as the server has it now: the e-mail to prefill, whether the transcript was asked for. */
  async refreshView() {
    const view = await this.call("GET", `/chats/${this.id}`);
    this.customerEmail = view.customerEmail || this.customerEmail || "";
    this.transcriptRequested = !!view.transcriptRequested;
    return view;
  }

  /** Ask once, after the end, for the masked transcript by e-mail (sent in `lang`). */
  async mailTranscript(email, lang) {
    const answer = await this.call("POST", `/chats/${this.id}/transcript-mail`, { email, lang });
    this.transcriptRequested = true;
    return answer;
  }

  async rate(rating, comment) {
    const view = await this.call("POST", `/chats/${this.id}/rating`, comment ? { rating, comment } : { rating });
    this.rating = view.rating;
    return view;
  }

  close() {
    clearTimeout(this.ackTimer);
    this.reads.stop();
    this.link?.stop();
    this.link = null;
  }
}
