"""The FHIR export outside a request: the range it accepts, lazy pages, corrections' ids."""
import json
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from spravato_ops.models import VitalsEntry
from spravato_ops.services import fhir, views
from spravato_ops.services.failures import InvalidInput, NotFound
from spravato_ops.services.records import originals
from spravato_ops.statement_count import StatementCount

from ..api.treatment_support import at
from ..factories import Factories
from ..fhir_checks import validated

BASE = "https://clinic.example/fhir/sid"
DAY = date(2026, 3, 2)


@pytest.mark.parametrize(("last", "accepted"), [
    (DAY, True), (DAY + timedelta(days=365), True), (DAY + timedelta(days=366), False),
    (DAY - timedelta(days=1), False),
])
def test_the_export_spans_at_most_366_days(last, accepted):
    if accepted:
        fhir.check_range(DAY, last)
    else:
        with pytest.raises(InvalidInput) as refused:
            fhir.check_range(DAY, last)
        assert list(refused.value.errors) == ["to"]


def test_an_unknown_site_is_refused_before_any_line(db):
    with pytest.raises(NotFound):
        fhir.site_export(db, site_id=999, first_day=DAY, last_day=DAY, identifier_base=BASE)


def test_a_correction_of_a_correction_keeps_the_first_entry_as_its_original():
    entries = [SimpleNamespace(id=1, amends_id=None), SimpleNamespace(id=2, amends_id=None),
               SimpleNamespace(id=3, amends_id=1), SimpleNamespace(id=4, amends_id=3)]
    assert originals(entries) == {1: 1, 2: 2, 3: 1, 4: 1}


def test_the_export_reads_a_page_only_when_the_lines_before_it_are_read(db, engine):
    make = Factories(db)
    site = make.site()
    chair, nurse = make.chair(site), make.user("nurse")
    for days in range(5):
        record = make.session(site=site, chair=chair, scheduled_start=at(days * 24 * 60),
                              state="observing", arrived_at=at(days * 24 * 60))
        make._save(VitalsEntry(session_id=record.id, recorded_by=nurse.id, recorded_at=at(0),
                               timepoint="pre_dose", systolic=128, diastolic=80, heart_rate=70,
                               spo2=98, taken_at=at(days * 24 * 60)))
    lines = fhir.site_export(db, site_id=site.id, first_day=DAY, last_day=DAY + timedelta(4),
                             identifier_base=BASE, batch_size=2)
    with StatementCount(engine) as count:
        first = next(lines)
    assert '"resourceType":"Location"' in first and count.queries == []
    rest = list(lines)
    resources = [validated(json.loads(line)) for line in [first, *rest]]
    assert [r["resourceType"] for r in resources].count("Encounter") == 5
    assert [r["resourceType"] for r in resources].count("Patient") == 5
    assert views.site_sessions_page(db, site_id=site.id, first_day=DAY, last_day=DAY,
                                    limit=10)[0][0].local_day == DAY
