// Changing a booking: drag a block to another chair or time, or choose it and use the form;
// each change is sent with If-Match, and a stale version or a refusal is shown, then reloaded.
import { api, ApiError } from "./api.js";
import { localTime } from "./clock.js";
import { clearProblems, showProblems } from "./form_errors.js";
import { onSubmit } from "./submit_ready.js";

const field = (id) => document.getElementById(id);
const panel = field("change-panel");
const form = field("change-form");
let chosen = null;

function localDay(iso, timeZone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date(iso));
}

export function chooseSession(session, grid) {
  chosen = session;
  clearProblems(form);
  panel.hidden = false;
  field("change-summary").textContent = `${session.patient_initials}, booked for ` +
    `${localTime(session.scheduled_start, grid.timeZone)} (${session.state.replace("_", " ")}).`;
  field("change-chair").value = session.chair_id;
  field("change-date").value = localDay(session.scheduled_start, grid.timeZone);
  field("change-time").value = localTime(session.scheduled_start, grid.timeZone);
  field("change-chair").focus();
}

async function send(grid, request, done) {
  clearProblems(form);
  try {
    await request();
    panel.hidden = true;
    await grid.reload(done);
  } catch (error) {
    panel.hidden = false;
    showProblems(form, error);
    if (error instanceof ApiError && [409, 412].includes(error.status)) await grid.reload();
  }
}

export function moveSession(grid, session, chairId, date, time) {
  const body = { chair_id: Number(chairId), scheduled_start: grid.instant(date, time) };
  chosen = session;
  return send(grid, () => api("PATCH", `/sessions/${session.id}`,
    { body, ifMatch: session.version }), `Moved ${session.patient_initials} to ${time}.`);
}

function endSession(grid, action, words) {
  if (!chosen) return;
  const reason = field("change-reason").value.trim();
  if (!reason) {
    showProblems(form, { errors: { reason: ["Say why, for the record."] } });
    return;
  }
  const session = chosen;
  send(grid, () => api("POST", `/sessions/${session.id}/${action}`,
    { body: { reason }, ifMatch: session.version }), `${session.patient_initials} ${words}.`)
    .then(() => { field("change-reason").value = ""; });
}

export function setUpChanges(grid) {
  onSubmit(form, (event) => {
    event.preventDefault();
    if (chosen) {
      moveSession(grid, chosen, field("change-chair").value, field("change-date").value,
        field("change-time").value);
    }
  });
  field("cancel-session").addEventListener("click", () => endSession(grid, "cancel",
    "cancelled"));
  field("no-show").addEventListener("click", () => endSession(grid, "no-show",
    "marked as not come"));
}
