from django import template

from ..enums import BookingStatus
from ..models import Booking
from ..permissions import requests_to_decide

register = template.Library()


@register.simple_tag
def pending_booking_requests(user) -> int:
    """How many booking requests wait for this member of staff."""
    queryset = Booking.objects.filter(status=BookingStatus.REQUESTED)
    return requests_to_decide(user, queryset).count()
