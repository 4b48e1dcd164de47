"""Doses and devices (R1.2, R1.3, R1.5)."""
import pytest

from spravato_ops.domain import (
    SessionRecord, SitePolicy, VitalsTimepoint, check_device, check_dose, device_violations,
    devices_for_dose, too_many_devices,
)

from .builders import at, codes, devices, vitals

POLICY = SitePolicy()


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


PRE = vitals(-10, 130, 80, VitalsTimepoint.PRE_DOSE)


@pytest.mark.parametrize("pre_dose, expected", [
    ((), ["pre_dose_bp_missing"]), ((PRE,), []),
    ((vitals(-10, 150, 85, VitalsTimepoint.PRE_DOSE),), ["bp_elevated"]),
    ((vitals(-10, 185, 100, VitalsTimepoint.PRE_DOSE),), ["bp_hold"]),
])
def test_r2_1_the_pre_dose_bp_gates_the_first_device_only(pre_dose, expected):
    first = SessionRecord(56, vitals=pre_dose)
    assert codes(device_violations(first, at(0), None, POLICY)[0]) == expected
    second = SessionRecord(56, vitals=pre_dose, devices=devices(0))
    assert device_violations(second, at(5), None, POLICY) == ([], False)


@pytest.mark.parametrize("given, corrects, new_at, reason, expected, flagged", [
    ((0, 5), 1, -1, None, [], False),
    ((0, 5), 1, 6, None, ["device_out_of_order"], False),  # after the one that followed it
    ((0, 5), 2, 3, None, ["device_spacing"], False),
    ((0, 5), 2, 3, "repeat after sneeze", [], True),
    ((0, 5), 2, -1, None, ["device_out_of_order"], False),
    ((0, 5, 10), 2, 3, None, ["device_spacing"], False),  # spaced from the device before it
    ((0, 5, 10), 2, 11, None, ["device_out_of_order"], False),
], ids=str)
def test_r1_5_a_corrected_device_keeps_its_place(given, corrects, new_at, reason, expected,
                                                 flagged):
    record = SessionRecord(84, vitals=(PRE,), devices=devices(*given))
    found, was_flagged = device_violations(record, at(new_at), reason, POLICY, corrects=corrects)
    assert codes(found) == expected and was_flagged is flagged


@pytest.mark.parametrize("dose, given, expected", [
    (56, 1, []), (56, 2, ["too_many_devices"]), (84, 2, []), (84, 3, ["too_many_devices"]),
])
def test_r1_5_too_many_devices(dose, given, expected):
    found = too_many_devices(dose, given)
    assert codes(found) == expected
    assert all(v.message == f"All {dose // 28} devices of the {dose} mg dose are already "
               "recorded." for v in found)
