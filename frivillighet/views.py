from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hubportal import permissions
from hubportal.core.audit import audit_personal_data
from hubportal.core.errors import DomainError
from hubportal.core.exports import csv_download
from hubportal.core.lists import capped, paginated
from hubportal.core.params import date_param, id_param, text_param
from hubportal.permissions import Action
from knutepunkt.models import District

from . import selectors, services
from .enums import (
    AgeGroup,
    AgreementStatus,
    ListingStatus,
    MemberRole,
    OrganisationKind,
    SignupStatus,
)
from .forms import InviteForm, OrganisationRequestForm, ShiftMessageForm, VolunteerProfileForm
from .models import (
    Activity,
    Opportunity,
    Organisation,
    Shift,
    ShiftSignup,
    VolunteerProfile,
)
from .permissions import can_manage_members, is_own_signup

ORGANISATIONS_PER_PAGE = 20
OPPORTUNITY_LIMIT = 20
RECENT_SIGNUPS_LIMIT = 20


@require_GET
def directory(request):
    """The resource directory: listed organisations and their activities, filtered."""
    organisations = Organisation.objects.filter(listing=ListingStatus.APPROVED)
    district_id = id_param(request.GET.get("district"), "district")
    district = District.objects.filter(pk=district_id).first() if district_id else None
    if district:
        organisations = organisations.filter(districts=district)
    if request.GET.get("kind") in OrganisationKind.values:
        organisations = organisations.filter(kind=request.GET["kind"])
    category = text_param(request.GET.get("category"), "category")
    if category:
        organisations = organisations.filter(categories__contains=[category])
    activities = Activity.objects.all()
    if request.GET.get("age") in AgeGroup.values:
        activities = activities.filter(age_groups__contains=[request.GET["age"]])
        organisations = organisations.filter(activities__in=activities)
    if request.GET.get("free"):
        activities = activities.filter(free_for_children=True)
        organisations = organisations.filter(activities__free_for_children=True)
    organisations = paginated(
        request,
        organisations.distinct().select_related("municipality").order_by("name", "pk"),
        per_page=ORGANISATIONS_PER_PAGE,
    )
    opportunities, opportunities_more = capped(
        Opportunity.objects.filter(shifts__starts_at__gt=timezone.now())
        .distinct()
        .select_related("hub")
        .order_by("title"),
        OPPORTUNITY_LIMIT,
    )
    context = {
        "organisations": organisations,
        "opportunities": opportunities,
        "opportunities_more": opportunities_more,
        "opportunities_limit": OPPORTUNITY_LIMIT,
        "districts": District.objects.select_related("municipality").order_by(
            "municipality__name", "name"
        ),
        "district": district,
        "ages": AgeGroup.choices,
        "kinds": OrganisationKind.choices,
    }
    template = (
        "frivillighet/_directory_results.html" if request.htmx else "frivillighet/directory.html"
    )
    return render(request, template, context)


@require_GET
def organisation_page(request, organisation):
    organisation = get_object_or_404(Organisation, pk=organisation, listing=ListingStatus.APPROVED)
    context = {
        "organisation": organisation,
        "activities": organisation.activities.all(),
        "agreements": organisation.agreements.filter(status=AgreementStatus.ACTIVE).select_related(
            "hub", "municipality"
        ),
    }
    return render(request, "frivillighet/organisation.html", context)


@require_GET
def opportunity_page(request, opportunity):
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("hub", "organisation"), pk=opportunity
    )
    shifts = opportunity.shifts.filter(starts_at__gt=timezone.now(), is_cancelled=False)
    mine = set()
    if request.user.is_authenticated:
        mine = set(
            ShiftSignup.objects.filter(
                volunteer=request.user, shift__in=shifts, status__in=SignupStatus.active()
            ).values_list("shift_id", flat=True)
        )
    return render(
        request,
        "frivillighet/opportunity.html",
        {"opportunity": opportunity, "shifts": shifts, "mine": mine},
    )


@login_required
@require_POST
def signup(request, shift):
    shift = get_object_or_404(Shift, pk=shift)
    try:
        result = services.shift_signup(shift=shift, volunteer=request.user)
    except DomainError as refused:
        refused.add_to_messages(request)
    else:
        if result.status == SignupStatus.CONFIRMED:
            messages.success(request, _("You are signed up. We have sent you a confirmation."))
        else:
            messages.info(request, _("The shift is full, so you are on the waiting list."))
    return redirect(shift.opportunity.get_absolute_url())


@login_required
@require_POST
def withdraw(request, signup):
    signup = ShiftSignup.objects.filter(pk=signup).first()
    if signup is None or not is_own_signup(request.user, signup):
        raise Http404
    services.shift_withdraw(signup=signup)
    messages.success(request, _("You have withdrawn from the shift."))
    return redirect("frivillighet:my_shifts")


@login_required
@require_GET
def my_shifts(request):
    context = selectors.volunteer_shifts(user=request.user)
    return render(request, "frivillighet/my_shifts.html", context)


@login_required
@require_GET
def dashboard(request):
    """For coordinators and staff: unfilled shifts in the next 14 days, recent sign-ups,
    no-shows and hours per volunteer, for what they may see."""
    if not permissions.can_some(request.user, Action.VIEW, Shift):
        raise Http404
    now = timezone.now()
    shifts = permissions.scoped(request.user, Action.VIEW, Shift.objects.all())
    unfilled = shifts.filter(
        starts_at__gt=now,
        starts_at__lt=now + timedelta(days=14),
        is_cancelled=False,
        places_taken__lt=F("capacity"),
    ).select_related("opportunity__hub")
    all_signups = permissions.scoped(request.user, Action.VIEW, ShiftSignup.objects.all())
    signups = all_signups
    period_start = date_param(request, "fra", default=(now - timedelta(days=90)).date())
    period_end = date_param(request, "til", default=(now + timedelta(days=14)).date())
    signups = signups.filter(
        shift__starts_at__date__gte=period_start, shift__starts_at__date__lte=period_end
    )
    per_organisation = (
        signups.values("shift__opportunity__organisation__name")
        .annotate(total=Sum("hours"), volunteers=Count("volunteer", distinct=True))
        .order_by("shift__opportunity__organisation__name")
    )
    hours = (
        signups.values("volunteer__email")
        .annotate(total=Sum("hours"), no_shows=Count("pk", filter=Q(no_show=True)))
        .order_by("volunteer__email")
    )
    if request.GET.get("format") == "csv":
        audit_personal_data(request.user, _("Exported hours per volunteer (CSV)"))
        return csv_download(
            "timer.csv",
            [_("Volunteer"), _("Hours volunteered"), _("No-shows")],
            (
                [row["volunteer__email"], row["total"] or 0, row["no_shows"]]
                for row in hours.iterator(chunk_size=2000)
            ),
        )
    recent, recent_more = capped(
        all_signups.select_related("volunteer", "shift__opportunity").order_by("-created_at"),
        RECENT_SIGNUPS_LIMIT,
    )
    context = {
        "unfilled": unfilled,
        "hours": hours,
        "per_organisation": per_organisation,
        "period_start": period_start,
        "period_end": period_end,
        "recent": recent,
        "recent_more": recent_more,
        "recent_limit": RECENT_SIGNUPS_LIMIT,
    }
    return render(request, "frivillighet/dashboard.html", context)


@login_required
def profile(request):
    """The volunteer profile: skills, languages, availability and consent (withdrawable)."""
    instance = VolunteerProfile.objects.filter(user=request.user).first() or VolunteerProfile(
        user=request.user
    )
    form = VolunteerProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and "delete" in request.POST:
        services.volunteer_delete_profile(user=request.user)
        messages.success(
            request,
            _("Your volunteer profile is deleted. Hours you gave are kept only anonymised."),
        )
        return redirect("frivillighet:directory")
    if request.method == "POST" and form.is_valid():
        services.volunteer_profile_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your volunteer profile is saved."))
        return redirect("frivillighet:profile")
    return render(
        request, "frivillighet/profile.html", {"form": form, "has_profile": instance.pk is not None}
    )


@login_required
def register_organisation(request):
    """An association asks to be listed in the directory; staff approve."""
    form = OrganisationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(
                coordinator=request.user, **form.cleaned_data
            )
        except DomainError as refused:
            refused.add_to_form(form)
        else:
            messages.success(
                request,
                _(
                    "Thank you! The municipality will look at your request "
                    "and list the organisation."
                ),
            )
            record = organisation.register_record
            messages.info(
                request,
                _("Enhetsregisteret knows the number as %(name)s (%(form)s), %(address)s.")
                % {
                    "name": record.name,
                    "form": record.organisation_form,
                    "address": record.full_address or "—",
                },
            )
            return redirect("frivillighet:directory")
    return render(
        request, "frivillighet/register.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def invite(request, organisation):
    organisation = get_object_or_404(Organisation, pk=organisation)
    if not can_manage_members(request.user, organisation):
        raise Http404
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.member_invite(organisation=organisation, by=request.user, **form.cleaned_data)
        messages.success(request, _("The invitation is sent."))
        return redirect("frivillighet:invite", organisation=organisation.pk)
    members = organisation.members.select_related("user")
    return render(
        request,
        "frivillighet/invite.html",
        {"organisation": organisation, "form": form, "members": members},
    )


@login_required
def accept_invitation(request, token):
    if request.method == "POST":
        try:
            member = services.member_accept(token=token, user=request.user)
        except DomainError as refused:
            return render(request, "frivillighet/accept.html", {"error": refused}, status=400)
        messages.success(request, _("Welcome to %(name)s!") % {"name": member.organisation.name})
        return redirect(
            "frivillighet:dashboard"
            if member.role == MemberRole.COORDINATOR
            else "frivillighet:directory"
        )
    return render(request, "frivillighet/accept.html", {})


@login_required
def shift_message(request, shift):
    shift = get_object_or_404(Shift.objects.select_related("opportunity__hub"), pk=shift)
    if not permissions.can(request.user, Action.CHANGE, shift):
        raise Http404
    form = ShiftMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = services.shift_message(
            shift=shift, message=form.cleaned_data["message"], by=request.user
        )
        messages.success(request, _("The message is sent to %(n)d volunteer(s).") % {"n": count})
        return redirect("frivillighet:dashboard")
    return render(request, "frivillighet/shift_message.html", {"shift": shift, "form": form})


@login_required
@require_POST
def check_in_out(request, signup):
    signup = ShiftSignup.objects.filter(pk=signup).select_related("shift__opportunity").first()
    if signup is None or not is_own_signup(request.user, signup):
        raise Http404
    try:
        if signup.checked_in_at is None:
            services.signup_check_in(signup=signup, by=request.user)
            messages.success(request, _("You are checked in."))
        else:
            services.signup_check_out(signup=signup, by=request.user)
            messages.success(request, _("You are checked out. Thank you!"))
    except DomainError as refused:
        refused.add_to_messages(request)
    return redirect("frivillighet:my_shifts")
