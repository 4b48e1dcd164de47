// A form's submit button comes disabled from the template and is enabled here, once the
// page's script handles the form: a tap before that would submit the form natively, reloading
// the page without what was typed (and with it in the address).
export function enableSubmit(form) {
  for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = false;
}
