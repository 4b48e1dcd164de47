// Today's chairs: countdowns on the server's clock, the list refreshed every few seconds, new
// alerts about the chairs as a banner with a sound the nurse can mute, and the open alerts
// (those about the chairs, then the follow-ups) to acknowledge.
import { wireAcknowledge } from "./alert_lists.js";
import { formatDuration, serverNow } from "./clock.js";

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

// New alerts about the patients in the chairs (not the follow-ups) show in the banner, with
// the sound; those open when the page was opened do not.
function announceNewAlerts() {
  const items = [...document.querySelectorAll("#open-alerts li[data-alert-id]")];
  const fresh = seenAlerts === null ? [] : items.filter((li) => !seenAlerts.has(li.dataset.alertId));
  seenAlerts = new Set(items.map((li) => li.dataset.alertId));
  if (fresh.length) {
    document.getElementById("alert-text").textContent = fresh
      .map((li) => li.querySelector(".alert-text").textContent.replace(/\s+/g, " ").trim())
      .join(" · ");
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
    for (const id of ["chairs", "now-alerts", "follow-up-alerts"]) {
      const fresh = page.getElementById(id);
      if (fresh) document.getElementById(id).replaceChildren(...fresh.childNodes);
    }
    announceNewAlerts();
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
  announceNewAlerts();
  wireAcknowledge(refresh);
}
