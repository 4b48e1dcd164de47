"""Fixed numbers from the SPRAVATO label and REMS, named once (site-tunable ones: policy.py)."""
from datetime import timedelta

# R1.2 / R1.5 doses and devices
MG_PER_DEVICE = 28
ALLOWED_DOSES = (56, 84)
TRD_STARTING_DOSE_MG = 56
MIN_DEVICE_SPACING = timedelta(minutes=5)

# R1.1 / R1.3 course phases (course weeks, week 1 = days 0-6 of the course)
DAYS_PER_WEEK = 7
INDUCTION_LAST_WEEK = 4
MAINTENANCE_LAST_WEEK = 8
MDSI_LAST_WEEK = 4
INDUCTION_SESSIONS_PER_WEEK = 2
MAINTENANCE_SESSIONS_PER_WEEK = 1
CONTINUATION_SESSIONS_PER_WINDOW = 1
MDSI_SESSIONS_PER_WEEK = 2

# R2.2 post-dose BP, counted from the first device
POST_DOSE_BP_DUE = timedelta(minutes=40)
POST_DOSE_BP_OVERDUE = timedelta(minutes=50)
POST_DOSE_BP_WINDOW_START = timedelta(minutes=30)
POST_DOSE_BP_WINDOW_END = timedelta(minutes=60)

# R2.3 rise over the pre-dose reading that raises an alert
BP_RISE_SYSTOLIC = 40
BP_RISE_DIASTOLIC = 25

# R3.1 minimum monitoring, counted from the first device
MIN_OBSERVATION = timedelta(minutes=120)

# R3.2 / R3.4 sedation and dissociation scales
MOAAS_BASELINE_DEFAULT = 5
CADSS_RESOLVED_MAX = 4

# R5.2 adults only
ADULT_AGE_YEARS = 18

# R4.3 Patient Monitoring Form deadline after the session day
REMS_FORM_DEADLINE_DAYS = 7

# Service choice (not label): how early the scheduler announces the end of a phase
PHASE_END_NOTICE_DAYS = 7
