// The widget before a chat: availability, consent (or its refusal), absence, the 1:1 inquiry form
// with its checks. Methods of the Widget (app.js mixes them in: `this` is the widget).
import { h } from "./dom.js";
import { EMAIL, LIMITS } from "./limits.js";

export class IntakeSteps {
  // --- before a chat: availability, consent, absence, inquiry ---------------------------------

  async startFlow() {
    this.show("loading", h("p", { class: "note", role: "status" }, this.t("loading")));
    try {
      this.availability = await this.request("GET", "/widget/availability");
    } catch {
      this.showError(() => this.startFlow());
      return;
    }
    if (this.availability.enabled && this.availability.agentsOnline) this.showConsent();
    else this.showAbsent();
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
    agree.addEventListener("click", async () => {
      agree.disabled = true;
      error.textContent = "";
      const body = { consent: true, consentVersion: this.availability.consent.version };
      if (name.value.trim()) body.customerName = name.value.trim();
      try {
        const started = await this.request("POST", "/chats", body);
        this.beginChat(started);
      } catch (failure) {
        agree.disabled = false;
        if (failure.status === 409) this.startFlow(); // nobody online any more, chat off, or new consent text
        else error.textContent = t("failed");
      }
    });
    this.show(
      "consent",
      h("h3", {}, t("consentHeading")),
      this.consentBox(),
      h("div", { class: "field" }, h("label", { for: nameId }, t("nameOptional")), name),
      error,
      h("div", { class: "row" }, agree, h("button", { type: "button", onclick: () => this.showRefused() }, t("disagree"))),
    );
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
