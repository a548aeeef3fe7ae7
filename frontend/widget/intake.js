// The widget before a chat: availability, out of hours, consent with the inquiry type (when teams
// answer by type), or its refusal, absence, the 1:1 inquiry form with its checks. Methods of the
// Widget (app.js mixes them in: `this` is the widget).
import { h } from "./dom.js";
import { EMAIL, LIMITS } from "./limits.js";
import { browserTimeZone, openingRows } from "./opening.js";

export class IntakeSteps {
  // --- before a chat: availability, consent, absence, inquiry ---------------------------------

  /** With the customer's zone: the next opening comes back in their time as well as the service's. */
  async readAvailability() {
    const zone = browserTimeZone();
    this.availability = await this.request("GET", `/widget/availability${zone ? `?timeZone=${encodeURIComponent(zone)}` : ""}`);
  }

  /** refused: the POST /chats body a plain 409 just refused (null on a normal start). */
  async startFlow(refused = null) {
    this.show("loading", h("p", { class: "note", role: "status" }, this.t("loading")));
    try {
      await this.readAvailability();
    } catch {
      this.showError(() => this.startFlow());
      return;
    }
    const a = this.availability;
    if (a.enabled && a.open === false) this.showClosed(a.nextOpening);
    else if (!a.enabled || !a.agentsOnline) this.showAbsent();
    // Same consent, agents online, yet refused: nobody of the chosen type's team is online.
    else if (refused?.inquiryType && refused.consentVersion === a.consent.version) this.showAbsent();
    else this.showConsent();
  }

  /** POST /chats met closing time: the settings' message (read again: it was not shown before) with
   * the opening the refusal gives (the chosen team's own hours may differ from the service's). */
  async closedMeanwhile(nextOpening) {
    try {
      await this.readAvailability();
    } catch {
      /* the refusal's own opening is enough to show; the message falls back to ours */
    }
    this.showClosed(nextOpening ?? this.availability?.nextOpening);
  }

  /** Out of hours (운영시간 외): the message, when chat opens next in both zones, and 문의하기. */
  showClosed(nextOpening) {
    const t = this.t;
    const message = this.pick(this.availability?.closedMessage || {});
    const rows = openingRows(nextOpening, this.lang);
    const whose = { customer: "yourTime", service: "serviceTime" };
    const times = rows.length
      ? h(
          "dl",
          { class: "opening" },
          rows.map((row) => [
            h("dt", {}, row.label, " ", h("span", { class: "zone" }, row.whose === "both" ? `(${row.offset})` : `(${row.offset}, ${t(whose[row.whose])})`)),
            h("dd", {}, row.time),
          ]),
        )
      : h("p", { class: "note" }, t("noOpening"));
    this.show(
      "closed",
      h("h3", {}, t("closedHeading")),
      h("p", { class: "note", lang: message.text ? message.lang : undefined }, message.text || t("closedDefault")),
      h("h4", {}, t("nextOpening")),
      times,
      h("p", { class: "note" }, t("closedInquiry")),
      h("button", { type: "button", class: "primary", "data-autofocus": true, onclick: () => this.showInquiry() }, t("inquire")),
    );
  }

  showError(retry) {
    this.show(
      "error",
      h("p", { class: "note", role: "alert" }, this.t("loadFailed")),
      h("button", { type: "button", class: "primary", onclick: retry, "data-autofocus": true }, this.t("retry")),
    );
  }

  consentBox() {
    const { consent } = this.availability;
    const shown = this.pick(consent.texts || consent.text);
    return h(
      "div",
      { class: "consent", tabindex: "0", role: "region", "aria-label": this.t("consentText"), "data-autofocus": true, lang: shown.lang },
      shown.text,
    );
  }

  showConsent() {
    const t = this.t;
    const nameId = this.id("name");
    const name = h("input", { id: nameId, type: "text", maxlength: LIMITS.name, autocomplete: "name" });
    const error = h("p", { class: "error", role: "alert" });
    const agree = h("button", { type: "button", class: "primary" }, t("agree"));
    // With teams by inquiry type the type decides who answers: a required choice before the start.
    const types = this.availability.chatInquiryTypes || [];
    const choice = types.length ? this.typeChoice(types) : null;
    agree.addEventListener("click", async () => {
      error.textContent = "";
      if (choice && !choice.control.value) {
        this.markField(choice, t("chooseType"));
        choice.control.focus();
        return;
      }
      if (choice) this.markField(choice, "");
      agree.disabled = true;
      const body = { consent: true, consentVersion: this.availability.consent.version };
      if (name.value.trim()) body.customerName = name.value.trim();
      if (choice) body.inquiryType = choice.control.value;
      const zone = browserTimeZone();
      if (zone) body.customerTimeZone = zone;
      try {
        const started = await this.request("POST", "/chats", body);
        this.beginChat(started);
      } catch (failure) {
        agree.disabled = false;
        // Closing time came first: the out-of-hours view with the opening the server gives.
        if (failure.status === 409 && failure.code === "closed") this.closedMeanwhile(failure.body?.nextOpening);
        else if (failure.status === 409) this.startFlow(body); // nobody (of that team) online, chat off, or new consent text
        else if (failure.status === 400 && failure.field === "inquiryType" && choice) {
          this.markField(choice, t("chooseType")); // the type was retired meanwhile
          choice.control.focus();
        } else error.textContent = t("failed");
      }
    });
    this.show(
      "consent",
      h("h3", {}, t("consentHeading")),
      this.consentBox(),
      choice?.row,
      h("div", { class: "field" }, h("label", { for: nameId }, t("nameOptional")), name),
      error,
      h("div", { class: "row" }, agree, h("button", { type: "button", onclick: () => this.showRefused() }, t("disagree"))),
    );
  }

  /** The pre-chat inquiry type: a labelled, required select (its error tied to it), Korean name as value. */
  typeChoice(types) {
    const option = (type) => ((shown) => h("option", { value: type.name, lang: shown.lang }, shown.text))(this.pick(type));
    const select = h("select", {}, h("option", { value: "" }, this.t("choose")), types.map(option));
    const field = this.field(this.t("chatType"), select, "chatType");
    select.addEventListener("change", () => select.value && this.markField(field, "")); // chosen: the error goes
    return field;
  }

  showRefused() {
    this.show(
      "refused",
      h("p", { class: "note", role: "status" }, this.t("refused")),
      h("div", { class: "row" }, h("button", { type: "button", class: "primary", "data-autofocus": true, onclick: () => this.startFlow() }, this.t("back"))),
    );
  }

  showAbsent() {
    const t = this.t;
    this.show(
      "absent",
      h("h3", {}, t("absentHeading")),
      ((shown) => h("p", { class: "note", lang: shown.lang }, shown.text))(
        this.pick(this.availability.texts?.absenceMessage || this.availability.absenceMessage),
      ),
      h("button", { type: "button", class: "primary", "data-autofocus": true, onclick: () => this.showInquiry() }, t("inquire")),
    );
  }

  field(label, control, kind) {
    const error = h("p", { class: "error", id: this.id("err") });
    control.id = this.id(kind);
    control.setAttribute("aria-describedby", error.id);
    control.required = kind !== "consent";
    const row =
      kind === "consent"
        ? h("div", { class: "field check" }, control, h("label", { for: control.id }, label), error)
        : h("div", { class: "field" }, h("label", { for: control.id }, label), control, error);
    return { row, control, error, kind };
  }

  /** From a chat that ended unserved to the 1:1 inquiry form. */
  leaveInquiry() {
    this.session?.close();
    this.session = null;
    this.chat = null;
    this.store(null);
    this.linkStatus.textContent = "";
    this.showInquiry();
  }

  showInquiry() {
    const t = this.t;
    // The value is the Korean name a record keeps; the label is the customer's language.
    const types = this.availability.inquiryTypeNames || (this.availability.inquiryTypes || []).map((name) => ({ name, ko: name }));
    const option = (type) => ((shown) => h("option", { value: type.name, lang: shown.lang }, shown.text))(this.pick(type));
    const select = h("select", {}, h("option", { value: "" }, t("choose")), types.map(option));
    const fields = {
      name: this.field(t("name"), h("input", { type: "text", autocomplete: "name" }), "name"),
      email: this.field(t("email"), h("input", { type: "email", autocomplete: "email" }), "email"),
      inquiryType: this.field(t("inquiryType"), select, "inquiryType"),
      title: this.field(t("subject"), h("input", { type: "text" }), "title"),
      content: this.field(t("content"), h("textarea", { rows: "5" }), "content"),
      consent: this.field(t("consentAgree"), h("input", { type: "checkbox" }), "consent"),
    };
    const summary = h("p", { class: "error", role: "alert" });
    const submit = h("button", { type: "submit", class: "primary" }, t("submit"));
    const form = h(
      "form",
      { class: "inquiry", novalidate: true },
      Object.values(fields).map((f) => (f.kind === "consent" ? [this.consentBox(), f.row] : f.row)),
      summary,
      submit,
    );
    form.querySelector(".consent").removeAttribute("data-autofocus");
    fields.name.control.setAttribute("data-autofocus", "");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      summary.textContent = "";
      const body = this.validateInquiry(fields);
      if (!body) {
        summary.textContent = t("formErrors");
        Object.values(fields).find((f) => f.control.getAttribute("aria-invalid") === "true")?.control.focus();
        return;
      }
      submit.disabled = true;
      try {
        await this.request("POST", "/inquiries", body);
      } catch (failure) {
        submit.disabled = false;
        const target = fields[failure.field];
        if (failure.status === 400 && target) {
          this.markField(target, t("failed"));
          target.control.focus();
        }
        summary.textContent = t("failed");
        return;
      }
      this.show(
        "inquiry-sent",
        h("p", { class: "note done", role: "status" }, t("inquirySent")),
        h("button", { type: "button", class: "primary", "data-autofocus": true, onclick: () => this.closePanel() }, t("close")),
      );
    });
    this.show("inquiry", h("h3", {}, t("inquiryHeading")), form);
  }

  markField(field, message) {
    field.error.textContent = message || "";
    if (message) field.control.setAttribute("aria-invalid", "true");
    else field.control.removeAttribute("aria-invalid");
  }

  /** The inquiry body, or null after marking every invalid field (the server checks the same). */
  validateInquiry(fields) {
    const t = this.t;
    const values = {};
    let ok = true;
    for (const [name, field] of Object.entries(fields)) {
      let message = "";
      if (name === "consent") {
        if (!field.control.checked) message = t("mustConsent");
      } else {
        const value = field.control.value.trim();
        values[name] = value;
        if (!value) message = t("required");
        else if (LIMITS[name] && value.length > LIMITS[name]) message = t("tooLong", { max: LIMITS[name] });
        else if (name === "email" && !EMAIL.test(value)) message = t("badEmail");
      }
      this.markField(field, message);
      ok = ok && !message;
    }
    return ok ? { consent: true, ...values } : null;
  }
}
