// The open alerts a staff page lists (templates/_alerts.html): its Acknowledge buttons, for
// the lists as they are now and as the page's refreshes redraw them.
import { api, ApiError } from "./api.js";

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
