"""The write side of notifications: sending them, reading them, and members' choices.

``notify`` is called by other apps inside their own transaction, so a notification exists exactly
when what it is about does. It only writes rows; e-mails go out later, batched by the beat task
(one mail per member, kind and period), so a busy thread never floods anyone's inbox.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import registry
from notifications.models import Notification, Preference
from notifications.registry import Delivery, Kind

SUBJECT_LENGTH = Notification._meta.get_field("subject").max_length
BATCH_KEY_LENGTH = Notification._meta.get_field("batch_key").max_length


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: Kind | str,
    actor=None,
    subject: str,
    url: str,
    target=None,
    batch_key: str = "",
) -> int:
    """Notify ``recipients`` (members) of one thing; returns how many were notified.

    Skips the actor, inactive members and those who turned the kind off. ``url`` is a path on
    the site; ``subject`` is kept as a snapshot (what a thread was called when it happened).
    Notifications sharing a ``batch_key`` are told together ("4 new replies in …").
    """
    the_kind = registry.kind(kind.key if isinstance(kind, Kind) else kind)
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"A notification links to a path on the site, not {url!r}.")
    members = {
        member.pk: member
        for member in recipients
        if member.is_active and (actor is None or member.pk != actor.pk)
    }
    if not members:
        return 0
    chosen = dict(
        Preference.objects.filter(member__in=members, kind=the_kind.key).values_list(
            "member_id", "delivery"
        )
    )
    rows = []
    for member_id in members:
        delivery = chosen.get(member_id, the_kind.default)
        if delivery == Delivery.OFF:
            continue
        rows.append(
            Notification(
                recipient_id=member_id,
                kind=the_kind.key,
                actor=actor,
                subject=subject[:SUBJECT_LENGTH],
                url=url,
                target=target,
                batch_key=batch_key[:BATCH_KEY_LENGTH],
                email_pending=delivery == Delivery.EMAIL,
            )
        )
    Notification.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def mark_read(*, member, ids: Iterable[int] | None = None) -> int:
    """Mark the member's notifications read (all of them when ``ids`` is None); ids of other
    members' notifications are ignored. What was read on the site is not mailed afterwards."""
    unread = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now(), email_pending=False)


@transaction.atomic
def set_preferences(*, member, deliveries: Mapping[str, str]) -> None:
    """Set how the member hears of each kind named in ``deliveries`` ({kind key: Delivery}).
    Mail not yet sent for a kind turned away from e-mail is not sent."""
    known = {kind.key for kind in registry.kinds()}
    errors = {}
    for key, delivery in deliveries.items():
        if key not in known:
            errors[key] = ValidationError(_("There is no such kind of notification."), "invalid")
        elif delivery not in Delivery.values:
            errors[key] = ValidationError(_("Choose one of the options."), "invalid_choice")
    if errors:
        raise ValidationError(errors)
    Preference.objects.bulk_create(
        [
            Preference(member=member, kind=key, delivery=delivery)
            for key, delivery in deliveries.items()
        ],
        update_conflicts=True,
        unique_fields=["member", "kind"],
        update_fields=["delivery"],
    )
    not_mailed = [key for key, delivery in deliveries.items() if delivery != Delivery.EMAIL]
    Notification.objects.filter(recipient=member, kind__in=not_mailed, email_pending=True).update(
        email_pending=False
    )
