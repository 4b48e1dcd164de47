// Today's chairs: countdowns on the server's clock, the list refreshed every few seconds, new
// alerts about the chairs as a banner with a sound the nurse can mute, and the open alerts
// (those about the chairs, then the follow-ups) to acknowledge.
import { alertBanner, wireAcknowledge } from "./alert_lists.js";
import { formatDuration, serverNow } from "./clock.js";

const chairs = document.getElementById("chairs");
const REFRESH_MS = 5000;
const banner = chairs ? alertBanner() : null;

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
    banner.announce();
    document.getElementById("connection").hidden = true;
  } catch {
    document.getElementById("connection").hidden = false;
  }
  tick();
}

if (chairs) {
  tick();
  setInterval(tick, 1000);
  setInterval(refresh, REFRESH_MS);
  banner.announce();
  wireAcknowledge(refresh);
}
