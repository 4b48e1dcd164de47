// The pages' one way to the JSON API: the browser session, the page's CSRF token, JSON in and
// out, and the error shape of the API ({code, message, errors, violations}) passed back whole.
import { syncServerNow } from "./clock.js";

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `The server answered ${status}.`);
    this.status = status;
    this.errors = body?.errors ?? {};
    this.violations = body?.violations ?? [];
  }
}

// A network failure (offline, timeout) is thrown as NetworkError: the caller may retry it.
export class NetworkError extends Error {}

export function newIdempotencyKey() {
  return crypto.randomUUID ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// `background`: a refresh the page makes by itself, not a person's action: it does not keep
// an idle browser session alive (the server's BROWSER_IDLE_MINUTES). A 401 means the session
// ended (logout elsewhere, idle, deactivated): the page goes to the login, then comes back.
export async function api(method, path,
  { body, idempotencyKey, ifMatch, ifNoneMatch, background = false, timeoutMs = 15000 } = {}) {
  const headers = { Accept: "application/json" };
  if (background) headers["X-Background"] = "1";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  if (ifMatch !== undefined) headers["If-Match"] = `"${ifMatch}"`;
  if (ifNoneMatch) headers["If-None-Match"] = ifNoneMatch;
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new NetworkError(error.message);
  }
  const stamp = response.headers.get("X-Server-Time");
  if (stamp) syncServerNow(stamp);
  // 304: what the caller has (the ETag it sent) is still current.
  if (response.status === 304) return { data: null, etag: ifNoneMatch, notModified: true };
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401) {
    window.location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, etag: response.headers.get("ETag") };
}
