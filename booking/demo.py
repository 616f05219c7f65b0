"""Demo rooms (DEMO DATA): a divisible hall, meeting rooms and equipment at some hubs."""

from hubportal.core.demo import DemoReport, demo_loader
from knutepunkt.models import Hub

from .enums import ApprovalRule, ResourceKind, WhoMayBook
from .models import Lock, LockSystem, Resource


@demo_loader
def load_resources(report: DemoReport) -> None:
    for hub in Hub.objects.filter(municipality__slug__in=["asker", "drammen"]):
        hall, _ = Resource.objects.get_or_create(
            hub=hub,
            name="Storsalen",
            defaults={
                "kind": ResourceKind.HALL,
                "capacity": 80,
                "facilities": ["stage", "sound", "light", "projector", "hearing_loop"],
                "approval": ApprovalRule.MIXED,
                "buffer_after_minutes": 30,
                "max_minutes": 6 * 60,
            },
        )
        for half in ("Storsalen øst", "Storsalen vest"):
            Resource.objects.get_or_create(
                hub=hub,
                name=half,
                parent=hall,
                defaults={
                    "kind": ResourceKind.HALL,
                    "capacity": 40,
                    "facilities": ["projector"],
                    "approval": ApprovalRule.MIXED,
                },
            )
        meeting_room, _ = Resource.objects.get_or_create(
            hub=hub,
            name="Møterom 1",
            defaults={
                "kind": ResourceKind.MEETING_ROOM,
                "capacity": 12,
                "facilities": ["projector"],
            },
        )
        # Self-service evenings: a booking of the meeting room gets a code for the entrance
        # (no lock system: the code is shown on the booking page and sent).
        Lock.objects.get_or_create(
            resource=meeting_room,
            name="Hovedinngang",
            defaults={"system": LockSystem.CONSOLE},
        )
        Resource.objects.get_or_create(
            hub=hub,
            name="Lydtekniker",
            defaults={"kind": ResourceKind.TECHNICIAN, "who_may_book": WhoMayBook.CITIZENS},
        )
