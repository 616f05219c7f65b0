"""django-allauth adapters: account emails go through the notification outbox, in the
recipient's language, and a new account remembers the language it was created in."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth import get_user_model
from django.utils import translation

from hubportal.notifications.services import notification_enqueue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        if user is None or not getattr(user, "pk", None):
            user = get_user_model().objects.filter(email__iexact=email).first()
        # Signed-out flows (password reset) answer in the language the page was read in.
        language = translation.get_language() if self.request is not None else None
        if user is not None and self.request is not None and self.request.user.is_authenticated:
            language = user.language
        context = {key: value for key, value in context.items() if key != "request"}
        notification_enqueue(
            template=template_prefix,
            context=context,
            recipient=user,
            to_address=email,
            language=language,
        )

    def save_user(self, request, user, form, commit=True):
        user.language = (translation.get_language() or "nb")[:2]
        return super().save_user(request, user, form, commit=commit)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request, sociallogin, form=None):
        sociallogin.user.language = (translation.get_language() or "nb")[:2]
        return super().save_user(request, sociallogin, form)
