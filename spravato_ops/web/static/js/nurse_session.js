// The session screen: every entry through the outbox (kept until the server answers), timers
// ticking on the server's clock, readiness, entries and chart refreshed after each answer.
import { alertBanner, wireAcknowledge } from "./alert_lists.js";
import { api } from "./api.js";
import { localTime, serverNow } from "./clock.js";
import { keepForOffline } from "./offline_page.js";
import { Outbox } from "./outbox.js";
import { requestFor } from "./session_forms.js";
import { renderChart } from "./session_chart.js";
import {
  AMENDABLE, nextTimepoint, renderEntries, renderReadiness, renderTimers,
} from "./session_views.js";
import { siteTimeToUtc, showErrors, showPending, clearErrors, startAmend } from "./session_ui.js";
import { onSubmit } from "./submit_ready.js";

const root = document.getElementById("session");
const sessionId = root.dataset.sessionId;
const timeZone = root.dataset.timezone;
const mayOverride = root.dataset.mayOverride === "yes";
const limits = { systolic: Number(root.dataset.bpAlertSystolic),
                 diastolic: Number(root.dataset.bpAlertDiastolic),
                 spo2: Number(root.dataset.spo2Min) };
const forms = [...document.querySelectorAll("form.entry")];
const $ = (id) => document.getElementById(id);
let timers = [];
let readiness = null;

const outbox = new Outbox(`outbox:session:${sessionId}`, {
  onSaved: (item, data) => {
    const form = $(item.form);
    clearErrors(form);
    const warnings = (data?.warnings ?? []).map((w) => `${w.rule}: ${w.message}`);
    const status = form.querySelector(".entry-status");
    status.className = warnings.length ? "entry-status tag due" : "entry-status tag ok";
    status.textContent = ["Saved.", ...warnings].join(" ");
    afterSave(form);
    refresh();
  },
  onRefused: (item, error) => showErrors($(item.form), error, mayOverride),
  onChange: () => {
    forms.forEach((form) => showPending(form, outbox.pendingFor(form.id).length));
    $("connection").hidden = !(outbox.offline || !navigator.onLine);
  },
});

const context = {
  readyToLeaveAt: (value) => (value ? siteTimeToUtc(value, timeZone, serverNow())
    : readiness?.earliest_ready_at ?? serverNow().toISOString()),
};

function afterSave(form) {
  delete form.dataset.amends;
  delete form.dataset.amendsTime;
  form.querySelector(".amend")?.remove();
  if (form.id === "adverse-form") {
    form.description.value = "";
    form.serious.checked = false;
  }
  if (form.id === "device-form") {
    localStorage.setItem(`lot:${sessionId}`, form.lot_number.value);
    form.deviation_reason.value = "";
  }
  if (form.id === "vitals-form") delete form.timepoint.dataset.chosen;  // offer the next one
}

// The time point the form offers follows the session (nextTimepoint) until the nurse picks one.
const timepoint = $("timepoint");
timepoint.addEventListener("change", () => { timepoint.dataset.chosen = "yes"; });

function offerTimepoint(record) {
  if (timepoint.dataset.chosen || document.activeElement === timepoint
      || outbox.pendingFor("vitals-form").length) return;
  timepoint.value = nextTimepoint(record, timers);
}

forms.forEach((form) => onSubmit(form, (event) => {
  event.preventDefault();
  clearErrors(form);
  performance.mark("entry-tapped");  // the bench measures tap to refreshed readiness
  outbox.add({ form: form.id, ...requestFor(form, sessionId, context) });
}));

// The checklist shows what was last recorded, unless the nurse is changing it.
function showChecklist(entries) {
  const form = $("checklist-form");
  const latest = entries.filter((e) => !e.amended).at(-1);
  if (!latest || form.contains(document.activeElement) || outbox.pendingFor(form.id).length) return;
  for (const name of ["no_food_2h", "no_liquids_30m", "nasal_medication_ok"]) {
    form.elements[name].checked = Boolean(latest[name]);
  }
  form.elements.transport_name.value = latest.transport_name ?? "";
  form.elements.transport_phone.value = latest.transport_phone ?? "";
}

// Forms of an action the state no longer allows step aside (API.md's state machine); the link
// to the session's REMS form shows once the session has ended.
const FORM_STATES = { "withhold-form": ["arrived", "checked_in"],
                      "discharge-form": ["dosing", "observing"],
                      "rems-form-link": ["discharged", "withheld"] };

function showFormsFor(state) {
  for (const [id, states] of Object.entries(FORM_STATES)) {
    const form = $(id);
    if (form && !outbox.pendingFor(id).length) form.hidden = !states.includes(state);
  }
}

function onAmend(kind, entry) {
  startAmend($(AMENDABLE[kind]), entry);
}

// An adverse event over: a new entry amends it with the time it ended (the original stays).
function onResolve(entry) {
  outbox.add({ form: "adverse-form", method: "PATCH",
               path: `/sessions/${sessionId}/adverse-events/${entry.id}`,
               body: { resolved_at: serverNow().toISOString().replace(/\.\d{3}Z$/, "Z"),
                       reason: "resolved" } });
}

async function refresh() {
  try {
    const quietly = { background: true };
    const [record, timerList, ready] = await Promise.all([
      api("GET", `/sessions/${sessionId}/record`, quietly),
      api("GET", `/sessions/${sessionId}/timers`, quietly),
      api("GET", `/sessions/${sessionId}/discharge-readiness`, quietly)]);
    timers = timerList.data;
    readiness = ready.data;
    $("state").textContent = record.data.state.replaceAll("_", " ");
    showFormsFor(record.data.state);
    const devices = record.data.devices.filter((d) => !d.amended).length;
    $("devices-done").textContent = `${devices} device${devices === 1 ? "" : "s"} recorded.`;
    renderTimers($("timers"), timers, timeZone);
    renderReadiness($("readiness-summary"), $("readiness"), readiness, timeZone);
    renderEntries($("entries"), record.data, timeZone, { onAmend, onResolve });
    renderChart($("chart"), record.data, limits, timeZone);
    showChecklist(record.data.checklist);
    offerTimepoint(record.data);
    // A prescriber sees the override before trying, when something other than time is unmet.
    const unmet = readiness.criteria.filter((c) => !c.met).map((c) => c.code);
    $("discharge-form").querySelector(".override").hidden = !(mayOverride
      && unmet.some((code) => code !== "min_observation"));
    const leave = $("ready_to_leave_at");
    if (!leave.value && readiness.earliest_ready_at) {
      leave.value = localTime(readiness.earliest_ready_at, timeZone);  // R3.6 default
    }
    performance.mark("readiness-refreshed");
  } catch {
    // Offline or refused: the page keeps what it last showed and tries again on the next tick.
  }
}

// The alerts about every chair of the site (the chairs page's first list), above the record:
// a new one shows in the banner, with the sound, whichever patient it is about.
const siteAlerts = $("site-alerts");
const banner = alertBanner();
const SITE_ALERTS_MS = 5000;

async function refreshSiteAlerts() {
  try {
    const response = await fetch(siteAlerts.dataset.url, {
      credentials: "same-origin", headers: { "X-Background": "1" } });
    if (!response.ok || response.redirected) return;
    const fragment = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = fragment.getElementById("now-alerts");
    if (!fresh) return;
    siteAlerts.replaceChildren(...fresh.childNodes);
    siteAlerts.hidden = !siteAlerts.querySelector("li[data-alert-id]");
    banner.announce();
  } catch {
    // Offline: the record keeps working; the next tick asks again.
  }
}

// R2.1 at once, as the nurse types: the server decides again when the reading is saved.
function showVerdict() {
  const form = $("vitals-form");
  const [sys, dia] = [Number(form.systolic.value), Number(form.diastolic.value)];
  const verdict = $("bp-verdict");
  if (form.timepoint.value !== "pre_dose" || !sys || !dia) {
    verdict.textContent = "";
    return;
  }
  const [heldSys, heldDia] = root.dataset.bpHold.split("/").map(Number);
  const [highSys, highDia] = root.dataset.bpElevated.split("/").map(Number);
  if (sys >= heldSys || dia >= heldDia) {
    verdict.className = "verdict tag overdue";
    verdict.textContent = `Hard stop (R2.1): at or above ${root.dataset.bpHold}, withhold the dose`;
  } else if (sys > highSys || dia > highDia) {
    verdict.className = "verdict tag due";
    verdict.textContent = `Soft stop (R2.1): above ${root.dataset.bpElevated}, `
      + (mayOverride ? "you may override with a reason" : "a prescriber must decide");
    if (mayOverride) form.querySelector(".override").hidden = false;
  } else {
    verdict.className = "verdict tag ok";
    verdict.textContent = `Blood pressure ok for dosing (R2.1)`;
  }
}
["systolic", "diastolic", "timepoint"].forEach((name) =>
  $("vitals-form").elements[name].addEventListener("input", showVerdict));

const rememberedLot = localStorage.getItem(`lot:${sessionId}`);
if (rememberedLot) $("lot_number").value = rememberedLot;
window.addEventListener("offline", () => { $("connection").hidden = false; });
window.addEventListener("online", () => { $("connection").hidden = !outbox.offline; refresh(); });
setInterval(() => renderTimers($("timers"), timers, timeZone), 1000);
setInterval(refresh, 15000);
refreshSiteAlerts();
setInterval(refreshSiteAlerts, SITE_ALERTS_MS);
wireAcknowledge(refreshSiteAlerts);
outbox.handlers.onChange(outbox);
outbox.flush();
refresh();
keepForOffline();
