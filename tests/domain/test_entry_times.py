"""Where entries may fall against the first device (R2.1, R2.2, R3.2, R3.6)."""
import pytest

from spravato_ops.domain import (
    MisTimed, VitalsTimepoint as TP, observation_timing, ready_to_leave_timing, vitals_timing,
)

from .builders import at

BEFORE = MisTimed("taken_at", "A pre-dose reading must be taken before the first device.")


def after(timepoint):
    return MisTimed("timepoint", f"A {timepoint} reading must be taken after the first device; "
                                 "use pre_dose before dosing.")


@pytest.mark.parametrize("timepoint, taken, first, expected", [
    (TP.PRE_DOSE, -5, None, None), (TP.PRE_DOSE, -5, 0, None),
    (TP.PRE_DOSE, 0, 0, BEFORE), (TP.PRE_DOSE, 10, 0, BEFORE),
    (TP.POST_DOSE, 40, 0, None), (TP.POST_DOSE, 0, 0, None),
    (TP.POST_DOSE, -1, 0, after("post_dose")), (TP.PRE_DISCHARGE, 10, None,
                                                after("pre_discharge")),
], ids=str)
def test_r2_1_r2_2_vitals_timing(timepoint, taken, first, expected):
    first_at = None if first is None else at(first)
    assert vitals_timing(timepoint, at(taken), first_at) == expected


@pytest.mark.parametrize("observed, first, refused", [
    (15, 0, False), (0, 0, False), (-1, 0, True), (15, None, True),
])
def test_r3_2_observations_start_at_the_first_device(observed, first, refused):
    found = observation_timing(at(observed), None if first is None else at(first))
    assert (found == MisTimed("observed_at", "Observations start at the first device (R3.2)."
                              )) is refused
    assert (found is None) is not refused


@pytest.mark.parametrize("ready, first, refused", [
    (95, 0, False), (0, 0, False), (-1, 0, True), (-1, None, False),
])
def test_r3_6_ready_to_leave_not_before_the_first_device(ready, first, refused):
    found = ready_to_leave_timing(at(ready), None if first is None else at(first))
    assert (found is not None) is refused
    if refused:
        assert found.field == "ready_to_leave_at"
