// The nurse's tablet offline: the session screens and the pages' files, network first and the
// copy last seen when the network fails, so that a reload while offline still shows the screen
// and its outbox (localStorage) sends the waiting entries when the network returns. API answers
// are never kept here: clinical data is read afresh, and entries wait in the outbox.
const CACHE = "nurse-offline";

function kept(request) {
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return false;
  return (request.mode === "navigate" && url.pathname.startsWith("/nurse/sessions/"))
    || url.pathname.startsWith("/static/web/");
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const copy = await cache.match(request);
    if (copy) return copy;
    throw error;
  }
}

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (event) => {
  if (kept(event.request)) event.respondWith(networkFirst(event.request));
});
