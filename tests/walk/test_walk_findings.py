"""One test per defect the role walk found, so that each stays fixed on its own (the walk
would find them again, but these say what broke)."""

from __future__ import annotations

from booking.models import Blackout, Resource

from .checks import form_as_submitted, outline_problems


def test_hub_staff_open_and_save_their_own_room(world, as_role):
    """Was a 500: the room's blackout periods (an inline) had no permission policy."""
    browser = as_role("hub_staff")
    room = world.at("booking.resource", "a1")
    url = f"/admin/booking/resource/{room.pk}/change/"
    page = browser.get(url)
    assert page.status_code == 200
    data = form_as_submitted(page.content.decode(), "resource_form")
    data["name"] = ["Møterom A1 (nytt navn)"]
    data["_save"] = ["Lagre"]
    assert browser.post(url, data).status_code == 302
    room.refresh_from_db()
    assert room.name == "Møterom A1 (nytt navn)"
    assert Blackout.objects.filter(resource=room).count() == 1


def test_hub_staff_do_not_see_blackouts_of_other_hubs_rooms(world, as_role):
    browser = as_role("hub_staff")
    other_room = world.at("booking.resource", "b1")
    assert browser.get(f"/admin/booking/resource/{other_room.pk}/change/").status_code == 404
    assert Resource.objects.filter(pk=other_room.pk).exists()


def test_a_volunteer_outside_ones_scope_is_a_404_in_the_admin(world, as_role):
    """Was a redirect to the admin index ("does not exist"), unlike every other model."""
    profile = world.at("frivillighet.volunteerprofile", "b1")
    for role in ("hub_staff", "municipality_admin"):
        response = as_role(role).get(f"/admin/frivillighet/volunteerprofile/{profile.pk}/change/")
        assert response.status_code == 404, role


def test_superuser_saves_a_linked_login_whose_provider_sent_no_claims(world, as_role):
    """Was refused with "this field is required": the claims are a record, shown read-only."""
    browser = as_role("superuser")
    account = world.at("socialaccount.socialaccount", "a1")
    url = f"/admin/socialaccount/socialaccount/{account.pk}/change/"
    data = form_as_submitted(browser.get(url).content.decode(), "socialaccount_form")
    assert "extra_data" not in data
    data["_save"] = ["Lagre"]
    assert browser.post(url, data).status_code == 302


def test_the_refusal_page_is_a_page_of_the_portal_in_the_readers_language(world, as_role):
    """Was Django's bare "403 Forbidden": English, no main region."""
    response = as_role("hub_staff").get("/nn/admin/notifications/notification/add/")
    assert response.status_code == 403
    assert outline_problems(response, "nn") == []
    assert "Du har ikkje tilgang til denne sida" in response.content.decode()


def test_the_admin_sign_in_page_has_a_main_heading(world, as_role):
    response = as_role("anonymous").get("/admin/login/")
    assert response.status_code == 200
    assert outline_problems(response, "nb") == []
