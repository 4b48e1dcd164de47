// The front-desk board: today's rows from GET /board every few seconds, state in words, how
// long an arrived patient has waited or an expected one is late, the arrival and "ride home
// is here" buttons; rows that leave the board stay a while with how they left (discharged...).
import { api, ApiError, NetworkError } from "./api.js";
import { localTime, serverNow } from "./clock.js";

const REFRESH_MS = 5000;
const STATE_WORDS = {
  scheduled: "Expected", arrived: "Arrived, waiting", checked_in: "Checked in",
  dosing: "In treatment", observing: "Resting", discharged: "Discharged",
  cancelled: "Cancelled", no_show: "Did not come", withheld: "Gone home",
};
const root = document.getElementById("board");
const siteId = root.dataset.siteId;
const timeZone = root.dataset.timezone;
const tv = root.dataset.tv === "yes";
const rowsBody = document.getElementById("board-rows");
const status = document.getElementById("board-status");
const errorBox = document.getElementById("board-error");
const departed = new Map(); // session_id -> the row as last seen, with its final state
let shown = new Map();

function cell(text, className) {
  const td = document.createElement("td");
  if (className) {
    const tag = document.createElement("span");
    tag.className = className;
    tag.textContent = text;
    td.append(tag);
  } else {
    td.textContent = text;
  }
  return td;
}

function readiness(row) {
  if (row.state === "discharged") return cell("Gone home", "tag");
  if (row.ready) return cell("Ready now", "tag ok");
  if (row.ready_at) return cell(`Ready at ${localTime(row.ready_at, timeZone)}`, "tag due");
  return cell("Not yet");
}

const RIDE_STATES = new Set(["checked_in", "dosing", "observing"]);
// An expected patient not here this long after their time is shown late, for a call.
const LATE_AFTER_MINUTES = 10;

function lateBy(row) {
  if (row.state !== "scheduled" || row.left) return 0;
  const late = minutesSince(row.scheduled_start);
  return late >= LATE_AFTER_MINUTES ? late : 0;
}

function minutesSince(instant) {
  return Math.max(0, Math.floor((serverNow() - new Date(instant)) / 60000));
}

function stateText(row) {
  const words = STATE_WORDS[row.state] ?? row.state;
  if (lateBy(row)) return `Late ${lateBy(row)} min`;
  if (row.state === "arrived" && row.arrived_at && !row.left) {
    const waited = minutesSince(row.arrived_at);
    return `${words} ${waited} min`;
  }
  return words;
}

function button(text, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = text;
  element.addEventListener("click", () => onClick(element));
  return element;
}

function actions(row) {
  const td = document.createElement("td");
  if (row.left) return td;
  if (row.state === "scheduled") {
    td.append(button(`Mark ${row.patient_initials} arrived`, (b) => post(row, b, "arrival",
      "was not marked arrived")));
    if (lateBy(row)) {  // to call them
      td.append(Object.assign(document.createElement("a"), {
        href: `/board/sessions/${row.session_id}/patient`, className: "contact",
        textContent: `Phone number of ${row.patient_initials}` }));
    }
  } else if (row.ride_arrived_at) {
    td.textContent = `Ride here since ${localTime(row.ride_arrived_at, timeZone)}`;
  } else if (RIDE_STATES.has(row.state)) {
    td.append(button(`Ride home for ${row.patient_initials} is here`, (b) => post(row, b,
      "transport", "ride home was not recorded")));
    td.append(Object.assign(document.createElement("a"), {
      href: `/board/sessions/${row.session_id}/ride`, className: "contact",
      textContent: `Call the ride of ${row.patient_initials}` }));
  }
  return td;
}

function renderRow(row) {
  const tr = document.createElement("tr");
  tr.dataset.sessionId = row.session_id;
  tr.append(cell(row.chair), cell(row.patient_initials),
    cell(stateText(row), row.left ? "tag" : `tag state${lateBy(row) ? " due" : ""}`),
    cell(localTime(row.scheduled_start, timeZone)), readiness(row));
  if (!tv) tr.append(actions(row));
  return tr;
}

function render(rows) {
  const all = [...rows, ...departed.values()];
  all.sort((a, b) => a.chair.localeCompare(b.chair) || a.scheduled_start.localeCompare(b.scheduled_start));
  if (all.length === 0) {
    const empty = cell("No patients on the board today.");
    empty.colSpan = tv ? 5 : 6;
    rowsBody.replaceChildren(document.createElement("tr"));
    rowsBody.firstChild.append(empty);
    return;
  }
  rowsBody.replaceChildren(...all.map(renderRow));
}

async function noteDepartures(rows) {
  // The board lists only patients expected or in the clinic: ask how the others left.
  const present = new Set(rows.map((row) => row.session_id));
  for (const [id, row] of shown) {
    if (present.has(id) || departed.has(id)) continue;
    try {
      const { data } = await api("GET", `/sessions/${id}`);
      departed.set(id, { ...row, state: data.state, ready: false, ready_at: null, left: true });
    } catch (error) {
      departed.set(id, { ...row, state: "discharged", left: true });
    }
  }
  for (const id of present) departed.delete(id);
}

// The last board received and its ETag: the server answers 304 while it is unchanged, and the
// rows are drawn again all the same (waiting times move on).
let lastBoard = { data: null, etag: null };

async function refresh() {
  try {
    const answer = await api("GET", `/board?site_id=${siteId}`, { ifNoneMatch: lastBoard.etag });
    if (!answer.notModified) lastBoard = answer;
    const data = lastBoard.data;
    await noteDepartures(data);
    shown = new Map(data.map((row) => [row.session_id, row]));
    render(data);
    status.textContent = `Updated at ${localTime(serverNow().toISOString(), timeZone)}`;
    status.classList.remove("lost");
  } catch (error) {
    const when = localTime(serverNow().toISOString(), timeZone);
    status.textContent = error instanceof NetworkError
      ? `Connection lost at ${when}: showing the last update, trying again`
      : `The board could not be updated at ${when}: ${error.message}`;
    status.classList.add("lost");
  }
}

async function post(row, button, action, failed) {
  button.disabled = true;
  if (errorBox) errorBox.hidden = true;
  try {
    await api("POST", `/sessions/${row.session_id}/${action}`, { body: {} });
  } catch (error) {
    const reason = error instanceof ApiError ? error.message : "the connection was lost";
    if (errorBox) {
      errorBox.textContent = `${row.patient_initials} ${failed}: ${reason}. Try again.`;
      errorBox.hidden = false;
    }
    button.disabled = false;
    return;
  }
  await refresh();
}

refresh();
setInterval(refresh, REFRESH_MS);
