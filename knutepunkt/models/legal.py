"""What each municipality publishes about its portal: the accessibility statement
(tilgjengelighetserklæring) and the municipality's addition to the privacy statement.

The text fields hold a small subset of HTML, sanitised with nh3 when saved
(``knutepunkt.legal.clean_rich_text``), so a template may show them as they are."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .places import Municipality

RICH_TEXT_HELP = _(
    "Plain text; blank lines separate paragraphs. Simple HTML (paragraphs, lists, links, "
    "bold, italics, headings from level 2) is kept; everything else is removed when saved."
)


class AccessibilityStatement(models.Model):
    municipality = models.OneToOneField(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="accessibility_statement",
    )
    uustatus_url = models.URLField(
        _("statement at uustatus.no"),
        blank=True,
        help_text=_(
            "The address of the municipality's accessibility statement made in uustatus.no, "
            "e.g. https://uustatus.no/nb/erklaringer/publisert/…. Leave empty if it is not "
            "published yet."
        ),
    )
    text = models.TextField(
        _("text of the statement"),
        blank=True,
        help_text=format_lazy(
            "{} {}",
            _("How accessible the portal is and what the municipality is doing about it."),
            RICH_TEXT_HELP,
        ),
    )
    known_deviations = models.TextField(
        _("known deviations"),
        blank=True,
        help_text=format_lazy(
            "{} {}", _("What does not meet the requirements yet, and when it will."), RICH_TEXT_HELP
        ),
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When the municipality last checked that the statement is right."),
    )
    feedback_email = models.EmailField(
        _("email for feedback"),
        blank=True,
        help_text=_(
            "Reports of accessibility problems from the feedback form are sent here. Without "
            "it, the form is not offered."
        ),
    )
    feedback_phone = models.CharField(_("phone for feedback"), max_length=30, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")
        ordering = ["municipality__name"]

    def __str__(self):
        return str(_("Accessibility statement")) + f" – {self.municipality}"

    def get_absolute_url(self):
        return reverse("knutepunkt:accessibility", kwargs={"municipality": self.municipality.slug})

    @property
    def is_written(self) -> bool:
        """Whether the municipality has written its own text (else a default is shown)."""
        return bool(self.pk and self.text.strip())


class PrivacyStatement(models.Model):
    """The municipality's part of the privacy statement; the rest is generated from what
    the portal stores (``knutepunkt.legal.personal_data``)."""

    municipality = models.OneToOneField(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="privacy_statement",
    )
    contact_email = models.EmailField(
        _("email for privacy questions"),
        blank=True,
        help_text=_("Where people write to use their rights, e.g. the municipality's postmottak."),
    )
    data_protection_officer = models.CharField(
        _("data protection officer"),
        max_length=300,
        blank=True,
        help_text=_("Name and/or email address of the municipality's personvernombud."),
    )
    addition = models.TextField(
        _("the municipality's addition"),
        blank=True,
        help_text=format_lazy(
            "{} {}",
            _(
                "Shown after the generated statement, e.g. a link to the municipality's "
                "own privacy pages."
            ),
            RICH_TEXT_HELP,
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("privacy statement")
        verbose_name_plural = _("privacy statements")
        ordering = ["municipality__name"]

    def __str__(self):
        return str(_("Privacy statement")) + f" – {self.municipality}"

    def get_absolute_url(self):
        return reverse("knutepunkt:privacy", kwargs={"municipality": self.municipality.slug})
