// The patient's reminders on their page: a failed one (or one in doubt) sent again
// (POST /reminders/{id}/resend) to the contact details the page shows; the page is read again
// to show it waiting to go.
import { api } from "./api.js";
import { refusalWords, showStatus } from "./form_errors.js";

const status = document.getElementById("reminder-status");

document.querySelector("table.reminders")?.addEventListener("click", async (event) => {
  const button = event.target.closest("button.resend");
  if (!button) return;
  button.disabled = true;
  try {
    await api("POST", `/reminders/${button.closest("tr").dataset.reminderId}/resend`);
    window.location.reload();
  } catch (error) {
    button.disabled = false;
    showStatus(status, `Not sent again: ${refusalWords(error)}`, "overdue");
  }
});
