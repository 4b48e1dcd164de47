"""Violation shape for the 409 body, and which violations block."""
import pytest

from spravato_ops.domain import (
    ViolationKind, blocking, hard_stop, refusal, soft_stop, split, warning,
)


def test_soft_stop_dict_names_the_prescriber():
    v = soft_stop("R2.1", "bp_elevated", "high")
    assert v.override_allowed and v.override_role == "prescriber"
    assert v.as_dict() == {"rule": "R2.1", "code": "bp_elevated", "message": "high",
                           "override_allowed": True, "override_role": "prescriber"}


def test_hard_stop_dict_forbids_override():
    assert hard_stop("R3.1", "min_observation", "m").as_dict() == {
        "rule": "R3.1", "code": "min_observation", "message": "m",
        "override_allowed": False, "override_role": None}


def test_warning_dict_has_no_override_fields():
    v = warning("R5.4", "concomitant_maoi", "w")
    assert v.kind is ViolationKind.WARNING
    assert v.as_dict() == {"rule": "R5.4", "code": "concomitant_maoi", "message": "w"}


@pytest.mark.parametrize("overridden, expected", [(False, ["h", "s"]), (True, ["h"])])
def test_blocking_hard_always_soft_unless_overridden(overridden, expected):
    found = [hard_stop("R", "h", ""), soft_stop("R", "s", ""), warning("R", "w", "")]
    assert [v.code for v in blocking(found, overridden)] == expected


def test_split_keeps_order():
    found = [warning("R", "w1", ""), hard_stop("R", "h", ""), soft_stop("R", "s", ""),
             warning("R", "w2", "")]
    stops, warnings = split(found)
    assert [v.code for v in stops] == ["h", "s"]
    assert [v.code for v in warnings] == ["w1", "w2"]


@pytest.mark.parametrize("codes, overridden, reported", [
    (["w"], False, []),
    (["s", "w"], True, []),
    (["s", "w"], False, ["s"]),  # soft stops only: the warnings wait for the override
    (["h", "s", "w"], True, ["h", "s", "w"]),  # a hard stop: everything, at once
    (["h", "w"], False, ["h", "w"]),
])
def test_refusal_reports_every_stop_and_with_a_hard_one_the_warnings(codes, overridden,
                                                                     reported):
    make = {"h": hard_stop, "s": soft_stop, "w": warning}
    found = [make[code]("R", code, "") for code in codes]
    assert [v.code for v in refusal(found, overridden)] == reported
