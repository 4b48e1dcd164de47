// The server's clock, not the tablet's: the page carries the server's time when it was made,
// and every countdown adds the time elapsed since on the tablet's monotonic clock.
const meta = document.querySelector('meta[name="server-now"]');
const serverAtLoad = meta ? Date.parse(meta.content) : Date.now();
const loadedAt = performance.now();

export function serverNow() {
  return new Date(serverAtLoad + (performance.now() - loadedAt));
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
