// A WebSocket that stays connected: reconnects with jittered exponential backoff (0.5 s … 30 s),
// pings every 4 minutes (API Gateway closes idle connections after 10), renews its token on every
// connect, and keeps frames sent while offline in an outbox until the connection is back.
// Listeners: on("open") after every (re)connect — the place to send messages.sync — on("close"),
// on("state", {online}) and on(<event type>, frame) for every server event.
const PING_MS = 4 * 60 * 1000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;

export class ChatSocket {
  constructor(url, getToken) {
    this.url = url;
    this.getToken = getToken;
    this.listeners = new Map();
    this.outbox = [];
    this.attempt = 0;
    this.ws = null;
    this.stopped = false;
    this.pingTimer = null;
    this.retryTimer = null;
  }

  on(type, listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(listener);
    return () => this.listeners.get(type).delete(listener);
  }

  emit(type, payload) {
    for (const listener of this.listeners.get(type) || []) {
      try {
        listener(payload);
      } catch (error) {
        console.error(error);
      }
    }
  }

  get online() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  async connect() {
    this.stopped = false;
    clearTimeout(this.retryTimer);
    const token = await this.getToken();
    if (!token || this.stopped) return;
    const separator = this.url.includes("?") ? "&" : "?";
    const ws = new WebSocket(`${this.url}${separator}token=${encodeURIComponent(token)}`);
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.attempt = 0;
      this.pingTimer = setInterval(() => this.send("ping"), PING_MS);
      this.emit("state", { online: true });
      this.emit("open");
      const pending = this.outbox.splice(0);
      for (const frame of pending) ws.send(frame);
    });
    ws.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      this.emit(frame.type, frame);
    });
    ws.addEventListener("close", (event) => {
      clearInterval(this.pingTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      this.emit("state", { online: false });
      this.emit("close", event);
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    this.attempt += 1;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Send now, or when the connection is back (frames are never dropped while offline). */
  send(action, fields = {}) {
    const frame = JSON.stringify({ action, ...fields });
    if (this.online) this.ws.send(frame);
    else if (action !== "ping" && action !== "typing") this.outbox.push(frame);
  }

  close() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.ws?.close(1000);
    this.ws = null;
  }
}
