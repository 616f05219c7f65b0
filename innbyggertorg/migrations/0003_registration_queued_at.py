from django.db import migrations, models
from django.db.models import F


def queued_when_registered(apps, schema_editor):
    """Those already waiting joined the list when they registered (the old order)."""
    Registration = apps.get_model("innbyggertorg", "Registration")
    Registration.objects.filter(status="waitlisted").update(queued_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("innbyggertorg", "0002_event_registration_event_event_upcoming_idx_and_more")]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="queued_at",
            field=models.DateTimeField(
                editable=False, null=True, verbose_name="on the waiting list since"
            ),
        ),
        migrations.RunPython(queued_when_registered, migrations.RunPython.noop),
    ]
