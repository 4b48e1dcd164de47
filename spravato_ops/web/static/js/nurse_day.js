// Today's chairs: countdowns on the server's clock, the list refreshed every few seconds, and
// new alerts as a banner with a sound the nurse can mute.
import { api } from "./api.js";
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

async function checkAlerts() {
  const { data } = await api("GET", `/alerts?site_id=${chairs.dataset.siteId}`);
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
    const response = await fetch(window.location.href, { credentials: "same-origin" });
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
