// The user's own password (POST /users/me/password): the new one typed twice, checked here
// for a typo, then by the server against the password policy.
import { api } from "./api.js";
import { clearProblems, showProblems, showStatus } from "./form_errors.js";
import { onSubmit } from "./submit_ready.js";

const form = document.getElementById("password-form");

onSubmit(form, async (event) => {
  event.preventDefault();
  clearProblems(form);
  const status = document.getElementById("password-status");
  status.textContent = "";
  const fields = form.elements;
  if (fields.new_password.value !== fields.repeat_password.value) {
    showProblems(form, { errors: { repeat_password: ["The two new passwords differ."] } });
    return;
  }
  try {
    const { data } = await api("POST", "/users/me/password", { body: {
      current_password: fields.current_password.value, new_password: fields.new_password.value } });
    form.reset();
    const ended = data.other_tokens_ended;
    showStatus(status, "Your password is changed." + (ended
      ? ` ${ended} other session${ended === 1 ? "" : "s"} ended.` : ""));
  } catch (error) {
    showProblems(form, error);
  }
});
