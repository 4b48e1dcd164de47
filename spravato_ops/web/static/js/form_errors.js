// The error pattern of every form: a summary at the top (field errors, violations with their
// rule, 412 and network failures in words), the message next to each field; inputs kept.
import { ApiError, NetworkError } from "./api.js";

function summaryOf(form) {
  return form.parentElement.querySelector(".error-summary");
}

export function clearProblems(form) {
  const summary = summaryOf(form);
  summary.hidden = true;
  summary.querySelector("ul").replaceChildren();
  form.querySelectorAll(".error-message").forEach((message) => { message.hidden = true; });
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

// Rules of DOMAIN.md are cited by ID; a chair clash or course state in words.
export function ruleName(v) {
  return /^R\d/.test(v.rule) ? v.rule
    : { chair_conflict: "Chair clash" }[v.code] ?? v.rule.replaceAll("_", " ");
}

// One violation as staff read it: its rule, the message, and whether it can be overridden.
export function violationLine(v) {
  const stop = v.override_allowed === undefined ? ""
    : v.override_allowed ? " (a prescriber may override)" : " (cannot be overridden)";
  return `${ruleName(v)}: ${v.message}${stop}`;
}

// A field's messages in words, nested ones under their part's name ({systolic: [...]}: "systolic:
// ..."; a list's item by its number).
function messagesText(messages) {
  if (typeof messages === "string") return messages;
  if (Array.isArray(messages)) return messages.map(messagesText).join(" ");
  return Object.entries(messages ?? {}).map(([key, value]) => {
    const part = /^\d+$/.test(key) ? `item ${Number(key) + 1}` : key.replaceAll("_", " ");
    return `${part}: ${messagesText(value)}`;
  }).join(" ");
}

function problemLines(form, error) {
  if (error instanceof NetworkError) return ["Not saved: the connection was lost. Try again."];
  if (error instanceof ApiError && error.status === 412) {
    return ["Someone else changed this in the meantime, so it was not saved. The page now " +
      "shows their change: make yours again if it is still needed."];
  }
  const lines = (error.violations ?? []).map(violationLine);
  for (const [name, messages] of Object.entries(error.errors ?? {})) {
    const text = messagesText(messages);
    const next = form.querySelector(`[data-error="${CSS.escape(name)}"]`);
    if (next) { next.textContent = text; next.hidden = false; }
    lines.push(`${name.replaceAll("_", " ")}: ${text}`);
  }
  if (lines.length === 0) lines.push(error.message ?? "Not saved.");
  return lines;
}

export function showProblems(form, error, note = null) {
  const summary = summaryOf(form);
  const lines = problemLines(form, error);
  if (note) lines.push(note);
  summary.querySelector("ul").replaceChildren(...lines.map(item));
  summary.hidden = false;
  summary.focus();
}

// A form's status line after an answer: what was done (tone "ok"), or why not ("overdue").
export function showStatus(element, text, tone = "ok") {
  element.className = `entry-status tag ${tone}`;
  element.textContent = text;
}

// A refusal in one line, for a place with no form of its own (a row's button): the server's
// message and each field's, or that the connection was lost.
export function refusalWords(error) {
  if (!(error instanceof ApiError)) return "the connection was lost";
  return [error.message, ...Object.values(error.errors ?? {}).map(messagesText)].join(" ");
}
