"""SQLModel tables, one module per aggregate; importing this registers them all."""
from .access_revision import AccessRevision
from .alert import Reminder, StaffAlert
from .audit import AuditEvent, IdempotencyRecord
from .clinical import (
    AdverseEvent,
    ChecklistEntry,
    Discharge,
    DeviceAdministration,
    ObservationEntry,
    VitalsEntry,
)
from .course import TreatmentCourse
from .patient import Patient, RemsEnrollment, Screening
from .report_facts import SessionFacts
from .rems_form import RemsForm, RemsFormSignature
from .session import TreatmentSession
from .site import Chair, Site, SitePolicyRecord
from .user import ApiToken, User, UserSite

__all__ = [
    "AccessRevision", "AdverseEvent", "ApiToken", "AuditEvent", "Chair", "ChecklistEntry",
    "Discharge", "DeviceAdministration", "IdempotencyRecord", "ObservationEntry", "Patient",
    "Reminder", "RemsEnrollment", "RemsForm", "RemsFormSignature", "Screening",
    "SessionFacts", "Site", "SitePolicyRecord", "StaffAlert", "TreatmentCourse",
    "TreatmentSession", "User", "UserSite", "VitalsEntry",
]
