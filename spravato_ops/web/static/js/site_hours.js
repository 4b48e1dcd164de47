// A site's opening hours (P-HOURS) and clinical policy on the admin's page. The hours form
// becomes the policy's opening_hours, saved with the rest of the policy as it was read (PUT replaces it
// whole, with If-Match), then the sessions the hours leave outside are listed for the
// schedulers.
import { api, ApiError } from "./api.js";
import { clearProblems, showProblems, showStatus } from "./form_errors.js";
import { onSubmit } from "./submit_ready.js";

const form = document.getElementById("hours-form");
const policyForm = document.getElementById("policy-form");
const siteId = form.dataset.siteId;
const when = new Intl.DateTimeFormat("en-US", { timeZone: form.dataset.timezone,
  weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
  hour12: false });
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

// "08:00-12:30, 13:00-18:00" -> [["08:00", "12:30"], ["13:00", "18:00"]]; the server checks them.
function spansOf(text) {
  return text.split(",").map((span) => span.trim()).filter(Boolean)
    .map((span) => span.split("-").map((part) => part.trim()));
}

// "2026-12-25 Christmas Day" per line -> [{date, reason}].
function closuresOf(text) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const [date, ...reason] = line.split(/\s+/);
    return { date, reason: reason.join(" ") };
  });
}

function openingHours() {
  const weekly = {};
  for (const day of DAYS) {
    const spans = spansOf(form.elements[day].value);
    if (spans.length) weekly[day] = spans;
  }
  return { weekly: form.elements.hours_set.checked ? weekly : null,
           closures: closuresOf(form.elements.closures.value) };
}

async function showConflicts() {
  const list = document.getElementById("conflicts");
  try {
    const { data } = await api("GET", `/sites/${siteId}/conflicts`);
    const items = data.map((c) => {
      const item = document.createElement("li");
      item.textContent = `${c.patient_initials} on ${c.chair}, `
        + `${when.format(new Date(c.scheduled_start))}: `
        + c.violations.map((v) => v.message).join(" ");
      return item;
    });
    if (!items.length) items.push(Object.assign(document.createElement("li"),
      { textContent: "None: every session to come fits the opening hours." }));
    list.replaceChildren(...items);
  } catch (error) {
    list.replaceChildren(Object.assign(document.createElement("li"),
      { textContent: "The list could not be loaded; reload the page to try again." }));
  }
}

// The site's policy as stored now, and its version.
async function currentPolicy() {
  const { data } = await api("GET", `/sites/${siteId}/policy`);
  const { site_id: _site, version, ...policy } = data;
  return { policy, version };
}

// Put the whole policy back if it is still at `version` (If-Match); the page's forms then
// hold the version saved.
async function putPolicy(policy, version) {
  const { data } = await api("PUT", `/sites/${siteId}/policy`, { body: policy, ifMatch: version });
  policyForm.dataset.version = data.version;
}

onSubmit(form, async (event) => {
  event.preventDefault();
  clearProblems(form);
  const status = document.getElementById("hours-status");
  status.textContent = "";
  try {
    const { policy, version } = await currentPolicy();
    await putPolicy({ ...policy, opening_hours: openingHours() }, version);
    showStatus(status, "Saved.");
    await showConflicts();
  } catch (error) {
    showProblems(form, error);
  }
});

showConflicts();

// The rest of the clinical policy: the form's P-ids over the policy as it is now (its
// opening hours kept), put back with the version the page showed (If-Match), so that a change
// made by someone else meanwhile is refused (412) and the form shows theirs.
const asNumber = (text) => (/^-?\d+$/.test(text) ? Number(text) : text);

function policyChanges() {
  const changes = {};
  for (const input of policyForm.querySelectorAll("input[name]")) {
    const text = input.value.trim();
    const value = input.name === "reminder_offsets_hours"
      ? text.split(",").map((part) => part.trim()).filter(Boolean).map(asNumber)
      : input.type === "time" ? text : asNumber(text);
    const path = input.name.split(".");
    let target = changes;
    for (const part of path.slice(0, -1)) target = (target[part] ??= {});
    target[path.at(-1)] = value;
  }
  return changes;
}

function showPolicy(policy) {
  for (const input of policyForm.querySelectorAll("input[name]")) {
    const value = input.name.split(".").reduce((at, part) => at?.[part], policy);
    input.value = Array.isArray(value) ? value.join(", ") : value ?? "";
  }
}

onSubmit(policyForm, async (event) => {
  event.preventDefault();
  clearProblems(policyForm);
  const status = document.getElementById("policy-status");
  status.textContent = "";
  let current = null;
  try {
    current = await currentPolicy();
    await putPolicy({ ...current.policy, ...policyChanges() }, policyForm.dataset.version);
    showStatus(status, "Saved.");
  } catch (error) {
    if (error instanceof ApiError && error.status === 412 && current) {
      showPolicy(current.policy);
      policyForm.dataset.version = current.version;
    }
    showProblems(policyForm, error);
  }
});
