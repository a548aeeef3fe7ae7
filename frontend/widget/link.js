// The customer's WebSocket: reconnects with jittered exponential backoff (0.5 s … 30 s) after any
// close, pings every 4 minutes (API Gateway closes idle connections after 10), and says when it is
// up (onOpen: the place to sync and resend) or down. It keeps no frames itself: the session resends
// every message that has no ack yet on each open, so nothing sent into a dying socket is lost.
const PING_MS = 4 * 60 * 1000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;

export class Link {
  constructor(url, token, { onOpen, onFrame, onDown, onRefused }) {
    this.url = `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`;
    this.handlers = { onOpen, onFrame, onDown, onRefused };
    this.ws = null;
    this.attempt = 0;
    this.failures = 0; // closes before any open in a row: a refused token or a gone conversation
    this.stopped = true;
    this.timers = {};
    this.wake = () => this.connectSoon(0);
  }

  get online() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener("online", this.wake);
    this.connect();
  }

  connect() {
    clearTimeout(this.timers.retry);
    if (this.stopped || this.ws) return;
    let opened = false;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener("open", () => {
      opened = true;
      this.attempt = 0;
      this.failures = 0;
      this.timers.ping = setInterval(() => this.send({ action: "ping" }), PING_MS);
      this.handlers.onOpen();
    });
    ws.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame === "object") this.handlers.onFrame(frame);
    });
    ws.addEventListener("close", () => {
      clearInterval(this.timers.ping);
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      this.handlers.onDown();
      if (!opened && ++this.failures >= 2) this.handlers.onRefused?.();
      const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt++);
      this.connectSoon(ceiling / 2 + Math.random() * (ceiling / 2));
    });
  }

  connectSoon(delay) {
    if (this.stopped || this.ws) return;
    clearTimeout(this.timers.retry);
    this.timers.retry = setTimeout(() => this.connect(), delay);
  }

  /** Sends now and returns true, or returns false when offline (the caller keeps the frame). */
  send(frame) {
    if (!this.online) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Drop a connection that looks alive but does not answer; the close handler reconnects. */
  restart() {
    this.ws?.close();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener("online", this.wake);
    clearTimeout(this.timers.retry);
    clearInterval(this.timers.ping);
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000);
  }
}
