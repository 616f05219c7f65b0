from django.db import models
from django.utils.translation import gettext_lazy as _


class ArrangementKind(models.TextChoices):
    """What a cooperation shares: a service of one member's catalogue, or a room of one
    member's hub. Each kind names the field that says which."""

    SERVICE = "service", _("Shared service")
    ROOM = "room", _("Shared room")

    @property
    def target_field(self) -> str:
        return {ArrangementKind.SERVICE: "service_type", ArrangementKind.ROOM: "resource"}[self]
