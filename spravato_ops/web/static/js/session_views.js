// Drawing the session screen's live parts: timers, discharge readiness, entries and the chart.
import { formatDuration, localTime, serverNow } from "./clock.js";

const TIMER_NAMES = {
  next_device: "Next device", post_dose_bp: "40-minute blood pressure",
  bp_recheck: "Blood pressure recheck", observation: "Next observation",
  discharge_eligible: "Discharge eligible",
};

// The blood pressure the nurse most likely takes next: a recheck while one is due (R2.3),
// else the pre-dose reading until a device is given (R2.1), the 40-minute one until it is
// taken (R2.2), then the one before discharge (R2.4). The form offers it; the nurse may pick
// another.
export function nextTimepoint(record, timerList) {
  const live = (entries) => entries.filter((e) => !e.amended);
  if (timerList.some((t) => t.code === "bp_recheck" && t.due_at && t.state !== "done")) {
    return "recheck";
  }
  if (!live(record.devices).length) return "pre_dose";
  if (!live(record.vitals).some((v) => v.timepoint === "post_dose")) return "post_dose";
  return "pre_discharge";
}

// The discharge criteria of R3.4 in a nurse's words (the API's codes are the rule's).
const CRITERION_NAMES = {
  min_observation: "2 hours since the first device (R3.1)",
  post_dose_bp: "Blood pressure at about 40 minutes (R2.2)",
  bp_acceptable: "Blood pressure acceptable (R2.4)",
  sedation_resolved: "Sedation resolved",
  dissociation_resolved: "Dissociation resolved",
  respiratory_ok: "Breathing and SpO2 normal (R3.3)",
  transport_confirmed: "Ride home recorded (R3.5)",
  no_open_serious_event: "No serious adverse event open",
};

function element(tag, { className, text } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  node.append(...children);
  return node;
}

// A timer's state now, on the server's clock: colour and the words "due" or "overdue".
export function timerNow(timer, now = serverNow()) {
  if (timer.state === "done" || !timer.due_at) return { state: "done", words: "done" };
  const due = Date.parse(timer.due_at);
  const overdue = timer.overdue_at ? Date.parse(timer.overdue_at) : null;
  if (overdue !== null && now >= overdue) {
    return { state: "overdue", words: `overdue by ${formatDuration(now - overdue)}` };
  }
  if (now >= due) return { state: "due", words: "due now" };
  return { state: "upcoming", words: `in ${formatDuration(due - now)}` };
}

export function renderTimers(list, timers, timeZone) {
  const shown = timers.filter((t) => t.due_at);
  if (!shown.length) {
    list.replaceChildren(element("li", { className: "muted",
      text: "Timers start with the first device." }));
    return;
  }
  list.replaceChildren(...shown.map((timer) => {
    const now = timerNow(timer);
    const tag = { done: "ok", due: "due", overdue: "overdue", upcoming: "" }[now.state];
    return element("li", { className: `timer ${now.state}` }, [
      element("span", { className: "timer-name", text: TIMER_NAMES[timer.code] ?? timer.code }),
      element("span", { className: `tag ${tag}`, text: now.words }),
      element("span", { className: "muted", text: `at ${localTime(timer.due_at, timeZone)}` }),
    ]);
  }));
}

export function renderReadiness(summary, list, readiness, timeZone) {
  summary.className = readiness.ready ? "tag ok" : "tag due";
  summary.textContent = readiness.ready ? "Ready to go"
    : readiness.earliest_ready_at
      ? `Not ready yet: ready at ${localTime(readiness.earliest_ready_at, timeZone)} if all is met`
      : "Not ready: something is missing";
  list.replaceChildren(...readiness.criteria.map((c) => element("li", {
    className: c.met ? "met" : "unmet" }, [
    element("span", { className: `tag ${c.met ? "ok" : "overdue"}`, text: c.met ? "met" : "not met" }),
    element("strong", { text: ` ${CRITERION_NAMES[c.code] ?? c.code.replaceAll("_", " ")}:` }),
    element("span", { text: ` ${c.detail ?? ""}` }),
    c.met_at && !c.met ? element("span", { className: "muted",
      text: ` (met at ${localTime(c.met_at, timeZone)})` }) : "",
  ])));
}

const WHEN = { checklist: "recorded_at", vitals: "taken_at", devices: "administered_at",
               observations: "observed_at", adverse_events: "recorded_at",
               discharges: "discharged_at" };
export const AMENDABLE = { checklist: "checklist-form", vitals: "vitals-form",
                           devices: "device-form", observations: "observation-form",
                           adverse_events: "adverse-form" };

function describe(kind, e) {
  switch (kind) {
    case "vitals": return `Blood pressure (${e.timepoint.replace("_", "-")}) ${e.systolic}/`
      + `${e.diastolic}, heart rate ${e.heart_rate}, SpO2 ${e.spo2}%`;
    case "devices": return `Device ${e.device_number}, lot ${e.lot_number}`;
    case "observations": return `MOAA/S ${e.moaas}, dissociation ${e.dissociation}, SpO2 `
      + `${e.spo2}%${e.respiratory_depression ? ", respiratory depression" : ""}`;
    case "checklist": return `Checklist; ride home ${e.transport_name || "not named"}`;
    case "adverse_events": return `Adverse event${e.serious ? " (serious)" : ""}: `
      + `${e.description}${e.resolved_at ? ", resolved" : ""}`;
    default: return "Discharged";
  }
}

function actionButton(text, label, onClick) {
  const button = element("button", { className: "secondary small", text });
  button.type = "button";
  button.setAttribute("aria-label", label);
  button.addEventListener("click", onClick);
  return button;
}

// Every entry in time order; a corrected one struck through beside its correction and reason;
// "Amend" on each current one, "Mark resolved" on an adverse event still going on.
export function renderEntries(list, record, timeZone, { onAmend, onResolve }) {
  const all = Object.entries(WHEN).flatMap(([kind, field]) =>
    (record[kind] ?? []).map((e) => ({ kind, e, at: e[field] })));
  all.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.e.id - b.e.id);
  list.replaceChildren(...all.map(({ kind, e, at }) => {
    const words = describe(kind, e);
    const item = element("li", { className: e.amended ? "amended" : "" }, [
      element("span", { className: "muted", text: `${localTime(at, timeZone)} ` }),
      e.amended ? element("del", { text: words }) : element("span", { text: words }),
      e.amended ? element("span", { className: "tag", text: " corrected" }) : "",
      e.amends_id ? element("span", { className: "muted",
        text: ` (corrects an earlier entry: ${e.amend_reason})` }) : "",
    ]);
    if (!e.amended && AMENDABLE[kind]) {
      item.append(" ", actionButton("Amend", `Amend: ${words}`, () => onAmend(kind, e)));
    }
    if (!e.amended && kind === "adverse_events" && !e.resolved_at) {
      item.append(" ", actionButton("Mark resolved", `Mark resolved: ${words}`,
        () => onResolve(e)));
    }
    return item;
  }));
}
