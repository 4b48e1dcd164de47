// What each form of the session screen sends: the request body built from the form's fields,
// with the entry's time taken from the server's clock when the nurse taps save.
import { serverNow } from "./clock.js";

const iso = (date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

// Whole numbers go as numbers; anything else goes as typed so the server names the field.
function number(value) {
  const text = String(value ?? "").trim();
  if (text === "") return undefined;
  return /^\d+$/.test(text) ? Number(text) : text;
}

function text(value) {
  const trimmed = String(value ?? "").trim();
  return trimmed === "" ? undefined : trimmed;
}

function withOverride(body, fields) {
  const reason = text(fields.get("override_reason"));
  return reason ? { ...body, override: { reason } } : body;
}

function withAmendment(body, form) {
  if (!form.dataset.amends) return body;
  // A correction keeps the time the corrected entry was taken.
  return { ...body, ...JSON.parse(form.dataset.amendsTime ?? "{}"),
           amends: Number(form.dataset.amends),
           reason: text(form.querySelector("[name=amend_reason]")?.value) };
}

const checked = (form, name) => form.querySelector(`[name=${name}]`).checked;

const BUILDERS = {
  arrival: () => ({ tail: "/arrival", body: {} }),
  checklist: (form, fields) => ({ method: "PUT", tail: "/checklist", body: {
    no_food_2h: checked(form, "no_food_2h"), no_liquids_30m: checked(form, "no_liquids_30m"),
    nasal_medication_ok: checked(form, "nasal_medication_ok"),
    transport_name: text(fields.get("transport_name")) ?? "",
    transport_phone: text(fields.get("transport_phone")) ?? "" } }),
  vitals: (form, fields) => ({ tail: "/vitals", body: withOverride({
    timepoint: fields.get("timepoint"), systolic: number(fields.get("systolic")),
    diastolic: number(fields.get("diastolic")), heart_rate: number(fields.get("heart_rate")),
    spo2: number(fields.get("spo2")), respiratory_rate: number(fields.get("respiratory_rate")),
    taken_at: iso(serverNow()) }, fields) }),
  devices: (form, fields) => ({ tail: "/devices", body: {
    administered_at: iso(serverNow()), lot_number: text(fields.get("lot_number")),
    deviation_reason: text(fields.get("deviation_reason")) } }),
  observations: (form, fields) => ({ tail: "/observations", body: {
    observed_at: iso(serverNow()), moaas: number(fields.get("moaas")),
    dissociation: fields.get("dissociation") ?? undefined,
    cadss_total: number(fields.get("cadss_total")),
    respiratory_depression: checked(form, "respiratory_depression"),
    spo2: number(fields.get("spo2")),
    symptoms: (fields.get("symptoms") ?? "").split(",").map((s) => s.trim()).filter(Boolean) } }),
  discharge: (form, fields, context) => ({ tail: "/discharge", body: withOverride({
    clinically_stable: checked(form, "clinically_stable"),
    ready_to_leave_at: context.readyToLeaveAt(fields.get("ready_to_leave_at")) }, fields) }),
  "adverse-events": (form, fields) => ({ tail: "/adverse-events", body: {
    description: text(fields.get("description")), serious: checked(form, "serious") } }),
  withhold: (form, fields) => ({ tail: "/withhold", body: { reason: text(fields.get("reason")) } }),
};

// The request a form makes: {method, path, body}, undefined fields left out.
export function requestFor(form, sessionId, context) {
  const built = BUILDERS[form.dataset.kind](form, new FormData(form), context);
  const body = JSON.parse(JSON.stringify(withAmendment(built.body, form)));
  return { method: built.method ?? "POST", path: `/sessions/${sessionId}${built.tail}`, body };
}
