"""Demo rooms (DEMO DATA): a divisible hall, meeting rooms and equipment at some hubs."""

from hubportal.core.demo import DemoReport, demo_loader
from knutepunkt.models import Hub

from .enums import ApprovalRule, ResourceKind, WhoMayBook
from .models import Resource


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
        Resource.objects.get_or_create(
            hub=hub,
            name="Møterom 1",
            defaults={
                "kind": ResourceKind.MEETING_ROOM,
                "capacity": 12,
                "facilities": ["projector"],
            },
        )
        Resource.objects.get_or_create(
            hub=hub,
            name="Lydtekniker",
            defaults={"kind": ResourceKind.TECHNICIAN, "who_may_book": WhoMayBook.CITIZENS},
        )
