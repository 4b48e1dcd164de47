// After logout (and on every login page) no session screen stays on the tablet for offline use.
import { OFFLINE_CACHE } from "./offline_page.js";

if (window.caches) caches.delete(OFFLINE_CACHE).catch(() => {});
