// The admin's page: add a site (POST /sites); add a staff member (POST /users), deactivate or
// reactivate one (PATCH /users/{id}: deactivated, their tokens and browser sessions stop at
// once), set a new password for someone who forgot theirs (PATCH, `password`), end someone's
// sessions (POST /users/{id}/revoke-tokens), change the sites they work at (PATCH, `site_ids`),
// their name or role (PATCH). The page is read again after each change, and says what was done.
import { api } from "./api.js";
import { clearProblems, refusalWords, showProblems, showStatus } from "./form_errors.js";
import { readAgain, showDone } from "./read_again.js";
import { onSubmit } from "./submit_ready.js";

const staffForm = document.getElementById("add-staff-form");
const status = document.getElementById("admin-status");

const ACTIONS = {
  "end-sessions": async (id, name) => {
    const { data } = await api("POST", `/users/${id}/revoke-tokens`, { body: {} });
    return `Ended ${data.revoked} session${data.revoked === 1 ? "" : "s"} of ${name}.`;
  },
  deactivate: async (id, name) => {
    await api("PATCH", `/users/${id}`, { body: { active: false } });
    return `Deactivated ${name}: logged out everywhere.`;
  },
  reactivate: async (id, name) => {
    await api("PATCH", `/users/${id}`, { body: { active: true } });
    return `Reactivated ${name}.`;
  },
};

document.querySelector("table.staff").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const row = button.closest("tr");
  button.disabled = true;
  try {
    readAgain(await ACTIONS[button.dataset.action](row.dataset.userId, row.dataset.name));
  } catch (error) {
    button.disabled = false;
    showStatus(status, `Not changed: ${refusalWords(error)}`, "overdue");
  }
});

// A staff row's form that changes its person (PATCH /users/{id}): `bodyOf(form)` is what it
// sends, `done(body, name, form)` what the page says once read again, `refused` how a refusal
// begins.
function onPersonChange(selector, { bodyOf, done, refused }) {
  for (const form of document.querySelectorAll(selector)) {
    onSubmit(form, async (event) => {
      event.preventDefault();
      const row = form.closest("tr");
      const body = bodyOf(form);
      try {
        await api("PATCH", `/users/${row.dataset.userId}`, { body });
        readAgain(done(body, row.dataset.name, form));
      } catch (error) {
        showStatus(status, `${refused}: ${refusalWords(error)}`, "overdue");
        status.scrollIntoView({ block: "center" });
      }
    });
  }
}

// A new password for someone who forgot theirs: their sessions end; they change it themselves
// once they are in (the account page).
onPersonChange("form.reset-form", {
  bodyOf: (form) => ({ password: form.elements.password.value }),
  done: (_body, name) => `Set a new password for ${name}: their sessions ended. Give it to `
    + "them in person; they can change it on their account page.",
  refused: "Password not set",
});

// Someone's name or role put right (a role picked by mistake, a new name); a new role holds
// from their next page or request.
onPersonChange("form.person-form", {
  bodyOf: (form) => ({ name: form.elements.name.value.trim(), role: form.elements.role.value }),
  done: (body) => `Saved: ${body.name}, ${body.role.replace("_", " ")}.`,
  refused: "Not changed",
});

// The sites someone works at, replacing the ones they had; from their next page or request.
const tickedSites = (form) => [...form.querySelectorAll("input[name=site_ids]:checked")];
onPersonChange("form.sites-form", {
  bodyOf: (form) => ({ site_ids: tickedSites(form).map((box) => Number(box.value)) }),
  done: (_body, name, form) => `${name} now works at ${tickedSites(form)
    .map((box) => box.parentElement.textContent.trim()).join(", ") || "every site"}.`,
  refused: "Sites not changed",
});

onSubmit(staffForm, async (event) => {
  event.preventDefault();
  clearProblems(staffForm);
  const fields = staffForm.elements;
  const body = {
    name: fields.name.value.trim(), email: fields.email.value.trim(), role: fields.role.value,
    password: fields.password.value,
    site_ids: [...staffForm.querySelectorAll("input[name=site_ids]:checked")]
      .map((box) => Number(box.value)),
  };
  try {
    await api("POST", "/users", { body });
    readAgain(`Added ${body.name} (${body.role.replace("_", " ")}).`);
  } catch (error) {
    showProblems(staffForm, error);
  }
});

const siteForm = document.getElementById("add-site-form");
onSubmit(siteForm, async (event) => {
  event.preventDefault();
  clearProblems(siteForm);
  const body = Object.fromEntries(
    [...new FormData(siteForm)].map(([name, value]) => [name, value.trim() || null]));
  try {
    const { data } = await api("POST", "/sites", { body });
    readAgain(`Added the site ${data.name}: add its chairs from "Details, chairs, opening hours and policy".`);
  } catch (error) {
    showProblems(siteForm, error);
  }
});

showDone(status);
