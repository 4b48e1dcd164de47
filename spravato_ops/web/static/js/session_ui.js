// The session screen's forms: "not saved yet", answers shown next to the fields they concern,
// the prescriber's override when a soft stop allows one, and corrections of an entry.

export function clearErrors(form) {
  form.querySelectorAll(".error-message").forEach((node) => node.remove());
  form.querySelectorAll("[aria-invalid]").forEach((node) => {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-describedby");
  });
  form.classList.remove("refused");
}

export function showPending(form, count) {
  const status = form.querySelector(".entry-status");
  if (count) {
    status.className = "entry-status tag due";
    status.textContent = count === 1 ? "Not saved yet: retrying"
      : `${count} entries not saved yet: retrying`;
  } else if (status.classList.contains("due")) {
    status.className = "entry-status";
  }
}

function messageFor(form, name, text) {
  const field = form.querySelector(`[name="${name}"]`);
  const node = document.createElement("p");
  node.className = "error-message";
  node.id = `${form.id}-${name}-error`;
  node.textContent = `Error: ${text}`;
  if (!field) return node;
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", node.id);
  const anchor = field.closest("fieldset") ?? field;
  anchor.before(node);
  return null;
}

// A 422 or 409 answer: the summary above the button, each field's message beside it.
export function showErrors(form, error, mayOverride) {
  clearErrors(form);
  form.classList.add("refused");
  const status = form.querySelector(".entry-status");
  status.className = "entry-status error-summary";
  status.setAttribute("role", "alert");
  const lines = [`Not saved: ${error.message}`];
  const loose = Object.entries(error.errors).flatMap(([name, messages]) =>
    [].concat(messages).map((text) => messageFor(form, name, String(text))).filter(Boolean)
      .map((node) => node.textContent));
  lines.push(...loose);
  error.violations.forEach((v) => lines.push(`${v.rule}: ${v.message}`
    + (v.override_allowed ? ` (a ${v.override_role ?? "prescriber"} may override)` : "")));
  status.textContent = lines.join(" · ");
  const override = form.querySelector(".override");
  if (override && mayOverride && error.violations.some((v) => v.override_allowed)) {
    override.hidden = false;
  }
}

// Fill the entry's form with its values and ask why it is corrected.
export function startAmend(form, entry) {
  for (const [name, value] of Object.entries(entry)) {
    const fields = form.querySelectorAll(`[name="${name}"]`);
    fields.forEach((field) => {
      if (field.type === "radio") field.checked = String(value) === field.value;
      else if (field.type === "checkbox") field.checked = Boolean(value);
      else if (!field.name.startsWith("override")) field.value = value ?? "";
    });
  }
  form.dataset.amends = entry.id;
  const times = ["taken_at", "administered_at", "observed_at"].filter((name) => entry[name]);
  form.dataset.amendsTime = JSON.stringify(Object.fromEntries(times.map((n) => [n, entry[n]])));
  if (!form.querySelector(".amend")) {
    const block = document.createElement("div");
    block.className = "amend";
    block.innerHTML = `<p class="tag due">Correcting an earlier entry</p>
      <label for="${form.id}-amend-reason">Reason for the correction</label>
      <input id="${form.id}-amend-reason" name="amend_reason">`;
    form.querySelector("h2").after(block);
  }
  form.scrollIntoView({ block: "start" });
  form.querySelector("[name=amend_reason]").focus();
}

// "14:30" on the site's today, as a UTC instant (the tablet's own zone plays no part).
export function siteTimeToUtc(hhmm, timeZone, now) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(now).map((p) => [p.type, p.value]));
  const wallNow = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute,
    parts.second);
  const offset = wallNow - Math.floor(now.getTime() / 1000) * 1000;
  const [hour, minute] = hhmm.split(":").map(Number);
  const wanted = Date.UTC(parts.year, parts.month - 1, parts.day, hour, minute) - offset;
  return new Date(wanted).toISOString().replace(/\.\d{3}Z$/, "Z");
}
