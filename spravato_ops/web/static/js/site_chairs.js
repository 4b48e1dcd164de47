// A site's chairs on its admin page: a new chair (POST /sites/{id}/chairs) added to the list as
// the server answers; a chair taken out of use and back (PATCH /sites/{id}/chairs/{id}). Out of
// use, a chair takes no new booking; the sessions still booked on it are said, to be moved on
// the schedule.
import { api } from "./api.js";
import { clearProblems, refusalWords, showProblems, showStatus } from "./form_errors.js";
import { onSubmit } from "./submit_ready.js";

const form = document.getElementById("chair-form");
const list = document.getElementById("chair-list");
const status = document.getElementById("chair-status");
const siteId = form.dataset.siteId;

// One chair of the list, as the page's template draws it.
function chairItem(chair) {
  const item = document.createElement("li");
  item.dataset.chairId = chair.id;
  item.dataset.active = chair.active ? "yes" : "no";
  const name = Object.assign(document.createElement("span"),
    { className: "chair-label", textContent: chair.label });
  item.append(name);
  if (!chair.active) {
    item.append(" ", Object.assign(document.createElement("span"),
      { className: "tag due", textContent: "not in use" }));
  }
  const words = chair.active ? "Take out of use" : "Back in use";
  const button = Object.assign(document.createElement("button"),
    { type: "button", className: "secondary", textContent: words });
  button.dataset.action = "toggle";
  button.setAttribute("aria-label", `${words}: ${chair.label}`);
  item.append(" ", button);
  return item;
}

function toggledWords(chair) {
  if (chair.active) return `${chair.label} is back in use.`;
  const booked = chair.still_booked;
  return `${chair.label} is out of use: no new booking on it.` + (booked
    ? ` ${booked} session${booked === 1 ? " is" : "s are"} still booked on it: move `
      + `${booked === 1 ? "it" : "them"} on the schedule.` : "");
}

list.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action=toggle]");
  if (!button) return;
  const item = button.closest("li");
  button.disabled = true;
  try {
    const { data } = await api("PATCH", `/sites/${siteId}/chairs/${item.dataset.chairId}`,
      { body: { active: item.dataset.active !== "yes" } });
    item.replaceWith(chairItem(data));
    showStatus(status, toggledWords(data), data.active || !data.still_booked ? "ok" : "due");
  } catch (error) {
    button.disabled = false;
    showStatus(status, `Not changed: ${refusalWords(error)}`, "overdue");
  }
});

onSubmit(form, async (event) => {
  event.preventDefault();
  clearProblems(form);
  status.textContent = "";
  try {
    const { data } = await api("POST", `/sites/${siteId}/chairs`,
      { body: { label: form.elements.label.value.trim() } });
    if (!list.querySelector("li[data-chair-id]")) list.replaceChildren();
    list.append(chairItem(data));
    showStatus(status, `Added ${data.label}.`);
    form.reset();
  } catch (error) {
    showProblems(form, error);
  }
});
