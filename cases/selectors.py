"""Read-only questions about cases asked from outside the app (the privacy app)."""

from accounts.models import User
from cases.models import Case, Entry, SharedInformation


def personal_data(user: User) -> dict:
    """What the case tool holds about a staff member, for a Law 25 access request.

    Their part in cases, by opaque reference and date: which they reported, led, wrote in.
    Never the content: what was told, notes and students' names are about other people
    (minors above all). What the police shared goes under "police", which the privacy app
    always drops (YCJA s. 125).
    """
    reported = Case.objects.filter(reported_by=user).only("reference", "created_at", "status")
    led = Case.objects.filter(lead=user).only("reference", "created_at", "status")
    written = (Entry.objects.filter(written_by=user).select_related("case")
               .only("kind", "happened_at", "case__reference").order_by("happened_at"))
    shared = (SharedInformation.objects.filter(shared_by=user).select_related("handoff__case")
              .only("purpose", "created_at", "handoff__case__reference"))
    return {
        "cases_reported": [{"reference": c.reference, "reported_at": c.created_at.isoformat(),
                            "status": c.status} for c in reported.order_by("created_at")],
        "cases_led": [{"reference": c.reference, "opened_at": c.created_at.isoformat(),
                       "status": c.status} for c in led.order_by("created_at")],
        "entries_written": [{"case": e.case.reference, "kind": e.kind,
                             "at": e.happened_at.isoformat()} for e in written],
        "police": [{"case": s.handoff.case.reference, "purpose": s.purpose,
                    "at": s.created_at.isoformat()} for s in shared],
    }
