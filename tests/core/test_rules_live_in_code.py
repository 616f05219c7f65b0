"""Domain rules live in the enums, models and selectors that own them, never in a
template: no template compares a status, role, state or mode with a string. (Before, the
self check-in rule existed only in my_shifts.html, and a status's message was written in
two templates.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booking.enums import BookingStatus, ResourceKind
from booking.models import Occurrence
from innbyggertorg.enums import RegistrationMode, RegistrationStatus
from innbyggertorg.models import Event

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
A_RULE = re.compile(
    r"\.(status|role|state|registration|kind|mode|listing|approval|who_may_book)\s*[!=]=\s*[\"']"
)


def test_no_template_compares_a_status_role_or_mode_with_a_string():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if A_RULE.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize("status", BookingStatus.values)
def test_an_occurrence_holds_its_time__exactly_in_the_enums_holding_statuses(status):
    assert Occurrence(status=status).holds_its_time is (status in BookingStatus.holding_time())


def test_add_ons__are_the_equipment_and_technician_kinds():
    assert set(ResourceKind.add_ons()) == {ResourceKind.EQUIPMENT, ResourceKind.TECHNICIAN}


@pytest.mark.parametrize(
    ("registration", "capacity", "counted"),
    [
        (RegistrationMode.PORTAL, 10, True),
        (RegistrationMode.PORTAL, None, False),
        (RegistrationMode.EXTERNAL, 10, False),
        (RegistrationMode.NONE, 10, False),
    ],
)
def test_an_event_counts_places__only_with_portal_registration_and_a_capacity(
    registration, capacity, counted
):
    assert Event(registration=registration, capacity=capacity).counts_places is counted


def test_every_registration_status_has_its_message():
    assert all(str(RegistrationStatus(status).outcome) for status in RegistrationStatus.values)
