// The REMS forms queue: sign a form (POST .../rems-form/sign) and record its submission
// (POST .../rems-form/submission) with the version the page showed; on success the page
// reloads to show the form's new status, on an error the card says why and keeps the input.
import { api, newIdempotencyKey } from "./api.js";
import { clearProblems, showProblems } from "./form_errors.js";
import { onSubmit } from "./submit_ready.js";

function wire(form, send) {
  const card = form.closest(".form-card");
  let idempotencyKey = newIdempotencyKey();
  onSubmit(form, async (event) => {
    event.preventDefault();
    clearProblems(form);
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await send(`/sessions/${card.dataset.sessionId}/rems-form`, card.dataset.version,
        idempotencyKey);
      window.location.reload();
    } catch (error) {
      idempotencyKey = newIdempotencyKey();
      button.disabled = false;
      showProblems(form, error);
    }
  });
}

// A form with something missing stays unsigned: its button stays disabled.
document.querySelectorAll(".sign-form:not([data-blocked])").forEach((form) => wire(form,
  (path, version, key) => api("POST", `${path}/sign`, { ifMatch: version, idempotencyKey: key })));

document.querySelectorAll(".submission-form").forEach((form) => wire(form,
  (path, version, key) => {
    const data = Object.fromEntries(new FormData(form));
    return api("POST", `${path}/submission`, { body: data, ifMatch: version, idempotencyKey: key });
  }));
