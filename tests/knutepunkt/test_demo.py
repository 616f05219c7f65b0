import pytest

from hubportal.core.demo import load_demo_data
from knutepunkt.models import District, Hub, Municipality, OpeningHoursSpan, StaffMembership

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count() for m in (Municipality, District, Hub, OpeningHoursSpan, StaffMembership)
    ]


def test_demo_data__asker_drammen_and_vaernesregionen__loaded_twice_changes_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        report = load_demo_data()
    first = counts()
    load_demo_data()
    assert counts() == first
    assert Hub.objects.filter(municipality__slug="asker").count() == 7
    assert District.objects.filter(municipality__slug="drammen").count() == 10
    assert Hub.objects.filter(municipality__slug="drammen", is_pilot=True).count() == 1
    assert {"5035", "5031", "5032", "5036", "5034", "5033"} <= set(
        Municipality.objects.values_list("number", flat=True)
    )
    assert any("ansatt.heggedal@demo.hubportal.no" in line for line in report.user_lines)
    assert District.objects.filter(postcodes__contains=["1389"]).count() == 2  # a shared postcode
