// Register a patient through POST /patients; on an error every typed field stays as it was.
import { api, newIdempotencyKey } from "./api.js";
import { clearProblems, showProblems } from "./form_errors.js";
import { onSubmit } from "./submit_ready.js";

const form = document.getElementById("register-form");
let idempotencyKey = newIdempotencyKey();

function body() {
  const data = Object.fromEntries(new FormData(form));
  for (const name of ["phone", "email"]) if (!data[name]) delete data[name];
  return data;
}

onSubmit(form, async (event) => {
  event.preventDefault();
  clearProblems(form);
  try {
    const { data } = await api("POST", "/patients", { body: body(), idempotencyKey });
    window.location.assign(`/patients/${data.id}`);
  } catch (error) {
    idempotencyKey = newIdempotencyKey();
    showProblems(form, error);
  }
});
