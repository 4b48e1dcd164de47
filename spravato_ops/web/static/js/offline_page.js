// Keep this session screen for a reload while offline (service_worker.js): register the worker
// and put the page with the files it loaded into its cache now, since the worker starts only
// after the page has loaded. The login page forgets them (forget_offline_pages.js).
export const OFFLINE_CACHE = "nurse-offline";

export async function keepForOffline() {
  if (!("serviceWorker" in navigator) || !window.caches) return;
  try {
    await navigator.serviceWorker.register("/nurse/service-worker.js", { scope: "/nurse/" });
    const files = performance.getEntriesByType("resource").map((entry) => entry.name)
      .filter((url) => new URL(url).pathname.startsWith("/static/web/"));
    const cache = await caches.open(OFFLINE_CACHE);
    await cache.addAll([location.href, ...new Set(files)]);
  } catch {
    // No worker (an old browser, a private window): the page works online as before.
  }
}
