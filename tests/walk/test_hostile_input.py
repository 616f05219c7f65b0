"""Hostile input on every entry point: generated values (Hypothesis) for every query
parameter and form field of the site's views and of every admin add and change form.

Every response is a page with a clear message (200, or 400 for a form that was refused) or
a 400/404 — never a server error — and a refused submission saves nothing: the rows of
every table are counted before and after. The budget is the Hypothesis profile: `ci` (the
default) keeps `make test` quick; HYPOTHESIS_PROFILE=long runs the same tests for longer.
"""

from __future__ import annotations

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from .checks import form_as_submitted, outline_problems
from .endpoints import admin_access, admin_models, places_in_scope
from .world import PLACES, STAFF_ROLES

# --------------------------------------------------------------------------- values
CALENDAR_ENDS = [
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2027-02-30",
    "0000-00-00",
    "1899-12-31",
    "2027-13-01",
    "9999-12",
    "0001-01",
    "10000-01",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-12:00",
    "31.12.9999",
    "01.01.0001",
    "23:59:60",
    "24:00",
    "9999-12-31 23:59",
]
NOT_NUMBERS = ["abc", "-1", "0", "1e309", "NaN", "-inf", "1.5", "0x10", "١٢", "9" * 40, "[]", "{}"]
CONTROL = ["\x00", "a\x00b", "\x1b[2J", "\r\n", "\u202e", "\ufeff", "\x7f", "\u0085"]
hostile_text = st.one_of(
    st.sampled_from(CALENDAR_ENDS),
    st.sampled_from(NOT_NUMBERS),
    st.sampled_from(CONTROL),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.builds(lambda c, n: c * n, st.sampled_from("xø\x00"), st.sampled_from([301, 5000, 100_000])),
)


def hostile_parameters(names: list[str]):
    """Some of the names (missing fields), each with one value or several (duplicated
    parameters), plus sometimes a name nobody expects."""
    return st.dictionaries(
        st.sampled_from([*names, "x"]),
        st.lists(hostile_text, min_size=1, max_size=3),
        max_size=len(names) + 1,
    )


def rows() -> int:
    """Every row of every table of the project, in one query."""
    tables = [
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    ]
    counts = " + ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return cursor.fetchone()[0]


def assert_answered(response, where: str, language: str = "nb", partial: bool = False) -> None:
    """No server error; a page (error pages too) has its language, one heading, a main.
    An HTMX partial answered 200 is a fragment of a page, without them."""
    status = response.status_code
    assert status < 500, f"{where}: {status}"
    assert status in (200, 302, 400, 403, 404, 405, 429), f"{where}: {status}"
    page = response.get("Content-Type", "").startswith("text/html") and response.content
    if page and status in (200, 400, 403, 404) and not (partial and status == 200):
        assert outline_problems(response, language) == [], where


def assert_refusal_names_the_field(response, where: str) -> None:
    """A refused form says what is wrong, field by field (or for the whole form)."""
    context = response.context
    if not context:
        return
    form = context["adminform"].form if "adminform" in context else context.get("form")
    if form is None or not form.is_bound:
        return  # an empty submission shows the empty form again
    assert form.errors or _inline_errors(context), f"{where}: refused without a message"
    for name in form.errors:
        assert name == "__all__" or name in form.fields, f"{where}: error for unknown {name}"


def _inline_errors(context) -> bool:
    return any(
        any(formset.formset.errors) or formset.formset.non_form_errors()
        for formset in context.get("inline_admin_formsets", [])
    )


def _query(params: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, values in params.items() for value in values]


# --------------------------------------------------------------------------- the site, GET
# Each view with query parameters: (name, role, path from the world, its parameters).
GET_ENTRY_POINTS = {
    "find_room": (
        "anonymous",
        lambda w: "/rom/",
        ["day", "start", "minutes", "people", "facilities", "kommune"],
    ),
    "find_room_staff": (
        "hub_staff",
        lambda w: "/rom/",
        ["day", "start", "minutes", "people", "facilities", "kommune"],
    ),
    "week_view": (
        "anonymous",
        lambda w: f"/rom/{w.at('booking.resource', 'a1').pk}/",
        ["uke", "dag"],
    ),
    "week_view_staff": (
        "hub_staff",
        lambda w: f"/rom/{w.at('booking.resource', 'a1').pk}/",
        ["uke", "dag"],
    ),
    "book_start": (
        "citizen",
        lambda w: f"/rom/{w.at('booking.resource', 'a1').pk}/book/",
        ["start", "lengde"],
    ),
    "events": (
        "anonymous",
        lambda w: "/walk-a/arrangementer/",
        ["start", "end", "district", "audience", "category", "free", "side"],
    ),
    "directory": (
        "anonymous",
        lambda w: "/frivillighet/",
        ["district", "kind", "category", "age", "free", "side"],
    ),
    "dashboard": ("hub_staff", lambda w: "/frivillighet/koordinator/", ["fra", "til", "format"]),
    "find_district": ("anonymous", lambda w: "/finn-bydel/", ["lat", "lon", "postnummer"]),
    "search": ("anonymous", lambda w: "/sok/", ["q", "side"]),
    "municipality_search": ("anonymous", lambda w: "/walk-a/sok/", ["q", "side"]),
    "my_bookings": ("citizen", lambda w: "/bookinger/", ["visning", "side", "side-tidligere"]),
    "hub_page": (
        "anonymous",
        lambda w: w.at("knutepunkt.hub", "a1").get_absolute_url(),
        ["visning"],
    ),
    "choose_language": ("citizen", lambda w: "/sprak/nn/", ["next"]),
    "frontchannel_logout": (
        "anonymous",
        lambda w: "/konto/oidc/idporten/logout/frontchannel/",
        ["iss", "sid"],
    ),
    "logged_out": ("citizen", lambda w: "/konto/logget-ut/", ["state"]),
    "season_tool": (
        "hub_staff",
        lambda w: f"/sesong/{w.at('sesong.applicationround', 'a1').pk}/tildeling/",
        ["rom"],
    ),
    "usage_statistics": (
        "hub_staff",
        lambda w: "/admin/booking/booking/bruk/",
        ["maaned", "aar", "format"],
    ),
    "admin_changelist_search": (
        "hub_staff",
        lambda w: "/admin/booking/resource/",
        ["q", "o", "p", "kind__exact", "hub__municipality__id__exact", "e"],
    ),
    "booking_queue": (
        "municipality_admin",
        lambda w: "/admin/booking/booking/",
        ["q", "status__exact", "resource__hub__id__exact", "o", "p"],
    ),
}


@pytest.mark.parametrize("entry", sorted(GET_ENTRY_POINTS))
def test_hostile_query_parameters(entry, world, as_role):
    role, path_of, names = GET_ENTRY_POINTS[entry]
    browser = as_role(role)
    path = path_of(world)

    @given(params=hostile_parameters(names))
    def attempt(params):
        before = rows()
        response = browser.get(path, _query(params))
        assert_answered(response, f"GET {path} {params!r}")
        assert rows() == before, f"GET {path} {params!r} saved something"

    attempt()


# The views that answer an HTMX request with a partial (request.htmx): the same parameters,
# asked the way htmx asks, with hostile values in htmx's own headers too.
HTMX_PARTIALS = ["directory", "events", "find_room", "municipality_search", "search", "week_view"]
HTMX_HEADERS = ["HX-Current-URL", "HX-Target", "HX-Trigger", "HX-Trigger-Name", "HX-Prompt"]


@pytest.mark.parametrize("entry", HTMX_PARTIALS)
def test_hostile_htmx_requests(entry, world, as_role):
    role, path_of, names = GET_ENTRY_POINTS[entry]
    browser = as_role(role)
    path = path_of(world)
    header_values = hostile_text.filter(lambda text: "\x00" not in text and "\n" not in text)

    @given(
        params=hostile_parameters(names),
        headers=st.dictionaries(st.sampled_from(HTMX_HEADERS), header_values, max_size=3),
    )
    def attempt(params, headers):
        before = rows()
        response = browser.get(path, _query(params), headers={"HX-Request": "true", **headers})
        where = f"GET (htmx) {path} {params!r} {headers!r}"
        assert_answered(response, where, partial=True)
        assert rows() == before, f"{where} saved something"

    attempt()


# --------------------------------------------------------------------------- the site, POST
# Each form of the site: (role, path from the world, its fields, fields kept valid).
POST_ENTRY_POINTS = {
    "book": (
        "citizen",
        lambda w: f"/rom/{w.at('booking.resource', 'a1').pk}/book/",
        [
            "day",
            "start",
            "minutes",
            "purpose",
            "attendees",
            "add_ons",
            "repeat",
            "until",
            "count",
            "all_or_nothing",
            "is_public",
            "check",
        ],
    ),
    "book_as_staff": (
        "hub_staff",
        lambda w: f"/rom/{w.at('booking.resource', 'a1').pk}/book/",
        ["day", "start", "minutes", "purpose", "repeat", "until", "count", "on_behalf_of"],
    ),
    "book_for_organisation": (
        "coordinator",
        lambda w: f"/rom/{w.at('booking.resource', 'a1').pk}/book/",
        ["day", "start", "minutes", "purpose", "organisation", "repeat", "count"],
    ),
    "cancel": (
        "citizen",
        lambda w: f"/bookinger/{w.at('booking.booking', 'a1').pk}/avbestill/",
        ["occurrence", "scope"],
    ),
    "register_for_event": (
        "anonymous",
        lambda w: f"/walk-a/arrangementer/{w.at('innbyggertorg.event', 'a1').pk}/",
        ["name", "email", "group_size"],
    ),
    "volunteer_profile": (
        "volunteer",
        lambda w: "/frivillighet/profil/",
        ["birth_date", "skills", "languages", "districts", "availability", "consent_to_contact"],
    ),
    "register_organisation": (
        "citizen",
        lambda w: "/frivillighet/registrer/",
        ["municipality", "name", "org_number", "kind", "districts", "contact_email"],
    ),
    "invite": (
        "coordinator",
        lambda w: (
            f"/frivillighet/organisasjon/{w.at('frivillighet.organisation', 'a1').pk}/inviter/"
        ),
        ["email", "role"],
    ),
    "shift_message": (
        "coordinator",
        lambda w: f"/frivillighet/vakt/{w.at('frivillighet.shift', 'a1').pk}/melding/",
        ["message"],
    ),
    "season_apply": (
        "coordinator",
        lambda w: f"/sesong/{w.at('sesong.applicationround', 'a1').pk}/sok/",
        [
            "organisation",
            "activity_name",
            "age_group",
            "participants",
            "contact_email",
            "wish1-weekday",
            "wish1-starts_at",
            "wish1-ends_at",
            "wish1-frequency",
            "wish1-resource",
            "wish2-hub",
            "wish2-facilities",
        ],
    ),
    "season_change": (
        "coordinator",
        lambda w: f"/sesong/soknad/{w.at('sesong.application', 'a1').pk}/endre/",
        ["activity_name", "participants", "wish1-weekday", "wish1-starts_at", "wish1-ends_at"],
    ),
    "season_allocate": (
        "hub_staff",
        lambda w: f"/sesong/{w.at('sesong.applicationround', 'a1').pk}/tildeling/tildel/",
        ["application", "resource", "weekday", "starts_at", "ends_at", "frequency", "parity"],
    ),
    "season_decide": (
        "hub_staff",
        lambda w: f"/sesong/soknad/{w.at('sesong.application', 'a1').pk}/vedta/",
        ["outcome", "reason"],
    ),
    "season_state": (
        "municipality_admin",
        lambda w: f"/sesong/{w.at('sesong.applicationround', 'a1').pk}/status/",
        ["to"],
    ),
    "season_answer": (
        "coordinator",
        lambda w: f"/sesong/soknad/{w.at('sesong.application', 'published').pk}/svar/",
        ["answer"],
    ),
    "account_profile": ("citizen", lambda w: "/konto/profil/", ["full_name", "language"]),
    "delete_account": ("citizen", lambda w: "/konto/slett/", ["password", "confirm"]),
    "set_language": ("anonymous", lambda w: "/i18n/setlang/", ["language", "next"]),
}


@pytest.mark.parametrize("entry", sorted(POST_ENTRY_POINTS))
def test_hostile_form_submissions(entry, world, as_role):
    role, path_of, names = POST_ENTRY_POINTS[entry]
    browser = as_role(role)
    path = path_of(world)

    @given(params=hostile_parameters(names))
    def attempt(params):
        before = rows()
        response = browser.post(path, params)
        where = f"POST {path} {params!r}"
        assert_answered(response, where)
        if response.status_code != 302:
            assert rows() == before, f"{where} saved something and said it did not"
            if response.status_code in (200, 400):
                assert_refusal_names_the_field(response, where)

    attempt()


# --------------------------------------------------------------------------- the admin
def _admin_forms():
    """(label, role, view) for every admin add and change form some staff role may use."""
    found = []
    for label in sorted(admin_models()):
        for view, letter in (("add", "a"), ("change", "c")):
            role = next(
                (
                    r
                    for r in ("hub_staff", "municipality_admin", "superuser")
                    if letter in admin_access(label, r)
                ),
                None,
            )
            if role is not None:
                found.append((label, role, view))
    return found


@pytest.mark.parametrize(("label", "role", "view"), _admin_forms())
def test_hostile_admin_forms(label, role, view, world, as_role):
    """Each field of the form, one at a time or a few together, replaced by a hostile
    value; the rest as the form rendered it (management forms of inlines included)."""
    browser = as_role(role)
    model_admin = admin_models()[label]
    opts = model_admin.model._meta
    if view == "add":
        path = f"/admin/{opts.app_label}/{opts.model_name}/add/"
    else:
        place = places_in_scope(label, role)[0]
        path = f"/admin/{opts.app_label}/{opts.model_name}/{world.at(label, place).pk}/change/"
    page = browser.get(path)
    assert page.status_code == 200, path
    rendered = form_as_submitted(page.content.decode(), f"{opts.model_name}_form")
    names = sorted(n for n in rendered if "__prefix__" not in n and not n.endswith("-TOTAL_FORMS"))
    assert names, f"{path}: no fields"

    @given(params=hostile_parameters(names))
    def attempt(params):
        before = rows()
        data = {**rendered, **params, "_save": ["Lagre"]}
        response = browser.post(path, data)
        where = f"POST {path} {params!r}"
        assert_answered(response, where)
        if response.status_code != 302:
            assert rows() == before, f"{where} saved something and said it did not"
            if response.status_code == 200:
                assert_refusal_names_the_field(response, where)

    attempt()


# --------------------------------------------------------------------------- accounts (allauth)
def _path(name: str):
    return lambda world, browser: reverse(name)


def _password_reset_form(world, browser) -> str:
    """The set-password page of a fresh reset link (allauth keeps the key in the session
    and redirects to a page without it)."""
    user = world.users["other"]
    key = default_token_generator.make_token(user)
    link = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    response = browser.get(link)
    assert response.status_code == 302, link
    return response["Location"]


def _pending_social_signup(world, browser) -> str:
    """The sign-up form of a person back from the identity provider for the first time:
    the pending login in the session, as allauth leaves it."""
    request = browser.get("/").wsgi_request
    login = SocialLogin(
        user=get_user_model()(email=""),
        account=SocialAccount(provider="idporten", uid="walk-newcomer", extra_data={}),
        email_addresses=[],
        provider=get_adapter().get_provider(request, "idporten"),
    )
    session = browser.session
    session["socialaccount_sociallogin"] = login.serialize()
    session.save()
    return reverse("socialaccount_signup")


# Each form of django-allauth: (role, path (after preparing the session), fields, fields
# always sent, e.g. the button that says which action the form is).
ACCOUNT_ENTRY_POINTS = {
    "login": ("anonymous", _path("account_login"), ["login", "password", "remember"], {}),
    "signup": ("anonymous", _path("account_signup"), ["email", "password1", "password2"], {}),
    "password_reset": ("anonymous", _path("account_reset_password"), ["email"], {}),
    "password_reset_from_key": (
        "anonymous",
        _password_reset_form,
        ["password1", "password2"],
        {},
    ),
    "password_change": (
        "citizen",
        _path("account_change_password"),
        ["oldpassword", "password1", "password2"],
        {},
    ),
    "reauthenticate": ("citizen", _path("account_reauthenticate"), ["password"], {}),
    "email_add": ("citizen", _path("account_email"), ["email"], {"action_add": [""]}),
    "email_manage": (
        "citizen",
        _path("account_email"),
        ["email", "action_primary", "action_send", "action_remove"],
        {},
    ),
    "socialaccount_signup": ("anonymous", _pending_social_signup, ["email"], {}),
}


@pytest.mark.parametrize("entry", sorted(ACCOUNT_ENTRY_POINTS))
def test_hostile_account_forms(entry, world, as_role):
    role, prepare, names, fixed = ACCOUNT_ENTRY_POINTS[entry]
    browser = as_role(role)

    @given(params=hostile_parameters(names))
    def attempt(params):
        if role == "anonymous":
            browser.logout()  # a sign-up or a reset that succeeded signed the person in
        caches["default"].clear()  # allauth's rate limits: each attempt reaches the form
        path = prepare(world, browser)
        before = rows()
        response = browser.post(path, {**fixed, **params})
        where = f"POST {path} {params!r}"
        assert_answered(response, where)
        if response.status_code != 302:
            assert rows() == before, f"{where} saved something and said it did not"
            if response.status_code in (200, 400):
                assert_refusal_names_the_field(response, where)

    attempt()


# --------------------------------------------------------------------------- admin bulk actions
def _changelists():
    """(label, role) for every changelist, as the role with the narrowest scope that sees it."""
    return [
        (label, next(r for r in STAFF_ROLES if "v" in admin_access(label, r)))
        for label in sorted(admin_models())
        if any("v" in admin_access(label, r) for r in STAFF_ROLES)
    ]


@pytest.mark.parametrize(("label", "role"), _changelists())
def test_hostile_admin_bulk_actions(label, role, world, as_role):
    """The changelist's action form: unknown actions, ids that are not ids, ids of objects
    outside the scope, select_across, NUL bytes. Never a 5xx, never an object outside the
    scope touched; a change only with the redirect that reports it."""
    browser = as_role(role)
    model_admin = admin_models()[label]
    opts = model_admin.model._meta
    path = f"/admin/{opts.app_label}/{opts.model_name}/"
    reach = places_in_scope(label, role)
    objects = {place: obj for place, obj in world.objects[label].items() if place in PLACES}
    outside = [obj for place, obj in objects.items() if place not in reach]
    inside_ids = [str(obj.pk) for place, obj in objects.items() if place in reach]
    missing_id = str(model_admin.model._default_manager.order_by("-pk").first().pk + 1000)
    actions = [name for name, *_rest in model_admin.get_action_choices(_request(browser, path))]
    values = {
        "action": st.one_of(st.sampled_from([*actions, "delete_selected", "x"]), hostile_text),
        "_selected_action": st.one_of(
            st.sampled_from([*inside_ids, *(str(o.pk) for o in outside), missing_id]),
            hostile_text,
        ),
        "select_across": st.one_of(st.sampled_from(["0", "1"]), hostile_text),
        "index": st.one_of(st.sampled_from(["0", "1", "-1"]), hostile_text),
        "post": st.one_of(st.just("yes"), hostile_text),
    }
    strategy = st.fixed_dictionaries(
        {},
        optional={name: st.lists(value, min_size=1, max_size=3) for name, value in values.items()},
    )

    foreign = [str(obj.pk) for obj in outside] or [missing_id]
    first_action = [actions[0] if actions else "delete_selected"]

    @given(params=strategy)
    @example(params={"action": first_action, "_selected_action": ["abc"], "index": ["0"]})
    @example(params={"action": first_action, "_selected_action": ["1", ""], "index": ["0"]})
    @example(params={"action": ["delete_selected"], "_selected_action": ["a\x00b"]})
    @example(params={"action": first_action, "_selected_action": ["9" * 40], "index": ["0"]})
    @example(params={"action": ["delete_selected"], "_selected_action": foreign, "post": ["yes"]})
    @example(params={"action": first_action, "_selected_action": foreign, "index": ["0"]})
    @example(params={"action": ["\x00"], "select_across": ["1"], "index": ["9" * 40]})
    def attempt(params):
        before = rows()
        response = browser.post(path, params)
        where = f"POST {path} {params!r}"
        assert_answered(response, where)
        if response.status_code != 302:
            assert rows() == before, f"{where} changed something and said it did not"
        for obj in outside:
            assert model_admin.model._default_manager.filter(pk=obj.pk).exists(), (
                f"{where} deleted {label} {obj.pk}, outside the scope of {role}"
            )

    attempt()


def _request(browser, path: str):
    """The request the changelist would see, for asking the admin which actions it offers."""
    response = browser.get(path)
    assert response.status_code == 200, path
    return response.wsgi_request
