"""Demo data for `make run`. Idempotent: running it twice changes nothing.

Each app adds its part by registering a loader with ``@demo_loader``; loaders run in
registration order inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from hubportal.core.page_cache import invalidate_after_commit
from hubportal.search.services import search_rebuild

DEMO_PASSWORD = "demo-passord-2026"


@dataclass
class DemoReport:
    user_lines: list[str] = field(default_factory=list)


_loaders: list[Callable[[DemoReport], None]] = []


def demo_loader(function: Callable[[DemoReport], None]) -> Callable[[DemoReport], None]:
    _loaders.append(function)
    return function


def ensure_demo_user(report: DemoReport, *, email: str, role: str, **fields) -> object:
    User = get_user_model()
    user, created = User.objects.get_or_create(email=email, defaults=fields)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    _verify_email(user)
    report.user_lines.append(f"{role:<28} {email} / {DEMO_PASSWORD}")
    return user


def _verify_email(user) -> None:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


@demo_loader
def load_superuser(report: DemoReport) -> None:
    ensure_demo_user(
        report,
        email="admin@demo.hubportal.no",
        role="superuser",
        full_name="Demo Superbruker",
        is_staff=True,
        is_superuser=True,
    )
    ensure_demo_user(
        report, email="innbygger@demo.hubportal.no", role="citizen", full_name="Demo Innbygger"
    )


def load_demo_data() -> DemoReport:
    autodiscover_modules("demo")  # each app's demo.py registers its loaders
    report = DemoReport()
    with transaction.atomic():
        for loader in _loaders:
            loader(report)
        # The loaders write rows directly (idempotently); what the public sees is brought
        # in step once, at the end: the whole search index, and every cached page.
        search_rebuild()
        invalidate_after_commit()
    return report
