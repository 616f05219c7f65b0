"""Views and the admin never write models themselves: they call a service, which owns the
transaction and the side effects (page cache, search index, messages). Read from the
source, so the rule stays true as the code grows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models import signals

from hubportal.notifications.models import Notification
from tests.knutepunkt.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("hubportal", "knutepunkt", "innbyggertorg", "booking", "frivillighet")

# Calls that write: `x.save()`, `x.update()`, `x.delete()`, `Model.objects.create()`,
# `related.create()`, and the queryset's other writers.
WRITES = {
    "save",
    "update",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}


def _allowed(call: ast.Call) -> bool:
    """Django's own machinery, where it cannot be avoided: `form.save(commit=False)` and
    `formset.save(commit=False)` build unsaved objects for a service to write."""
    return call.func.attr == "save" and any(
        keyword.arg == "commit"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is False
        for keyword in call.keywords
    )


def _modules() -> list[Path]:
    found = []
    for package in PACKAGES:
        for name in ("views.py", "admin.py"):
            found += sorted((ROOT / package).rglob(name))
    return found


def _direct_writes(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(root)}:{node.lineno}: .{node.func.attr}(…)"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITES
        and not _allowed(node)
    ]


def test_the_check_reads_every_views_and_admin_module():
    names = {str(path.relative_to(ROOT)) for path in _modules()}
    assert {
        "knutepunkt/views.py",
        "knutepunkt/admin.py",
        "innbyggertorg/views.py",
        "innbyggertorg/admin.py",
        "booking/views.py",
        "booking/admin.py",
        "frivillighet/views.py",
        "frivillighet/admin.py",
        "hubportal/core/admin.py",
        "hubportal/accounts/views.py",
    } <= names


def test_views_and_admin_modules__call_services_and_never_write_models_themselves():
    offending = [line for path in _modules() for line in _direct_writes(path)]
    assert offending == [], "write through a service instead:\n" + "\n".join(offending)


def test_the_check_finds_a_direct_write(tmp_path):
    module = tmp_path / "views.py"
    module.write_text(
        "def approve(queryset, form, item):\n"
        "    queryset.update(listing='approved')\n"
        "    Thing.objects.create(name='x')\n"
        "    item.save(update_fields=['name'])\n"
        "    form.save(commit=False)\n"  # allowed: builds, does not write
    )
    found = [line.split(": ")[1] for line in _direct_writes(module, root=tmp_path)]
    assert found == [".update(…)", ".create(…)", ".save(…)"]


# Admins that keep Django's own save and delete: the accounts admin is Django's UserAdmin
# (superusers only; accounts are Django's machinery), and the outbox is read-only (every
# field read-only, no adding or deleting; its one action calls a service).
DJANGO_WRITES_ALLOWED = {"accounts.User", "notifications.Notification"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model_admin",
    [
        pytest.param(model_admin, id=model._meta.label)
        for model, model_admin in admin.site._registry.items()
        if model.__module__.split(".")[0] in PACKAGES
    ],
)
def test_every_project_admin__saves_and_deletes_through_a_service(model_admin, rf):
    """Django's default save_model / delete_model / save_formset write the object
    themselves; every admin of the project replaces them (most through the scoped base
    class, which calls hubportal's content services) unless it cannot do that at all."""
    label = model_admin.model._meta.label
    if label in DJANGO_WRITES_ALLOWED:
        return
    request = rf.post("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    needed = ["save_model"]
    if model_admin.has_delete_permission(request):
        needed += ["delete_model", "delete_queryset"]
    if model_admin.inlines:
        needed.append("save_formset")
    kept = [
        name
        for name in needed
        if getattr(type(model_admin), name) is getattr(admin.ModelAdmin, name)
    ]
    assert kept == [], f"{label}: {kept} write with Django's defaults, not through a service"


def test_the_outbox_admin_is_read_only():
    model_admin = admin.site._registry[Notification]
    assert set(model_admin.readonly_fields) == {f.name for f in Notification._meta.fields}
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_delete_permission(None)


def test_no_signal_follows_the_project_models():
    """Side effects belong to the services: a receiver on post_save would miss every
    `.update()` and bulk action (and makes Django delete row by row). A signal may follow a
    third-party model only, where no service of ours writes it."""
    followed = [
        f"{name} → {model._meta.label}"
        for model in apps.get_models()
        if model.__module__.split(".")[0] in PACKAGES
        for name in ("pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed")
        if getattr(signals, name).has_listeners(model)
    ]
    assert followed == []
