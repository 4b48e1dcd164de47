// The day grid: sessions as blocks as long as the site's slot, the line of "now", and the
// booking form (patient type-ahead, course plan, violations with their rule, overrides).
import { wireAcknowledge } from "./alert_lists.js";
import { api, ApiError, NetworkError, newIdempotencyKey } from "./api.js";
import { localTime, serverNow } from "./clock.js";
import { showProblems, clearProblems } from "./form_errors.js";
import { chooseSession, moveSession, setUpChanges } from "./schedule_change.js";
import { onSubmit } from "./submit_ready.js";

const root = document.getElementById("schedule");
const { siteId, timeZone, day, today } = {
  siteId: Number(root.dataset.siteId), timeZone: root.dataset.timezone,
  day: root.dataset.day, today: root.dataset.today,
};
const slotMinutes = Number(root.dataset.slotMinutes);
const firstMinute = Number(root.dataset.firstHour) * 60;
const lineCount = Number(root.dataset.lines);
const LINE = 15;
const grid = document.getElementById("grid");
const status = document.getElementById("grid-status");
const form = document.getElementById("booking-form");
const field = (id) => document.getElementById(id);
const columns = new Map([...grid.querySelectorAll(".chair-head")]
  .map((head) => [Number(head.dataset.chairId), Number(head.dataset.column)]));
const SHOWN_STATES = new Set(["scheduled", "arrived", "checked_in", "dosing", "observing",
  "discharged", "withheld"]);
let patient = null;
let idempotencyKey = newIdempotencyKey();

function place(element, row, column, rows = 1) {
  element.style.gridRow = `${row + 1} / span ${rows}`;
  element.style.gridColumn = `${column + 1}`;
}

function localMinutes(iso) {
  const [hours, minutes] = localTime(iso, timeZone).split(":").map(Number);
  return hours * 60 + minutes;
}

// The UTC instant of a site-local date and time: the zone's offset found at that instant.
export function siteInstant(date, time) {
  const guess = Date.parse(`${date}T${time}:00Z`);
  const offsetAt = (instant) => {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(new Date(instant));
    const get = (type) => Number(parts.find((part) => part.type === type).value);
    return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"),
      get("second")) - instant;
  };
  const first = guess - offsetAt(guess);
  return new Date(guess - offsetAt(first)).toISOString().replace(".000Z", "Z");
}

const sessions = new Map();
// What the change module needs of the grid.
const gridApi = {
  timeZone, instant: (date, time) => siteInstant(date, time),
  reload: (news) => loadSessions(news),
};

function block(session) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `session-block state-${session.state}`;
  element.dataset.sessionId = session.id;
  if (session.state === "scheduled") {
    element.draggable = true;
    element.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", String(session.id));
    });
  }
  element.addEventListener("click", () => chooseSession(session, gridApi));
  const start = localTime(session.scheduled_start, timeZone);
  const words = session.state.replace("_", " ");
  element.textContent = `${session.patient_initials} · ${session.planned_dose_mg ?? "?"} mg · ` +
    `${start} · ${words}`;
  const row = Math.floor((localMinutes(session.scheduled_start) - firstMinute) / LINE) + 1;
  place(element, Math.max(1, row), columns.get(session.chair_id) ?? 1,
    Math.ceil(slotMinutes / LINE));
  return element;
}

// Show the day's sessions; `news` (what just happened) leads the status line.
async function loadSessions(news = "") {
  try {
    const { data } = await api("GET", `/sessions?site_id=${siteId}&date=${day}`);
    const shown = data.filter((s) => SHOWN_STATES.has(s.state));
    sessions.clear();
    shown.forEach((session) => sessions.set(session.id, session));
    grid.querySelectorAll(".session-block").forEach((element) => element.remove());
    grid.append(...shown.map(block));
    const count = shown.length === 1 ? "1 session" : `${shown.length} sessions`;
    status.textContent = `${news} ${count} on this day.`.trim();
    if (news) root.dispatchEvent(new CustomEvent("sessions-changed"));
  } catch (error) {
    status.textContent = error instanceof NetworkError
      ? "The schedule could not be loaded: the connection was lost. Reload to try again."
      : `The schedule could not be loaded: ${error.message}`;
  }
}

function drawNowLine() {
  grid.querySelector(".now-line")?.remove();
  if (day !== today) return;
  const minutes = localMinutes(serverNow().toISOString()) - firstMinute;
  if (minutes < 0 || minutes >= lineCount * LINE) return;
  const line = document.createElement("div");
  line.className = "now-line";
  line.textContent = `Now ${localTime(serverNow().toISOString(), timeZone)}`;
  line.style.gridRow = `${Math.floor(minutes / LINE) + 2}`;
  line.style.gridColumn = "1 / -1";
  line.style.marginTop = `${((minutes % LINE) / LINE) * 100}%`;
  grid.append(line);
}

function layOutGrid() {
  grid.style.gridTemplateColumns = `4.5rem repeat(${columns.size}, minmax(7rem, 1fr))`;
  grid.querySelectorAll(".chair-head").forEach((head) => place(head, 0, Number(head.dataset.column)));
  grid.querySelectorAll(".time-label").forEach((label) => place(label, Number(label.dataset.row), 0));
  grid.querySelectorAll(".free-cell").forEach((cell) => {
    place(cell, Number(cell.dataset.row), Number(cell.dataset.column));
    cell.addEventListener("click", () => {
      field("chair_id").value = cell.dataset.chairId;
      field("booking-date").value = day;
      field("booking-time").value = cell.dataset.time;
      field("patient-search").focus();
    });
    cell.addEventListener("dragover", (event) => event.preventDefault());
    cell.addEventListener("drop", (event) => {
      event.preventDefault();
      const session = sessions.get(Number(event.dataTransfer.getData("text/plain")));
      if (session) moveSession(gridApi, session, cell.dataset.chairId, day, cell.dataset.time);
    });
  });
}

// --- the booking form -------------------------------------------------------------------------

function patientLabel(p) {
  return `${p.last_name}, ${p.first_name} · MRN ${p.mrn} · born ${p.date_of_birth}`;
}

let searchTimer;
async function searchPatients() {
  const query = field("patient-search").value.trim();
  const results = field("patient-results");
  if (query.length < 2) { results.replaceChildren(); return; }
  try {
    const { data } = await api("GET", `/patients?q=${encodeURIComponent(query)}`);
    results.replaceChildren(...data.slice(0, 8).map((found) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = patientLabel(found);
      button.addEventListener("click", () => choosePatient(found));
      item.append(button);
      return item;
    }));
    if (data.length === 0) results.innerHTML = "<li>No patient found.</li>";
  } catch (error) {
    results.innerHTML = "<li>The search did not answer; type again to retry.</li>";
  }
}

async function choosePatient(found, courseId = null) {
  patient = found;
  field("patient-results").replaceChildren();
  field("patient-search").value = `${found.first_name} ${found.last_name}`;
  field("patient-chosen").textContent = `Chosen: ${patientLabel(found)}`;
  const select = field("course_id");
  const { data } = await api("GET", `/patients/${found.id}/courses`);
  select.replaceChildren(...data.map((course) => new Option(
    `${course.indication} course from ${course.start_date}`, course.id)));
  if (data.length === 0) select.replaceChildren(new Option("No course: start one first", ""));
  if (courseId) select.value = String(courseId);
  const start = field("start-course");
  start.href = `/patients/${found.id}#new-course-heading`;
  start.hidden = data.length > 0;
  await showPlan();
}

async function showPlan() {
  const box = field("course-plan");
  const courseId = field("course_id").value;
  box.replaceChildren();
  if (!courseId) return;
  const { data: plan } = await api("GET", `/courses/${courseId}/plan`);
  const week = plan.weeks.find((w) => w.week === plan.current_week);
  const lines = [
    `Phase: ${(plan.current_phase ?? "not started").replaceAll("_", " ")}`,
    `Course week: ${plan.current_week}`,
    week ? `Sessions this week: ${week.booked} of ${week.allowed} allowed` : null,
    plan.next_due ? `Next due: ${plan.next_due.earliest} to ${plan.next_due.latest}` : null,
    plan.last_session ? `Last session: ${plan.last_session.local_day}, `
      + `${plan.last_session.planned_dose_mg} mg (${plan.last_session.state.replaceAll("_", " ")})`
      : "Last session: none up to today",
  ].filter(Boolean);
  const list = document.createElement("ul");
  list.append(...lines.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  const heading = Object.assign(document.createElement("h3"), { textContent: "Course plan" });
  box.append(heading, list);
  const booked = plan.weeks.reduce((sum, w) => sum + w.booked, 0);
  // R1.2: a course starts at 56 mg; later sessions keep the last dose unless changed.
  if (booked === 0) field("planned_dose_mg").value = "56";
  else if (plan.last_session) field("planned_dose_mg").value = String(plan.last_session.planned_dose_mg);
}

function bookingBody() {
  const body = {
    course_id: Number(field("course_id").value) || null, site_id: siteId,
    chair_id: Number(field("chair_id").value),
    scheduled_start: siteInstant(field("booking-date").value, field("booking-time").value),
    planned_dose_mg: Number(field("planned_dose_mg").value),
  };
  const reason = field("override-reason")?.value.trim();
  if (reason && !field("override-field").hidden) body.override = { reason };
  return body;
}

async function book(event) {
  event.preventDefault();
  clearProblems(form);
  if (!patient || !field("course_id").value) {
    showProblems(form, { errors: { course_id: ["Choose a patient and their course."] } });
    return;
  }
  const button = field("book-button");
  button.disabled = true;
  try {
    const { data } = await api("POST", "/sessions", { body: bookingBody(), idempotencyKey });
    idempotencyKey = newIdempotencyKey();
    if (field("override-field")) {
      field("override-field").hidden = true;
      field("override-reason").value = "";
    }
    await loadSessions(`Booked ${data.patient_initials} at ` +
      `${localTime(data.scheduled_start, timeZone)}.`);
  } catch (error) {
    if (error instanceof ApiError) idempotencyKey = newIdempotencyKey();
    const overridable = error.violations?.length &&
      error.violations.every((v) => v.override_allowed);
    if (overridable && field("override-field")) field("override-field").hidden = false;
    showProblems(form, error, overridable && !field("override-field")
      ? "A prescriber may override these soft stops." : null);
  } finally {
    button.disabled = false;
  }
}

layOutGrid();
setUpChanges(gridApi);
drawNowLine();
setInterval(drawNowLine, 60000);
loadSessions();
wireAcknowledge();
field("patient-search").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(searchPatients, 250);
});
field("course_id").addEventListener("change", showPlan);
// Other parts of the page (the series dialog) ask for a reload with what they did.
root.addEventListener("schedule:reload", (event) => loadSessions(event.detail ?? ""));
onSubmit(form, book);
// Another panel (the "needs booking" list) hands over a patient, their course and a day.
form.addEventListener("choose-patient", async ({ detail }) => {
  field("booking-date").value = detail.date;
  await choosePatient(detail.patient, detail.courseId);
  field("booking-heading").scrollIntoView({ block: "start" });
  field("chair_id").focus({ preventScroll: true });
});
