"""API tokens: one per application (a municipality's web site, its app, an integration),
scoped to one municipality, for the staff reads of the API.

Only a digest of the token is stored (SHA-256: the token is 256 random bits, so no slow
hash is needed to make guessing hopeless); the token itself is shown once, when it is
created. A token expires, can be revoked, and is rate-limited per minute."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knutepunkt.models import Municipality


class ApiToken(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("application"),
        max_length=120,
        help_text=_("What uses the token, e.g. the municipality's web site or booking system."),
    )
    prefix = models.CharField(
        _("token begins with"),
        max_length=12,
        editable=False,
        help_text=_("The first characters of the token, to recognise it."),
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=120,
        help_text=_("More requests than this in a minute are refused until the next minute."),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["municipality__name", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requests_per_minute__gte=1, requests_per_minute__lte=10_000),
                name="api_token_rate_limit_in_range",
                violation_error_message=_("Between 1 and 10,000 requests per minute."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, at=None) -> bool:
        return self.expires_at <= (at or timezone.now())

    def is_usable(self, at=None) -> bool:
        return not self.is_revoked and not self.is_expired(at)
