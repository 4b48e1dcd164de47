"""Signing a REMS Patient Monitoring Form and recording its submission (R4.3).

Both lock the session's row, as the record's writers do, so a signature and a correction of
the record take turns: a form is signed on the record as it stands, and a later correction
reopens it (rems_form_rows.reopen_signed_form). Signing keeps the fields as signed.
"""
from sqlmodel import select

from ..clock import utcnow
from ..domain.enums import FormStatus
from ..domain.plain import to_plain
from ..domain.violations import hard_stop
from ..models import RemsFormSignature
from .common import check_version, update_record
from .entries import lock_session, rolls_back
from .failures import InvalidInput, RuleRefusal
from .rems_form_rows import open_form
from .rems_form_views import SIGNED_STAGES, build_forms, form_view, refuse_formless


def _refuse(code, message):
    raise RuleRefusal([hard_stop("R4.3", code, message)])


@rolls_back
def sign_form(session, *, session_id, actor, now, expected_version=None):
    """Sign the form of the session: only when every required field is filled (409 naming
    each one missing or inconsistent); the fields as signed are kept with the signature."""
    lock_session(session, session_id)
    built = refuse_formless(build_forms(session, [session_id]).get(session_id), session_id)
    row = built.row or open_form(session, built.session, actor=actor)
    check_version(row, expected_version)
    if row.status in SIGNED_STAGES:
        _refuse("already_signed", f"The form was signed at {row.signed_at.isoformat()}; a "
                                  "correction of the record reopens it for a new signature.")
    if built.problems:
        raise RuleRefusal([p.as_violation() for p in built.problems],
                          "The form cannot be signed: "
                          + " ".join(p.message for p in built.problems))
    signed_at = utcnow()
    session.add(RemsFormSignature(form_id=row.id, signed_by=actor.id, signed_at=signed_at,
                                  fields=to_plain(built.fields)))
    update_record(session, row, {"status": FormStatus.SIGNED.value, "signed_by": actor.id,
                                 "signed_at": signed_at},
                  entity="rems_form", actor=actor, action="sign")
    session.commit()
    return form_view(session, session_id=session_id, now=now)


@rolls_back
def record_submission(session, *, session_id, actor, now, clock_skew, data,
                      expected_version=None):
    """Record how the signed form went to the REMS (online or fax), its confirmation number,
    when (default now) and who sent it."""
    lock_session(session, session_id)
    built = refuse_formless(build_forms(session, [session_id]).get(session_id), session_id)
    row = built.row
    if row is None or row.status not in SIGNED_STAGES:
        _refuse("not_signed", "Sign the form before recording its submission.")
    check_version(row, expected_version)
    if row.status == FormStatus.SUBMITTED:
        _refuse("already_submitted", f"The form's submission was recorded at "
                                     f"{row.submitted_at.isoformat()} "
                                     f"({row.submission_method}, {row.submission_reference}).")
    submitted_at = data.get("submitted_at") or utcnow()
    if submitted_at > now + clock_skew:
        raise InvalidInput({"submitted_at": ["Must not be in the future."]})
    if submitted_at < row.signed_at:
        raise InvalidInput({"submitted_at": ["Must not be before the form was signed."]})
    submission = {"submission_method": data["method"],
                  "submission_reference": data["confirmation_number"].strip(),
                  "submitted_at": submitted_at, "submitted_by": actor.id}
    signature = session.exec(select(RemsFormSignature).where(
        RemsFormSignature.form_id == row.id, RemsFormSignature.voided_at.is_(None))).one()
    update_record(session, signature, submission, entity="rems_form_signature", actor=actor,
                  action="submit")
    update_record(session, row, {"status": FormStatus.SUBMITTED.value, **submission},
                  entity="rems_form", actor=actor, action="submit")
    session.commit()
    return form_view(session, session_id=session_id, now=now)
