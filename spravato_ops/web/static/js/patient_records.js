// The patient page's record forms (REMS enrollment, screening, a new course, a course changed):
// each sends its fields as JSON to the path it names (with If-Match where the form holds the
// version it showed), then the page reloads to show what was stored. Errors
// use the forms' one pattern (form_errors.js) and leave what was typed in place. The buttons
// are enabled once handled (submit_ready.js).
import { api } from "./api.js";
import { clearProblems, showProblems } from "./form_errors.js";
import { onSubmit } from "./submit_ready.js";

// A field's value by its data-type: checkboxes as true/false or a list, numbers as numbers;
// an empty text field is left out, so the server names a required one.
function bodyOf(form) {
  const body = {};
  for (const field of form.elements) {
    if (!field.name || field.type === "submit") continue;
    const type = field.dataset.type;
    if (type === "boolean") body[field.name] = field.checked;
    else if (type === "list") {
      body[field.name] = body[field.name] ?? [];
      if (field.checked) body[field.name].push(field.value);
    } else if (field.value.trim() !== "") {
      body[field.name] = type === "number" && /^\d+$/.test(field.value) ? Number(field.value)
        : field.value.trim();
    }
  }
  return body;
}

document.querySelectorAll("form.record-form").forEach((form) => {
  onSubmit(form, async (event) => {
    event.preventDefault();
    clearProblems(form);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await api(form.dataset.method, form.dataset.path,
        { body: bodyOf(form), ifMatch: form.dataset.version });
      window.location.reload();
    } catch (error) {
      showProblems(form, error);
      button.disabled = false;
    }
  });
});
