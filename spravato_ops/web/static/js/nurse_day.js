// Today's chairs: countdowns on the server's clock, the list refreshed every few seconds, new
// alerts as a banner with a sound the nurse can mute, and the open alerts to acknowledge.
import { api, ApiError } from "./api.js";
import { formatDuration, localTime, serverNow } from "./clock.js";

const chairs = document.getElementById("chairs");
const banner = document.getElementById("alert-banner");
const muteButton = document.getElementById("mute");
const REFRESH_MS = 5000;
let seenAlerts = null;
let muted = localStorage.getItem("alerts:muted") === "yes";

function tick() {
  const now = serverNow();
  document.querySelectorAll(".next-timer").forEach((node) => {
    const due = Date.parse(node.dataset.dueAt);
    const overdue = node.dataset.overdueAt ? Date.parse(node.dataset.overdueAt) : null;
    const [state, words] = overdue !== null && now >= overdue ? ["overdue", "overdue"]
      : now >= due ? ["due", "due now"] : ["", `in ${formatDuration(due - now)}`];
    node.className = `next-timer tag ${state}`;
    node.textContent = `${node.dataset.label}: ${words}`;
  });
}

function beep() {
  if (muted) return;
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = 880;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  } catch {
    // No sound on this tablet: the banner still shows.
  }
}

function alertItem(alert) {
  const item = document.createElement("li");
  item.className = `alert-item ${alert.severity}`;
  const severity = document.createElement("span");
  severity.className = `tag ${alert.severity === "emergency" ? "overdue" : "due"}`;
  severity.textContent = alert.severity === "emergency" ? "Emergency" : "Warning";
  const text = document.createElement(alert.session_id ? "a" : "span");
  text.textContent = `${alert.message} (since ${localTime(alert.raised_at,
    chairs.dataset.timezone)})`;
  if (alert.session_id) text.href = `/nurse/sessions/${alert.session_id}`;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.textContent = "Acknowledge";
  button.setAttribute("aria-label", `Acknowledge: ${alert.message}`);
  button.addEventListener("click", () => acknowledge(alert, button));
  item.append(severity, text, button);
  return item;
}

function showOpenAlerts(alerts) {
  const list = document.getElementById("open-alerts");
  if (!alerts.length) {
    const none = document.createElement("li");
    none.textContent = "No open alerts.";
    list.replaceChildren(none);
    return;
  }
  list.replaceChildren(...alerts.map(alertItem));
}

async function acknowledge(alert, button) {
  button.disabled = true;
  try {
    await api("POST", `/alerts/${alert.id}/acknowledge`, { body: {} });
    await checkAlerts();
  } catch (error) {
    button.disabled = false;
    const reason = error instanceof ApiError ? error.message : "the connection was lost";
    button.textContent = `Acknowledge (not saved: ${reason})`;
  }
}

async function checkAlerts() {
  const { data } = await api("GET", `/alerts?site_id=${chairs.dataset.siteId}`,
    { background: true });
  showOpenAlerts(data);
  const fresh = seenAlerts === null ? [] : data.filter((a) => !seenAlerts.has(a.id));
  seenAlerts = new Set(data.map((a) => a.id));
  if (fresh.length) {
    document.getElementById("alert-text").textContent = fresh.map((a) => a.message).join(" · ");
    banner.hidden = false;
    beep();
  }
}

async function refresh() {
  try {
    const response = await fetch(window.location.href, {
      credentials: "same-origin", headers: { "X-Background": "1" } });
    if (response.redirected) {  // the session ended: to the login, and back here after
      window.location.assign(response.url);
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("chairs");
    if (fresh) chairs.replaceChildren(...fresh.childNodes);
    await checkAlerts();
    document.getElementById("connection").hidden = true;
  } catch {
    document.getElementById("connection").hidden = false;
  }
  tick();
}

function showMute() {
  muteButton.textContent = muted ? "Unmute alert sound" : "Mute alert sound";
  muteButton.setAttribute("aria-pressed", String(muted));
}

if (chairs) {
  muteButton.addEventListener("click", () => {
    muted = !muted;
    localStorage.setItem("alerts:muted", muted ? "yes" : "no");
    showMute();
  });
  showMute();
  tick();
  setInterval(tick, 1000);
  setInterval(refresh, REFRESH_MS);
  checkAlerts().catch(() => {});
}
