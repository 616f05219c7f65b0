"""What each app holds about a person, and what it does when the person is deleted.

Every app declares one section in its own ``personal_data.py``; the accounts app finds them
with ``autodiscover_modules("personal_data")`` when it is ready, so ``hubportal`` imports no
app. A section has two hooks:

- ``export(user)``: everything the app holds about the person, as JSON-serialisable data
  (the profile download shows it under the section's name);
- ``erase(user)``: what the app does when the person deletes their account, through the
  app's own services, as the person would have done it themselves (cancel a booking, a
  registration, a shift, so that the places go to others).

``models`` names every model with a reference to the user that the section answers for (a
test fails when a model holding a user reference is named by no section). ``retains``
names the models whose rows the section keeps on purpose after erasure (the audit trail);
while such rows exist, the account row stays as a nameless, deactivated placeholder instead
of being deleted, so that nothing cascades away with it.

Sections erase in ``order`` (lower first); the account itself comes last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class PersonalDataSection:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None]
    models: tuple[str, ...]
    retains: tuple[str, ...] = ()
    order: int = 100


_sections: dict[str, PersonalDataSection] = {}


def register(
    name: str,
    *,
    export: Callable[[Any], Any],
    erase: Callable[[Any], None],
    models: Iterable[str],
    retains: Iterable[str] = (),
    order: int = 100,
) -> PersonalDataSection:
    """Declare an app's section (called once, from the app's ``personal_data.py``)."""
    section = PersonalDataSection(
        name=name,
        export=export,
        erase=erase,
        models=tuple(label.lower() for label in models),
        retains=tuple(label.lower() for label in retains),
        order=order,
    )
    _sections[name] = section
    return section


def sections() -> list[PersonalDataSection]:
    """Every registered section, in the order they erase."""
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))


def iso(value) -> str | None:
    """A time (in the portal's local time, as the person knows it) or a date, as ISO 8601."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()
