from .hours import ExceptionSpan, OpeningHoursException, OpeningHoursPeriod, OpeningHoursSpan
from .places import District, Hub, Municipality, NewsItem, StaffMembership

__all__ = [
    "District",
    "ExceptionSpan",
    "Hub",
    "Municipality",
    "NewsItem",
    "OpeningHoursException",
    "OpeningHoursPeriod",
    "OpeningHoursSpan",
    "StaffMembership",
]
