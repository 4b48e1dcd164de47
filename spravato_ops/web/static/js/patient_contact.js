// Change a patient's contact details with PATCH /patients/{id} and If-Match: a stale version
// is a 412 said in words; what was typed stays in the form on any error. The button is
// enabled once handled (submit_ready.js).
import { api } from "./api.js";
import { clearProblems, showProblems } from "./form_errors.js";
import { onSubmit } from "./submit_ready.js";

const form = document.getElementById("contact-form");

onSubmit(form, async (event) => {
  event.preventDefault();
  clearProblems(form);
  const typed = Object.fromEntries(new FormData(form));
  const body = { ...typed, phone: typed.phone || null, email: typed.email || null };
  try {
    await api("PATCH", `/patients/${form.dataset.patientId}`,
      { body, ifMatch: form.dataset.version });
    window.location.reload();
  } catch (error) {
    showProblems(form, error);
  }
});
