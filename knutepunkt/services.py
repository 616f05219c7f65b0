"""Writes for hubs, their opening hours, news and staff. One function per domain action;
each validates in full, writes in one transaction, and turns a constraint the database
enforces (a race another check could not see) into a message a person understands. A
refused write raises `DomainError`, each message under the field it concerns (a Django
`ValidationError`, so the admin's forms read it as they read `full_clean()`).

Each action that changes what the public sees makes the municipality's cached pages stale
and updates the search index itself, after commit (no signal follows saves)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any, NotRequired, TypedDict

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from hubportal.core.changes import ChangeKind, change_happened
from hubportal.core.errors import DomainError
from hubportal.core.page_cache import invalidate_after_commit
from hubportal.notifications.services import notification_enqueue
from hubportal.search.services import search_index_after_commit

from .enums import ExceptionKind, SpanState
from .legal import clean_rich_text
from .models import (
    AccessibilityStatement,
    District,
    ExceptionSpan,
    Hub,
    Municipality,
    NewsItem,
    OpeningHoursException,
    OpeningHoursPeriod,
    OpeningHoursSpan,
    PrivacyStatement,
    StaffMembership,
)
from .validators import validate_dates_within, validate_spans


class SpanInput(TypedDict):
    """One span as a caller gives it: `weekday` for regular hours, `day` (optional) for
    the special hours of an exception."""

    opens: time
    closes: time
    past_midnight: NotRequired[bool]
    state: NotRequired[str]
    note: NotRequired[str]
    weekday: NotRequired[int]
    day: NotRequired[date | None]


# --------------------------------------------------------------------------- helpers


def _explained(error: IntegrityError, model: type[models.Model]) -> DomainError:
    """The violated constraint's own message (every constraint of this app has one)."""
    constraint_name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    for constraint in model._meta.constraints:
        if constraint.name == constraint_name:
            return DomainError.from_validation_error(
                ValidationError(
                    constraint.get_violation_error_message(), code=constraint.violation_error_code
                )
            )
    return DomainError(_("The change conflicts with other data; nothing was saved."))


def _all_problems(*checks: Callable[[], None]) -> None:
    """Run every check and raise one DomainError with all their problems, so that a
    person sees everything wrong at once."""
    errors: dict[str, list[ValidationError]] = {}
    for check in checks:
        try:
            check()
        except ValidationError as error:
            found = (
                error.error_dict
                if hasattr(error, "error_dict")
                else {NON_FIELD_ERRORS: error.error_list}
            )
            for field, field_errors in found.items():
                errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise DomainError.from_validation_error(ValidationError(errors))


def _save(instance: models.Model, *, clean: bool = True) -> None:
    if clean:
        try:
            instance.full_clean()
        except ValidationError as error:
            raise DomainError.from_validation_error(error) from error
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            instance.save()
    except IntegrityError as error:
        raise _explained(error, type(instance)) from error


def _span_fields(span: SpanInput) -> dict[str, Any]:
    return {
        "opens": span["opens"],
        "closes": span["closes"],
        "past_midnight": span.get("past_midnight", False),
        "state": span.get("state", SpanState.STAFFED),
        "note": span.get("note", ""),
    }


def _checked_spans(spans: Sequence[models.Model], owner: str) -> None:
    """Each span on its own (field values), then all of them together (overlaps)."""
    errors: list[ValidationError] = []
    for index, span in enumerate(spans):
        try:  # its check constraints are validate_spans' first test, without a query each
            span.full_clean(exclude=[owner], validate_constraints=False)
        except ValidationError as error:
            for message in error.messages:
                errors.append(ValidationError(message, code="invalid", params={"index": index}))
    if not errors:
        try:
            validate_spans(spans)
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError({"spans": errors})


# --------------------------------------------------------------------------- opening hours


@transaction.atomic
def opening_hours_period_create(
    *,
    hub: Hub,
    name: str,
    valid_from: date,
    valid_until: date | None = None,
    spans: Sequence[SpanInput] = (),
) -> OpeningHoursPeriod:
    """Regular weekly hours of a hub for a validity period (until further notice when
    `valid_until` is None). Refused with a DomainError, nothing saved, when the period
    overlaps another of the hub's periods or the spans are wrong or overlap."""
    period = OpeningHoursPeriod(hub=hub, name=name, valid_from=valid_from, valid_until=valid_until)
    return _period_saved(period, spans)


@transaction.atomic
def opening_hours_period_update(
    *,
    period: OpeningHoursPeriod,
    name: str,
    valid_from: date,
    valid_until: date | None,
    spans: Sequence[SpanInput],
) -> OpeningHoursPeriod:
    """Change a period and replace its spans."""
    period.name, period.valid_from, period.valid_until = name, valid_from, valid_until
    return _period_saved(period, spans)


def _period_saved(period: OpeningHoursPeriod, spans: Sequence[SpanInput]) -> OpeningHoursPeriod:
    rows = [OpeningHoursSpan(weekday=span.get("weekday"), **_span_fields(span)) for span in spans]
    _all_problems(period.full_clean, lambda: _checked_spans(rows, owner="period"))
    _save(period, clean=False)
    period.spans.all().delete()
    for row in rows:
        row.period = period
    OpeningHoursSpan.objects.bulk_create(rows)
    invalidate_after_commit(period.hub.municipality_id)
    _hours_changed(period.hub)
    return period


def _hours_changed(hub: Hub) -> None:
    """Systems subscribed to the municipality's opening hours hear of it (the API's
    webhooks), from this transaction."""
    change_happened(
        kind=ChangeKind.OPENING_HOURS_CHANGED, obj=hub, municipality_id=hub.municipality_id
    )


@transaction.atomic
def opening_hours_exception_create(
    *,
    hub: Hub,
    start_date: date,
    end_date: date,
    reason: str,
    kind: str = ExceptionKind.CLOSED,
    spans: Sequence[SpanInput] = (),
) -> OpeningHoursException:
    """An exception to the regular hours: closed (renovation, a course day) or special hours
    (spans for one date with `day`, or for every date without). Special hours on a date
    are how staff open a hub on a public holiday or closed eve."""
    exception = OpeningHoursException(
        hub=hub, start_date=start_date, end_date=end_date, reason=reason, kind=kind
    )
    return _exception_saved(exception, spans)


@transaction.atomic
def opening_hours_exception_update(
    *,
    exception: OpeningHoursException,
    start_date: date,
    end_date: date,
    reason: str,
    kind: str,
    spans: Sequence[SpanInput] = (),
) -> OpeningHoursException:
    """Change an exception and replace its special hours."""
    exception.start_date, exception.end_date = start_date, end_date
    exception.reason, exception.kind = reason, kind
    return _exception_saved(exception, spans)


def _exception_saved(
    exception: OpeningHoursException, spans: Sequence[SpanInput]
) -> OpeningHoursException:
    if spans and not ExceptionKind(exception.kind).has_hours:
        raise DomainError(
            _("A closed exception has no hours; choose special hours to give some."),
            field="spans",
        )
    rows = [ExceptionSpan(day=span.get("day"), **_span_fields(span)) for span in spans]

    def dates_within():  # only once the range itself makes sense
        start, end = exception.start_date, exception.end_date
        if start and end and start <= end:
            validate_dates_within([row.day for row in rows], start, end)

    _all_problems(
        exception.full_clean, lambda: _checked_spans(rows, owner="exception"), dates_within
    )
    _save(exception, clean=False)
    exception.spans.all().delete()
    for row in rows:
        row.exception = exception
    ExceptionSpan.objects.bulk_create(rows)
    invalidate_after_commit(exception.hub.municipality_id)
    _hours_changed(exception.hub)
    return exception


# --------------------------------------------------------------------------- news


@transaction.atomic
def news_item_create(
    *,
    title: str,
    body: str,
    publish_from: datetime,
    publish_until: datetime | None = None,
    municipality: Municipality | None = None,
    district: District | None = None,
    hub: Hub | None = None,
) -> NewsItem:
    """News for a whole municipality, a district or a hub. The narrowest scope given
    decides the wider ones (a hub's news belongs to its district and municipality)."""
    item = NewsItem(
        municipality=municipality,
        district=district,
        hub=hub,
        title=title,
        body=body,
        publish_from=publish_from,
        publish_until=publish_until,
    )
    return news_item_save(item=item)


@transaction.atomic
def news_item_save(*, item: NewsItem) -> NewsItem:
    """Publish a new news item or save a changed one (the admin passes the item its form
    filled in). The narrowest scope decides the wider ones, whatever the item said."""
    if item.hub_id is not None:
        item.district_id, item.municipality_id = item.hub.district_id, item.hub.municipality_id
    elif item.district_id is not None:
        item.municipality_id = item.district.municipality_id
    if item.municipality_id is None:
        raise DomainError(_("Choose where the news belongs: a municipality, district or hub."))
    _save(item)
    invalidate_after_commit(item.municipality_id)
    search_index_after_commit(obj=item)
    return item


@transaction.atomic
def news_item_delete(*, item: NewsItem) -> None:
    invalidate_after_commit(item.municipality_id)
    search_index_after_commit(obj=item)  # finds the row gone after commit: removed
    item.delete()


# --------------------------------------------------------------------------- staff


@transaction.atomic
def staff_membership_grant(
    *,
    user: Any,
    role: str,
    municipality: Municipality | None = None,
    hub: Hub | None = None,
) -> StaffMembership:
    """Make a person a municipality administrator or staff of a hub (idempotent). They get
    access to the admin, where they see only what the membership allows."""
    existing = StaffMembership.objects.filter(
        user=user, role=role, municipality=municipality, hub=hub
    ).first()
    if existing is not None:
        _admit_to_admin(user)
        return existing
    return staff_membership_save(
        membership=StaffMembership(user=user, role=role, municipality=municipality, hub=hub)
    )


@transaction.atomic
def staff_membership_save(*, membership: StaffMembership) -> StaffMembership:
    """Appoint (or change the appointment of) a member of staff, as the admin's form filled
    it in; the person gets access to the admin."""
    _save(membership)
    _admit_to_admin(membership.user)
    return membership


@transaction.atomic
def staff_membership_revoke(*, membership: StaffMembership) -> None:
    """End an appointment. The person keeps their account (and any other membership)."""
    membership.delete()


def _admit_to_admin(user: Any) -> None:
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


# --------------------------------------------------------------------------- legal pages


def _published_after_commit(municipality_id: int) -> None:
    """The statement pages are cached; an edit shows at once."""
    invalidate_after_commit(municipality_id)


@transaction.atomic
def accessibility_statement_save(*, statement: AccessibilityStatement) -> AccessibilityStatement:
    """Save a municipality's accessibility statement (one per municipality), its texts
    sanitised. The public page shows the change at once."""
    statement.text = clean_rich_text(statement.text)
    statement.known_deviations = clean_rich_text(statement.known_deviations)
    _save(statement)
    _published_after_commit(statement.municipality_id)
    return statement


@transaction.atomic
def accessibility_statement_delete(*, statement: AccessibilityStatement) -> None:
    """Remove the municipality's statement; the page falls back to the default text."""
    municipality_id = statement.municipality_id
    statement.delete()
    _published_after_commit(municipality_id)


@transaction.atomic
def privacy_statement_save(*, statement: PrivacyStatement) -> PrivacyStatement:
    """Save the municipality's part of the privacy statement, its addition sanitised."""
    statement.addition = clean_rich_text(statement.addition)
    _save(statement)
    _published_after_commit(statement.municipality_id)
    return statement


@transaction.atomic
def privacy_statement_delete(*, statement: PrivacyStatement) -> None:
    municipality_id = statement.municipality_id
    statement.delete()
    _published_after_commit(municipality_id)


class FeedbackNotAccepted(DomainError):
    """The municipality has no address for accessibility feedback."""


@transaction.atomic
def accessibility_feedback_send(
    *, municipality: Municipality, page: str, problem: str, email: str = "", language: str = ""
):
    """Send a report of an accessibility problem to the municipality's feedback address,
    through the outbox. Nothing else is stored. Refused (FeedbackNotAccepted) when the
    municipality has not given an address."""
    statement = AccessibilityStatement.objects.filter(municipality=municipality).first()
    if statement is None or not statement.feedback_email:
        raise FeedbackNotAccepted(
            _("The municipality has not given an address for feedback on the portal yet.")
        )
    with translation.override(settings.LANGUAGE_CODE):  # the municipality reads Bokmål
        statement_url = statement.get_absolute_url()
    return notification_enqueue(
        template="knutepunkt/email/accessibility_feedback",
        context={
            "municipality": municipality.name,
            "page": page,
            "problem": problem,
            "reply_to": email,
            "reporter_language": language,
            "statement_url": statement_url,
        },
        to_address=statement.feedback_email,
    )
