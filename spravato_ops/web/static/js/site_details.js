// A site's details on its admin page: name, setting, REMS certification (R4.1), what the REMS
// form prints, and the site's switches, saved with the version the page showed (If-Match) so
// that a change someone else made meanwhile is refused (412) rather than overwritten. The page
// is read again after a save: the certification's status line follows the new end date.
import { api } from "./api.js";
import { clearProblems, showProblems } from "./form_errors.js";
import { readAgain, showDone } from "./read_again.js";
import { onSubmit } from "./submit_ready.js";

const form = document.getElementById("site-form");

function changes() {
  const body = {};
  for (const input of form.querySelectorAll("input[name], select[name]")) {
    body[input.name] = input.type === "checkbox" ? input.checked
      : input.name === "name" ? input.value.trim() : input.value.trim() || null;
  }
  return body;
}

onSubmit(form, async (event) => {
  event.preventDefault();
  clearProblems(form);
  try {
    await api("PATCH", `/sites/${form.dataset.siteId}`,
      { body: changes(), ifMatch: form.dataset.version });
    readAgain("Saved the site's details.");
  } catch (error) {
    showProblems(form, error);
  }
});

showDone(document.getElementById("site-status"));
