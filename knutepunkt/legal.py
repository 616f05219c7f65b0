"""What the legal pages say: the personal data the portal stores (for the privacy
statement), the cookies it sets (for the cookie notice), and the one sanitiser for the text
a municipality writes. Tests in tests/legal keep each list true to the code: the retention
periods to the purge functions' defaults, the cookies to every Set-Cookie the portal sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# --------------------------------------------------------------------------- rich text

RICH_TEXT_TAGS = {"p", "br", "ul", "ol", "li", "a", "strong", "em", "b", "i", "h2", "h3", "h4"}
_BLOCK_TAG = re.compile(r"<(p|ul|ol|h[2-4])\b", re.IGNORECASE)


def clean_rich_text(value: str) -> str:
    """The subset of HTML a statement may hold; everything else (scripts, styles, event
    handlers, javascript: links, NUL bytes) is removed."""
    value = (value or "").replace("\x00", "").replace("\r\n", "\n").strip()
    return nh3.clean(
        value,
        tags=RICH_TEXT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def render_rich_text(value: str) -> SafeString:
    """Sanitised again (whatever is in the database), then paragraphs: plain text with blank
    lines becomes paragraphs, text that already has blocks is kept as it is."""
    html = clean_rich_text(value)
    if html and not _BLOCK_TAG.search(html):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", html) if p.strip()]
        html = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return mark_safe(html)  # noqa: S308 - nh3's output, wrapped in <p> and <br> only


# --------------------------------------------------------------------------- personal data

# Keep these equal to the defaults of the functions that delete the data (a test checks):
# innbyggertorg.services.registrations_purge_past, notification_purge_old.
REGISTRATION_RETENTION_DAYS = 30
NOTIFICATION_RETENTION_DAYS = 180


@dataclass(frozen=True)
class PersonalData:
    """One kind of personal data the portal stores, as the privacy statement names it."""

    key: str
    title: Promise
    what: Promise
    purpose: Promise
    legal_basis: Promise
    retention: Promise


PUBLIC_TASK = _(
    "The municipality's task in the public interest: its services to the people who live "
    "there (GDPR article 6(1)(e))."
)


def personal_data() -> tuple[PersonalData, ...]:
    """What the privacy statement lists, built when asked (the session's lifetime comes
    from the settings)."""
    session_age = _lifetime(
        None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE
    )
    return (
        PersonalData(
            key="account",
            title=_("Your account"),
            what=_(
                "Email address, name if you give it, the language you chose for messages, a "
                "password (stored only as a one-way hash), when you signed up and last signed in. "
                "If you sign in with ID-porten: the identifier ID-porten gives the portal."
            ),
            purpose=_("To sign you in and to let you book, register and volunteer."),
            legal_basis=PUBLIC_TASK,
            retention=_(
                "Until you delete your account: then your linked logins, addresses and sessions "
                "on every device go with it. What the sections below keep afterwards, they keep "
                "without your name."
            ),
        ),
        PersonalData(
            key="bookings",
            title=_("Room and resource bookings"),
            what=_(
                "What you booked and when, the purpose and expected number of people, the "
                "organisation you booked for, whether you came, and a private calendar address if "
                "you made one."
            ),
            purpose=_(
                "To give you the room, to let staff approve and plan, and to count how the "
                "premises are used (usage statistics the municipality needs)."
            ),
            legal_basis=PUBLIC_TASK,
            retention=_(
                "Until you delete your account. Times that have not started are then "
                "cancelled (the room is free again at once); past bookings are kept without "
                "your name and purpose, for the usage statistics."
            ),
        ),
        PersonalData(
            key="registrations",
            title=_("Event registrations"),
            what=_(
                "Name, email address, language, how many people, whether you are on the waiting "
                "list, and whether you came. Guests give only name and email address."
            ),
            purpose=_("To keep your place, tell you of changes and remind you the day before."),
            legal_basis=PUBLIC_TASK,
            retention=ngettext_lazy(
                "Deleted %(days)d day after the event (for signed-in people and guests alike).",
                "Deleted %(days)d days after the event (for signed-in people and guests alike).",
                "days",
            )
            % {"days": REGISTRATION_RETENTION_DAYS},
        ),
        PersonalData(
            key="volunteering",
            title=_("Volunteering"),
            what=_(
                "Your volunteer profile (skills, languages, districts, when you can help, date of "
                "birth if a shift has an age limit, whether coordinators may contact you), the "
                "shifts you signed up for and your hours. For shifts with children: that a "
                "coordinator has seen your police certificate and until when it is valid, never "
                "the certificate itself."
            ),
            purpose=_("To match volunteers with shifts and to count volunteer hours."),
            legal_basis=_(
                "Your consent (GDPR article 6(1)(a)), which you can withdraw at any time by "
                "deleting your volunteer profile."
            ),
            retention=_(
                "Until you delete your volunteer profile or your account. Hours are then kept "
                "only without your name, as statistics."
            ),
        ),
        PersonalData(
            key="outbox",
            title=_("Messages we send you"),
            what=_(
                "Emails and text messages (confirmations, reminders, changes) with your address "
                "or phone number, waiting to be sent or already sent. A report of an "
                "accessibility problem is such a message, to the municipality."
            ),
            purpose=_("To deliver the message, and to send it again if delivery fails."),
            legal_basis=PUBLIC_TASK,
            retention=ngettext_lazy(
                "Deleted %(days)d day after it was sent or cancelled. When you delete your "
                "account, messages not yet sent are cancelled and every message to you is "
                "emptied of address and content.",
                "Deleted %(days)d days after it was sent or cancelled. When you delete your "
                "account, messages not yet sent are cancelled and every message to you is "
                "emptied of address and content.",
                "days",
            )
            % {"days": NOTIFICATION_RETENTION_DAYS},
        ),
        PersonalData(
            key="logs",
            title=_("Sessions and logs"),
            what=_(
                "While you are signed in, a session that links your browser to your account. "
                "The web server's technical log of requests (address, time, page). Staff actions "
                "on personal data (changes in the admin, exports of attendee lists) are logged "
                "with who did them."
            ),
            purpose=_(
                "To keep you signed in, to keep the portal secure, and to document staff use "
                "of personal data."
            ),
            legal_basis=_(
                "The municipality's duty to keep personal data secure (GDPR articles 6(1)(c) "
                "and 32)."
            ),
            retention=_(
                "A session ends when you sign out or after %(session)s. Technical logs are kept as "
                "long as the operator of the installation needs them for operation and security. "
                "The log of staff actions is kept as documentation."
            )
            % {"session": session_age},
        ),
    )


# --------------------------------------------------------------------------- cookies


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: Promise
    lifetime: str | Promise


def _lifetime(seconds: int | None) -> Promise | str:
    if seconds is None:
        return _("until you close the browser")
    days = round(seconds / 86400)
    if days >= 365 and days % 365 < 7:
        years = max(1, days // 365)
        return ngettext_lazy("%(n)d year", "%(n)d years", "n") % {"n": years}
    return ngettext_lazy("%(n)d day", "%(n)d days", "n") % {"n": days}


def necessary_cookies() -> list[Cookie]:
    """Every cookie the portal sets, read from the settings that name them. All are
    necessary; none tracks or measures anyone."""
    session_age = None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE
    return [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            _("Keeps you signed in, and what signing in needs before that."),
            _lifetime(session_age),
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            _("Protects the forms against being sent from other websites (security)."),
            _lifetime(settings.CSRF_COOKIE_AGE),
        ),
        Cookie(
            settings.LANGUAGE_COOKIE_NAME,
            _("Remembers the language you chose, when you choose one."),
            _lifetime(settings.LANGUAGE_COOKIE_AGE),
        ),
        Cookie(
            CookieStorage.cookie_name,
            _("Carries a short message to the next page (e.g. “Your booking is confirmed”)."),
            _("until the message is shown"),
        ),
    ]
