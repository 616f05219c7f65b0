"""Who may do what in volunteering: staff of a municipality (and of its hubs, for what
happens at their hub) and the organisations' own coordinators, whose memberships are kept
here, so this app is the membership source of association coordinators. Also the
volunteer's own questions: may I check in to this shift now?"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hubportal import permissions
from hubportal.permissions import ALL_ACTIONS, EDIT, READ, Policy, Role, Scope, register

from .enums import MemberRole, SignupStatus
from .models import Organisation, OrganisationMember, ShiftSignup

# Self check-in opens this long before a shift starts, and closes when it ends.
CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)


def _coordinators(kind: str, ids: set[int] | None) -> QuerySet | None:
    if kind != "organisation_ids":
        return None
    found = OrganisationMember.objects.filter(role=MemberRole.COORDINATOR)
    if ids is not None:
        found = found.filter(organisation_id__in=ids)
    return found.values("user_id")


@permissions.membership_source(members=_coordinators)
def _organisation_coordinators(user, scope: Scope) -> None:
    scope.organisation_ids.update(
        OrganisationMember.objects.filter(user=user, role=MemberRole.COORDINATOR).values_list(
            "organisation_id", flat=True
        )
    )


register(
    "frivillighet.organisation",
    Policy(
        municipality=("municipality",),
        hub_staff=frozenset(),
        staff_in_municipality=EDIT,
        organisation=("pk",),
        coordinator=EDIT,
        finance=READ,  # the payers of the municipality's invoices
    ),
)
register(
    "frivillighet.activity",
    Policy(
        municipality=("organisation__municipality",),
        hub_staff=frozenset(),
        staff_in_municipality=READ,
        organisation=("organisation",),
        coordinator=ALL_ACTIONS,
    ),
)
register(
    "frivillighet.cooperationagreement",
    Policy(
        municipality=("municipality",),
        hub=("hub",),
        organisation=("organisation",),
        coordinator=READ,
    ),
)
register(
    "frivillighet.opportunity",
    Policy(
        municipality=("hub__municipality",),
        hub=("hub",),
        organisation=("organisation",),
        coordinator=ALL_ACTIONS,
    ),
)
register(
    "frivillighet.shift",
    Policy(
        municipality=("opportunity__hub__municipality",),
        hub=("opportunity__hub",),
        organisation=("opportunity__organisation",),
        coordinator=ALL_ACTIONS,
    ),
)
register(
    "frivillighet.shiftsignup",
    Policy(
        municipality=("shift__opportunity__hub__municipality",),
        hub=("shift__opportunity__hub",),
        organisation=("shift__opportunity__organisation",),
        coordinator=EDIT,
    ),
)
register(
    "frivillighet.shifttemplate",
    Policy(
        municipality=("opportunity__hub__municipality",),
        hub=("opportunity__hub",),
        organisation=("opportunity__organisation",),
        coordinator=ALL_ACTIONS,
    ),
)
register(
    "frivillighet.organisationmember",
    Policy(
        municipality=("organisation__municipality",),
        hub_staff=frozenset(),
        organisation=("organisation",),
        coordinator=ALL_ACTIONS,
    ),
)


# --------------------------------------------------------------------------- questions


def can_coordinate(user, organisation) -> bool:
    """Does this user act for the organisation as its coordinator (book rooms on its
    behalf with its agreement's benefits, invite members)? A membership, not a right:
    staff and superusers coordinate only organisations they are coordinators of."""
    return organisation.pk in permissions.scope_of(user).organisation_ids


def organisations_coordinated_by(user) -> QuerySet:
    return Organisation.objects.filter(pk__in=permissions.scope_of(user).organisation_ids)


def coordinators_by_organisation(organisation_ids) -> dict[int, list]:
    """The coordinators of each organisation, in one query for any number of them."""
    result: dict[int, list] = defaultdict(list)
    for member in OrganisationMember.objects.filter(
        organisation_id__in=list(organisation_ids), role=MemberRole.COORDINATOR
    ).select_related("user"):
        if member.user.is_active:
            result[member.organisation_id].append(member.user)
    return result


def agreement_staff_to_tell(agreement) -> QuerySet:
    """Who hears about an agreement (e.g. that it ends soon): the administrators of its
    municipality and, for an agreement with one hub, that hub's staff."""
    return permissions.users_who_can(
        permissions.Action.CHANGE, agreement, roles={Role.MUNICIPALITY_ADMIN, Role.HUB_STAFF}
    )


def can_manage_members(user, organisation) -> bool:
    """Invite members and coordinators: its coordinators and the municipality's staff."""
    return permissions.can(user, permissions.Action.CHANGE, organisation)


def is_own_signup(user, signup: ShiftSignup) -> bool:
    """Is this sign-up the user's own (to withdraw, check in, see in my shifts)?"""
    return user.is_authenticated and signup.volunteer_id == user.pk


def check_in_refusal(user, signup: ShiftSignup, *, now=None) -> str | None:
    """Why the user may not check in to this sign-up now (None: they may). Only the
    volunteer themselves, on a confirmed sign-up of a shift that allows self check-in and
    is not cancelled, from half an hour before it starts until it ends, once."""
    shift = signup.shift
    if not is_own_signup(user, signup):
        return _("This is not your sign-up.")
    if not shift.opportunity.allow_self_check_in:
        return _("The coordinator records attendance for this shift.")
    if signup.status != SignupStatus.CONFIRMED or shift.is_cancelled:
        return _("Only a confirmed place on the shift can be checked in.")
    if signup.checked_in_at is not None:
        return _("You are already checked in.")
    now = now or timezone.now()
    if not (shift.starts_at - CHECK_IN_OPENS_BEFORE <= now <= shift.ends_at):
        return _("You can check in from half an hour before the shift until it ends.")
    return None


def can_check_in(user, signup: ShiftSignup, *, now=None) -> bool:
    return check_in_refusal(user, signup, now=now) is None


def check_out_refusal(user, signup: ShiftSignup) -> str | None:
    """Why the user may not check out of this sign-up (None: they may)."""
    if not is_own_signup(user, signup):
        return _("This is not your sign-up.")
    if signup.checked_in_at is None:
        return _("Check in first.")
    if signup.checked_out_at is not None:
        return _("You are already checked out.")
    return None


def can_check_out(user, signup: ShiftSignup) -> bool:
    return check_out_refusal(user, signup) is None


def may_record_police_certificates(user) -> bool:
    """Staff and coordinators record that a volunteer's police certificate was checked."""
    return permissions.is_staff_or_coordinator_anywhere(user)


def volunteer_profiles_visible_to(user, queryset: QuerySet) -> QuerySet:
    """The volunteer profiles of the queryset the user may see: superusers every one, staff
    and coordinators those of volunteers who signed up for shifts they may see."""
    if permissions.is_installation_admin(user):
        return queryset
    if not may_record_police_certificates(user):
        return queryset.none()
    signups = permissions.scoped(user, permissions.Action.VIEW, ShiftSignup.objects.all())
    return queryset.filter(user__shift_signups__in=signups).distinct()
