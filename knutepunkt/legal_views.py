"""The legal and trust pages: each municipality's accessibility statement (with a form to
report a problem) and privacy statement, the cookie notice, and installation-wide lists of
the municipalities' statements. The statements are cached like every portal page; an edit
in the admin shows at once (the services bump the municipality's content version)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hubportal.core.page_cache import cached_page
from hubportal.core.rate_limit import client_address, rate_limit_consume

from . import selectors, services
from .forms import AccessibilityFeedbackForm
from .legal import necessary_cookies, personal_data
from .models import AccessibilityStatement, Municipality, PrivacyStatement

# A person reporting problems sends a few reports; a script sends many.
FEEDBACK_LIMIT = 5
FEEDBACK_WINDOW_SECONDS = 3600


def _municipality(slug: str) -> Municipality:
    return get_object_or_404(Municipality, slug=slug)


@require_GET
def accessibility_statement(request, municipality):
    slug = municipality

    def build():
        municipality = _municipality(slug)
        statement = AccessibilityStatement.objects.filter(municipality=municipality).first()
        context = {
            "municipality": municipality,
            "statement": statement,
            "is_written": bool(statement and statement.is_written),
        }
        return render(request, "knutepunkt/legal/accessibility.html", context), None

    return cached_page(request, scopes=(selectors.municipality_scope(slug),), build=build)


@require_http_methods(["GET", "POST"])
def accessibility_feedback(request, municipality):
    """GET: the form (or the thank-you after sending); POST: send the report to the
    municipality's feedback address through the outbox, then redirect (POST/redirect/GET)."""
    municipality = _municipality(municipality)
    statement = AccessibilityStatement.objects.filter(municipality=municipality).first()
    accepts = bool(statement and statement.feedback_email)
    form = AccessibilityFeedbackForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and accepts:
        if not form.is_valid():
            status = 400
        elif not rate_limit_consume(
            action="accessibility-feedback",
            key=f"{municipality.pk}:{client_address(request)}",
            limit=FEEDBACK_LIMIT,
            window_seconds=FEEDBACK_WINDOW_SECONDS,
        ):
            form.add_error(
                None,
                _(
                    "You have sent many reports in a short time, so this one was not sent. "
                    "Please try again in an hour, or contact the municipality by email or phone."
                ),
            )
            status = 429
        else:
            try:
                services.accessibility_feedback_send(
                    municipality=municipality,
                    language=(get_language() or "nb")[:2],
                    **form.cleaned_data,
                )
            except services.FeedbackNotAccepted:  # the address was removed meanwhile
                accepts, status = False, 400
            else:
                return redirect(request.path + "?sendt=1")
    elif request.method == "POST":
        status = 400
    context = {
        "municipality": municipality,
        "statement": statement,
        "accepts": accepts,
        "form": form,
        "sent": request.method == "GET" and request.GET.get("sendt") == "1",
    }
    return render(request, "knutepunkt/legal/accessibility_feedback.html", context, status=status)


@require_GET
def privacy_statement(request, municipality):
    slug = municipality

    def build():
        municipality = _municipality(slug)
        context = {
            "municipality": municipality,
            "statement": PrivacyStatement.objects.filter(municipality=municipality).first(),
            "personal_data": personal_data(),
        }
        return render(request, "knutepunkt/legal/privacy.html", context), None

    return cached_page(request, scopes=(selectors.municipality_scope(slug),), build=build)


@require_GET
def cookie_notice(request):
    def build():
        context = {"cookies": necessary_cookies()}
        return render(request, "knutepunkt/legal/cookies.html", context), None

    return cached_page(request, scopes=(), build=build)


@require_GET
def statements_index(request, kind):
    """Outside a municipality the footer links here: each municipality's statement."""

    def build():
        context = {"kind": kind, "municipalities": list(Municipality.objects.order_by("name"))}
        return render(request, "knutepunkt/legal/index.html", context), None

    return cached_page(request, scopes=(), build=build)
