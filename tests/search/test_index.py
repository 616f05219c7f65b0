"""The search index: the bulk rebuild writes exactly what indexing one object writes."""

import pytest

from hubportal.search.models import SearchDocument
from hubportal.search.services import search_index_object, search_rebuild
from tests.knutepunkt.factories import DistrictFactory, HubFactory

pytestmark = pytest.mark.django_db

COLUMNS = [
    "content_type_id",
    "object_id",
    "kind",
    "title",
    "summary",
    "url",
    "municipality_id",
    "district_id",
    "hub_id",
    "boost",
    "match_text",
]


def _documents():
    rows = SearchDocument.objects.order_by("content_type_id", "object_id").values(*COLUMNS)
    vectors = SearchDocument.objects.order_by("content_type_id", "object_id").values_list(
        "search_vector", flat=True
    )
    return list(rows), [str(vector) for vector in vectors]


def test_rebuild__same_documents_as_indexing_one_object_at_a_time():
    district = DistrictFactory(name="Heggedal")
    HubFactory(
        district=district,
        name="Heggedal innbyggertorg",
        description="Bostøtte, bibliotek og språkkafé.",
    )
    HubFactory(district=district, name="Hallen", description="")
    count = search_rebuild(batch_size=1)  # several batches
    rebuilt = _documents()
    assert count == len(rebuilt[0]) >= 3  # the district and both hubs at least
    SearchDocument.objects.all().delete()
    for hub in district.hubs.all():
        search_index_object(obj=hub)
    search_index_object(obj=district)
    for other in DistrictFactory._meta.model.objects.exclude(pk=district.pk):
        search_index_object(obj=other)
    one_by_one = _documents()
    assert {row["object_id"] for row in one_by_one[0]} >= {h.pk for h in district.hubs.all()}
    assert rebuilt == one_by_one
    assert any("bostøtt" in vector for vector in rebuilt[1])  # Norwegian stemming
    assert any("bostotte" in row["match_text"] for row in rebuilt[0])  # unaccented
