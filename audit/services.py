"""Recording what staff did; every app calls ``audit_record`` where the action happens."""

from audit.models import AuditEntry

EXPORT_PERMISSION = "audit.export_personal_data"
# The actions callers name, so other apps need not import the model.
AuditAction = AuditEntry.Action


def audit_record(*, actor, action: str, subject: str, count: int | None = None) -> AuditEntry:
    """Append one entry. ``actor`` is a staff user, or None for a person acting on their own data.

    ``subject`` names the thing acted on (a list, an issue, a session), never a person.
    """
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor is not None else "the person, by their link",
        action=action,
        subject=subject[:300],
        count=count,
    )
