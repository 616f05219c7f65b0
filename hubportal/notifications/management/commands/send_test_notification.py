"""Check the email or SMS set-up end to end: queue a test message through the outbox."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hubportal.notifications.enums import Channel
from hubportal.notifications.services import notification_enqueue


class Command(BaseCommand):
    help = "Queue a test message through the outbox; the Celery worker delivers it."

    def add_arguments(self, parser):
        parser.add_argument("to", help="email address, or phone number with --sms")
        parser.add_argument("--sms", action="store_true", help="send an SMS instead of email")
        parser.add_argument("--language", choices=["nb", "nn", "en"], default="nb")

    def handle(self, *args, to, sms, language, **options):
        with transaction.atomic():
            notification = notification_enqueue(
                template="notifications/test_message",
                context={"name": to},
                to_address=to,
                channel=Channel.SMS if sms else Channel.EMAIL,
                language=language,
            )
        if notification is None:
            raise CommandError("no address given")
        self.stdout.write(f"queued notification {notification.pk} to {to}")
