"""The write side of digests: members' choices, and deciding and sending each period's digest.

Exactly once per member and period
----------------------------------
Beat marks the due subscriptions queued (``mark_due_queued``) and queues their ids in batches;
``send_batch`` then works a batch in two steps, each safe to run twice, at once, or again after a
crash:

1. **Claim** (``claim_batch``). The batch's digests are built with a fixed number of queries
   (``digests.building``); then, member by member, one transaction locks the subscription,
   checks it is still due for the period built, writes the ``Delivery`` (unique per member and
   period: a second run's insert fails and it moves on), and moves ``next_due_at`` on to the next
   period. A digest to send is written ``claimed`` with its Message-ID, derived from (member,
   period) alone; a skipped one ``skipped`` with its reason. A member is decided once per period
   and never examined again until the next.
2. **Send** (``send_claimed``). Over one SMTP connection for the batch, each ``claimed`` delivery
   is locked (``SKIP LOCKED``: a second worker on the same batch passes over it), sent, and
   marked ``sent`` in its own transaction. A delivery a dead worker left ``claimed`` is sent by
   the redelivered task (``acks_late``, ``reject_on_worker_lost``), or by the next beat run
   (``stuck_claims``) if the message itself was lost.

SMTP has an inherent window (RFC 1047) between the server accepting a message and the client
recording that it did: a worker killed inside it leaves a delivery ``claimed`` that was in fact
sent, and it is sent again. The guarantee is therefore: every due member gets their digest; a
duplicate can only come from that window, at most one message per killed worker, and carries the
same Message-ID as the first, which mail systems collapse into one.

An SMTP error that may pass (a 4xx reply, a dropped connection) marks the delivery ``failed``
(reason ``smtp``) and the task retries it with backoff, up to ``MAX_ATTEMPTS``; a refused address
(5xx) is ``failed`` for good (reason ``refused``).
"""

import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext

from digests import building, schedule
from digests.access import unsubscribe_token, view_token
from digests.models import ConsentEvent, Delivery, Subscription

Frequency = Subscription.Frequency
Status = Delivery.Status
Reason = Delivery.Reason

BATCH_SIZE = 200
QUEUE_AGAIN_AFTER = timedelta(minutes=15)  # a batch queued this long ago and still due was lost
MAX_PER_RUN = 20_000  # due subscriptions one beat run queues; the rest wait for the next run
MAX_ATTEMPTS = 6
SCHEDULE_FIELDS = ("frequency", "weekday", "day_of_month", "hour", "time_zone")
LESS_OFTEN = {Frequency.DAILY: Frequency.WEEKLY, Frequency.WEEKLY: Frequency.MONTHLY}


# --- Members' choices -----------------------------------------------------------------------------


def default_time_zone(member) -> str:
    profile = getattr(member, "profile", None)
    region = getattr(profile, "canadian_region", None) if profile else None
    return (region.time_zone if region is not None else "") or settings.TIME_ZONE


@transaction.atomic
def subscribe_new_member(*, member, now: datetime | None = None) -> Subscription:
    """A new member's subscription (weekly, in their time zone), with its consent recorded."""
    subscription, created = Subscription.objects.get_or_create(
        member=member, defaults={"time_zone": default_time_zone(member)}
    )
    if created:
        subscription.next_due_at = schedule.next_of(subscription, after=now or timezone.now())
        subscription.save(update_fields=["next_due_at"])
        ConsentEvent.objects.create(
            member=member,
            source=ConsentEvent.Source.SIGN_UP,
            before=Frequency.OFF,
            after=subscription.frequency,
        )
    return subscription


@transaction.atomic
def change_subscription(
    *, member, source: str, now: datetime | None = None, **changes
) -> Subscription:
    """Change a member's subscription: any of its fields (``sectors``, ``city_regions`` and
    ``indicators`` as lists of objects or ids). Invalid values raise ValidationError, naming the
    field; nothing is saved then. A new schedule is due from now on; a change of frequency is
    recorded as a consent change with its source."""
    subscribe_new_member(member=member, now=now)
    subscription = Subscription.objects.select_for_update().get(pk=member.pk)
    before = subscription.frequency
    relations = {
        name: changes.pop(name)
        for name in ("sectors", "city_regions", "indicators")
        if name in changes
    }
    unknown = set(changes) - {
        "frequency",
        "weekday",
        "day_of_month",
        "hour",
        "time_zone",
        "follows_profile",
        "language",
    }
    if unknown:
        raise ValidationError({name: gettext("This cannot be changed.") for name in unknown})
    schedule_changed = any(
        name in changes and changes[name] != getattr(subscription, name) for name in SCHEDULE_FIELDS
    )
    for name, value in changes.items():
        setattr(subscription, name, value)
    subscription.full_clean(exclude=["member", "sectors", "city_regions", "indicators"])
    if schedule_changed:
        subscription.next_due_at = schedule.next_of(subscription, after=now or timezone.now())
        subscription.queued_at = None
    subscription.save()
    for name, value in relations.items():
        getattr(subscription, name).set(value)
    if subscription.frequency != before:
        ConsentEvent.objects.create(
            member=member, source=source, before=before, after=subscription.frequency
        )
    return subscription


def unsubscribe(*, member, source: str, frequency: str = Frequency.OFF) -> Subscription:
    """Stop the member's digests (or make them less frequent); idempotent."""
    return change_subscription(member=member, source=source, frequency=frequency)


def less_often(frequency: str) -> str | None:
    return LESS_OFTEN.get(frequency)


# --- Beat -----------------------------------------------------------------------------------------


def due(now: datetime):
    """Subscriptions due and not waiting in the queue, from the partial index ``digest_due``."""
    return (
        Subscription.objects.filter(next_due_at__lte=now)
        .exclude(frequency=Frequency.OFF)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - QUEUE_AGAIN_AFTER))
    )


def mark_due_queued(*, now: datetime | None = None, size: int = BATCH_SIZE) -> list[list[int]]:
    """Mark the due subscriptions queued, in batches of ``size`` ids in id order, and return the
    batches for the caller to queue. A second run at the same moment (beat firing twice) finds
    them marked, or locked (``SKIP LOCKED``), and returns nothing for them."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            due(now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:MAX_PER_RUN]
        )
        Subscription.objects.filter(pk__in=ids).update(queued_at=now)
    return [ids[start : start + size] for start in range(0, len(ids), size)]


SENDABLE = Q(status=Status.CLAIMED) | Q(
    status=Status.FAILED, reason=Reason.SMTP, attempts__lt=MAX_ATTEMPTS
)


def stuck_claims(*, now: datetime | None = None, size: int = BATCH_SIZE) -> list[list[int]]:
    """Members whose digest, claimed or failed with an error that may pass, has waited
    ``QUEUE_AGAIN_AFTER`` unsent (its task lost, or its retries too): batches to queue again.
    Sending them twice at once is harmless (rows are locked to send); each try counts towards
    ``MAX_ATTEMPTS``."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(SENDABLE, created_at__lt=now - QUEUE_AGAIN_AFTER)
        .order_by("member_id")
        .values_list("member_id", flat=True)
        .distinct()[:MAX_PER_RUN]
    )
    return [ids[start : start + size] for start in range(0, len(ids), size)]


# --- Claiming -------------------------------------------------------------------------------------


def claim_batch(*, member_ids, now: datetime | None = None) -> dict[str, int]:
    """Decide the batch's digests for their due period (step 1); returns counts by outcome."""
    now = now or timezone.now()
    subscriptions = building.subscriptions_for(member_ids)
    decided = building.gather(subscriptions, now=now)
    counts = {"claimed": 0, "skipped": 0, "taken": 0}
    for subscription in subscriptions:
        outcome = _claim_one(subscription, decided.get(subscription.pk), now)
        if outcome:
            counts[outcome] += 1
    return counts


@transaction.atomic
def _claim_one(read: Subscription, contents: building.Contents | None, now) -> str | None:
    subscription = Subscription.objects.select_for_update().filter(pk=read.pk).first()
    if subscription is None:
        return None
    if contents is None or (
        subscription.next_due_at != read.next_due_at
        or any(getattr(subscription, name) != getattr(read, name) for name in SCHEDULE_FIELDS)
    ):
        # Not due, turned off, or decided by another run (or changed) since it was read: the
        # next beat run queues it again if it is still due.
        if subscription.queued_at is not None and contents is None:
            Subscription.objects.filter(pk=read.pk).update(queued_at=None)
        return None
    delivery = Delivery(
        member_id=contents.member_id,
        period=contents.period,
        frequency=contents.frequency,
        status=Status.CLAIMED if contents.to_send else Status.SKIPPED,
        reason=contents.reason,
        item_count=contents.item_count,
        items=contents.items,
        since=contents.since,
        language=contents.language,
        message_id=message_id(contents.member_id, contents.period) if contents.to_send else "",
    )
    try:
        with transaction.atomic():
            delivery.save(force_insert=True)
        outcome = "claimed" if contents.to_send else "skipped"
    except IntegrityError:  # this period was decided already, by another run or worker
        outcome = "taken"
    subscription.next_due_at = schedule.next_of(
        subscription, after=max(now, subscription.next_due_at)
    )
    subscription.queued_at = None
    update = ["next_due_at", "queued_at"]
    if outcome == "claimed":
        subscription.last_sent_at = contents.until
        update.append("last_sent_at")
    subscription.save(update_fields=update)
    return outcome


def message_id(member_id: int, period: str) -> str:
    """The same for every attempt at one member's digest of one period, and telling nobody the
    member's id."""
    digest = salted_hmac("digests.message-id", f"{member_id}:{period}").hexdigest()[:24]
    return f"<digest.{period}.{digest}@{message_id_domain()}>"


# --- Sending --------------------------------------------------------------------------------------


class TransientSendError(Exception):
    """Some digests of the batch met an SMTP error that may pass: retry the batch later."""


@dataclass
class Sent:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    transient: list[int] = field(default_factory=list)


def send_claimed(*, member_ids, connection=None) -> Sent:
    """Send the batch's claimed digests (step 2) over one SMTP connection."""
    result = Sent()
    deliveries = list(
        Delivery.objects.filter(SENDABLE, member_id__in=list(member_ids))
        .select_related("member")
        .order_by("member_id", "pk")
    )
    if not deliveries:
        return result
    digests = building.load([delivery.items for delivery in deliveries])
    turned_off = set(
        Subscription.objects.filter(
            pk__in=[d.member_id for d in deliveries], frequency=Frequency.OFF
        ).values_list("pk", flat=True)
    )
    connection = connection or get_connection(settings.EMAIL_DELIVERY_BACKEND)
    try:
        for delivery, digest in zip(deliveries, digests, strict=True):
            outcome = _send_one(delivery, digest, connection, delivery.member_id in turned_off)
            if outcome == "sent":
                result.sent += 1
            elif outcome == "skipped":
                result.skipped += 1
            elif outcome == "transient":
                result.transient.append(delivery.pk)
                connection.close()  # a fresh connection for the next one
            elif outcome == "failed":
                result.failed += 1
    finally:
        connection.close()
    return result


@transaction.atomic
def _send_one(delivery: Delivery, digest: building.Digest, connection, turned_off: bool) -> str:
    locked = (
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(SENDABLE, pk=delivery.pk)
        .first()
    )
    if locked is None:  # sent, or being sent by another worker
        return "taken"
    if turned_off:
        locked.status, locked.reason = Status.SKIPPED, Reason.UNSUBSCRIBED
        locked.save(update_fields=["status", "reason"])
        return "skipped"
    message = compose(delivery, digest, connection=connection)
    locked.attempts += 1
    try:
        if not connection.send_messages([message]):
            raise smtplib.SMTPServerDisconnected("the connection could not be opened")
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        outcome = _failed(locked, Reason.REFUSED, error)
    except smtplib.SMTPResponseException as error:
        permanent = 500 <= error.smtp_code < 600
        outcome = _failed(locked, Reason.REFUSED if permanent else Reason.SMTP, error)
    except (smtplib.SMTPException, OSError) as error:
        outcome = _failed(locked, Reason.SMTP, error)
    else:
        locked.status, locked.reason, locked.error = Status.SENT, "", ""
        locked.sent_at = timezone.now()
        outcome = "sent"
    locked.save(update_fields=["status", "reason", "error", "sent_at", "attempts"])
    return outcome


def _failed(delivery: Delivery, reason: str, error: Exception) -> str:
    delivery.status, delivery.reason = Status.FAILED, reason
    delivery.error = f"{type(error).__name__}: {error}"[:2000]
    if reason == Reason.SMTP and delivery.attempts < MAX_ATTEMPTS:
        return "transient"
    return "failed"


def send_batch(*, member_ids, now: datetime | None = None) -> dict:
    """Claim then send a batch; raises TransientSendError (after sending what it could) when
    some digests should be tried again."""
    counts = claim_batch(member_ids=member_ids, now=now)
    sent = send_claimed(member_ids=member_ids)
    counts |= {"sent": sent.sent, "failed": sent.failed, "unsubscribed": sent.skipped}
    if sent.transient:
        raise TransientSendError(f"{len(sent.transient)} digest(s) to try again", counts)
    return counts


# --- The mail -------------------------------------------------------------------------------------


def sender_name() -> str:
    return getattr(settings, "DIGEST_SENDER_NAME", "KnowBridge")


def postal_address() -> str:
    return getattr(settings, "POSTAL_ADDRESS", "KnowBridge, Toronto, Ontario, Canada")


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def context_of(delivery: Delivery, digest: building.Digest, member) -> dict:
    """What the mail's two parts and the web page show (in the active language)."""
    count = delivery.item_count
    return {
        "member": member,
        "delivery": delivery,
        "digest": digest,
        "site_url": settings.SITE_URL,
        "heading": ngettext(
            "Your KnowBridge digest: %(count)d new item",
            "Your KnowBridge digest: %(count)d new items",
            count,
        )
        % {"count": count},
        "view_url": absolute(reverse("digests:view", args=[view_token(delivery)])),
        "unsubscribe_url": absolute(
            reverse("digests:unsubscribe", args=[unsubscribe_token(member)])
        ),
        "settings_url": absolute(reverse("digests:settings")),
        "sender_name": sender_name(),
        "postal_address": postal_address(),
    }


def compose(delivery: Delivery, digest: building.Digest, *, connection=None):
    """The multipart (text + HTML) mail of a claimed delivery, in its language."""
    member = delivery.member
    with translation.override(delivery.language or member.language):
        context = context_of(delivery, digest, member)
        subject = gettext("[KnowBridge] Your digest: %(count)s new on the network") % {
            "count": delivery.item_count
        }
        text = render_to_string("digests/email/digest.txt.jinja", context, using="jinja2")
        html = render_to_string("digests/email/digest.html.jinja", context, using="jinja2")
    unsubscribe_url = context["unsubscribe_url"]
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[member.email],
        connection=connection,
        headers={
            "Message-ID": delivery.message_id,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{sender_name()} digest <digest.{message_id_domain()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def message_id_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "knowbridge.local"


def preview(*, member, now: datetime | None = None) -> tuple[building.Contents, str]:
    """The member's next digest as it would be decided now, and its text part; records
    nothing."""
    now = now or timezone.now()
    found = building.subscriptions_for([member.pk])
    if not found:
        raise Subscription.DoesNotExist(f"{member} has no digest subscription.")
    [subscription] = found
    if subscription.frequency == Frequency.OFF:
        subscription.frequency = Frequency.WEEKLY
    subscription.next_due_at = min(subscription.next_due_at or now, now)
    contents = building.gather([subscription], now=now)[member.pk]
    delivery = Delivery(
        pk=0,
        member=member,
        period=contents.period,
        frequency=contents.frequency,
        item_count=contents.item_count,
        items=contents.items,
        since=contents.since,
        language=contents.language,
    )
    [digest] = building.load([contents.items])
    with translation.override(delivery.language or member.language):
        text = render_to_string(
            "digests/email/digest.txt.jinja", context_of(delivery, digest, member), using="jinja2"
        )
    return contents, text
