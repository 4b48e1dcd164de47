"""Fixtures of the treatment-day tests: a frozen clock and a Day driven through the API."""
from datetime import timedelta

import pytest
from freezegun import freeze_time

from .treatment_support import T0, Day


@pytest.fixture
def clock():
    """The clock, frozen an hour before the session's start (T0); tests move it."""
    with freeze_time(T0 - timedelta(hours=1)) as frozen:
        yield frozen


@pytest.fixture
def day(client, make, clock):
    return Day(client, make, clock)
