"""The role matrix of API.md, in one place: operation -> roles allowed.

Operations are written as in API.md (`METHOD /path`, path parameters as `{}`).
An API operation missing here is refused to everyone, so a new endpoint must be
placed in the matrix before anyone can call it.
"""
ADMIN = frozenset({"admin"})
EVERYONE = frozenset({"admin", "scheduler", "nurse", "prescriber", "front_desk"})
SCHEDULING = frozenset({"admin", "scheduler", "prescriber"})
PATIENT_RECORDS = frozenset({"admin", "scheduler", "prescriber"})
SCREENING = frozenset({"admin", "prescriber"})
CLINICAL = frozenset({"nurse", "prescriber"})
ARRIVAL = frozenset({"nurse", "prescriber", "front_desk"})
STAFF_NOT_DESK = frozenset({"admin", "scheduler", "nurse", "prescriber"})
SIGNING = frozenset({"prescriber"})
# The medical director's report: figures without patients, clinical ones too: not front desk.
REPORT_READERS = STAFF_NOT_DESK

# Operations open without a token.
PUBLIC = frozenset({"POST /auth/tokens"})

MATRIX = {
    "DELETE /auth/tokens/current": EVERYONE,
    "POST /sites": ADMIN,
    "GET /sites": EVERYONE,
    "GET /sites/{}": EVERYONE,
    "PATCH /sites/{}": ADMIN,
    "POST /sites/{}/chairs": ADMIN,
    "GET /sites/{}/chairs": EVERYONE,
    "PATCH /sites/{}/chairs/{}": ADMIN,
    "GET /sites/{}/policy": EVERYONE,
    "PUT /sites/{}/policy": ADMIN,
    "GET /sites/{}/capacity": SCHEDULING,
    "GET /sites/{}/needs-booking": SCHEDULING,
    "GET /sites/{}/conflicts": SCHEDULING,
    "POST /users": ADMIN,
    "GET /users": ADMIN,
    "GET /users/me": EVERYONE,
    "PATCH /users/{}": ADMIN,
    "POST /users/{}/revoke-tokens": ADMIN,
    "POST /users/me/password": EVERYONE,
    "POST /patients": PATIENT_RECORDS,
    "GET /patients": EVERYONE,
    "GET /patients/{}": EVERYONE,
    "PATCH /patients/{}": PATIENT_RECORDS,
    "GET /patients/{}/screening": STAFF_NOT_DESK,
    "PUT /patients/{}/screening": SCREENING,
    "GET /patients/{}/rems-enrollment": STAFF_NOT_DESK,
    "PUT /patients/{}/rems-enrollment": PATIENT_RECORDS,
    "POST /patients/{}/courses": PATIENT_RECORDS,
    "GET /patients/{}/courses": STAFF_NOT_DESK,
    "GET /courses/{}": STAFF_NOT_DESK,
    "PATCH /courses/{}": PATIENT_RECORDS,
    "GET /courses/{}/plan": STAFF_NOT_DESK,
    "POST /courses/{}/series/preview": SCHEDULING,
    "POST /courses/{}/series": SCHEDULING,
    "POST /sessions": SCHEDULING,
    "GET /sessions": EVERYONE,
    "GET /sessions/{}": EVERYONE,
    "PATCH /sessions/{}": SCHEDULING,
    "POST /sessions/{}/cancel": SCHEDULING,
    "POST /sessions/{}/no-show": SCHEDULING,
    "POST /sessions/{}/arrival": ARRIVAL,
    "PUT /sessions/{}/checklist": CLINICAL,
    "POST /sessions/{}/transport": ARRIVAL,
    "POST /sessions/{}/vitals": CLINICAL,
    "POST /sessions/{}/devices": CLINICAL,
    "POST /sessions/{}/observations": CLINICAL,
    "POST /sessions/{}/adverse-events": CLINICAL,
    "PATCH /sessions/{}/adverse-events/{}": CLINICAL,
    "POST /sessions/{}/withhold": CLINICAL,
    "GET /sessions/{}/record": CLINICAL,
    "GET /sessions/{}/timers": CLINICAL,
    "GET /sessions/{}/discharge-readiness": CLINICAL,
    "POST /sessions/{}/discharge": CLINICAL,
    "GET /board": EVERYONE,
    "GET /alerts": STAFF_NOT_DESK,
    "POST /alerts/{}/acknowledge": STAFF_NOT_DESK,
    "GET /alerts/stream": STAFF_NOT_DESK,
    "GET /reminders": EVERYONE,
    "POST /reminders/{}/resend": STAFF_NOT_DESK,
    "GET /sessions/{}/rems-form": STAFF_NOT_DESK,
    "GET /sessions/{}/rems-form.html": STAFF_NOT_DESK,
    "GET /sessions/{}/rems-form.pdf": STAFF_NOT_DESK,
    "POST /sessions/{}/rems-form/sign": SIGNING,
    "POST /sessions/{}/rems-form/submission": CLINICAL,
    "GET /rems-forms": STAFF_NOT_DESK,
    # FHIR carries vitals and doses, like the REMS form: every role but front desk reads it.
    "GET /sessions/{}/fhir": STAFF_NOT_DESK,
    "GET /fhir/$export": STAFF_NOT_DESK,
    # Figures only, no patient: staff who read clinical records or REMS forms.
    "GET /reports": REPORT_READERS,
    "GET /reports.csv": REPORT_READERS,
    "GET /audit": ADMIN,
}

# Browser pages (web/): page name -> roles allowed; the others get the 403 page.
PAGES = {
    "nurse": CLINICAL,
    "schedule": SCHEDULING,
    "board": EVERYONE,
    "patients": EVERYONE,
    "rems_forms": STAFF_NOT_DESK,
    "reports": REPORT_READERS,
    "admin": ADMIN,
    "account": EVERYONE,
}
# Where each role lands after logging in.
LANDING_PAGE = {"nurse": "nurse", "prescriber": "nurse", "scheduler": "schedule",
                "front_desk": "board", "admin": "admin"}

# Soft stops may be overridden only by these roles (DOMAIN.md, API.md "overrides").
OVERRIDE_ROLES = SIGNING


def roles_allowed(operation):
    """Return the roles allowed for `operation`, or an empty set if it is not in the matrix."""
    return MATRIX.get(operation, frozenset())
