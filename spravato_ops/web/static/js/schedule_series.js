// Book a series for the course chosen in the booking form: weekdays, time, chair and span; the
// preview lists every proposed session with its checks (rows can be unticked), and one request
// books the ticked ones, all or nothing. The grid reloads through the "schedule:reload" event.
import { api, ApiError, newIdempotencyKey } from "./api.js";
import { clearProblems, ruleName, showProblems, violationLine } from "./form_errors.js";
import { onSubmit } from "./submit_ready.js";

const root = document.getElementById("schedule");
const siteId = Number(root.dataset.siteId);
const field = (id) => document.getElementById(id);
const dialog = field("series-dialog");
const form = field("series-form");
const confirmForm = field("series-confirm");
let courseId = null;
let proposals = [];
let idempotencyKey = newIdempotencyKey();

function element(tag, text, className) {
  const made = document.createElement(tag);
  if (text !== undefined) made.textContent = text;
  if (className) made.className = className;
  return made;
}

// "Mon 2 Mar" for a site-local date ("2026-03-02"); the caption gives the years.
function dayLabel(date) {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString("en-GB", {
    weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
}

function open() {
  const course = field("course_id");
  const needs = field("series-needs-course");
  needs.hidden = Boolean(course.value);
  if (!course.value) { needs.focus(); return; }
  courseId = Number(course.value);
  const who = field("patient-chosen").textContent.replace(/^Chosen: /, "");
  field("series-for").textContent = `For ${who}: ${course.selectedOptions[0].textContent}.`;
  field("series-time").value = field("booking-time").value || field("series-time").value;
  field("series-chair").value = field("chair_id").value;
  clearProblems(form);
  field("series-result").hidden = true;
  dialog.showModal();
  form.querySelector("input").focus();
}

function previewBody() {
  const weeks = form.querySelector('input[name="series-span"]:checked').value === "weeks";
  const dose = field("series-dose").value;
  return {
    site_id: siteId, chair_id: Number(field("series-chair").value),
    weekdays: [...form.querySelectorAll('input[name="weekday"]:checked')].map((box) => box.value),
    start_time: field("series-time").value,
    span: weeks ? { weeks: Number(field("series-weeks").value) } : { rest_of_phase: true },
    dose_mg: dose ? Number(dose) : null, window_minutes: Number(field("series-window").value),
  };
}

async function preview(event) {
  event.preventDefault();
  clearProblems(form);
  const body = previewBody();
  if (body.weekdays.length === 0) {
    showProblems(form, { errors: { weekdays: ["Choose at least one weekday."] } });
    return;
  }
  const button = field("series-preview");
  button.disabled = true;
  try {
    const { data } = await api("POST", `/courses/${courseId}/series/preview`, { body });
    show(data);
  } catch (error) {
    field("series-result").hidden = true;
    showProblems(form, error);
  } finally {
    button.disabled = false;
  }
}

function checksCell(proposal, hard) {
  const cell = element("td");
  const found = [...proposal.violations, ...proposal.warnings];
  if (!proposal.bookable) {
    cell.append(hard ? element("span", "Cannot be booked", "tag overdue")
      : element("span", "Needs a prescriber's override", "tag due"));
  }
  if (proposal.moved) {
    cell.append(element("p", `Moved from ${proposal.requested_time}: the chair was taken or ` +
      "the opening hours did not fit.", "series-note"));
  }
  if (found.length === 0) {
    cell.append(element("span", "No problems found", "tag ok"));
    return cell;
  }
  const list = element("ul", undefined, "series-checks");
  list.append(...found.map((v) => element("li", violationLine(v))));
  cell.append(list);
  return cell;
}

function row(proposal, index) {
  const tr = element("tr");
  const hard = proposal.violations.some((v) => !v.override_allowed);
  if (!proposal.bookable) tr.className = hard ? "refused" : "soft";
  const label = element("label", undefined, "choice");
  const box = element("input");
  box.type = "checkbox";
  box.dataset.index = index;
  box.checked = proposal.bookable;
  box.disabled = hard;
  box.addEventListener("change", update);
  label.append(box, ` ${dayLabel(proposal.date)}`);
  const session = element("td");
  session.append(label, element("span", `Week ${proposal.week}, ${proposal.phase}`, "muted"));
  const chair = element("td", proposal.chair_label);
  if (proposal.chair_id !== Number(field("series-chair").value)) {
    chair.append(element("span", " (not the preferred chair)", "muted"));
  }
  tr.append(session, element("td", proposal.local_time), chair,
    element("td", `${proposal.planned_dose_mg} mg`), checksCell(proposal, hard));
  tr.dataset.date = proposal.date;
  return tr;
}

function show(data) {
  proposals = data.proposals;
  idempotencyKey = newIdempotencyKey();
  clearProblems(confirmForm);
  field("series-caption").textContent = proposals.length
    ? `Proposed sessions, ${data.first_day} to ${data.last_day} (${data.timezone})`
    : `No session can be proposed from ${data.first_day} to ${data.last_day}`;
  field("series-rows").replaceChildren(...proposals.map(row));
  const skipped = field("series-skipped");
  skipped.replaceChildren();
  if (data.skipped.length) {
    const list = element("ul");
    list.append(...data.skipped.map((s) => element("li",
      `${dayLabel(s.date)}: ${ruleName(s)}: ${s.reason}`)));
    skipped.append(element("h3", "Weekdays not proposed"), list);
  }
  field("series-result").hidden = false;
  update();
  field("series-caption").scrollIntoView({ block: "start" });
}

function ticked() {
  return [...confirmForm.querySelectorAll("#series-rows input:checked")]
    .map((box) => proposals[Number(box.dataset.index)]);
}

function update() {
  const chosen = ticked();
  const button = field("series-book");
  button.textContent = `Book ${chosen.length === 1 ? "this 1 session" : `these ${chosen.length} sessions`}`;
  button.disabled = chosen.length === 0;
  const override = field("series-override");
  if (override) override.hidden = !chosen.some((p) => p.violations.length);
}

function bookingBody() {
  const body = {
    site_id: siteId,
    sessions: ticked().map((p) => ({ scheduled_start: p.scheduled_start, chair_id: p.chair_id,
      planned_dose_mg: p.planned_dose_mg })),
  };
  const reason = field("series-override-reason")?.value.trim();
  if (reason && !field("series-override").hidden) body.override = { reason };
  return body;
}

// After a refusal, each row whose date the answer names ("2026-03-12: ...") says why.
function flagRefused(violations) {
  for (const v of violations) {
    const date = /^(\d{4}-\d{2}-\d{2}): /.exec(v.message)?.[1];
    const tr = date && field("series-rows").querySelector(`tr[data-date="${date}"]`);
    if (!tr) continue;
    tr.className = "refused";
    tr.lastElementChild.append(element("p", `Not booked just now: ${violationLine(v)}`,
      "series-note"));
  }
}

async function book(event) {
  event.preventDefault();
  clearProblems(confirmForm);
  const button = field("series-book");
  button.disabled = true;
  try {
    const { data } = await api("POST", `/courses/${courseId}/series`,
      { body: bookingBody(), idempotencyKey });
    idempotencyKey = newIdempotencyKey();
    dialog.close();
    const first = data.sessions[0];
    const last = data.sessions[data.sessions.length - 1];
    root.dispatchEvent(new CustomEvent("schedule:reload", { detail:
      `Booked ${data.sessions.length} sessions for ${first.patient_initials}, ` +
      `${first.local_day} to ${last.local_day}.` }));
  } catch (error) {
    if (error instanceof ApiError) idempotencyKey = newIdempotencyKey();
    flagRefused(error.violations ?? []);
    showProblems(confirmForm, error, error instanceof ApiError && error.status === 409
      ? "Untick the dates named, or change the weekdays, time or chair and preview again."
      : null);
  } finally {
    update();
  }
}

field("series-open").addEventListener("click", open);
field("series-close").addEventListener("click", () => dialog.close());
onSubmit(form, preview);
confirmForm.addEventListener("submit", book);
