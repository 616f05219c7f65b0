from .hours import ExceptionSpan, OpeningHoursException, OpeningHoursPeriod, OpeningHoursSpan
from .legal import AccessibilityStatement, PrivacyStatement
from .places import District, Hub, Municipality, NewsItem, StaffMembership

__all__ = [
    "AccessibilityStatement",
    "District",
    "ExceptionSpan",
    "Hub",
    "Municipality",
    "NewsItem",
    "OpeningHoursException",
    "OpeningHoursPeriod",
    "OpeningHoursSpan",
    "PrivacyStatement",
    "StaffMembership",
]
