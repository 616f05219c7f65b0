"""The role walk: every role asks for every URL the project serves, the way its users do,
and gets what the expectation table in `endpoints.py` says: no server error, the right
status, and a page with a language, one heading and a main region. Staff open and save the
change form of every object in their scope.

Each test walks everything for one role and reports every problem it met, one per line.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .checks import LANGUAGES, form_as_submitted, problems_of
from .endpoints import (
    ADMIN_ACCESS,
    admin_access,
    admin_apps,
    admin_models,
    app_access,
    build_path,
    discovered,
    expected,
    iter_site,
    places_in_scope,
    unreachable,
)
from .world import PLACES, ROLES, STAFF_ROLES

PATTERNS = discovered()


def _report(problems: list[str]) -> str:
    return "\n" + "\n".join(problems)


def test_every_url_pattern_can_be_walked():
    """A pattern nobody can fill is a page nobody can reach: give it a line in SITE."""
    assert unreachable(PATTERNS) == []


def test_every_admin_model_has_a_line_in_the_access_table(world):
    missing = sorted(set(admin_models()) - set(ADMIN_ACCESS))
    assert missing == [], "add these to ADMIN_ACCESS"
    without_objects = sorted(label for label in admin_models() if label not in world.objects)
    assert without_objects == [], "the world has no object of these admin models"


def test_the_walk_finds_the_url_conf_and_the_admin():
    keys = {pattern.key for pattern in PATTERNS}
    # A few landmarks, so that a broken discovery cannot pass by finding nothing.
    assert {"home", "booking:book", "admin:booking_resource_change", "admin:booking_usage"} <= keys
    assert len(PATTERNS) > 150


# Every role in Bokmål; the language prefixes (/nn/, /en/) for a reader without an account
# and a signed-in one: what differs between languages does not depend on the role.
WALKS = [(role, "nb") for role in ROLES] + [
    (role, language) for role in ("anonymous", "citizen") for language in LANGUAGES[1:]
]


@pytest.mark.parametrize(("role", "language"), WALKS)
def test_site_walk(role, language, world, as_role):
    browser = as_role(role)
    # A returning reader: their language choice is in the cookie (choose_language sets it).
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    problems = []
    walked = 0
    for pattern, variant in iter_site(PATTERNS):
        path = build_path(pattern, variant.fill(world), language)
        url = f"{path}?{variant.query}" if variant.query else path
        response = browser.get(url)
        browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # choose_language sets it
        if role != "anonymous" and "_auth_user_id" not in browser.session:
            browser.force_login(world.user(role))  # a password-reset link signs one out
        walked += 1
        want = expected(variant.kind, role)
        admin = pattern.key.startswith("admin")
        for problem in problems_of(
            response, want, language=language, html=variant.html, admin=admin
        ):
            problems.append(f"{pattern.key} [{variant.kind}] GET {url}: {problem}")
    assert walked > 80
    assert problems == [], _report(problems)


def _admin_url(name: str, *args, language: str = "nb", query: str = "") -> str:
    with translation.override(language):
        url = reverse(f"admin:{name}", args=args)
    return f"{url}?{query}" if query else url


# Every role walks the whole admin in Bokmål; in Nynorsk and English the superuser, who sees
# every model, walks a sample: the index, the app pages, and each model's changelist, add
# form and change form. What differs between languages is the translation, not the
# permissions (walked in Bokmål), and the whole walk in three languages would triple the
# admin's share of the suite's time.
ADMIN_WALKS = [(role, "nb", False) for role in ROLES] + [
    ("superuser", language, True) for language in LANGUAGES[1:]
]


@pytest.mark.parametrize(("role", "language", "sample"), ADMIN_WALKS)
def test_admin_walk(role, language, sample, world, as_role):
    """Index, app index, each changelist with each of its filter choices and a search, add,
    and the change, history and delete pages of objects inside and outside the scope."""
    browser = as_role(role)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    problems = []

    def visit(url: str, want: str, html: bool = True):
        response = browser.get(url)
        for problem in problems_of(response, want, language=language, html=html, admin=True):
            problems.append(f"GET {url}: {problem}")
        return response

    def outcome(allowed: bool) -> str:
        if role not in STAFF_ROLES:
            return "login"
        return "200" if allowed else "refused"

    def url(name: str, *args, query: str = "") -> str:
        return _admin_url(name, *args, language=language, query=query)

    visit(url("index"), outcome(True))
    for app_label in admin_apps():
        want = (
            "login"
            if role not in STAFF_ROLES
            else ("200" if app_access(app_label, role) else "404")
        )
        visit(url("app_list", app_label), want)

    for label, model_admin in admin_models().items():
        access = admin_access(label, role)
        opts = model_admin.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        response = visit(url(f"{name}_changelist"), outcome("v" in access))
        if response.status_code == 200 and not sample:
            changelist = response.context["cl"]
            for spec in changelist.filter_specs:
                for choice in spec.choices(changelist):
                    visit(url(f"{name}_changelist") + choice["query_string"], "200")
            if model_admin.search_fields:
                visit(url(f"{name}_changelist", query="q=walk"), "200")
            if model_admin.date_hierarchy:
                visit(
                    url(f"{name}_changelist", query=f"{model_admin.date_hierarchy}__year=2027"),
                    "200",
                )
        visit(url(f"{name}_add"), outcome("a" in access))
        inside, outside = _one_inside_one_outside(world, label, role)
        if inside is not None:
            allowed = role in STAFF_ROLES and "v" in access
            visit(url(f"{name}_change", inside.pk), outcome(allowed))
            if not sample:
                visit(url(f"{name}_history", inside.pk), outcome(allowed))
                visit(url(f"{name}_delete", inside.pk), outcome("d" in access))
        if outside is not None and not sample:
            visit(url(f"{name}_change", outside.pk), outcome(False))
            visit(url(f"{name}_history", outside.pk), outcome(False))
    assert problems == [], _report(problems)


def _one_inside_one_outside(world, label: str, role: str):
    """An object of the model inside the role's scope and one outside it (or None)."""
    objects = world.objects[label]
    reach = places_in_scope(label, role) if role in STAFF_ROLES else ()
    inside = next((objects[p] for p in PLACES if p in objects and p in reach), None)
    outside = next((objects[p] for p in PLACES if p in objects and p not in reach), None)
    return inside, outside


def _places_to_save(world, label: str, role: str) -> tuple[str, ...]:
    """Every object in the scope of hub staff and the municipality administrator; for the
    superuser, what only they reach (the other municipality, the accounts): the rest is
    saved by the others already."""
    if role == "superuser":
        return ("b1",) if "b1" in world.objects[label] else ("a1",)
    return places_in_scope(label, role)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_open_and_save_every_change_form_in_their_scope(role, world, as_role):
    """The form round-trip: the change form, posted back as rendered (inline formsets'
    management forms included), saves and returns to the list."""
    browser = as_role(role)
    problems = []
    saved = 0
    for label, model_admin in admin_models().items():
        if "c" not in admin_access(label, role):
            continue
        opts = model_admin.model._meta
        for place in _places_to_save(world, label, role):
            obj = world.objects[label].get(place)
            if obj is None:
                continue
            url = _admin_url(f"{opts.app_label}_{opts.model_name}_change", obj.pk)
            page = browser.get(url)
            if page.status_code != 200:
                problems.append(
                    f"GET {url}: {problems_of(page, '200', language='nb', html=True, admin=True)}"
                )
                continue
            data = form_as_submitted(page.content.decode(), f"{opts.model_name}_form")
            if not data:
                problems.append(f"GET {url}: no change form on the page")
                continue
            data["_save"] = ["Lagre"]
            response = browser.post(url, data)
            if response.status_code != 302:
                errors = _form_errors(response)
                problems.append(f"POST {url}: {response.status_code} {errors}")
            else:
                saved += 1
    assert problems == [], _report(problems)
    assert saved >= 10


def _form_errors(response) -> str:
    context = getattr(response, "context", None)
    if not context or "adminform" not in context:
        error = getattr(response, "exc_info", None)
        return f"{error[0].__name__}: {error[1]}" if error else ""
    errors = dict(context["adminform"].form.errors)
    for formset in context.get("inline_admin_formsets", []):
        if formset.formset.errors or formset.formset.non_form_errors():
            errors[formset.formset.prefix] = [
                *formset.formset.non_form_errors(),
                *[e for e in formset.formset.errors if e],
            ]
    return str(errors)
