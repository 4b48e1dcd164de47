// Entries waiting for the server. Each gets its Idempotency-Key when the nurse taps save and
// keeps it until the server answers, in localStorage so that a reload loses nothing; retried in
// order while the network fails, never after a 4xx (that answer is shown next to the entry).
import { api, ApiError, newIdempotencyKey } from "./api.js";

const RETRY_MS = 3000;

export class Outbox {
  constructor(storageKey, { onSaved, onRefused, onChange }) {
    this.storageKey = storageKey;
    this.handlers = { onSaved, onRefused, onChange };
    this.items = JSON.parse(localStorage.getItem(storageKey) ?? "[]");
    this.sending = false;
    this.offline = false;
    window.addEventListener("online", () => this.flush());
  }

  add({ form, method, path, body }) {
    const item = { key: newIdempotencyKey(), form, method, path, body, queuedAt: Date.now() };
    this.items.push(item);
    this.save();
    this.flush();
    return item;
  }

  pendingFor(form) {
    return this.items.filter((item) => item.form === form);
  }

  save() {
    localStorage.setItem(this.storageKey, JSON.stringify(this.items));
    this.handlers.onChange?.(this);
  }

  // Send the waiting entries one by one, in the order they were saved.
  async flush() {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.items.length) {
        const item = this.items[0];
        const outcome = await this.send(item);
        if (outcome === "retry") {
          setTimeout(() => this.flush(), RETRY_MS);
          break;
        }
        this.items.shift();
        this.save();
      }
    } finally {
      this.sending = false;
    }
  }

  async send(item) {
    try {
      const { data } = await api(item.method, item.path,
        { body: item.body, idempotencyKey: item.key });
      this.setOffline(false);
      this.handlers.onSaved?.(item, data);
      return "saved";
    } catch (error) {
      // A 5xx, or a claim still in progress, may succeed later with the same key.
      if (error instanceof ApiError && error.status < 500 && !isInProgress(error)) {
        this.setOffline(false);
        this.handlers.onRefused?.(item, error);
        return "refused";
      }
      this.setOffline(!(error instanceof ApiError));
      return "retry";
    }
  }

  setOffline(offline) {
    if (this.offline === offline) return;
    this.offline = offline;
    this.handlers.onChange?.(this);
  }
}

function isInProgress(error) {
  return error.status === 409 && error.violations.length === 0
    && /in progress/i.test(error.message);
}
