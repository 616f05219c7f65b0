from django import template

from hubportal import permissions
from hubportal.permissions import Action

from ..enums import BookingStatus
from ..models import Booking

register = template.Library()


@register.simple_tag
def pending_booking_requests(user) -> int:
    """How many booking requests wait for this member of staff."""
    queryset = Booking.objects.filter(status=BookingStatus.REQUESTED)
    return permissions.scoped(user, Action.CHANGE, queryset).count()
