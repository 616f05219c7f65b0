"""Load the demo data (idempotent). Every app contributes through hubportal.core.demo."""

from django.core.management.base import BaseCommand

from hubportal.core import demo


class Command(BaseCommand):
    help = "Load the demo data: municipalities, hubs and one user per role (idempotent)."

    def handle(self, *args, **options):
        report = demo.load_demo_data()
        self.stdout.write(self.style.SUCCESS("Demo data loaded (this is DEMO data, not real)."))
        self.stdout.write("Demo users (email / password):")
        for line in report.user_lines:
            self.stdout.write(f"  {line}")
