// The capacity panel of the schedule: its "Book" buttons hand the patient and course to the
// booking form (schedule.js listens for "choose-patient"), and the panel is fetched again,
// drawn by the server, whenever the day's sessions change ("sessions-changed").
const root = document.getElementById("schedule");
const form = document.getElementById("booking-form");
const panel = () => document.getElementById("capacity-panel");

// The day to book on: the day shown when it is still in the due window, else today.
function bookingDay(dueLatest) {
  const { day, today } = root.dataset;
  return day >= today && day <= dueLatest ? day : today;
}

function chooseFrom(button) {
  const d = button.dataset;
  const patient = { id: Number(d.patientId), first_name: d.firstName, last_name: d.lastName,
    mrn: d.mrn, date_of_birth: d.dateOfBirth };
  form.dispatchEvent(new CustomEvent("choose-patient", {
    detail: { patient, courseId: Number(d.courseId), date: bookingDay(d.dueLatest) },
  }));
}

async function refresh() {
  const current = panel();
  try {
    const response = await fetch(current.dataset.url, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("capacity-panel");
    if (fresh) current.replaceChildren(...fresh.childNodes);
  } catch {
    // Offline for a moment: the panel keeps what it showed until the next change.
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("#capacity-panel button[data-course-id]");
  if (button) chooseFrom(button);
});
root.addEventListener("sessions-changed", refresh);
