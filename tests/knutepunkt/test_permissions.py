"""Crossing hub and municipality boundaries through the real admin URLs fails."""

from datetime import date

import pytest
from django.utils import timezone

from hubportal import permissions
from hubportal.permissions import Action, Role
from knutepunkt.models import Hub, NewsItem, OpeningHoursPeriod

from .factories import (
    DistrictFactory,
    HubFactory,
    MunicipalityFactory,
    PeriodFactory,
    UserFactory,
    hub_staff,
    municipality_admin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    asker, drammen = MunicipalityFactory(slug="asker"), MunicipalityFactory(slug="drammen")
    heggedal = HubFactory(district=DistrictFactory(municipality=asker), slug="heggedal")
    holmen = HubFactory(district=DistrictFactory(municipality=asker), slug="holmen")
    bragernes = HubFactory(
        district=DistrictFactory(municipality=drammen),
        slug="bragernes",
        name="Bragernes knutepunkt",
    )
    return {
        "asker": asker,
        "drammen": drammen,
        "heggedal": heggedal,
        "holmen": holmen,
        "bragernes": bragernes,
        "heggedal_staff": hub_staff(heggedal),
        "asker_admin": municipality_admin(asker),
    }


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def test_roles__of_each_kind_of_user(world):
    assert permissions.roles_of(world["heggedal_staff"]) == {Role.CITIZEN, Role.HUB_STAFF}
    assert Role.MUNICIPALITY_ADMIN in permissions.roles_of(world["asker_admin"])
    assert permissions.roles_of(UserFactory()) == {Role.CITIZEN}


def test_hub_staff__opens_own_hub_but_not_the_neighbours(client, world):
    client.force_login(world["heggedal_staff"])
    assert client.get(change_url(world["heggedal"])).status_code == 200
    for other in ("holmen", "bragernes"):
        assert client.get(change_url(world[other])).status_code == 404
        assert client.get(change_url(world[other]).replace("change", "history")).status_code == 404
        assert client.get(change_url(world[other]).replace("change", "delete")).status_code == 404


def test_hub_staff__changelist_lists_only_own_hub(client, world):
    client.force_login(world["heggedal_staff"])
    page = client.get("/admin/knutepunkt/hub/").content.decode()
    assert world["heggedal"].name in page
    assert world["holmen"].name not in page and world["bragernes"].name not in page


def test_hub_staff__posting_a_change_to_another_hub_changes_nothing(client, world):
    client.force_login(world["heggedal_staff"])
    client.post(change_url(world["holmen"]), {"name": "Kapret", "description": "x"})
    assert Hub.objects.get(pk=world["holmen"].pk).name != "Kapret"


def test_hub_staff__cannot_add_hours_for_another_hub(client, world):
    client.force_login(world["heggedal_staff"])
    response = client.post(
        "/admin/knutepunkt/openinghoursperiod/add/",
        {
            "hub": world["holmen"].pk,
            "name": "Kapret",
            "valid_from": "2027-01-01",
            "spans-TOTAL_FORMS": "0",
            "spans-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert "hub" in response.context["adminform"].form.errors
    assert not OpeningHoursPeriod.objects.exists()


def test_hub_staff__adds_hours_for_own_hub_and_overlap_is_refused(client, world):
    client.force_login(world["heggedal_staff"])
    data = {
        "hub": world["heggedal"].pk,
        "name": "Vinter",
        "valid_from": "2027-01-01",
        "spans-TOTAL_FORMS": "2",
        "spans-INITIAL_FORMS": "0",
        "spans-0-weekday": "0",
        "spans-0-opens": "10:00",
        "spans-0-closes": "16:00",
        "spans-0-state": "staffed",
        "spans-1-weekday": "0",
        "spans-1-opens": "15:00",
        "spans-1-closes": "18:00",
        "spans-1-state": "staffed",
    }
    response = client.post("/admin/knutepunkt/openinghoursperiod/add/", data)
    assert response.status_code == 200
    assert "andag 15:00–18:00 overlapper " in response.content.decode()
    assert not OpeningHoursPeriod.objects.exists()  # nothing half-saved
    data["spans-1-opens"] = "16:00"
    response = client.post("/admin/knutepunkt/openinghoursperiod/add/", data)
    assert response.status_code == 302
    assert OpeningHoursPeriod.objects.get().spans.count() == 2


def test_hub_staff__cannot_open_another_hubs_hours(client, world):
    period = PeriodFactory(hub=world["holmen"], valid_from=date(2027, 1, 1))
    client.force_login(world["heggedal_staff"])
    assert client.get(change_url(period)).status_code == 404
    assert (
        client.post(change_url(period).replace("change", "delete"), {"post": "yes"}).status_code
        == 404
    )
    assert OpeningHoursPeriod.objects.filter(pk=period.pk).exists()


def test_hub_staff__writes_news_for_own_hub_only(client, world):
    client.force_login(world["heggedal_staff"])
    news = {
        "title": "Nytt",
        "body": "Tekst",
        "publish_from_0": "2027-01-01",
        "publish_from_1": "10:00",
    }
    response = client.post("/admin/knutepunkt/newsitem/add/", {**news, "hub": world["holmen"].pk})
    assert response.status_code == 200 and not NewsItem.objects.exists()
    response = client.post("/admin/knutepunkt/newsitem/add/", {**news, "hub": world["heggedal"].pk})
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert item.municipality == world["asker"] and item.district == world["heggedal"].district


def test_municipality_admin__sees_own_municipality_only(client, world):
    client.force_login(world["asker_admin"])
    assert client.get(change_url(world["holmen"])).status_code == 200
    assert client.get(change_url(world["bragernes"])).status_code == 404
    page = client.get("/admin/knutepunkt/hub/").content.decode()
    assert world["heggedal"].name in page and world["bragernes"].name not in page
    assert client.get(change_url(world["drammen"])).status_code == 404


def test_municipality_admin__cannot_move_a_hub_into_another_municipality(client, world):
    client.force_login(world["asker_admin"])
    other_district = world["bragernes"].district
    response = client.post(
        change_url(world["holmen"]),
        {
            "name": "Holmen",
            "slug": "holmen",
            "district": other_district.pk,
            "street_address": "Vei 1",
            "postcode": "1394",
        },
    )
    assert response.status_code == 200
    assert Hub.objects.get(pk=world["holmen"].pk).district != other_district


def test_staff__cannot_see_people_or_the_outbox(client, world):
    for user in (world["heggedal_staff"], world["asker_admin"]):
        client.force_login(user)
        assert client.get("/admin/accounts/user/").status_code == 403
        assert client.get("/admin/notifications/notification/").status_code == 403


def test_citizen__has_no_admin(client, world):
    client.force_login(UserFactory())
    assert client.get("/admin/knutepunkt/hub/").status_code == 302  # to the admin login


def test_scoped__answers_which_objects_for_every_role(world):
    staff, admin = world["heggedal_staff"], world["asker_admin"]
    assert list(permissions.scoped(staff, Action.CHANGE, Hub.objects.all())) == [world["heggedal"]]
    assert set(permissions.scoped(admin, Action.CHANGE, Hub.objects.all())) == {
        world["heggedal"],
        world["holmen"],
    }
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert permissions.scoped(superuser, Action.DELETE, Hub.objects.all()).count() == 3
    assert not permissions.can(staff, Action.ADD, Hub(district=world["heggedal"].district))
    assert permissions.can(
        staff,
        Action.ADD,
        NewsItem(hub=world["heggedal"], municipality=world["asker"], publish_from=timezone.now()),
    )


def test_hub_staff__cannot_add_hubs_or_delete_own_hub(client, world):
    client.force_login(world["heggedal_staff"])
    assert client.get("/admin/knutepunkt/hub/add/").status_code == 403
    assert (
        client.post(
            change_url(world["heggedal"]).replace("change", "delete"), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Hub.objects.filter(pk=world["heggedal"].pk).exists()


def test_admin_search__does_not_leak_other_hubs(client, world):
    client.force_login(world["heggedal_staff"])
    response = client.get("/admin/knutepunkt/hub/", {"q": world["bragernes"].name})
    assert list(response.context["cl"].result_list) == []


def test_admin_autocomplete__does_not_leak_other_hubs(client, world):
    client.force_login(world["asker_admin"])
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "knutepunkt", "model_name": "newsitem", "field_name": "hub", "term": ""},
    )
    names = (
        {row["text"] for row in response.json().get("results", [])}
        if response.status_code == 200
        else set()
    )
    assert world["bragernes"].name not in names
    assert response.status_code in (200, 403)


def test_hub_page_in_admin__shows_hours_and_exceptions_as_inlines(client, world):
    PeriodFactory(hub=world["heggedal"], name="Vinteråpent", valid_from=date(2027, 1, 1))
    client.force_login(world["heggedal_staff"])
    page = client.get(change_url(world["heggedal"])).content.decode()
    assert "Vinteråpent" in page and "hour_exceptions-TOTAL_FORMS" in page
