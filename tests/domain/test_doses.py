"""Doses and devices (R1.2, R1.3, R1.5)."""
import pytest

from spravato_ops.domain import check_device, check_dose, devices_for_dose

from .builders import at, codes


@pytest.mark.parametrize("mg, count", [(28, 1), (56, 2), (84, 3)])
def test_r1_5_devices_for_dose(mg, count):
    assert devices_for_dose(mg) == count


@pytest.mark.parametrize("mg", [0, -28, 30, 70])
def test_r1_5_devices_for_odd_dose_raises(mg):
    with pytest.raises(ValueError):
        devices_for_dose(mg)


@pytest.mark.parametrize("indication, dose, prior, expected", [
    ("TRD", 56, [], []),
    ("TRD", 84, [], ["first_dose_must_be_56"]),
    ("TRD", 84, [56], []),
    ("TRD", 84, [84], ["escalation_requires_56"]),
    ("TRD", 56, [84, 56], []),
    ("TRD", 28, [56], ["dose_not_allowed"]),
    ("TRD", 112, [56], ["dose_not_allowed"]),
    ("MDSI", 84, [], []),
    ("MDSI", 56, [], []),
    ("MDSI", 28, [], ["dose_not_allowed"]),
], ids=lambda v: str(v))
def test_r1_2_r1_3_doses(indication, dose, prior, expected):
    found = check_dose(indication, dose, prior)
    assert codes(found) == expected
    assert all(v.kind == "hard_stop" and v.rule == "R1.2" for v in found)


@pytest.mark.parametrize("dose, previous, given_at, reason, expected, flagged", [
    (56, [], 0, None, [], False),
    (56, [0], 5, None, [], False),
    (56, [0], 4.9, None, ["device_spacing"], False),
    (56, [0], 3, "patient had to leave early", [], True),
    (56, [0], 3, "   ", ["device_spacing"], False),
    (56, [0, 5], 10, None, ["too_many_devices"], False),
    (84, [0, 5], 10, None, [], False),
    (84, [0, 5, 10], 11, None, ["too_many_devices", "device_spacing"], False),
    (56, [5], 0, None, ["device_out_of_order"], False),
], ids=lambda v: str(v))
def test_r1_5_device_count_and_spacing(dose, previous, given_at, reason, expected, flagged):
    found, was_flagged = check_device(dose, [at(m) for m in previous], at(given_at), reason)
    assert codes(found) == expected
    assert was_flagged is flagged
    assert all(v.rule == "R1.5" and v.kind == "hard_stop" for v in found)
