"""The write side of notifications: sending them, reading them, and members' choices.

``notify`` is called by other apps inside their own transaction, so a notification exists exactly
when what it is about does. It only writes rows; e-mails go out later, batched by the beat task
(one mail per member, kind and period), so a busy thread never floods anyone's inbox.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from notifications import registry
from notifications.access import unsubscribe_token
from notifications.models import EmailDelivery, Notification, Preference
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


# --- E-mail ---------------------------------------------------------------------------------------


def send_pending_emails(*, now: datetime | None = None) -> int:
    """Mail each member what is pending for them, one mail per kind; returns how many were sent.
    Each mail is its own transaction, so one member's trouble does not hold back the others."""
    period_start = period_of(now or timezone.now())
    groups = (
        Notification.objects.filter(email_pending=True)
        .values_list("recipient_id", "kind")
        .distinct()
        .order_by()
    )
    return sum(
        email_batch(recipient_id=recipient_id, kind_key=key, period_start=period_start)
        for recipient_id, key in list(groups)
    )


def period_of(moment: datetime) -> datetime:
    """The start of the e-mail period ``moment`` falls in (periods are counted from the epoch)."""
    length = settings.NOTIFICATION_EMAIL_PERIOD
    return datetime.fromtimestamp(moment.timestamp() // length * length, tz=UTC)


@transaction.atomic
def email_batch(*, recipient_id: int, kind_key: str, period_start: datetime) -> bool:
    """Mail one member their pending notifications of one kind, unless this period's mail for it
    went out already. The delivery row, the rows marked e-mailed and the queued mail commit
    together: a task run twice, or retried after a crash, sends nothing the second time."""
    try:
        with transaction.atomic():
            delivery = EmailDelivery.objects.create(
                recipient_id=recipient_id, kind=kind_key, period_start=period_start
            )
    except IntegrityError:
        return False  # mailed this period already: the rest waits for the next one
    items = list(
        Notification.objects.select_for_update(of=("self",))
        .filter(recipient_id=recipient_id, kind=kind_key, email_pending=True)
        .select_related("actor")
        .order_by("pk")
    )
    recipient = get_user_model().objects.get(pk=recipient_id)
    try:
        kind = registry.kind(kind_key)
    except KeyError:  # its app no longer declares it: nothing to write the mail with
        kind = None
    sent = bool(items) and kind is not None and recipient.is_active
    if sent:
        _mail(recipient, kind, items)
        delivery.item_count = len(items)
        delivery.save(update_fields=["item_count"])
    else:  # taken by a run that overlapped this one, or no longer to be mailed
        delivery.delete()
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(
        email_pending=False, emailed_at=timezone.now() if sent else None
    )
    return sent


@dataclass(frozen=True)
class Line:
    """One line of a mail: a notification, or several of one batch told together."""

    text: str
    url: str


def lines_of(kind: Kind, items: list[Notification]) -> list[Line]:
    """Items sharing a batch key become one line, linking to the first of them; the others are
    one line each, in the order they came."""
    batches: dict[str, list[Notification]] = {}
    for item in items:
        batches.setdefault(item.batch_key or f"#{item.pk}", []).append(item)
    lines = []
    for batch in batches.values():
        first, last = batch[0], batch[-1]
        if len(batch) == 1:
            text = first.text
        else:
            text = kind.batch_sentence % {"count": len(batch), "subject": last.subject}
        lines.append(Line(text=text, url=f"{settings.SITE_URL}{first.url}"))
    return lines


def _mail(recipient, kind: Kind, items: list[Notification]) -> None:
    unsubscribe_path = reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(recipient, kind)]
    )
    unsubscribe_url = f"{settings.SITE_URL}{unsubscribe_path}"
    with translation.override(recipient.language):
        lines = lines_of(kind, items)
        if len(items) == 1:
            subject = gettext("[KnowBridge] %(text)s") % {"text": lines[0].text}
        else:
            subject = ngettext(
                "[KnowBridge] %(count)d new notification: %(kind)s",
                "[KnowBridge] %(count)d new notifications: %(kind)s",
                len(items),
            ) % {"count": len(items), "kind": kind.label}
        context = {
            "LANGUAGE_CODE": recipient.language,
            "recipient": recipient,
            "kind": kind,
            "lines": lines,
            "list_url": f"{settings.SITE_URL}{reverse('notifications:list')}",
            "settings_url": f"{settings.SITE_URL}{reverse('notifications:settings')}",
            "unsubscribe_url": unsubscribe_url,
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("notifications/email/batch.txt", context),
            to=[recipient.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(
            render_to_string("notifications/email/batch.html", context), "text/html"
        )
    message.send()
