// The open alerts a staff page lists (templates/_alerts.html): its Acknowledge buttons, for
// the lists as they are now and as the page's refreshes redraw them, and the banner with a
// sound (which the nurse can mute, on every page of the tablet) for new alerts about the
// patients in the chairs.
import { api, ApiError } from "./api.js";

const MUTED_KEY = "alerts:muted";

// A list's heading says how many alerts it holds; an empty list says so.
function recount(section) {
  const list = section.querySelector("ul");
  const left = list.querySelectorAll("li[data-alert-id]").length;
  section.querySelector("h2 .alert-count").textContent = `(${left})`;
  if (!left) {
    const none = document.createElement("li");
    none.textContent = list.dataset.empty;
    list.replaceChildren(none);
  }
}

async function acknowledge(button, onDone) {
  button.disabled = true;
  try {
    await api("POST", `/alerts/${button.dataset.acknowledge}/acknowledge`, { body: {} });
    const section = button.closest("section");
    button.closest("li").remove();
    recount(section);
    await onDone();
  } catch (error) {
    button.disabled = false;
    const reason = error instanceof ApiError ? error.message : "the connection was lost";
    button.textContent = `Acknowledge (not saved: ${reason})`;
  }
}

// `onDone`: what the page does once an alert is acknowledged (redraw its lists, say).
export function wireAcknowledge(onDone = async () => {}) {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-acknowledge]");
    if (button) acknowledge(button, onDone);
  });
}

function beep() {
  if (localStorage.getItem(MUTED_KEY) === "yes") return;
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

// The page's #alert-banner (#alert-text, #mute): `announce()` after each redraw of
// #open-alerts shows the alerts new since the last call, with the sound, and hides the
// banner once those it shows are acknowledged or resolved; the first call only notes those
// already open.
export function alertBanner() {
  const banner = document.getElementById("alert-banner");
  const muteButton = document.getElementById("mute");
  let seen = null;
  const showMute = () => {
    const muted = localStorage.getItem(MUTED_KEY) === "yes";
    muteButton.textContent = muted ? "Unmute alert sound" : "Mute alert sound";
    muteButton.setAttribute("aria-pressed", String(muted));
  };
  muteButton.addEventListener("click", () => {
    const muted = localStorage.getItem(MUTED_KEY) === "yes";
    localStorage.setItem(MUTED_KEY, muted ? "no" : "yes");
    showMute();
  });
  showMute();
  let shown = [];  // the ids the banner tells of; it goes once none of them is open
  return {
    announce() {
      const items = [...document.querySelectorAll("#open-alerts li[data-alert-id]")];
      const ids = new Set(items.map((li) => li.dataset.alertId));
      const fresh = seen === null ? [] : items.filter((li) => !seen.has(li.dataset.alertId));
      seen = ids;
      if (!fresh.length) {
        if (!shown.some((id) => ids.has(id))) banner.hidden = true;
        return;
      }
      shown = fresh.map((li) => li.dataset.alertId);
      document.getElementById("alert-text").textContent = fresh
        .map((li) => li.querySelector(".alert-text").textContent.replace(/\s+/g, " ").trim())
        .join(" · ");
      banner.hidden = false;
      beep();
    },
  };
}
