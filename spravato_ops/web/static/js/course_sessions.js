// A completed or stopped course's sessions still booked, cancelled at once from the patient's
// page (POST /sessions/{id}/cancel, the course's end as the reason): their reminders stop with
// them. Each one is said if refused; the page is read again once all are cancelled.
import { api } from "./api.js";
import { refusalWords, showStatus } from "./form_errors.js";

for (const button of document.querySelectorAll("button.cancel-booked")) {
  button.addEventListener("click", async () => {
    const ids = button.dataset.sessionIds.split(",");
    const status = button.parentElement.querySelector(".entry-status");
    if (!window.confirm(`Cancel ${ids.length} booked session${ids.length === 1 ? "" : "s"}?`)) {
      return;
    }
    button.disabled = true;
    const refused = [];
    for (const id of ids) {
      try {
        await api("POST", `/sessions/${id}/cancel`, { body: { reason: button.dataset.reason } });
      } catch (error) {
        refused.push(`session ${id}: ${refusalWords(error)}`);
      }
    }
    if (!refused.length) {
      window.location.reload();
      return;
    }
    button.disabled = false;
    showStatus(status, `Not cancelled: ${refused.join("; ")}`, "overdue");
  });
}
