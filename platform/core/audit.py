from core.models import AuditEvent


def record(*, actor, action: str, target, reason: str = "", **details) -> AuditEvent:
    """Write an audit event; call it inside the transaction of the change it describes."""
    return AuditEvent.objects.create(
        actor=actor, action=action, target=target, reason=reason, details=details
    )
