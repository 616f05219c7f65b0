import pytest

from hubportal.core.demo import load_demo_data
from samarbeid.enums import ArrangementKind
from samarbeid.models import Cooperation, Participation, RegionalCoordinator, SharedArrangement

pytestmark = pytest.mark.django_db


def test_demo__vaernesregionen_shares_child_welfare_by_four_of_six__loaded_twice_the_same():
    load_demo_data()
    counts = [m.objects.count() for m in (Cooperation, SharedArrangement, Participation)]
    load_demo_data()
    assert [m.objects.count() for m in (Cooperation, SharedArrangement, Participation)] == counts
    region = Cooperation.objects.get(slug="vaernesregionen")
    assert sorted(region.members.values_list("name", flat=True)) == [
        "Frosta",
        "Malvik",
        "Meråker",
        "Selbu",
        "Stjørdal",
        "Tydal",
    ]
    child_welfare = region.arrangements.get(kind=ArrangementKind.SERVICE)
    assert child_welfare.participants.count() == 4
    assert "Frosta" in child_welfare.participants.values_list("name", flat=True)
    offered_at = child_welfare.service_type.offers.values_list("hub__name", flat=True)
    assert list(offered_at) == ["Stjørdal knutepunkt"]
    room = region.arrangements.get(kind=ArrangementKind.ROOM)
    assert room.participants.count() == 6 and room.host.name == "Stjørdal"
    assert RegionalCoordinator.objects.filter(
        cooperation=region, user__email="koordinator.vaernes@demo.hubportal.no"
    ).exists()
