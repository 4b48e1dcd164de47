// The server's clock, not the tablet's: the page carries the server's time when it was made,
// every API answer says it again (X-Server-Time, see api.js), and every countdown adds the
// time elapsed since the last of them on the tablet's monotonic clock.
// The last time seen is kept, with the tablet's wall clock then, for a page that comes from the
// offline copy (service_worker.js): its own time is that of the copy, older than the last seen.
const LAST_SEEN = "clock:server-time";
const meta = document.querySelector('meta[name="server-now"]');
let serverAt = meta ? Date.parse(meta.content) : Date.now();
let seenAt = performance.now();
const lastSeen = JSON.parse(localStorage.getItem(LAST_SEEN) ?? "null");
if (lastSeen && lastSeen.server + (Date.now() - lastSeen.tablet) > serverAt) {
  serverAt = lastSeen.server + (Date.now() - lastSeen.tablet);
}

export function serverNow() {
  return new Date(serverAt + (performance.now() - seenAt));
}

// Take the server's time of an answer (an RFC 3339 instant) as the clock from now on.
export function syncServerNow(iso) {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return;
  serverAt = instant;
  seenAt = performance.now();
  localStorage.setItem(LAST_SEEN, JSON.stringify({ server: instant, tablet: Date.now() }));
}

// "4 min 05 s" for a positive duration in milliseconds.
export function formatDuration(ms) {
  const total = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return minutes >= 60
    ? `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`
    : `${minutes} min ${seconds} s`;
}

// The site-local wall time of an instant, e.g. "14:05".
export function localTime(iso, timeZone) {
  return new Intl.DateTimeFormat("en-US", {
    hour: "2-digit", minute: "2-digit", hour12: false, timeZone,
  }).format(new Date(iso));
}
