from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person who signs in with an email address (or through OpenID Connect)."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    # As the identity provider gave them (`given_name`, `family_name`), at each login.
    given_name = models.CharField(_("given name"), max_length=200, blank=True)
    family_name = models.CharField(_("family name"), max_length=200, blank=True)
    # E.164 ("+4793012345"), checked by hubportal.notifications.phone when entered.
    phone = models.CharField(
        _("mobile number"),
        max_length=20,
        blank=True,
        help_text=_("For text messages you have asked for (reminders, changes)."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Messages from the portal are sent in this language."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("A user with this email address already exists."),
            )
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class NationalIdentity(models.Model):
    """The person's national identity number (ID-porten's `pid`), kept only as a keyed hash
    (HMAC-SHA256 under OIDC_PID_HMAC_KEY, see hubportal.accounts.oidc.pid_digest). One person
    is one account: the database refuses a second account for the same number."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="national_identity",
    )
    pid_digest = models.CharField(_("national identity number (keyed hash)"), max_length=64)
    provider_id = models.CharField(_("identity provider"), max_length=100)
    first_seen = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        verbose_name = _("national identity")
        verbose_name_plural = _("national identities")
        constraints = [
            models.UniqueConstraint(
                fields=["pid_digest"],
                name="accounts_national_identity_one_account_per_person",
                violation_error_message=_(
                    "This national identity number belongs to another account."
                ),
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.pid_digest[:8]}…"


class IdentityProviderSession(models.Model):
    """A portal session that began with a login through an identity provider: its `iss`
    and `sid`, so that the provider's front-channel logout can end it."""

    session_key = models.CharField(_("session"), max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="identity_provider_sessions",
    )
    provider_id = models.CharField(_("identity provider"), max_length=100)
    issuer = models.CharField(_("issuer"), max_length=500)
    sid = models.CharField(_("provider session"), max_length=500)
    acr = models.CharField(_("security level"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("identity provider session")
        verbose_name_plural = _("identity provider sessions")
        indexes = [models.Index(fields=["issuer", "sid"], name="accounts_idp_session_iss_sid")]

    def __str__(self):
        return f"{self.provider_id} {self.sid}"
