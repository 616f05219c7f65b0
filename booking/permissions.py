"""Who may do what with rooms, resources and bookings. Staff of a resource's hub and the
administrators of its municipality book it as staff (outside the citizens' rules), decide
on requests and manage every booking of it; a booker manages their own bookings.

Every question here is asked by the views, the selectors that show free times and the
services that book, so that what a person is shown as free is what they may book."""

from __future__ import annotations

from django.db.models import QuerySet

from frivillighet.permissions import can_coordinate
from hubportal import permissions
from hubportal.permissions import Action, Policy, Role, register

from .enums import WhoMayBook

register("booking.resource", Policy(municipality=("municipality",), hub=("hub",)))
register(
    "booking.booking", Policy(municipality=("resource__municipality",), hub=("resource__hub",))
)
register(
    "booking.occurrence", Policy(municipality=("resource__municipality",), hub=("resource__hub",))
)
register(
    "booking.blackout", Policy(municipality=("resource__municipality",), hub=("resource__hub",))
)
register("booking.lock", Policy(municipality=("resource__municipality",), hub=("resource__hub",)))
register(
    "booking.doorcode",
    Policy(municipality=("lock__resource__municipality",), hub=("lock__resource__hub",)),
)


def books_as_staff(user, resource) -> bool:
    """May this user book the resource as staff: outside the citizens' rules (notice,
    horizon, opening hours, the cap per person), without approval, for someone else, and
    displacing others? Staff of its hub, administrators of its municipality, superusers."""
    return permissions.can(user, Action.CHANGE, resource)


def can_book(user, resource, agreement=None, guest=None) -> bool:
    """May this user book the resource at all? Staff always; associations with an
    agreement in force where the resource says so, or of a municipality the resource is
    shared with (``guest``, a booking.access.GuestAccess); any signed-in citizen where it
    is open to all."""
    if books_as_staff(user, resource):
        return True
    if resource.who_may_book == WhoMayBook.CITIZENS:
        return bool(user is not None and user.is_authenticated)
    if resource.who_may_book == WhoMayBook.ASSOCIATIONS:
        return (agreement is not None and agreement.booking_priority) or guest is not None
    return False


def can_book_for_organisation(*, by, booker, organisation, resource) -> bool:
    """May ``by`` book the resource for ``booker`` on behalf of the organisation (so that
    its agreement's benefits apply)? When the booker coordinates it, or when ``by`` books
    the resource as staff."""
    return can_coordinate(booker, organisation) or books_as_staff(by, resource)


def is_own_booking(user, booking) -> bool:
    return bool(user is not None and user.is_authenticated and booking.booker_id == user.pk)


def can_view_booking(user, booking) -> bool:
    """The booker, and the staff who manage the resource's bookings."""
    return is_own_booking(user, booking) or permissions.can(user, Action.VIEW, booking)


def can_manage_booking(user, booking) -> bool:
    """Cancel times of the booking: the booker (within the cancellation deadline) and the
    staff of the resource (at any time)."""
    return is_own_booking(user, booking) or permissions.can(user, Action.CHANGE, booking)


def can_decide_booking(user, booking) -> bool:
    """Approve or reject a request, and cancel inside the deadline: staff of the resource."""
    return permissions.can(user, Action.CHANGE, booking)


def requests_to_decide(user, queryset: QuerySet) -> QuerySet:
    """The bookings of the queryset this user decides on."""
    return permissions.scoped(user, Action.CHANGE, queryset)


def staff_to_tell(booking) -> QuerySet:
    """Who hears about a booking that waits for staff: the staff of the resource's hub,
    or, where the hub has none, the administrators of its municipality."""
    staff = permissions.users_who_can(Action.CHANGE, booking, roles={Role.HUB_STAFF})
    if staff.exists():
        return staff
    return permissions.users_who_can(Action.CHANGE, booking, roles={Role.MUNICIPALITY_ADMIN})
