"""A whole treatment day through the API and the pages, with every log line captured (the
request lines, errors, the scheduler's sweeps, anything printed): no patient's name, phone,
email or MRN, no token and no password is in them."""
import json
import logging
from datetime import timedelta

from freezegun import freeze_time

from scheduler import runner
from scheduler.context import JobContext
from spravato_ops.clock import utcnow
from spravato_ops.db import get_engine
from spravato_ops.logs import QUIET_LOGGERS, REQUEST_LOGGER, JsonFormatter
from spravato_ops.models import TreatmentCourse

from ..factories import PASSWORD
from ..scheduler.conftest import add_due, settings
from ..scheduler.servers import Mailbox, SmtpServer
from .treatment_support import API, T0, Day, at, iso, observation, vitals

PATIENT = {"first_name": "Quintessa", "last_name": "Marblethwaite", "phone": "555-867-5309",
           "email": "q.marblethwaite@example.net", "mrn": "ZX-99817"}
# The test's own SMTP server logs what it receives; it is not the service.
NOT_THE_SERVICE = ("mail.log",)


def capture_everything(caplog):
    """Every logger at DEBUG but those production keeps quiet (logs.QUIET_LOGGERS).

    The root last: set_level also sets the capturing handler's level.
    """
    for name, level in QUIET_LOGGERS.items():
        caplog.set_level(level, logger=name)
    caplog.set_level(logging.DEBUG)


def log_text(caplog, capfd):
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records
             if not record.name.startswith(NOT_THE_SERVICE)]
    printed = capfd.readouterr()
    return "\n".join(lines + [printed.out, printed.err])


def patient_arrives_registered(client, day, headers):
    """The front office gives the day's patient their real details and looks them up."""
    patient_url = f"{API}/patients/{day.session.patient_id}"
    day.ok(client.patch(patient_url, json=PATIENT, headers=headers), 200)
    for term in (PATIENT["last_name"], PATIENT["mrn"]):
        found = day.ok(client.get(f"{API}/patients", query_string={"q": term}, headers=headers),
                       200)
        assert found, term
    clash = client.post(f"{API}/patients", headers=headers, json={
        **PATIENT, "date_of_birth": "1980-05-17", "sex": "female", "reminder_channel": "email"})
    assert clash.status_code == 409  # the MRN is taken: the answer names it, the log must not


def treatment_day(day):
    """Arrival to discharge (R1.5-R3.6), as test_treatment_day walks it."""
    day.to_observing()
    for minute in (15, 30):
        day.at(minute)
        day.ok(day.post("/observations", observation(minute, 4, "mild")))
    day.at(40)
    day.ok(day.post("/vitals", vitals(40, 138, 86)))
    for minute in range(45, 121, 15):
        day.at(minute)
        if minute == 120:
            day.ok(day.post("/vitals", vitals(110, 126, 80, timepoint="pre_discharge")))
        day.ok(day.post("/observations", observation(minute)))
    day.at(121)
    assert day.ok(day.get("/discharge-readiness"), 200)["ready"] is True
    out = day.ok(day.post("/discharge", {"clinically_stable": True,
                                         "ready_to_leave_at": iso(at(95))}))
    assert out["session_state"] == "discharged"
    assert day.ok(day.get("/record"), 200)["devices"]
    day.ok(day.client.get(f"{API}/board", query_string={"site_id": day.site.id},
                          headers=day.desk), 200)


def send_the_next_reminder(app, db, make, day):
    """The scheduler sends the patient's reminder of next week's session, and sweeps."""
    course = db.get(TreatmentCourse, day.session.course_id)
    next_week = make.session(course=course, site=day.site, chair=day.chair,
                             scheduled_start=utcnow() + timedelta(days=7))
    with SmtpServer(Mailbox()) as mailbox:
        add_due(db, next_week, 1, recipient=PATIENT["email"])
        reports = runner.run_once(JobContext(get_engine(app), settings(smtp_port=mailbox.port)))
        assert [r.sent for r in reports if r.job == "dispatch-reminders"] == [1]
        assert mailbox.handler.count() == 1


def test_a_treatment_day_leaves_no_patient_data_in_the_logs(app, client, db, make, caplog,
                                                            capfd):
    capture_everything(caplog)
    admin = make.user("admin")
    with freeze_time(T0 - timedelta(hours=1)) as clock:
        day = Day(client, make, clock)
        token = day.ok(client.post(f"{API}/auth/tokens",
                                   json={"email": admin.email, "password": PASSWORD}))["token"]
        headers = {"Authorization": f"Bearer {token}"}
        patient_arrives_registered(client, day, headers)
        assert client.post("/login", data={"email": admin.email,
                                           "password": PASSWORD}).status_code == 302
        assert PATIENT["last_name"] in client.get(
            "/patients", query_string={"q": PATIENT["mrn"]}).get_data(as_text=True)
        treatment_day(day)
    send_the_next_reminder(app, db, make, day)
    text = log_text(caplog, capfd)
    requests = [json.loads(line) for line in text.splitlines()
                if f'"logger": "{REQUEST_LOGGER}"' in line]
    assert len(requests) >= 20 and "job=dispatch-reminders claimed=1 sent=1" in text
    tokens = [token] + [h["Authorization"].split()[1] for h in (day.nurse, day.desk)]
    for secret in [*PATIENT.values(), PASSWORD, *tokens]:
        assert secret not in text, f"{secret!r} is in the logs"
