"""Pages of seasonal allocation: the public page of a round, the applicant's pages
(apply, change until the deadline, receipt, decision, accept or decline) and the staff's
allocation tool. Views parse input, ask the permission module and call a service."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from booking.enums import ResourceKind
from booking.models import Resource
from hubportal.core.errors import DomainError
from hubportal.core.params import id_param

from . import permissions as sesong_permissions
from . import selectors, services
from .enums import AllocationStatus, ApplicationStatus, Outcome, PriorityCategory, RoundState
from .forms import AllocationForm, ApplicationForm, DecisionForm, wish_forms
from .models import Allocation, Application, ApplicationRound

# --------------------------------------------------------------------------- public


@require_GET
def rounds(request):
    return render(request, "sesong/rounds.html", {"rounds": selectors.rounds_open_to_the_public()})


def _round_or_404(request, round_id) -> ApplicationRound:
    round = get_object_or_404(ApplicationRound.objects.select_related("municipality"), pk=round_id)
    if round.state not in RoundState.public() and not sesong_permissions.can_view_round_as_staff(
        request.user, round
    ):
        raise Http404
    return round


@require_GET
def round_page(request, round):
    round = _round_or_404(request, round)
    rooms = selectors.rooms_of_round(round)
    own = (
        list(selectors.applications_of(user=request.user, round=round))
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "sesong/round.html",
        {
            "round": round,
            "rooms": rooms,
            "municipality": round.municipality,
            "priority_labels": [PriorityCategory(c).label for c in round.priority_order],
            "own_applications": own,
            "may_apply": request.user.is_authenticated
            and sesong_permissions.organisations_to_apply_for(request.user).exists(),
            "is_open": round.state == RoundState.OPEN and round.closes_at > timezone.now(),
            "may_allocate": sesong_permissions.can_allocate(request.user, round),
        },
    )


# --------------------------------------------------------------------------- applicants


def _application_forms(request, round, *, application=None):
    organisations = sesong_permissions.organisations_to_apply_for(request.user).filter(
        municipality=round.municipality
    )
    add_ons = Resource.objects.filter(
        municipality=round.municipality, kind__in=ResourceKind.add_ons()
    ).select_related("hub")
    if round.hubs.exists():
        add_ons = add_ons.filter(hub__in=round.hubs.all())
    initial, wishes_initial = None, ()
    if application is not None:
        initial = {
            "organisation": application.organisation_id,
            "activity_name": application.activity_name,
            "age_group": application.age_group,
            "participants": application.participants,
            "contact_name": application.contact_name,
            "contact_email": application.contact_email,
            "contact_phone": application.contact_phone,
            "consent_to_partial": application.consent_to_partial,
            "add_ons": list(application.add_ons.values_list("pk", flat=True)),
        }
        wishes_initial = [
            {
                "weekday": w.weekday,
                "starts_at": w.starts_at,
                "ends_at": w.ends_at,
                "frequency": w.frequency,
                "resource": w.resource_id,
                "hub": w.hub_id,
                "facilities": w.facilities,
            }
            for w in application.wishes.order_by("preference")
        ]
    elif request.user.is_authenticated:
        initial = {
            "contact_name": request.user.get_full_name(),
            "contact_email": request.user.email,
        }
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, organisations=organisations, add_ons=add_ons, initial=initial)
    if application is not None:
        form.fields["organisation"].disabled = True
    return form, wish_forms(data, round=round, initial=wishes_initial)


def _submitted_data(form, wishes) -> services.ApplicationData | None:
    rows_valid = [w.is_valid() for w in wishes]  # every row validated: each shows its errors
    if not form.is_valid() or not all(rows_valid):
        return None
    data = form.cleaned_data
    return services.ApplicationData(
        organisation=data["organisation"],
        activity_name=data["activity_name"],
        age_group=data["age_group"],
        participants=data["participants"],
        contact_name=data["contact_name"],
        contact_email=data["contact_email"],
        contact_phone=data.get("contact_phone", ""),
        consent_to_partial=data["consent_to_partial"],
        add_ons=list(data.get("add_ons") or ()),
        wishes=[w.wish() for w in wishes if not w.is_blank()],
    )


def _render_form(request, round, form, wishes, application=None):
    failed = bool(form.errors or any(w.errors for w in wishes))
    if failed and not form.errors:
        form.add_error(None, _("Check the weekly times marked below."))
    return render(
        request,
        "sesong/apply.html",
        {
            "round": round,
            "form": form,
            "wishes": wishes,
            "application": application,
            "municipality": round.municipality,
            "rooms": selectors.rooms_of_round(round),
        },
        status=400 if failed else 200,
    )


@login_required
def apply(request, round):
    round = _round_or_404(request, round)
    form, wishes = _application_forms(request, round)
    if request.method == "POST":
        data = _submitted_data(form, wishes)
        if data is not None:
            try:
                application = services.application_submit(by=request.user, round=round, data=data)
            except DomainError as refused:
                refused.add_to_form(form)
            else:
                messages.success(
                    request,
                    _("The application is received. Reference: %(reference)s.")
                    % {"reference": application.reference},
                )
                return redirect(application.get_absolute_url())
    return _render_form(request, round, form, wishes)


def _application_for(request, application_id) -> Application:
    application = (
        Application.objects.select_related("round__municipality", "organisation")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not sesong_permissions.can_view_application(
        request.user, application
    ):
        raise Http404  # another organisation's application does not exist for you
    return application


@login_required
def change(request, application):
    application = _application_for(request, application)
    round = application.round
    if not sesong_permissions.can_apply_for(request.user, application.organisation):
        raise Http404
    form, wishes = _application_forms(request, round, application=application)
    if request.method == "POST":
        data = _submitted_data(form, wishes)
        if data is not None:
            try:
                services.application_change(by=request.user, application=application, data=data)
            except DomainError as refused:
                refused.add_to_form(form)
            else:
                messages.success(request, _("The application is changed."))
                return redirect(application.get_absolute_url())
    return _render_form(request, round, form, wishes, application)


def _published(application: Application) -> bool:
    return application.round.state in (RoundState.PUBLISHED, RoundState.CLOSED)


@login_required
@require_GET
def application_page(request, application):
    application = _application_for(request, application)
    round = application.round
    applicant = sesong_permissions.can_apply_for(request.user, application.organisation)
    decision = getattr(application, "decision", None)
    show_result = _published(application) or sesong_permissions.can_decide(
        request.user, application
    )
    allocations = (
        application.allocations.exclude(status=AllocationStatus.PROPOSED)
        if not sesong_permissions.can_decide(request.user, application)
        else application.allocations.all()
    )
    return render(
        request,
        "sesong/application.html",
        {
            "application": application,
            "round": round,
            "municipality": round.municipality,
            "wishes": application.wishes.select_related("resource__hub", "hub").order_by(
                "preference"
            ),
            "decision": decision if show_result else None,
            "allocations": allocations.select_related("resource__hub", "booking").order_by(
                "weekday", "starts_at"
            )
            if show_result
            else [],
            "may_change": applicant
            and application.status == ApplicationStatus.SUBMITTED
            and round.state == RoundState.OPEN
            and timezone.now() < round.closes_at,
            "may_answer": applicant
            and round.state == RoundState.PUBLISHED
            and decision is not None
            and decision.outcome != Outcome.REFUSED
            and not decision.response
            and timezone.now() <= round.accept_by,
            "may_decide": sesong_permissions.can_decide(request.user, application)
            and round.state in RoundState.allocating(),
            "decision_form": DecisionForm(
                initial={"outcome": decision.outcome, "reason": decision.reason}
                if decision
                else None
            ),
        },
    )


@login_required
@require_GET
def my_applications(request):
    return render(
        request,
        "sesong/my_applications.html",
        {
            "applications": selectors.applications_of(user=request.user).filter(
                organisation__in=sesong_permissions.organisations_to_apply_for(request.user)
            )
        },
    )


@login_required
@require_POST
def withdraw(request, application):
    application = _application_for(request, application)
    try:
        services.application_withdraw(by=request.user, application=application)
    except DomainError as refused:
        refused.add_to_messages(request)
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect(application.get_absolute_url())


@login_required
@require_POST
def answer(request, application):
    application = _application_for(request, application)
    choice = request.POST.get("answer")
    try:
        if choice == "accept":
            report = services.allocation_accept(by=request.user, application=application)
            messages.success(
                request,
                _("Accepted: %(n)d times are booked. Days the hub is closed are left out.")
                % {"n": report.booked},
            )
            for problem in report.skipped:
                messages.warning(request, str(problem))
        elif choice == "decline":
            services.allocation_decline(by=request.user, application=application)
            messages.success(request, _("Declined: the times are given to others."))
        else:
            messages.error(request, _("Choose to accept or to decline."))
    except DomainError as refused:
        refused.add_to_messages(request)
    return redirect(application.get_absolute_url())


@login_required
@require_GET
def decision_document(request, application):
    """One printable decision document per applicant (for the archive, too)."""
    application = _application_for(request, application)
    decision = getattr(application, "decision", None)
    if decision is None or not (
        _published(application) or sesong_permissions.can_decide(request.user, application)
    ):
        raise Http404
    return render(
        request,
        "sesong/decision.html",
        {
            **services._decision_context(application, application.round),
            "wishes": application.wishes.select_related("resource", "hub").order_by("preference"),
        },
    )


# --------------------------------------------------------------------------- staff


def _round_for_staff(request, round_id) -> ApplicationRound:
    round = get_object_or_404(ApplicationRound.objects.select_related("municipality"), pk=round_id)
    if not sesong_permissions.can_view_round_as_staff(request.user, round):
        raise Http404  # another municipality's round does not exist for its staff
    return round


@login_required
@require_GET
def allocation_tool(request, round):
    round = _round_for_staff(request, round)
    rooms = selectors.rooms_of_round(round)
    if not rooms:
        raise Http404
    chosen_id = id_param(request.GET.get("rom"), "rom")
    resource = next((r for r in rooms if r.pk == chosen_id), rooms[0])
    applications = Application.objects.filter(
        round=round, status=ApplicationStatus.SUBMITTED
    ).select_related("organisation")
    context = {
        "round": round,
        "municipality": round.municipality,
        "rooms": rooms,
        "resource": resource,
        "days": (days := selectors.allocation_grid(round, resource)),
        "matrix": selectors.week_matrix(days),
        "totals": selectors.applicant_totals(round),
        "usage": selectors.usage_by_category(round),
        "may_allocate": sesong_permissions.can_allocate(request.user, round),
        "allocating": round.state == RoundState.ALLOCATING,
        "next_state": (following := RoundState.next_of(round.state)),
        "next_state_label": RoundState(following).label if following else "",
        "allocation_form": AllocationForm(
            applications=applications,
            rooms=Resource.objects.filter(pk__in=[r.pk for r in rooms]),
            initial={"resource": resource.pk},
        ),
    }
    template = "sesong/_grid.html" if request.htmx else "sesong/tool.html"
    return render(request, template, context)


def _tool_url(round, resource_id=None) -> str:
    url = reverse("sesong:tool", kwargs={"round": round.pk})
    return f"{url}?rom={resource_id}" if resource_id else url


@login_required
@require_POST
def run_proposal(request, round):
    round = _round_for_staff(request, round)
    try:
        report = services.proposal_run(by=request.user, round=round)
    except DomainError as refused:
        refused.add_to_messages(request)
    else:
        messages.success(
            request,
            _("Proposal made: %(n)d allocations for %(w)d wishes; %(f)d first wishes given.")
            % {"n": report.allocations, "w": report.wishes, "f": report.first_wishes},
        )
    return redirect(_tool_url(round, id_param(request.POST.get("rom"), "rom")))


@login_required
@require_POST
def set_allocation(request, round):
    round = _round_for_staff(request, round)
    rooms = Resource.objects.filter(pk__in=round.round_resources.values("resource_id"))
    form = AllocationForm(
        request.POST,
        applications=Application.objects.filter(round=round, status=ApplicationStatus.SUBMITTED),
        rooms=rooms,
    )
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {error}"
                )
        return redirect(_tool_url(round, id_param(request.POST.get("resource"), "resource")))
    data = form.cleaned_data
    replaces = (
        Allocation.objects.filter(round=round, pk=data["replaces"]).first()
        if data.get("replaces")
        else None
    )
    wish = (
        replaces.wish
        if replaces
        else data["application"]
        .wishes.filter(weekday=data["weekday"], starts_at__lte=data["starts_at"])
        .order_by("preference")
        .first()
    )
    try:
        services.allocation_set(
            by=request.user,
            application=data["application"],
            resource=data["resource"],
            weekday=data["weekday"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            frequency=data["frequency"],
            parity=data["parity"],
            wish=wish,
            replaces=replaces,
        )
    except DomainError as refused:
        refused.add_to_messages(request)
    else:
        messages.success(request, _("The allocation is set."))
    return redirect(_tool_url(round, data["resource"].pk))


@login_required
@require_POST
def remove_allocation(request, allocation):
    allocation = get_object_or_404(Allocation.objects.select_related("round"), pk=allocation)
    round = _round_for_staff(request, allocation.round_id)
    resource_id = allocation.resource_id
    try:
        services.allocation_remove(by=request.user, allocation=allocation)
    except DomainError as refused:
        refused.add_to_messages(request)
    else:
        messages.success(request, _("The allocation is removed."))
    return redirect(_tool_url(round, resource_id))


TRANSITIONS = {
    RoundState.OPEN: services.round_open,
    RoundState.ALLOCATING: services.round_start_allocating,
    RoundState.DECIDED: services.round_decide,
    RoundState.PUBLISHED: services.round_publish,
    RoundState.CLOSED: services.round_close,
}


@login_required
@require_POST
def change_state(request, round):
    round = _round_for_staff(request, round)
    target = request.POST.get("to", "")
    if target not in TRANSITIONS:
        messages.error(request, _("Choose the state to move the round to."))
        return redirect(_tool_url(round))
    try:
        result = TRANSITIONS[target](by=request.user, round=round)
    except DomainError as refused:
        refused.add_to_messages(request)
    else:
        messages.success(
            request, _("The round is now: %(state)s.") % {"state": RoundState(target).label}
        )
        if isinstance(result, services.PublicationReport):
            for clash in result.clashes:
                messages.warning(request, str(clash))
    return redirect(_tool_url(round))


@login_required
@require_POST
def decide(request, application):
    application = _application_for(request, application)
    if not sesong_permissions.can_decide(request.user, application):
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_set(
                by=request.user,
                application=application,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as refused:
            refused.add_to_messages(request)
        else:
            messages.success(request, _("The decision is saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(application.get_absolute_url())


@login_required
@require_GET
def journal_export(request, round, format):
    round = _round_for_staff(request, round)
    rows = selectors.journal_rows(round)
    if format == "json":
        response = HttpResponse(
            json.dumps(
                {"round": round.name, "municipality": round.municipality.name, "entries": rows},
                ensure_ascii=False,
                indent=2,
            ),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="sesong-{round.pk}-journal.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sesong-{round.pk}-journal.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(selectors.JOURNAL_COLUMNS)
    for row in rows:
        writer.writerow([_csv_safe(row[column]) for column in selectors.JOURNAL_COLUMNS])
    return response


def _csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
