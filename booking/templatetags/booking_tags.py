from django import template

from ..enums import BookingStatus
from ..models import Booking
from ..permissions import requests_to_decide
from ..selectors import StaffFrontPage
from ..selectors import staff_front_page as front_page

register = template.Library()


@register.simple_tag
def pending_booking_requests(user) -> int:
    """How many booking requests wait for this member of staff."""
    queryset = Booking.objects.filter(status=BookingStatus.REQUESTED)
    return requests_to_decide(user, queryset).count()


@register.simple_tag
def staff_front_page(user) -> StaffFrontPage:
    """The admin's front page for this member of staff: their hubs' waiting requests and
    week, their municipalities' counts."""
    return front_page(user=user)
