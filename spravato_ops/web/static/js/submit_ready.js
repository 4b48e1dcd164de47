// Handle a form's submit with `handler`, then enable its submit buttons: they come disabled
// from the template, since a tap before the page's script handles the form would submit it
// natively, reloading the page without what was typed (and with it in the address).
export function onSubmit(form, handler) {
  form.addEventListener("submit", handler);
  for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = false;
}
