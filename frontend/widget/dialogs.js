// The widget's sub-dialogs over the chat: rating (만족 / 불만족, a comment and, once the chat has
// ended, the transcript by e-mail: a checkbox and the address, prefilled), the rating request line
// in the log, the transcript by e-mail on its own (a button after the end, rated or not:
// `offerTranscript`) and ending the chat.
// Methods of the Widget (app.js mixes them in: `this` is the widget).
import { h } from "./dom.js";
import { EMAIL, LIMITS } from "./limits.js";

export class DialogSteps {
  // --- sub-dialogs: rating, end ---------------------------------------------------------------

  openOverlay(label, ...nodes) {
    this.closeOverlay();
    const headingId = this.id("dlg");
    this.overlayOpener = this.root.activeElement;
    this.overlay = h(
      "div",
      { class: "overlay", role: "dialog", "aria-modal": "true", "aria-labelledby": headingId },
      h("div", { class: "sheet" }, h("h3", { id: headingId }, label), ...nodes),
    );
    // What the dimmed overlay covers is inactive (inert): out of reach and, being incidental text,
    // outside the contrast rule (WCAG 1.4.3) while the sub-dialog is open.
    this.setBackgroundInert(true);
    this.panel.append(this.overlay);
    this.focusView();
  }

  closeOverlay() {
    if (!this.overlay) return;
    this.overlay.remove();
    this.overlay = null;
    this.setBackgroundInert(false);
    const opener = this.overlayOpener;
    this.overlayOpener = null;
    if (opener?.isConnected && opener.getClientRects().length && !opener.disabled) opener.focus();
    else if (!this.panel.hidden) this.focusView();
  }

  setBackgroundInert(on) {
    for (const node of this.panel.children) if (node !== this.overlay) node.inert = on;
  }

  openRating() {
    const t = this.t;
    const session = this.session;
    if (!session) return;
    const group = this.id("rating");
    const choice = (value) => {
      const id = this.id("r");
      return h("span", { class: "choice" }, h("input", { type: "radio", name: group, id, value }), h("label", { for: id }, t(value)));
    };
    const commentId = this.id("comment");
    const comment = h("textarea", { id: commentId, rows: "3", maxlength: "1000" });
    const error = h("p", { class: "error", role: "alert" });
    const submit = h("button", { type: "submit", class: "primary" }, t("submit"));
    const form = h(
      "form",
      { class: "rating" },
      h("fieldset", { onchange: () => (error.textContent = "") }, h("legend", { class: "sr-only" }, t("ratingHeading")), h("div", { class: "row" }, choice("satisfied"), choice("dissatisfied"))),
      h("div", { class: "field" }, h("label", { for: commentId }, t("comment")), comment),
      error,
      h("div", { class: "row" }, submit, h("button", { type: "button", onclick: () => this.closeOverlay() }, t("cancel"))),
    );
    const transcript = session.state === "ended" && !session.transcriptRequested ? this.transcriptChoice() : null;
    if (transcript) {
      form.insertBefore(transcript.node, error);
      form.noValidate = true; // the address is checked by transcript.check(), with our message, not the browser's bubble
    }
    form.querySelector("input").setAttribute("data-autofocus", "");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const picked = form.querySelector('input[type="radio"]:checked');
      if (!picked) {
        error.textContent = t("chooseRating");
        form.querySelector("input").focus();
        return;
      }
      if (transcript && !transcript.check()) return; // a bad address: nothing is sent
      submit.disabled = true;
      let text = t("thanks");
      if (!session.rating) {
        try {
          await session.rate(picked.value, comment.value.trim());
        } catch (failure) {
          if (failure.status !== 409) {
            submit.disabled = false;
            error.textContent = t("failed");
            return;
          }
          session.rating = session.rating || "rated";
          text = t("alreadyRated");
        }
      }
      if (transcript?.wanted()) {
        const sent = await transcript.send();
        if (sent === null) {
          submit.disabled = false; // rated already; the address can be corrected and sent again
          return;
        }
        text = `${text} ${sent}`;
      }
      this.afterRating(text);
    });
    this.openOverlay(t("ratingHeading"), form);
  }

  /** After the end, until asked: the transcript by e-mail on its own, rated or not (the rating
   * dialog offers it too, as a checkbox). */
  offerTranscript() {
    const ended = this.chat?.ended;
    const session = this.session;
    if (!ended || ended.hidden || !session || session.transcriptRequested) return;
    if (ended.querySelector(".mail-transcript")) return;
    ended.append(h("button", { type: "button", class: "mail-transcript", onclick: () => this.openTranscript() }, this.t("transcriptWanted")));
  }

  /** The transcript by e-mail on its own: the address (prefilled), 보내기 / 취소. */
  openTranscript() {
    const t = this.t;
    const transcript = this.transcriptChoice({ alone: true });
    const submit = h("button", { type: "submit", class: "primary" }, t("submit"));
    const form = h("form", { class: "transcript-form", novalidate: true }, transcript.node,
      h("div", { class: "row" }, submit, h("button", { type: "button", onclick: () => this.closeOverlay() }, t("cancel"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!transcript.check()) return; // a bad address: nothing is sent
      submit.disabled = true;
      const sent = await transcript.send();
      if (sent === null) {
        submit.disabled = false; // the address can be corrected and sent again
        return;
      }
      this.afterRating(sent, t("transcriptWanted"));
    });
    this.openOverlay(t("transcriptWanted"), form);
  }

  /**
   * The transcript-by-e-mail part of the rating dialog (a checkbox that shows the address) or, with
   * `alone`, the address only: {node, wanted(), check(), send()}.
   */
  transcriptChoice({ alone = false } = {}) {
    const t = this.t;
    const session = this.session;
    const lang = this.lang === "en" ? "en" : "ko"; // the mail is written in the widget's language
    const boxId = this.id("mail");
    const emailId = this.id("mailto");
    const errorId = this.id("mailerr");
    const box = h("input", { type: "checkbox", id: boxId });
    const email = h("input", {
      type: "email",
      id: emailId,
      autocomplete: "email",
      maxlength: String(LIMITS.email),
      value: session.customerEmail || "",
      "aria-describedby": `${emailId}-help ${errorId}`,
    });
    const error = h("p", { class: "error", id: errorId, role: "alert" });
    if (alone) email.setAttribute("data-autofocus", "");
    const address = h(
      "div",
      { class: "field", hidden: !alone },
      h("label", { for: emailId }, t("transcriptEmail")),
      email,
      h("p", { class: "note", id: `${emailId}-help` }, t("transcriptHelp")),
    );
    box.addEventListener("change", () => {
      address.hidden = !box.checked;
      error.textContent = "";
      if (box.checked) email.focus();
    });
    // The customer's e-mail as the chat has it (it may have been added during the chat).
    session.refreshView?.().then(() => {
      if (!email.value && session.customerEmail) email.value = session.customerEmail;
    }, () => {});
    const mark = (message) => {
      error.textContent = message;
      if (message) email.setAttribute("aria-invalid", "true");
      else email.removeAttribute("aria-invalid");
      if (message) email.focus();
    };
    return {
      node: h("div", { class: "transcript" }, alone ? null : h("div", { class: "field check" }, box, h("label", { for: boxId }, t("transcriptWanted"))), address, error),
      wanted: () => alone || box.checked,
      check() {
        if (!alone && !box.checked) return true;
        const value = email.value.trim();
        mark(!value ? t("required") : EMAIL.test(value) ? "" : t("badEmail"));
        return !error.textContent;
      },
      async send() {
        const value = email.value.trim();
        try {
          await session.mailTranscript(value, lang);
          return t("transcriptSent", { email: value });
        } catch (failure) {
          if (failure.status === 409) return t("transcriptAlready");
          mark(failure.status === 400 ? t("badEmail") : failure.status === 429 ? t("transcriptTooMany") : t("failed"));
          return null;
        }
      },
    };
  }

  /** The dialog answered (rated, and the mail asked for if wanted): the sheet says so. */
  afterRating(text, heading = this.t("ratingHeading")) {
    for (const node of this.chat?.log.querySelectorAll(".rating-request button") || []) node.remove();
    this.chat?.ended.querySelectorAll("button:not(.primary)").forEach((node) => node.remove());
    this.offerTranscript();
    this.updateHeader();
    const sheet = this.overlay.querySelector(".sheet");
    sheet.replaceChildren(
      h("h3", { id: sheet.firstChild.id }, heading),
      h("p", { class: "note done", role: "status" }, text),
      h("button", { type: "button", class: "primary", "data-autofocus": true, onclick: () => this.closeOverlay() }, this.t("close")),
    );
    this.focusView();
  }

  confirmEnd() {
    const t = this.t;
    const error = h("p", { class: "error", role: "alert" });
    const yes = h("button", { type: "button", class: "primary", "data-autofocus": true }, t("endYes"));
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try {
        await this.session.end();
      } catch (failure) {
        if (failure.status !== 409) {
          yes.disabled = false;
          error.textContent = t("failed");
          return;
        }
        this.session.setState("ended");
      }
      this.overlayOpener = null;
      this.closeOverlay();
    });
    this.openOverlay(t("endConfirm"), error, h("div", { class: "row" }, yes, h("button", { type: "button", onclick: () => this.closeOverlay() }, t("cancel"))));
  }

  /** texts: the settings' rating request ({ko, en}, or a Korean string), or null for our own. */
  showRatingRequest(texts) {
    if (!this.chat || this.session.rating) return;
    const picked = texts ? this.pick(texts) : { text: "" };
    const shown = this.chat.log.querySelector(".rating-request .bubble");
    if (shown) {
      if (picked.text) {
        shown.textContent = picked.text;
        if (picked.lang) shown.setAttribute("lang", picked.lang);
        else shown.removeAttribute("lang");
      }
      return;
    }
    const li = h(
      "li",
      { class: "msg rating-request" },
      h("p", { class: "bubble", lang: picked.text ? picked.lang : undefined }, picked.text || this.t("ratingHeading")),
      h("button", { type: "button", class: "primary", onclick: () => this.openRating() }, this.t("rateNow")),
    );
    this.chat.log.append(li);
    this.chat.log.scrollTop = this.chat.log.scrollHeight;
  }
}
