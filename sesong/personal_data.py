"""Seasonal allocation: the applications the person submitted or is the contact of, and
their answers to decisions. Applications and the round's journal are the organisation's
and the archive's records: on deletion they stay without the person (no submitter, no
contact details where the person was the contact); who published a round, decided or
answered, and the journal, are kept for the archive."""

from __future__ import annotations

from hubportal.accounts import registry
from hubportal.accounts.registry import iso

from .models import Application, ApplicationRound, Decision, JournalEntry
from .services import season_erase_person


def _export(user) -> dict:
    applications = (
        Application.objects.filter(submitted_by=user)
        .select_related("round", "organisation")
        .prefetch_related("wishes__resource")
        .order_by("submitted_at", "pk")
    )
    return {
        "applications": [
            {
                "reference": a.reference,
                "round": a.round.name,
                "organisation": a.organisation.name,
                "activity": a.activity_name,
                "participants": a.participants,
                "contact": {
                    "name": a.contact_name,
                    "email": a.contact_email,
                    "phone": a.contact_phone,
                },
                "status": a.status,
                "submitted_at": iso(a.submitted_at),
                "wishes": [
                    {
                        "weekday": w.weekday,
                        "from": w.starts_at.isoformat(timespec="minutes"),
                        "until": w.ends_at.isoformat(timespec="minutes"),
                        "resource": w.resource.name if w.resource_id else None,
                    }
                    for w in a.wishes.all()
                ],
            }
            for a in applications
        ],
        # As staff: what the round's journal keeps for the archive (who decided, published).
        "decisions_made": [
            {"application": d.application.reference, "outcome": d.outcome, "at": iso(d.decided_at)}
            for d in Decision.objects.filter(decided_by=user).select_related("application")
        ],
        "answers_given": [
            {
                "application": d.application.reference,
                "answer": d.response,
                "at": iso(d.responded_at),
            }
            for d in Decision.objects.filter(responded_by=user).select_related("application")
        ],
        "rounds_published": [
            {"round": r.name, "at": iso(r.published_at)}
            for r in ApplicationRound.objects.filter(published_by=user)
        ],
        "journal_entries": [
            {"round": e.round.name, "kind": e.kind, "text": e.text, "at": iso(e.at)}
            for e in JournalEntry.objects.filter(actor=user).select_related("round")
        ],
    }


def _erase(user) -> None:
    season_erase_person(user=user)


registry.register(
    "seasonal_allocation",
    export=_export,
    erase=_erase,
    models=[
        "sesong.Application",
        "sesong.ApplicationRound",
        "sesong.Decision",
        "sesong.JournalEntry",
    ],
    # The round's record for the archive (who published, decided, answered, and the
    # journal) is kept, as the audit trail is: the account stays as a nameless placeholder.
    retains=["sesong.ApplicationRound", "sesong.Decision", "sesong.JournalEntry"],
    order=50,
)
