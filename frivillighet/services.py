"""Write paths for volunteering: sign-up with the rules of the shift, withdrawal with
promotion from the waiting list, attendance.

Places and the waiting list are `hubportal.core.capacity`'s (the same engine as event
registrations): the shift row is locked, confirmed sign-ups are counted, and the count is
written back. A refused action raises `DomainError`.

Each action that changes what the public sees (an organisation listed in the directory and
found by search) makes the cached pages stale and updates the search index itself, after
commit (no signal follows saves)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.no import orgnr

from hubportal.core import capacity
from hubportal.core.errors import DomainError
from hubportal.core.page_cache import invalidate_after_commit
from hubportal.notifications.enums import MessageKind
from hubportal.notifications.models import Notification
from hubportal.notifications.services import notification_cancel, notification_enqueue
from hubportal.search.services import search_index_after_commit
from knutepunkt.opening_hours import localise

from .enums import AgreementStatus, ListingStatus, MemberRole, SignupStatus
from .models import (
    CooperationAgreement,
    Organisation,
    OrganisationMember,
    RegisterRecord,
    Shift,
    ShiftSignup,
    VolunteerProfile,
)
from .permissions import (
    agreement_staff_to_tell,
    check_in_refusal,
    check_out_refusal,
    coordinators_by_organisation,
)
from .register import (
    RegisterEntry,
    RegisterUnavailable,
    UnknownOrganisation,
    configured_register,
)

logger = logging.getLogger(__name__)
_REGISTER_REFRESH_LOCK_ID = 0x656E6865  # "enhe": one register refresh at a time

# A shift's places: each confirmed sign-up holds one; the waiting list is promoted in the
# order people signed up, passing over anyone who now holds an overlapping shift.
PLACES = capacity.Pool(
    counter=Shift,
    holders=ShiftSignup,
    link="shift",
    holding=SignupStatus.CONFIRMED,
    waiting=SignupStatus.WAITLISTED,
)


def organisation_register(
    *,
    municipality,
    name: str,
    org_number: str,
    kind: str,
    districts=(),
    coordinator=None,
    **fields,
) -> Organisation:
    """An organisation asks to be listed; it shows in the directory once staff approve.
    Its number is looked up in Enhetsregisteret first (outside the transaction: no row is
    locked while the register is asked): a number the register does not know, one of a
    deleted unit, or a register that does not answer refuses the request, and nothing is
    saved. The person who asks becomes its coordinator, in the same transaction."""
    if not orgnr.is_valid(org_number):
        raise DomainError(
            _("An organisation number has nine digits with a valid check digit, e.g. 974760673."),
            field="org_number",
        )
    number = orgnr.compact(org_number)
    entry = _register_entry_for_new(number)
    return _organisation_register_save(
        municipality=municipality,
        name=name,
        org_number=number,
        kind=kind,
        districts=districts,
        coordinator=coordinator,
        entry=entry,
        **fields,
    )


def _register_entry_for_new(number: str) -> RegisterEntry:
    try:
        entry = configured_register().lookup(number)
    except UnknownOrganisation as error:
        logger.info("organisation %s refused: unknown in Enhetsregisteret (%s)", number, error)
        raise DomainError(
            _(
                "Enhetsregisteret has no organisation with the number %(number)s. "
                "Check the number on the organisation's papers."
            )
            % {"number": number},
            field="org_number",
        ) from error
    except RegisterUnavailable as error:
        logger.warning(
            "organisation %s not registered: Enhetsregisteret unavailable (%s)", number, error
        )
        raise DomainError(
            _(
                "We could not check the organisation number in Enhetsregisteret right now, "
                "so nothing was saved. Try again in a few minutes."
            )
        ) from error
    if entry.deleted:
        logger.info("organisation %s refused: deleted from Enhetsregisteret", number)
        raise DomainError(
            _("The organisation with the number %(number)s is deleted from Enhetsregisteret.")
            % {"number": number},
            field="org_number",
        )
    return entry


@transaction.atomic
def _organisation_register_save(
    *, municipality, name, org_number, kind, districts, coordinator, entry, **fields
) -> Organisation:
    organisation = Organisation(
        municipality=municipality,
        name=name,
        org_number=org_number,
        kind=kind,
        **fields,
    )
    try:
        organisation.full_clean()  # e.g. an organisation number that is registered already
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error
    organisation.save()
    organisation.districts.set(districts)
    _register_record_write(organisation, entry)
    if coordinator is not None:
        OrganisationMember.objects.create(
            organisation=organisation, user=coordinator, role=MemberRole.COORDINATOR
        )
    return organisation


def _register_record_write(organisation: Organisation, entry: RegisterEntry | None) -> None:
    """Store what the register said (None: it does not know the number), with the time."""
    facts = {
        "found": entry is not None,
        "fetched_at": timezone.now(),
    }
    if entry is not None:
        facts |= {
            "name": entry.name[:300],
            "organisation_form_code": entry.organisation_form_code[:10],
            "organisation_form": entry.organisation_form[:200],
            "address": entry.address[:300],
            "postcode": entry.postcode[:10],
            "city": entry.city[:100],
            "municipality_number": entry.municipality_number[:4],
            "in_voluntary_register": entry.in_voluntary_register,
            "bankrupt": entry.bankrupt,
            "winding_up": entry.winding_up,
            "deleted": entry.deleted,
            "deleted_on": entry.deleted_on,
        }
    RegisterRecord.objects.update_or_create(organisation=organisation, defaults=facts)


def organisation_register_refresh(*, organisation: Organisation) -> bool:
    """Ask the register again about one organisation and store what it says now. Returns
    False when the register cannot be asked (the facts kept are the last ones, with their
    date); raises nothing."""
    try:
        entry = configured_register().lookup(organisation.org_number)
    except UnknownOrganisation:
        entry = None
    except RegisterUnavailable as error:
        logger.warning(
            "organisation %s not refreshed: Enhetsregisteret unavailable (%s)",
            organisation.org_number,
            error,
        )
        return False
    with transaction.atomic():
        # The organisation may have been deleted while the register was asked.
        if Organisation.objects.select_for_update().filter(pk=organisation.pk).exists():
            _register_record_write(organisation, entry)
    return True


def organisation_register_refresh_due(*, limit: int = 500) -> int:
    """The periodic refresh: every organisation whose facts are older than
    ENHETSREGISTERET_REFRESH_DAYS (or that has none) is looked up again, oldest first, at
    most `limit` in one run. Stops at the first failure to reach the register (the rest
    wait for the next run). A second run while one is under way does nothing (advisory
    lock). Returns how many were refreshed."""
    # A session-level lock: the run asks the register between short transactions.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_REGISTER_REFRESH_LOCK_ID])
        if not cursor.fetchone()[0]:
            return 0
    try:
        stale = timezone.now() - timedelta(days=settings.ENHETSREGISTERET_REFRESH_DAYS)
        due = list(
            Organisation.objects.filter(
                Q(register_record__isnull=True) | Q(register_record__fetched_at__lt=stale)
            ).order_by(F("register_record__fetched_at").asc(nulls_first=True), "pk")[:limit]
        )
        refreshed = 0
        for organisation in due:
            if not organisation_register_refresh(organisation=organisation):
                break
            refreshed += 1
        return refreshed
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_REGISTER_REFRESH_LOCK_ID])


@transaction.atomic
def organisation_approve_listings(*, organisations) -> int:
    """List organisations in the directory (staff approve their requests); they are found by
    search at once. Returns how many were not listed before."""
    waiting = list(
        Organisation.objects.select_for_update()
        .filter(pk__in=[organisation.pk for organisation in organisations])
        .exclude(listing=ListingStatus.APPROVED)
    )
    for organisation in waiting:
        organisation.listing = ListingStatus.APPROVED
        organisation.save(update_fields=["listing"])
        search_index_after_commit(obj=organisation)
    if waiting:
        invalidate_after_commit(*{organisation.municipality_id for organisation in waiting})
    return len(waiting)


def _age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _check(shift: Shift, profile: VolunteerProfile | None) -> None:
    opportunity = shift.opportunity
    if shift.is_cancelled:
        raise DomainError(_("The shift is cancelled."))
    if shift.starts_at <= timezone.now():
        raise DomainError(_("The shift has already started."))
    day = timezone.localtime(shift.starts_at).date()
    if opportunity.requires_police_certificate:
        valid_until = profile.police_certificate_valid_until if profile else None
        if valid_until is None or valid_until < day:
            raise DomainError(
                _(
                    "This shift needs a valid police certificate. Show yours to the coordinator, "
                    "who records that it has been checked."
                )
            )
    if opportunity.min_age:
        if profile is None or profile.birth_date is None:
            raise DomainError(
                _("This shift has a minimum age. Add your date of birth to your volunteer profile.")
            )
        if _age_on(profile.birth_date, day) < opportunity.min_age:
            raise DomainError(
                _("You must be at least %(age)d years old for this shift.")
                % {"age": opportunity.min_age}
            )


@transaction.atomic
def shift_signup(*, shift: Shift, volunteer) -> ShiftSignup:
    shift = PLACES.lock(shift.pk)  # the rules and the place under one lock
    profile = VolunteerProfile.objects.filter(user=volunteer).first()
    _check(shift, profile)
    existing = ShiftSignup.objects.filter(
        shift=shift, volunteer=volunteer, status__in=SignupStatus.active()
    ).first()
    if existing:
        return existing  # signing up twice changes nothing
    signup = ShiftSignup(
        shift=shift,
        volunteer=volunteer,
        during=DateTimeTZRange(shift.starts_at, shift.ends_at, "[)"),
    )
    try:
        confirmed = PLACES.take(signup)
    except IntegrityError:
        raise DomainError(_("You already have a shift at that time.")) from None
    _notify(signup, "signup_confirmed" if confirmed else "signup_waitlisted")
    if confirmed:
        _remind(signup)
    return signup


# The messages a volunteer may choose to get by SMS too (their profile says which).
SMS_KINDS = {
    "shift_changed": MessageKind.CHANGE,
    "shift_changed_conflict": MessageKind.CHANGE,
    "shift_cancelled": MessageKind.CHANGE,
    "signup_promoted": MessageKind.PLACE,
}


def _notify(signup: ShiftSignup, template: str) -> None:
    notification_enqueue(
        template=f"frivillighet/email/{template}",
        context={
            "signup": signup,
            "shift": signup.shift,
            "opportunity": signup.shift.opportunity,
            "hub": signup.shift.opportunity.hub,
        },
        recipient=signup.volunteer,
        kind=SMS_KINDS.get(template),
    )


def _remind(signup: ShiftSignup) -> None:
    due = signup.shift.starts_at - timedelta(hours=24)
    if due > timezone.now():
        notification_enqueue(
            template="frivillighet/email/shift_reminder",
            context={
                "signup": signup,
                "shift": signup.shift,
                "opportunity": signup.shift.opportunity,
                "hub": signup.shift.opportunity.hub,
            },
            recipient=signup.volunteer,
            send_after=due,
            dedupe_key=f"shift-reminder:{signup.pk}",
            kind=MessageKind.REMINDER,
        )


@transaction.atomic
def shift_withdraw(*, signup: ShiftSignup) -> list[ShiftSignup]:
    """Withdraw; a freed place goes to the first on the waiting list who can take it."""
    released = PLACES.release(signup, to=SignupStatus.WITHDRAWN)
    if not released.changed:
        return []
    notification_cancel(dedupe_key=f"shift-reminder:{signup.pk}")
    _promoted(released.promoted)
    return released.promoted


def _promoted(signups: list[ShiftSignup]) -> None:
    for candidate in signups:
        _notify(candidate, "signup_promoted")
        _remind(candidate)


def signup_record_attendance(*, signup: ShiftSignup, hours=None, no_show: bool = False) -> None:
    signup.no_show = no_show
    signup.hours = None if no_show else (hours if hours is not None else _shift_hours(signup.shift))
    signup.save(update_fields=["no_show", "hours"])


def _shift_hours(shift: Shift):
    return Decimal(str(round((shift.ends_at - shift.starts_at).total_seconds() / 3600, 2)))


@transaction.atomic
def shifts_from_template(*, template, weeks: int = 4) -> list[Shift]:
    """Create the shifts of the coming weeks from a template (existing ones are kept)."""
    today = timezone.localdate()
    first = today + timedelta(days=(template.weekday - today.weekday()) % 7)
    created = []
    for week in range(weeks):
        start = localise(first + timedelta(weeks=week), template.starts)
        if start <= timezone.now():
            continue
        shift, made = Shift.objects.get_or_create(
            opportunity=template.opportunity,
            starts_at=start,
            defaults={
                "ends_at": start + timedelta(minutes=template.minutes),
                "capacity": template.capacity,
            },
        )
        if made:
            created.append(shift)
    return created


@transaction.atomic
def shift_cancel(*, shift: Shift, reason: str = "") -> int:
    """Cancel a shift and tell only those signed up for it."""
    shift.is_cancelled = True
    shift.save(update_fields=["is_cancelled"])
    affected = list(
        shift.signups.filter(status__in=SignupStatus.active()).select_related("volunteer")
    )
    for signup in affected:
        notification_cancel(dedupe_key=f"shift-reminder:{signup.pk}")
        _notify(signup, "shift_cancelled")
    return len(affected)


def _withdraw_upcoming(*, user) -> list[ShiftSignup]:
    """Withdraw the person from every shift that has not started, as they would themselves:
    each freed place goes to the first on the waiting list. Returns the promoted."""
    promoted = []
    for signup in ShiftSignup.objects.filter(  # in shift order: the engine locks in order
        volunteer=user, status__in=SignupStatus.active(), shift__starts_at__gt=timezone.now()
    ).order_by("shift_id"):
        promoted += shift_withdraw(signup=signup)
    return promoted


def volunteer_delete_profile(*, user) -> None:
    """Delete the volunteer profile; hours already given stay for statistics, anonymised.
    The person's account and other data are untouched (they delete those separately)."""
    with transaction.atomic():
        VolunteerProfile.objects.filter(user=user).delete()
        ShiftSignup.objects.filter(volunteer=user, shift__ends_at__lte=timezone.now()).update(
            volunteer=None
        )
        # Withdrawn one by one through the engine, so that each place they held goes to
        # the waiting list (in shift order: the engine's locks are always taken in order).
        coming = ShiftSignup.objects.filter(
            volunteer=user, status__in=SignupStatus.active(), shift__ends_at__gt=timezone.now()
        ).order_by("shift_id")
        for signup in coming:
            notification_cancel(dedupe_key=f"shift-reminder:{signup.pk}")
            _promoted(PLACES.release(signup, to=SignupStatus.WITHDRAWN).promoted)


@transaction.atomic
def organisation_member_remove(*, member: OrganisationMember) -> None:
    """The person is no longer a member (or coordinator) of the organisation."""
    OrganisationMember.objects.filter(pk=member.pk).delete()


@transaction.atomic
def volunteer_erase_person(*, user) -> list[ShiftSignup]:
    """The person is deleted: withdrawn from every shift that has not started (places
    freed and promoted, in order), every sign-up left (hours given, shifts under way)
    kept anonymised for the statistics, the volunteer profile deleted, and their
    memberships of organisations ended. Returns the promoted sign-ups."""
    promoted = _withdraw_upcoming(user=user)
    ShiftSignup.objects.filter(volunteer=user).update(volunteer=None)
    VolunteerProfile.objects.filter(user=user).delete()
    for member in OrganisationMember.objects.filter(user=user):
        organisation_member_remove(member=member)
    return promoted


def weekly_digest() -> int:
    """Tell each coordinator about their organisations' unfilled shifts in the coming
    week. Two queries however many users there are; only coordinators with any hear."""
    now = timezone.now()
    unfilled = defaultdict(list)
    for shift in (
        Shift.objects.filter(
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=7),
            is_cancelled=False,
            places_taken__lt=F("capacity"),
            opportunity__organisation__isnull=False,
        )
        .select_related("opportunity__hub")
        .order_by("starts_at")
    ):
        unfilled[shift.opportunity.organisation_id].append(shift)
    if not unfilled:
        return 0
    shifts_by_user = defaultdict(list)
    users = {}
    for organisation_id, coordinators in coordinators_by_organisation(unfilled).items():
        for user in coordinators:
            shifts_by_user[user.pk].extend(unfilled[organisation_id])
            users[user.pk] = user
    week = now.isocalendar()
    for user_id, shifts in shifts_by_user.items():
        notification_enqueue(
            template="frivillighet/email/weekly_digest",
            context={"shifts": shifts},
            recipient=users[user_id],
            dedupe_key=f"volunteer-digest:{week.year}-{week.week}:{user_id}",
        )
    return len(shifts_by_user)


INVITE_SALT = "frivillighet.invitation"


def member_invite(*, organisation: Organisation, email: str, role: str, by) -> None:
    """Invite someone by email to join the organisation (as member or coordinator)."""
    token = signing.dumps({"o": organisation.pk, "e": email.lower(), "r": role}, salt=INVITE_SALT)
    notification_enqueue(
        template="frivillighet/email/invitation",
        context={
            "organisation": organisation,
            "role": role,
            "by": by,
            "accept_url": settings.SITE_URL
            + reverse("frivillighet:accept_invitation", args=[token]),
        },
        to_address=email,
    )


def member_accept(*, token: str, user) -> OrganisationMember:

    try:
        data = signing.loads(token, salt=INVITE_SALT, max_age=timedelta(days=14))
    except signing.BadSignature:
        raise DomainError(_("The invitation is not valid, or it has expired.")) from None
    if data["e"] != user.email.lower():
        raise DomainError(
            _("The invitation was sent to another email address. Sign in with that one.")
        )
    member, _created = OrganisationMember.objects.update_or_create(
        organisation_id=data["o"], user=user, defaults={"role": data["r"]}
    )
    return member


def agreements_remind_expiring(*, within_days: int = 30) -> int:
    """Staff hear once when an active agreement ends within a month."""
    today = timezone.localdate()
    told = 0
    for agreement in CooperationAgreement.objects.filter(
        status=AgreementStatus.ACTIVE,
        ends_on__gte=today,
        ends_on__lte=today + timedelta(days=within_days),
    ).select_related("organisation", "hub", "municipality"):
        for user in agreement_staff_to_tell(agreement):
            notification_enqueue(
                template="frivillighet/email/agreement_expiring",
                context={"agreement": agreement},
                recipient=user,
                dedupe_key=f"agreement-expiring:{agreement.pk}:{agreement.ends_on}:{user.pk}",
            )
            told += 1
    return told


@transaction.atomic
def shift_change_capacity(*, shift: Shift, capacity: int) -> list[ShiftSignup]:
    """More volunteers needed: the waiting list moves up in order (they are told); fewer
    than are signed up is refused on the capacity field. Returns the promoted."""
    promoted = PLACES.resize(shift, capacity)
    _promoted(promoted)
    return promoted


@transaction.atomic
def shift_change_time(*, shift: Shift, starts_at, ends_at) -> int:
    """Move a shift. Everyone signed up is told, and reminders move with it; a volunteer
    who would now hold two overlapping shifts is taken off this one, and told so, and the
    place goes to the waiting list. Returns how many were told."""
    PLACES.lock(shift.pk)
    shift.starts_at, shift.ends_at = starts_at, ends_at
    shift.save(update_fields=["starts_at", "ends_at"])
    during = DateTimeTZRange(starts_at, ends_at, "[)")
    active = list(
        shift.signups.filter(status__in=SignupStatus.active())
        .select_related("volunteer")
        .order_by("created_at", "pk")
    )
    # The waiting list first (only confirmed sign-ups hold time, so these cannot clash):
    # whoever is promoted below is checked against the new time.
    ShiftSignup.objects.filter(
        pk__in=[s.pk for s in active if s.status == SignupStatus.WAITLISTED]
    ).update(during=during)
    clashing = []
    for signup in active:
        signup.during = during
        if signup.status != SignupStatus.CONFIRMED:
            continue
        try:
            with transaction.atomic():
                signup.save(update_fields=["during"])
        except IntegrityError:
            clashing.append(signup)
    promoted = []
    for signup in clashing:
        promoted += PLACES.release(signup, to=SignupStatus.WITHDRAWN).promoted
        notification_cancel(dedupe_key=f"shift-reminder:{signup.pk}")
        _notify(signup, "shift_changed_conflict")
    promoted_ids = {p.pk for p in promoted}
    for signup in active:
        if signup in clashing:
            continue
        notification_cancel(dedupe_key=f"shift-reminder:{signup.pk}")
        Notification.objects.filter(dedupe_key=f"shift-reminder:{signup.pk}").delete()
        if signup.pk in promoted_ids:
            signup.status = SignupStatus.CONFIRMED
            _notify(signup, "signup_promoted")
        if signup.status == SignupStatus.CONFIRMED:
            _remind(signup)
        _notify(signup, "shift_changed")
    shift.places_taken = PLACES.lock(shift.pk).places_taken
    return len(active)


def shift_message(*, shift: Shift, message: str, by) -> int:
    """A coordinator's message to everyone signed up for a shift."""
    signups = list(
        shift.signups.filter(status__in=SignupStatus.active()).select_related("volunteer")
    )
    for signup in signups:
        if signup.volunteer is None:
            continue
        notification_enqueue(
            template="frivillighet/email/shift_message",
            context={
                "shift": shift,
                "opportunity": shift.opportunity,
                "hub": shift.opportunity.hub,
                "message": message,
                "by": by,
            },
            recipient=signup.volunteer,
        )
    return len(signups)


def signup_check_in(*, signup: ShiftSignup, by=None) -> None:
    """The volunteer (``by``, the sign-up's own volunteer when not given) checks in
    themselves, under the rules of ``frivillighet.permissions.check_in_refusal``."""
    refusal = check_in_refusal(by or signup.volunteer, signup)
    if refusal:
        raise DomainError(refusal)
    signup.checked_in_at = timezone.now()
    signup.save(update_fields=["checked_in_at"])


def signup_check_out(*, signup: ShiftSignup, by=None) -> None:
    refusal = check_out_refusal(by or signup.volunteer, signup)
    if refusal:
        raise DomainError(refusal)
    signup.checked_out_at = timezone.now()
    seconds = (
        signup.checked_out_at - max(signup.checked_in_at, signup.shift.starts_at)
    ).total_seconds()
    signup.hours = Decimal(str(round(max(seconds, 0) / 3600, 2)))
    signup.save(update_fields=["checked_out_at", "hours"])


@transaction.atomic
def shift_save(*, shift: Shift, changed_fields: set[str] = frozenset()) -> Shift:
    """Create a shift, or save one changed in the admin (with the fields its form changed).
    A new time goes through shift_change_time (those signed up are told, reminders move);
    the places are counted under the shift's lock, never taken from the object (read
    before a volunteer may have taken one); a new capacity promotes from the waiting list."""
    if shift.pk is None:
        shift.save()
        return shift
    if {"starts_at", "ends_at"} & set(changed_fields):
        shift_change_time(shift=shift, starts_at=shift.starts_at, ends_at=shift.ends_at)
    shift.places_taken = PLACES.recount(shift.pk)
    shift.save()
    if "capacity" in changed_fields:
        shift_change_capacity(shift=shift, capacity=shift.capacity)
    return shift


@transaction.atomic
def volunteer_profile_save(*, user, districts=(), **fields) -> VolunteerProfile:
    """The volunteer's own profile: skills, languages, districts, availability, consent."""
    profile = VolunteerProfile.objects.filter(user=user).first() or VolunteerProfile(user=user)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    profile.districts.set(districts)
    return profile


@transaction.atomic
def volunteer_profile_record_police_certificate(
    *, profile: VolunteerProfile, checked_on: date | None, valid_until: date | None
) -> VolunteerProfile:
    """A coordinator records that a police certificate was checked, and until when it is
    valid (never the certificate itself)."""
    profile.police_certificate_checked_on = checked_on
    profile.police_certificate_valid_until = valid_until
    profile.save(update_fields=["police_certificate_checked_on", "police_certificate_valid_until"])
    return profile
