"""Property: no booking sequence exceeds a phase limit without cadence_exceeded (R1.1, R1.3)."""
from collections import Counter
from datetime import timedelta

from hypothesis import given, settings, strategies as st

from spravato_ops.domain import check_booking

from .builders import START, booked, codes, mdsi, trd

# independent oracle: the label's limits per course week, and per 2-week block from week 9
LIMITS = {"induction": (range(1, 5), 2), "maintenance": (range(5, 9), 1)}


def week_of(day):
    return (day - START).days // 7 + 1


def oracle_exceeded(course, counts_by_week, week):
    if course.indication == "MDSI":
        return counts_by_week[week] > 2
    if week <= 4:
        return counts_by_week[week] > 2
    if week <= 8 or course.continuation_interval_weeks == 1:
        return counts_by_week[week] > 1
    block_start = week - (week - 9) % 2
    return counts_by_week[block_start] + counts_by_week[block_start + 1] > 1


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([trd(), trd(interval=2), mdsi()]),
       st.lists(st.integers(0, 20 * 7), min_size=1, max_size=40),
       st.lists(st.sampled_from(["scheduled", "cancelled", "no_show", "discharged"]),
                min_size=40, max_size=40))
def test_property_r1_1_limit_never_exceeded_silently(course, offsets, states):
    sessions, counts = [], Counter()
    for i, offset in enumerate(offsets):
        day = START + timedelta(days=offset)
        found = codes(check_booking(course, day, 56, sessions))
        if "same_day_session" in found:
            continue  # a hard stop: never booked
        state = states[i]
        counted = state not in ("cancelled", "no_show")
        trial = counts.copy()
        trial[week_of(day)] += 1
        # accepted (overridden if it was a soft stop): the week may now be over its limit
        assert ("cadence_exceeded" in found) is oracle_exceeded(course, trial, week_of(day))
        sessions.append(booked(day, state=state, session_id=i))
        if counted:
            counts = trial
