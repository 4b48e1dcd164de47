// A page read again after a change, saying what was done: the message waits in the tab's
// sessionStorage (keyed by the page) until the page is back.
import { showStatus } from "./form_errors.js";

const doneKey = () => `done:${window.location.pathname}`;

export function readAgain(message) {
  sessionStorage.setItem(doneKey(), message);
  window.location.reload();
}

// Show, in `status`, what was done before the page was read again (if anything).
export function showDone(status) {
  const done = sessionStorage.getItem(doneKey());
  if (done) {
    sessionStorage.removeItem(doneKey());
    showStatus(status, done);
  }
}
